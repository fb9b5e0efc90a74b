/**
 * CallCenterStatistics (`ACD Statistics`, the SDK's ccStatistics-rest.ts), administrators only:
 *
 *   POST   scope                                  a requester {supervisor, agents}
 *   GET    scope/{id} · DELETE scope/{id}         its identity · it, its contexts and schedules
 *   POST   scope/{id}/ctx                         a context {label, description, filter} → {id}
 *   GET    scope/{id}/ctx · DELETE scope/{id}/ctx its contexts {contexts} · all of them
 *   GET    scope/{id}/ctx/{ctx} · DELETE …        one context
 *   PUT    scope/{id}/ctx/{ctx}                   (ours) changes its label, description, filter
 *   GET    scope/{id}/ctx/{ctx}/oneday/data       ?date=yyyy-MM-dd&slotType&format&shortHeader&async
 *   GET    scope/{id}/ctx/{ctx}/days/data         ?begindate&enddate (yyyy-MM-dd HH:mm)&format…
 *   DELETE scope/{id}/data/request                cancels the requester's file being built
 *   POST   …/ctx/{ctx}/schedule · GET …           a scheduled report → {id} · {schedules}
 *   GET · PUT · DELETE …/schedule/{name}          one of them
 *   POST   …/schedule/{name}/enable?enable=       enables or disables it
 *   GET    files/{fileId}                         (ours) a report file, zipped, as the
 *                                                 OnAcdStatsProgress FORMATED event names it
 *
 * `format=json` (the default) answers the StatsJson; `csv` and `xls` build a file in the
 * background (`async=true`, as the SDK sends) with OnAcdStatsProgress events (package acdstats).
 * Dates are the requester's local ones (its time zone). A range's end at 00:00 takes in that day
 * (the SDK's DateRange of whole days); at any other time it is the exclusive end.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { GatewayCore } from "../../core.js";
import {
  CallCenterStats,
  type ContextRecord,
  dayRange,
  FrequencySchema,
  isTimeZone,
  ObsPeriodSchema,
  parseLocalDate,
  type ReportPeriod,
  type RequesterRecord,
  type ScheduleRecord,
  SshTicketSource,
  StatsContextSchema,
  StatsDataSchema,
  StatsFilterSchema,
  StatsFormatSchema,
  StatsScheduleSchema,
  SupervisorSchema,
  type TicketSource,
  TicketSourceError,
  TimeIntervalSchema,
  zonedInstant,
} from "../../domain/callcenter/stats/index.js";
import { badRequest, conflict, notFound, unavailable } from "../common/errors.js";
import { requireAdmin, session } from "../common/request.js";
import { isSet, NoContent, QueryFlag } from "../common/schemas.js";

const ROOT = "/api/rest/1.0/acdstatistics";
const Id = Type.String({ minLength: 1, maxLength: 64, description: "a requester's identifier" });
const CtxId = Type.String({ minLength: 1, maxLength: 64, description: "a context's id" });
const Name = Type.String({ minLength: 1, maxLength: 64, description: "a scheduled report's name" });
const Number_ = Type.String({ minLength: 1, maxLength: 16, pattern: "^[0-9]+$" });
const RequesterParams = Type.Object({ requesterId: Id });
const CtxParams = Type.Object({ requesterId: Id, ctxId: CtxId });
const ScheduleParams = Type.Object({ requesterId: Id, ctxId: CtxId, name: Name });
const Zip = Type.Unsafe<Buffer>(Type.String({ format: "binary" }));
const DataFormat = Type.Union([Type.Literal("json"), StatsFormatSchema]);
const DataCommon = {
  format: Type.Optional(DataFormat),
  shortHeader: Type.Optional(QueryFlag),
  async: Type.Optional(QueryFlag),
};
const DayQuery = Type.Object({
  date: Type.Optional(Type.String({ maxLength: 16, description: "yyyy-MM-dd (the requester's day)" })),
  slotType: Type.Optional(TimeIntervalSchema),
  ...DataCommon,
});
const DaysQuery = Type.Object({
  begindate: Type.String({ maxLength: 20, description: "yyyy-MM-dd HH:mm" }),
  enddate: Type.String({ maxLength: 20, description: "yyyy-MM-dd HH:mm" }),
  ...DataCommon,
});
const ContextBody = Type.Object({
  supervisorId: Type.Optional(Id),
  label: Type.Optional(Type.String({ maxLength: 256 })),
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  filter: StatsFilterSchema,
});
const ContextChange = Type.Object({
  label: Type.Optional(Type.String({ maxLength: 256 })),
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  filter: Type.Optional(StatsFilterSchema),
});
const ScheduleBody = Type.Object({
  name: Name,
  description: Type.Optional(Type.String({ maxLength: 1024 })),
  obsPeriod: ObsPeriodSchema,
  frequency: FrequencySchema,
  recipients: Type.Array(Type.String({ minLength: 3, maxLength: 254, pattern: "^[^@\\s]+@[^@\\s]+$" }), {
    minItems: 1,
    maxItems: 100,
  }),
  fileType: StatsFormatSchema,
});
const IdAnswer = Type.Object({ id: Type.String() });
/** at most this many days in one report */
const MAX_DAYS = 62;

