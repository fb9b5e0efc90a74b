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
import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  AnalyticsError,
  chargingFileJson,
  chargingResultChunks,
  incidentJson,
  type NodeAnalytics,
  parseDateParam,
  rangeOf,
  type TimeRange,
} from "../../domain/analytics/index.js";
import { queryFlag, queryInt, queryString, requireAdmin, session } from "../../http/context.js";
import { badRequest, notFound, O2gError, unavailable } from "../../http/errors.js";

export interface AnalyticsServiceOptions {
  /** the analytics of node `nodeId`; undefined for a node the gateway does not serve over SSH */
  node(nodeId: number): NodeAnalytics | undefined;
}

function date(req: FastifyRequest, name: string) {
  const v = queryString(req, name);
  if (v === undefined) return undefined;
  const d = parseDateParam(v);
  if (!d) throw badRequest(`${name} "${v}" is not a date: use YYYYMMDD`);
  return d;
}

function dateRange(req: FastifyRequest): TimeRange {
  const from = date(req, "fromDate");
  const to = date(req, "toDate");
  const r = rangeOf(from, to);
  if (r.from >= r.to) throw badRequest("fromDate is after toDate");
  return r;
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
  app: FastifyInstance,
  options: AnalyticsServiceOptions,
): Promise<void> {
  const core = app.core;

  /** Who may ask, and about which node: in that order (a user learns nothing of the nodes). */
  const nodeOf = (req: FastifyRequest): NodeAnalytics => {
    requireAdmin(session(core, req));
    const raw = queryString(req, "nodeId");
    if (raw === undefined) throw badRequest("nodeId is required");
    if (!/^\d{1,9}$/.test(raw)) throw badRequest(`nodeId must be a node number, not "${raw}"`);
    const node = options.node(Number(raw));
    if (!node) throw notFound(`no node ${raw} with analytics`);
    return node;
  };

  app.get("/incidents", async (req) => {
    const node = nodeOf(req);
    const last = queryInt(req, "last", 1);
    try {
      return { incidents: (await node.incidents(last)).map(incidentJson) };
    } catch (err) {
      throw errorOf(err);
    }
  });

  app.get("/charging/files", async (req) => {
    const node = nodeOf(req);
    const range = dateRange(req);
    try {
      return { files: (await node.chargingFiles(range)).map(chargingFileJson) };
    } catch (err) {
      throw errorOf(err);
    }
  });

  app.get("/charging", async (req, reply) => {
    const node = nodeOf(req);
    const top = queryInt(req, "top", 1);
    const all = queryFlag(req, "all");
    const filesParam = queryString(req, "files");
    const dated = queryString(req, "fromDate") !== undefined || queryString(req, "toDate") !== undefined;
    let range: TimeRange | undefined;
    if (filesParam === undefined || dated) range = dateRange(req);
    let names: string[] | undefined;
    if (filesParam !== undefined) {
      // The SDK joins names with ","; ";" is how the other list parameters of O2G are joined.
      names = filesParam
        .split(/[,;]/)
        .map((n) => n.trim())
        .filter(Boolean);
      if (names.length === 0) throw badRequest("files names no file");
    }
    try {
      const sel = names ? await node.chargingOfFiles(names, range) : await node.chargingOfRange(range!);
      const opts = top === undefined ? { all } : { all, top };
      const chunks = chargingResultChunks(sel, opts, names ? undefined : range);
      return reply.type("application/json; charset=utf-8").send(Readable.from(chunks, { objectMode: false }));
    } catch (err) {
      throw errorOf(err);
    }
  });
}
