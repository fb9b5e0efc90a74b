/**
 * The Communication log service: a user's records (built by the gateway from their calls,
 * stored in the database), queried with filters and pages, acknowledged, deleted; every change
 * told to the user's unifiedComLog subscribers, and to the event summary (missed calls).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { GwUser } from "../../domain/directory.js";
import { queryBoolean, queryInt, queryString, session, targetUser } from "../../http/context.js";
import { badRequest, notFound } from "../../http/errors.js";
import type { ComlogFilter, ComlogPaging } from "../../store/index.js";

const MAX_LIMIT = 100;

function date(req: FastifyRequest, name: string): Date | undefined {
  const v = queryString(req, name);
  if (v === undefined) return undefined;
  const d = new Date(v);
  // ISO 8601 only: Date also parses "2024" or "March 7", which a client would not mean.
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) || Number.isNaN(d.getTime()))
    throw badRequest(`${name} must be an ISO 8601 date, not "${v}"`);
  return d;
}

export function filterOf(req: FastifyRequest): ComlogFilter {
  const f: ComlogFilter = {};
  const after = date(req, "afterDate");
  const before = date(req, "beforeDate");
  if (after) f.afterDate = after;
  if (before) f.beforeDate = before;
  if (after && before && after >= before) throw badRequest("afterDate must be before beforeDate");
  const comRef = queryString(req, "comRef");
  if (comRef !== undefined) {
    if (comRef === "") throw badRequest("comRef is empty");
    f.comRef = comRef;
  }
  const remote = queryString(req, "remotePartyId");
  if (remote !== undefined) {
    if (remote === "") throw badRequest("remotePartyId is empty");
    f.remotePartyId = remote;
  }
  const role = queryString(req, "role");
  if (role !== undefined) {
    if (role !== "CALLER" && role !== "CALLEE")
      throw badRequest(`role must be CALLER or CALLEE, not "${role}"`);
    f.role = role;
  }
  const unack = queryBoolean(req, "unacknowledged");
  const unanswered = queryBoolean(req, "unanswered");
  if (unack) f.unacknowledged = true;
  if (unanswered) f.unanswered = true;
  return f;
}

function recordIdOf(s: string): number {
  if (!/^\d{1,15}$/.test(s)) throw badRequest(`record id "${s}" is not a number`);
  return Number(s);
}

export async function comlogService(app: FastifyInstance): Promise<void> {
  const core = app.core;
  const repo = core.store.comlog;

  const user = (req: FastifyRequest): GwUser => targetUser(core, req, session(core, req));

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

  app.get("/", async (req) => {
    const u = user(req);
    const filter = filterOf(req);
    const paging: ComlogPaging = {};
    const offset = queryInt(req, "offset", 0);
    const limit = queryInt(req, "limit", 1);
    if (offset !== undefined) paging.offset = offset;
    paging.limit = Math.min(limit ?? MAX_LIMIT, MAX_LIMIT);
    const optimized = queryBoolean(req, "optimized") ?? false;
    await settled();
    return repo.query(u.loginName, filter, paging, { optimized });
  });

  app.get<{ Params: { recordId: string } }>("/:recordId", async (req) => {
    const u = user(req);
    const id = recordIdOf(req.params.recordId);
    await settled();
    const r = await repo.get(u.loginName, id);
    if (!r) throw notFound(`${u.loginName} has no record ${id}`);
    return r;
  });

  app.delete<{ Params: { recordId: string } }>("/:recordId", async (req, reply) => {
    const u = user(req);
    const id = recordIdOf(req.params.recordId);
    await settled();
    if (!(await repo.delete(u.loginName, id))) throw notFound(`${u.loginName} has no record ${id}`);
    deleted(u.loginName, [id]);
    return reply.code(200).send();
  });

  app.delete("/", async (req, reply) => {
    const u = user(req);
    const list = queryString(req, "recordIdList");
    await settled();
    if (list !== undefined) {
      const ids = list.split(",").filter((s) => s !== "");
      if (ids.length === 0) throw badRequest("recordIdList is empty");
      deleted(u.loginName, await repo.deleteByIds(u.loginName, ids.map(recordIdOf)));
    } else {
      deleted(u.loginName, await repo.deleteByFilter(u.loginName, filterOf(req)));
    }
    return reply.code(200).send();
  });

  app.put("/", async (req, reply) => {
    const u = user(req);
    const ack = queryBoolean(req, "acknowledge");
    if (ack === undefined) throw badRequest("acknowledge=true or acknowledge=false is required");
    const body = req.body as { recordIds?: unknown } | undefined;
    const raw = body?.recordIds;
    if (!Array.isArray(raw) || raw.length === 0) throw badRequest("the body must be { recordIds: [ ... ] }");
    const ids = raw.map((x) => {
      if (typeof x === "number" && Number.isSafeInteger(x) && x >= 0) return x;
      if (typeof x === "string") return recordIdOf(x);
      throw badRequest(`record id ${JSON.stringify(x)} is not a number`);
    });
    await settled();
    const changed = await repo.setAcknowledged(u.loginName, ids, ack);
    if (changed.length > 0) {
      core.bus.publish("unifiedComLog", u.loginName, {
        eventName: ack ? "OnComRecordsAck" : "OnComRecordsUnAck",
        loginName: u.loginName,
        recordIds: changed,
      });
      core.comlogChanged(u.loginName);
    }
    return reply.code(200).send();
  });
}
