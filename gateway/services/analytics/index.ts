/**
 * Analytics: a node's incidents and charging tickets, read over its SSH link. Administrators
 * only (a user session gets 403). The SDK sends `nodeId` on every call; dates as `YYYYMMDD`
 * (see domain/analytics/dates.ts for the zone and the extensions); `files` comma-separated;
 * `all` as `true`; `top` and `last` as whole numbers.
 *
 *   GET incidents?nodeId&last               {incidents: IncidentJson[]}
 *   GET charging/files?nodeId&fromDate&toDate  {files: ChargingFileJson[]}
 *   GET charging?nodeId&fromDate&toDate&top&all    ChargingResultJson (a date range)
 *   GET charging?nodeId&files&top&all              ChargingResultJson (chosen files)
 *
 * Registered with the lookup of a node's analytics, so the plugin needs nothing else of the core.
 */
import { Readable } from "node:stream";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import {
  AnalyticsError,
  ChargingFileSchema,
  type ChargingResultJson,
  ChargingResultSchema,
  chargingFileJson,
  chargingResultChunks,
  IncidentSchema,
  incidentJson,
  type NodeAnalytics,
  parseDateParam,
  rangeOf,
  type TimeRange,
} from "../../domain/analytics/index.js";
import { badRequest, notFound, O2gError, unavailable } from "../common/errors.js";
import { requireAdmin, session } from "../common/request.js";
import { isSet, QueryFlag } from "../common/schemas.js";

export interface AnalyticsServiceOptions {
  /** the analytics of node `nodeId`; undefined for a node the gateway does not serve over SSH */
  node(nodeId: number): NodeAnalytics | undefined;
}

const NodeId = Type.Integer({ minimum: 1, maximum: 99999, description: "the OXE node" });
const Count = (description: string) => Type.Integer({ minimum: 1, maximum: 999_999_999, description });
/** Checked by parseDateParam, whose message says what it takes. */
const DateText = Type.String({
  maxLength: 40,
  description: "YYYYMMDD (local day), or a local or zoned date-time (an extension of this gateway)",
});
const DateRangeQuery = { fromDate: Type.Optional(DateText), toDate: Type.Optional(DateText) };

const IncidentsQuery = Type.Object({
  nodeId: NodeId,
  last: Type.Optional(Count("the most recent incidents only, this many")),
});
const ChargingFilesQuery = Type.Object({ nodeId: NodeId, ...DateRangeQuery });
const ChargingQuery = Type.Object({
  nodeId: NodeId,
  ...DateRangeQuery,
  files: Type.Optional(
    Type.String({
      maxLength: 16_384,
      description: "charging file names, comma-separated (instead of dates)",
    }),
  ),
  top: Type.Optional(Count("the costliest lines only, this many")),
  all: Type.Optional(QueryFlag),
});

function date(name: string, v: string | undefined) {
  if (v === undefined) return undefined;
  const d = parseDateParam(v);
  if (!d) throw badRequest(`${name} "${v}" is not a date: use YYYYMMDD`);
  return d;
}

function dateRange(q: { fromDate?: string; toDate?: string }): TimeRange {
  const r = rangeOf(date("fromDate", q.fromDate), date("toDate", q.toDate));
  if (r.from >= r.to) throw badRequest("fromDate is after toDate");
  return r;
}

/**
 * A ChargingResult's chunks as the body: fastify pipes a stream past the serializer, and the
 * route's typing (which expects the object the schema describes) is told so here, once.
 */
function streamedResult(chunks: Iterable<string>): ChargingResultJson {
  return Readable.from(chunks, { objectMode: false }) as unknown as ChargingResultJson;
}

function errorOf(err: unknown): unknown {
  if (!(err instanceof AnalyticsError)) return err;
  switch (err.failure) {
    case "unavailable":
      return unavailable(err.message);
    case "notFound":
      return notFound(err.message);
    case "badRequest":
      return badRequest(err.message);
    case "badAnswer":
      return new O2gError(502, err.message, { type: "BAD_GATEWAY", canRetry: true });
  }
}

export async function analyticsService(
  fastify: FastifyInstance,
  options: AnalyticsServiceOptions,
): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;

  // Who may ask comes before what is asked (a user learns nothing of the nodes, not even that a
  // query is malformed): checked before the query's validation.
  app.addHook("onRequest", (req, _reply, done) => {
    try {
      requireAdmin(session(core, req));
      done();
    } catch (err) {
      done(err as Error);
    }
  });

  const nodeOf = (nodeId: number): NodeAnalytics => {
    const node = options.node(nodeId);
    if (!node) throw notFound(`no node ${nodeId} with analytics`);
    return node;
  };

  app.get(
    "/incidents",
    {
      schema: {
        summary: "The node's incidents, the most recent last",
        "x-o2g-access": "administrator",
        querystring: IncidentsQuery,
        response: { 200: Type.Object({ incidents: Type.Array(IncidentSchema) }, { title: "Incidents" }) },
      },
    },
    async (req) => {
      const node = nodeOf(req.query.nodeId);
      try {
        return { incidents: (await node.incidents(req.query.last)).map(incidentJson) };
      } catch (err) {
        throw errorOf(err);
      }
    },
  );

  app.get(
    "/charging/files",
    {
      schema: {
        summary: "The node's charging files of a date range (today without dates)",
        "x-o2g-access": "administrator",
        querystring: ChargingFilesQuery,
        response: { 200: Type.Object({ files: Type.Array(ChargingFileSchema) }, { title: "ChargingFiles" }) },
      },
    },
    async (req) => {
      const node = nodeOf(req.query.nodeId);
      const range = dateRange(req.query);
      try {
        return { files: (await node.chargingFiles(range)).map(chargingFileJson) };
      } catch (err) {
        throw errorOf(err);
      }
    },
  );

  app.get(
    "/charging",
    {
      schema: {
        summary: "Charging of a date range or of chosen files: every ticket (all) or per user totals",
        description:
          "The answer is written as it is made (chunked), never as one string: it is not checked " +
          "by the serializer, and the gateway's unit tests hold it to this schema.",
        "x-o2g-access": "administrator",
        querystring: ChargingQuery,
        response: { 200: ChargingResultSchema },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const node = nodeOf(q.nodeId);
      const all = isSet(q.all);
      const dated = q.fromDate !== undefined || q.toDate !== undefined;
      let range: TimeRange | undefined;
      if (q.files === undefined || dated) range = dateRange(q);
      let names: string[] | undefined;
      if (q.files !== undefined) {
        // The SDK joins names with ","; ";" is how the other list parameters of O2G are joined.
        names = q.files
          .split(/[,;]/)
          .map((n) => n.trim())
          .filter(Boolean);
        if (names.length === 0) throw badRequest("files names no file");
      }
      try {
        const sel = names ? await node.chargingOfFiles(names, range) : await node.chargingOfRange(range!);
        const opts = q.top === undefined ? { all } : { all, top: q.top };
        const chunks = chargingResultChunks(sel, opts, names ? undefined : range);
        return reply.type("application/json; charset=utf-8").send(streamedResult(chunks));
      } catch (err) {
        throw errorOf(err);
      }
    },
  );
}
