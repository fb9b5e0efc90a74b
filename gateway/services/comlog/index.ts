/**
 * The Communication log service: a user's records (built by the gateway from their calls,
 * stored in the database), queried with filters and pages, acknowledged, deleted; every change
 * told to the user's unifiedComLog subscribers, and to the event summary (missed calls).
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Static } from "typebox";
import type { GwUser } from "../../domain/directory.js";
import { ComRecordPageSchema, ComRecordSchema } from "../../store/comlog/schema.js";
import type { ComlogFilter } from "../../store/index.js";
import { badRequest, notFound } from "../common/errors.js";
import { session, targetUser } from "../common/request.js";
import { LoginNameQuery, NoBody } from "../common/schemas.js";
import {
  AcknowledgeBody,
  AcknowledgeQuery,
  DeleteComlogQuery,
  MAX_LIMIT,
  QueryComlogQuery,
  RecordParams,
} from "./schemas.js";

function date(name: string, v: string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const d = new Date(v);
  // The schema checks the form; a month 13 or a 31st of February passes it.
  if (Number.isNaN(d.getTime())) throw badRequest(`${name} must be an ISO 8601 date, not "${v}"`);
  return d;
}

export function filterOf(
  q: Static<typeof QueryComlogQuery> | Static<typeof DeleteComlogQuery>,
): ComlogFilter {
  const f: ComlogFilter = {};
  const after = date("afterDate", q.afterDate);
  const before = date("beforeDate", q.beforeDate);
  if (after) f.afterDate = after;
  if (before) f.beforeDate = before;
  if (after && before && after >= before) throw badRequest("afterDate must be before beforeDate");
  if (q.comRef !== undefined) f.comRef = q.comRef;
  if (q.remotePartyId !== undefined) f.remotePartyId = q.remotePartyId;
  if (q.role !== undefined) f.role = q.role;
  if (q.unacknowledged) f.unacknowledged = true;
  if (q.unanswered) f.unanswered = true;
  return f;
}

export async function comlogService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;
  const repo = core.store.comlog;

  const user = (req: FastifyRequest, loginName: string | undefined): GwUser =>
    targetUser(core, req, session(core, req), loginName);

  /** Records still on their way to the database belong to the answer. */
  const settled = () => repo.flush().catch(() => {});

  function deleted(login: string, ids: number[]): void {
    if (ids.length === 0) return;
    core.bus.publish("unifiedComLog", login, {
      eventName: "OnComRecordsDeleted",
      loginName: login,
      recordIds: ids,
    });
    core.comlogChanged(login);
  }

  app.get(
    "/",
    {
      schema: {
        summary: "The user's records, filtered, newest first, a page at a time",
        querystring: QueryComlogQuery,
        response: { 200: ComRecordPageSchema },
      },
    },
    async (req) => {
      const q = req.query;
      const u = user(req, q.loginName);
      const filter = filterOf(q);
      const paging = { offset: q.offset, limit: Math.min(q.limit ?? MAX_LIMIT, MAX_LIMIT) };
      await settled();
      return repo.query(u.loginName, filter, paging, { optimized: q.optimized ?? false });
    },
  );

  app.get(
    "/:recordId",
    {
      schema: {
        summary: "One record",
        params: RecordParams,
        querystring: LoginNameQuery,
        response: { 200: ComRecordSchema },
      },
    },
    async (req) => {
      const u = user(req, req.query.loginName);
      const id = Number(req.params.recordId);
      await settled();
      const r = await repo.get(u.loginName, id);
      if (!r) throw notFound(`${u.loginName} has no record ${id}`);
      return r;
    },
  );

  app.delete(
    "/:recordId",
    {
      schema: {
        summary: "Deletes one record",
        params: RecordParams,
        querystring: LoginNameQuery,
        response: { 200: NoBody },
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      const id = Number(req.params.recordId);
      await settled();
      if (!(await repo.delete(u.loginName, id))) throw notFound(`${u.loginName} has no record ${id}`);
      deleted(u.loginName, [id]);
      return reply.code(200).send();
    },
  );

  app.delete(
    "/",
    {
      schema: {
        summary: "Deletes the records of a list of ids, or those matching the filters",
        querystring: DeleteComlogQuery,
        response: { 200: NoBody },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const u = user(req, q.loginName);
      await settled();
      if (q.recordIdList !== undefined) {
        const ids = q.recordIdList.split(",").filter((s) => s !== "");
        deleted(u.loginName, await repo.deleteByIds(u.loginName, ids.map(Number)));
      } else {
        deleted(u.loginName, await repo.deleteByFilter(u.loginName, filterOf(q)));
      }
      return reply.code(200).send();
    },
  );

  app.put(
    "/",
    {
      schema: {
        summary: "Acknowledges (acknowledge=true) or unacknowledges records",
        querystring: AcknowledgeQuery,
        body: AcknowledgeBody,
        response: { 200: NoBody },
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      const ack = req.query.acknowledge;
      const ids = req.body.recordIds.map(Number);
      await settled();
      const changed = await repo.setAcknowledged(u.loginName, ids, ack);
      if (changed.length > 0) {
        core.bus.publish("unifiedComLog", u.loginName, {
          eventName: ack ? "OnComRecordsAck" : "OnComRecordsUnAck",
          loginName: u.loginName,
          recordIds: changed,
        });
        // Each record as it now is, as the SDK's OnComRecordModified carries it.
        for (const id of changed) {
          const record = await repo.get(u.loginName, id);
          if (record)
            core.bus.publish("unifiedComLog", u.loginName, {
              eventName: "OnComRecordModified",
              loginName: u.loginName,
              record,
            });
        }
        core.comlogChanged(u.loginName);
      }
      return reply.code(200).send();
    },
  );
}