export async function callCenterStatisticsService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core: GatewayCore = app.core;
  const sources = new Map<number, SshTicketSource>();
  const stats = new CallCenterStats({
    db: core.store,
    sources() {
      const out: TicketSource[] = [];
      for (const [nodeId, link] of core.nodes) {
        const analytics = link.analytics;
        if (!analytics) continue;
        let s = sources.get(nodeId);
        if (!s) {
          s = new SshTicketSource({ nodeId, link: analytics.link, commandTimeoutMs: 60_000 });
          sources.set(nodeId, s);
        }
        out.push(s);
      }
      return out;
    },
    person(number) {
      const u = core.directory.devices.get(number)?.owner;
      return u ? { login: u.loginName, firstName: u.firstName, lastName: u.lastName } : undefined;
    },
    publish: (e) => core.bus.publish("acdstats", null, { eventName: "OnAcdStatsProgress", ...e }),
    pathOf: (id) => `${ROOT}/files/${id}`,
    log: (m) => core.log.warn(m),
    active: () => core.notServing() === null,
  });
  stats.startScheduler();
  app.addHook("onClose", async () => stats.stop());

  // Who may ask comes before what is asked (as analytics): checked before validation.
  app.addHook("onRequest", (req, _reply, done) => {
    try {
      requireAdmin(session(core, req));
      done();
    } catch (err) {
      done(err as Error);
    }
  });

  const requesterOf = async (id: string): Promise<RequesterRecord> => {
    const r = await stats.repo.requester(id);
    if (!r) throw notFound(`no statistics requester ${id}`);
    return r;
  };
  const contextOf = async (requesterId: string, ctxId: string) => {
    const requester = await requesterOf(requesterId);
    const context = await stats.repo.context(requesterId, ctxId);
    if (!context) throw notFound(`requester ${requesterId} has no context ${ctxId}`);
    return { requester, context };
  };
  const checkFilter = (requester: RequesterRecord, filter: ContextRecord["filter"]) => {
    if (!filter.agentFilter && !filter.pilotFilter && !filter.pilotAbandonedCallFilter)
      throw badRequest("filter: an agentFilter or a pilotFilter is required");
    if (filter.pilotAbandonedCallFilter)
      throw badRequest(
        "filter.pilotAbandonedCallFilter: abandoned-call reports are not built by this gateway",
      );
    const outside = (filter.agentFilter?.numbers ?? []).filter((n) => !requester.agents.includes(n));
    if (outside.length)
      throw badRequest(
        `filter.agentFilter.numbers: ${outside.join(", ")} not in the scope of ${requester.id}`,
      );
  };
  const contextJson = (c: ContextRecord, scheduled: Set<string>) => ({
    ctxId: c.id,
    supervisorId: c.requesterId,
    ...(c.label !== undefined ? { label: c.label } : {}),
    ...(c.description !== undefined ? { description: c.description } : {}),
    isScheduled: scheduled.has(c.id),
    shortHeader: false,
    filter: c.filter,
  });
  const scheduleJson = (s: ScheduleRecord) => {
    // Ours: the files its runs made, as paths under this service's URL.
    const files = stats.filesOf(s.contextId, s.name).map((id) => `files/${id}`);
    return {
      name: s.name,
      ...(s.description !== undefined ? { description: s.description } : {}),
      obsPeriod: s.obsPeriod,
      frequency: s.frequency,
      recipients: [...s.recipients],
      state: s.state,
      enable: s.enabled,
      ...(s.lastExec !== undefined ? { lastExecDate: new Date(s.lastExec).toISOString() } : {}),
      fileType: s.fileType,
      shortHeader: false,
      ...(files.length ? { files } : {}),
    };
  };
  const checkSchedule = (b: {
    obsPeriod: ScheduleRecord["obsPeriod"];
    frequency: ScheduleRecord["frequency"];
  }) => {
    const o = b.obsPeriod;
    if ((o.periodType === "lastDays" || o.periodType === "lastWeeks") && o.lastNb === undefined)
      throw badRequest(`obsPeriod.lastNb is required for ${o.periodType}`);
    if (o.periodType === "lastWeeks" && (o.lastNb ?? 1) > 4)
      throw badRequest("obsPeriod.lastNb: 1 to 4 weeks");
    if (o.periodType === "fromDateToDate") {
      const from = Date.parse(o.beginDate ?? "");
      const to = Date.parse(o.endDate ?? "");
      if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from)
        throw badRequest("obsPeriod: fromDateToDate needs a beginDate before its endDate (ISO 8601)");
      if (to - from > MAX_DAYS * 86_400_000) throw badRequest(`obsPeriod: at most ${MAX_DAYS} days`);
    }
    const f = b.frequency;
    if (f.periodicity === "weekly" && !f.daysInWeek?.length)
      throw badRequest("frequency.daysInWeek is required for a weekly report");
    if (f.periodicity === "monthly" && f.dayInMonth === undefined)
      throw badRequest("frequency.dayInMonth is required for a monthly report");
  };
  const failure = (err: unknown) =>
    err instanceof TicketSourceError ? unavailable(`CCD statistics tickets: ${err.message}`) : err;

  /** Answer a report: JSON now, or a file built in the background. */
  const answer = async (
    q: { format?: "json" | "csv" | "xls"; shortHeader?: boolean | ""; async?: boolean | "" },
    requester: RequesterRecord,
    context: ContextRecord,
    period: ReportPeriod,
    baseName: string,
  ) => {
    const shortHeader = isSet(q.shortHeader);
    const format = q.format ?? "json";
    if (format === "json") {
      try {
        return await stats.report(requester, context, period, shortHeader);
      } catch (err) {
        throw failure(err);
      }
    }
    if (!isSet(q.async)) throw badRequest(`format=${format} is built in the background: add async=true`);
    if (stats.jobs.busy(requester.id))
      throw conflict(`a statistics request of ${requester.id} is in progress`);
    stats.jobs
      .start(
        requester.id,
        (c) => stats.report(requester, context, period, shortHeader, c.collected),
        format,
        baseName,
      )
      .catch(() => undefined);
    return undefined;
  };

  app.post(
    "/scope",
    {
      schema: {
        summary: "Creates a requester and the agents it may see",
        body: Type.Object({
          supervisor: SupervisorSchema,
          agents: Type.Array(Type.Object({ number: Number_ }), { minItems: 1, maxItems: 1000 }),
        }),
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const { supervisor, agents } = req.body;
      if (!isTimeZone(supervisor.timezone))
        throw badRequest(`supervisor.timezone "${supervisor.timezone}" is not a time zone`);
      const ok = await stats.repo.createRequester({
        id: supervisor.identifier,
        language: supervisor.language,
        timezone: supervisor.timezone,
        agents: [...new Set(agents.map((a) => a.number))],
      });
      if (!ok) throw conflict(`a statistics requester ${supervisor.identifier} exists`);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/scope/:requesterId",
    { schema: { summary: "A requester", params: RequesterParams, response: { 200: SupervisorSchema } } },
    async (req) => {
      const r = await requesterOf(req.params.requesterId);
      return { identifier: r.id, language: r.language, timezone: r.timezone };
    },
  );

  app.delete(
    "/scope/:requesterId",
    {
      schema: {
        summary: "Deletes a requester, its contexts and their scheduled reports",
        params: RequesterParams,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const id = req.params.requesterId;
      for (const c of await stats.repo.contexts(id)) stats.forget(c.id);
      if (!(await stats.repo.deleteRequester(id))) throw notFound(`no statistics requester ${id}`);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/scope/:requesterId/ctx",
    {
      schema: {
        summary: "Creates a statistics context",
        params: RequesterParams,
        body: ContextBody,
        response: { 200: IdAnswer },
      },
    },
    async (req) => {
      const requester = await requesterOf(req.params.requesterId);
      if (req.body.supervisorId !== undefined && req.body.supervisorId !== requester.id)
        throw badRequest(`supervisorId ${req.body.supervisorId} is not the requester of the path`);
      checkFilter(requester, req.body.filter);
      const c = await stats.repo.createContext({
        requesterId: requester.id,
        label: req.body.label,
        description: req.body.description,
        filter: req.body.filter,
      });
      return { id: c.id };
    },
  );

  app.get(
    "/scope/:requesterId/ctx",
    {
      schema: {
        summary: "The requester's contexts",
        params: RequesterParams,
        response: { 200: Type.Object({ contexts: Type.Array(StatsContextSchema) }) },
      },
    },
    async (req) => {
      const r = await requesterOf(req.params.requesterId);
      const scheduled = await stats.repo.scheduledContexts(r.id);
      return { contexts: (await stats.repo.contexts(r.id)).map((c) => contextJson(c, scheduled)) };
    },
  );

  app.delete(
    "/scope/:requesterId/ctx",
    {
      schema: {
        summary: "Deletes all the requester's contexts",
        params: RequesterParams,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const r = await requesterOf(req.params.requesterId);
      for (const c of await stats.repo.contexts(r.id)) stats.forget(c.id);
      await stats.repo.deleteContexts(r.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/scope/:requesterId/ctx/:ctxId",
    { schema: { summary: "A context", params: CtxParams, response: { 200: StatsContextSchema } } },
    async (req) => {
      const { requester, context } = await contextOf(req.params.requesterId, req.params.ctxId);
      return contextJson(context, await stats.repo.scheduledContexts(requester.id));
    },
  );

  app.put(
    "/scope/:requesterId/ctx/:ctxId",
    {
      schema: {
        summary: "Changes a context's label, description or filter (an extension of this gateway)",
        params: CtxParams,
        body: ContextChange,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const { requester, context } = await contextOf(req.params.requesterId, req.params.ctxId);
      const next: ContextRecord = {
        ...context,
        label: req.body.label ?? context.label,
        description: req.body.description ?? context.description,
        filter: req.body.filter ?? context.filter,
      };
      checkFilter(requester, next.filter);
      await stats.repo.updateContext(next);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/scope/:requesterId/ctx/:ctxId",
    { schema: { summary: "Deletes a context", params: CtxParams, response: { 204: NoContent } } },
    async (req, reply) => {
      const { context } = await contextOf(req.params.requesterId, req.params.ctxId);
      stats.forget(context.id);
      await stats.repo.deleteContext(context.id);
      return reply.code(204).send(null);
    },
  );

  const dataResponse = {
    200: StatsDataSchema,
    202: Type.Null({ description: "a file is being built: OnAcdStatsProgress events follow" }),
  };

  app.get(
    "/scope/:requesterId/ctx/:ctxId/oneday/data",
    {
      schema: {
        summary: "The statistics of one day, by time slot",
        params: CtxParams,
        querystring: DayQuery,
        response: dataResponse,
      },
    },
    async (req, reply) => {
      const { requester, context } = await contextOf(req.params.requesterId, req.params.ctxId);
      const zone = requester.timezone;
      let day: { y: number; m: number; d: number };
      if (req.query.date === undefined) {
        const now = new Date();
        const parts = new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(now).split("-").map(Number);
        day = { y: parts[0]!, m: parts[1]!, d: parts[2]! };
      } else {
        const p = parseLocalDate(req.query.date);
        if (!p || req.query.date.length !== 10)
          throw badRequest(`date "${req.query.date}" is not yyyy-MM-dd`);
        day = p;
      }
      const { from, to } = dayRange(zone, day.y, day.m, day.d);
      const period: ReportPeriod = {
        kind: "oneDay",
        from,
        to,
        slot: req.query.slotType ?? "aQuarterOfAnHour",
      };
      const ymd = `${day.y}${String(day.m).padStart(2, "0")}${String(day.d).padStart(2, "0")}`;
      const data = await answer(req.query, requester, context, period, `stats_${requester.id}_${ymd}`);
      if (data === undefined) return reply.code(202).send(null);
      return data;
    },
  );

  app.get(
    "/scope/:requesterId/ctx/:ctxId/days/data",
    {
      schema: {
        summary: "The statistics of a range of days, by day",
        params: CtxParams,
        querystring: DaysQuery,
        response: dataResponse,
      },
    },
    async (req, reply) => {
      const { requester, context } = await contextOf(req.params.requesterId, req.params.ctxId);
      const zone = requester.timezone;
      const b = parseLocalDate(req.query.begindate);
      const e = parseLocalDate(req.query.enddate);
      if (!b) throw badRequest(`begindate "${req.query.begindate}" is not yyyy-MM-dd HH:mm`);
      if (!e) throw badRequest(`enddate "${req.query.enddate}" is not yyyy-MM-dd HH:mm`);
      const from = zonedInstant(zone, b.y, b.m, b.d, b.h, b.mi);
      const to =
        e.h === 0 && e.mi === 0
          ? zonedInstant(zone, e.y, e.m, e.d + 1)
          : zonedInstant(zone, e.y, e.m, e.d, e.h, e.mi);
      if (to <= from) throw badRequest("enddate is not after begindate");
      if (to - from > MAX_DAYS * 86_400_000) throw badRequest(`a report covers at most ${MAX_DAYS} days`);
      const period: ReportPeriod = { kind: "onSeveralDays", from, to };
      const data = await answer(req.query, requester, context, period, `stats_${requester.id}_days`);
      if (data === undefined) return reply.code(202).send(null);
      return data;
    },
  );

  app.delete(
    "/scope/:requesterId/data/request",
    {
      schema: {
        summary: "Cancels the requester's report file being built",
        params: RequesterParams,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const r = await requesterOf(req.params.requesterId);
      if (!stats.jobs.cancel(r.id)) throw notFound(`no statistics request of ${r.id} is in progress`);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/scope/:requesterId/ctx/:ctxId/schedule",
    {
      schema: {
        summary: "Creates a scheduled report of a context",
        params: CtxParams,
        body: ScheduleBody,
        response: { 200: IdAnswer },
      },
    },
    async (req) => {
      const { requester, context } = await contextOf(req.params.requesterId, req.params.ctxId);
      checkSchedule(req.body);
      const ok = await stats.repo.createSchedule({
        contextId: context.id,
        requesterId: requester.id,
        name: req.body.name,
        description: req.body.description,
        obsPeriod: req.body.obsPeriod,
        frequency: req.body.frequency,
        recipients: req.body.recipients,
        fileType: req.body.fileType,
      });
      if (!ok) throw conflict(`context ${context.id} has a scheduled report ${req.body.name}`);
      stats.kick();
      return { id: req.body.name };
    },
  );

  app.get(
    "/scope/:requesterId/ctx/:ctxId/schedule",
    {
      schema: {
        summary: "The scheduled reports of a context",
        params: CtxParams,
        response: { 200: Type.Object({ schedules: Type.Array(StatsScheduleSchema) }) },
      },
    },
    async (req) => {
      const { context } = await contextOf(req.params.requesterId, req.params.ctxId);
      return { schedules: (await stats.repo.schedules(context.id)).map(scheduleJson) };
    },
  );

  const scheduleOf = async (p: { requesterId: string; ctxId: string; name: string }) => {
    const { context } = await contextOf(p.requesterId, p.ctxId);
    const s = await stats.repo.schedule(context.id, p.name);
    if (!s) throw notFound(`context ${context.id} has no scheduled report ${p.name}`);
    return s;
  };

  app.get(
    "/scope/:requesterId/ctx/:ctxId/schedule/:name",
    {
      schema: {
        summary: "A scheduled report",
        params: ScheduleParams,
        response: { 200: StatsScheduleSchema },
      },
    },
    async (req) => scheduleJson(await scheduleOf(req.params)),
  );

  app.put(
    "/scope/:requesterId/ctx/:ctxId/schedule/:name",
    {
      schema: {
        summary: "Changes a scheduled report",
        params: ScheduleParams,
        body: ScheduleBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const s = await scheduleOf(req.params);
      if (req.body.name !== s.name) throw badRequest(`name ${req.body.name} is not the report of the path`);
      checkSchedule(req.body);
      await stats.repo.updateSchedule(s.contextId, s.name, {
        description: req.body.description,
        obsPeriod: req.body.obsPeriod,
        frequency: req.body.frequency,
        recipients: req.body.recipients,
        fileType: req.body.fileType,
      });
      stats.kick();
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/scope/:requesterId/ctx/:ctxId/schedule/:name",
    {
      schema: { summary: "Deletes a scheduled report", params: ScheduleParams, response: { 204: NoContent } },
    },
    async (req, reply) => {
      const s = await scheduleOf(req.params);
      stats.forget(s.contextId, s.name);
      await stats.repo.deleteSchedule(s.contextId, s.name);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/scope/:requesterId/ctx/:ctxId/schedule/:name/enable",
    {
      schema: {
        summary: "Enables or disables a scheduled report",
        params: ScheduleParams,
        querystring: Type.Object({ enable: Type.Boolean() }),
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const s = await scheduleOf(req.params);
      await stats.repo.setEnabled(s.contextId, s.name, req.query.enable);
      if (req.query.enable) stats.kick();
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/files/:fileId",
    {
      schema: {
        summary: "A report file, zipped (an extension of this gateway: OnAcdStatsProgress names it)",
        params: Type.Object({ fileId: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: {
          200: { description: "the zip holding the report", content: { "application/zip": { schema: Zip } } },
        },
      },
    },
    async (req, reply) => {
      const f = stats.jobs.file(req.params.fileId);
      if (!f) throw notFound(`no statistics file ${req.params.fileId}`);
      reply.header("content-type", "application/zip");
      reply.header("content-disposition", `attachment; filename="${f.entry}.zip"`);
      return f.zip;
    },
  );
}
