/**
 * CallCenterManagement (O2G service `acdmanagement`), the SDK's ccMngt-rest.ts: an administrator
 * reads a node's CCD pilots, reads and changes their normal (per day of the week) and exception
 * (per date) calendars, and opens or closes a pilot, over the node's CMIP link
 * (domain/callcenter/management.ts). Administrators only (O2G: "allows an administrator session
 * to manage CCD pilot objects"); an unknown node or pilot is a 404, a bad day, date, index or
 * transition a 400 (a transition index that the day does not have: 404).
 *
 * The SDK names a transition by its index from 0 and sends index + 1: the path's index counts
 * from 1, as the calendars' `number` fields do.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { isCalendarDate } from "../../../protocols/cmip/index.js";
import type { GatewayCore } from "../../core.js";
import {
  CalendarSchema,
  DayOfWeekSchema,
  ExceptionCalendarSchema,
  exceptionCalendarJson,
  MngtPilotSchema,
  NormalCalendarSchema,
  normalCalendarJson,
  PilotCalendars,
  PilotListSchema,
  readCalendars,
  readPilot,
  readPilots,
  setPilotOpen,
  type TransitionEdit,
  TransitionSchema,
} from "../../domain/callcenter/index.js";
import { configurationLink } from "../../domain/pbx/index.js";
import { badRequest } from "../common/errors.js";
import { requireAdmin, session } from "../common/request.js";
import { NoContent } from "../common/schemas.js";
import { Skills } from "../telephony/schemas.js";

const NodeId = Type.Integer({ minimum: 1, maximum: 99999, description: "the OXE node" });
const PilotNumber = Type.String({
  minLength: 1,
  maxLength: 16,
  pattern: "^[0-9]+$",
  description: "a CCD pilot",
});
const Index = Type.Integer({
  minimum: 1,
  maximum: 99,
  description: "the transition's index in its day, from 1",
});
const Date8 = Type.String({ pattern: "^[0-9]{8}$", description: "YYYYMMDD" });

const NodeParams = Type.Object({ nodeId: NodeId });
const Pilot = Type.Object({ nodeId: NodeId, pilotNumber: PilotNumber });
const PilotDate = Type.Object({ ...Pilot.properties, date: Date8 });
const PilotDateIndex = Type.Object({ ...PilotDate.properties, index: Index });
const PilotDay = Type.Object({ ...Pilot.properties, day: DayOfWeekSchema });
const PilotDayIndex = Type.Object({ ...PilotDay.properties, index: Index });

/** getPilotAdvanced's transfer parameters (the SDK's PilotTransferQueryParameters.toJson). */
const PilotQuery = Type.Object({
  agentNumber: Type.Optional(Type.String({ maxLength: 64 })),
  priorityTransfer: Type.Optional(Type.Boolean()),
  supervisedTransfer: Type.Optional(Type.Boolean()),
  skills: Type.Optional(Skills),
});

const P = "/:nodeId/pilots/:pilotNumber";

export async function callCenterManagementService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core: GatewayCore = app.core;
  const calendars = new PilotCalendars();

  // Session and role before anything: a user session learns nothing of the CCD, not even a 400.
  app.addHook("onRequest", (req, _reply, done) => {
    try {
      requireAdmin(session(core, req));
      done();
    } catch (err) {
      done(err as Error);
    }
  });

  const node = (nodeId: number) => configurationLink(core, nodeId);
  const date = (d: string) => {
    if (!isCalendarDate(d)) throw badRequest(`${d} is not a date YYYYMMDD`);
    return d;
  };

  app.get(
    "/:nodeId/pilots",
    {
      schema: {
        summary: "The CCD pilots of a node (getPilots)",
        params: NodeParams,
        response: { 200: PilotListSchema },
      },
    },
    async (req) => ({ pilotList: await readPilots(node(req.params.nodeId)) }),
  );

  app.get(
    P,
    { schema: { summary: "A CCD pilot (getPilot)", params: Pilot, response: { 200: MngtPilotSchema } } },
    async (req) => readPilot(node(req.params.nodeId), req.params.pilotNumber),
  );

  app.post(
    P,
    {
      schema: {
        summary: "A CCD pilot, for a transfer with these parameters (getPilotAdvanced)",
        params: Pilot,
        body: Type.Union([PilotQuery, Type.Null()]),
        response: { 200: MngtPilotSchema },
      },
    },
    async (req) => readPilot(node(req.params.nodeId), req.params.pilotNumber, req.body ?? {}),
  );

  app.get(
    `${P}/calendar`,
    {
      schema: {
        summary: "A pilot's calendar: normal and exception days (getCalendar)",
        params: Pilot,
        response: { 200: CalendarSchema },
      },
    },
    async (req) => {
      const c = await readCalendars(node(req.params.nodeId), req.params.pilotNumber);
      return { normalDays: normalCalendarJson(c.normal), exceptionDays: exceptionCalendarJson(c.exception) };
    },
  );

  app.get(
    `${P}/calendar/normal`,
    {
      schema: {
        summary: "A pilot's normal calendar, per day of the week (getNormalCalendar)",
        params: Pilot,
        response: { 200: NormalCalendarSchema },
      },
    },
    async (req) =>
      normalCalendarJson((await readCalendars(node(req.params.nodeId), req.params.pilotNumber)).normal),
  );

  app.get(
    `${P}/calendar/exception`,
    {
      schema: {
        summary: "A pilot's exception calendar, per date (getExceptionCalendar)",
        params: Pilot,
        response: { 200: ExceptionCalendarSchema },
      },
    },
    async (req) =>
      exceptionCalendarJson((await readCalendars(node(req.params.nodeId), req.params.pilotNumber)).exception),
  );

  const edit = async (
    p: { nodeId: number; pilotNumber: string },
    which: "normal" | "exception",
    key: string,
    e: TransitionEdit,
  ) => calendars.edit(node(p.nodeId), p.pilotNumber, which, key, e);

  app.post(
    `${P}/calendar/normal/:day`,
    {
      schema: {
        summary: "Adds a transition to a day of the pilot's normal calendar (addNormalTransition)",
        params: PilotDay,
        body: TransitionSchema,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await edit(req.params, "normal", req.params.day, { op: "add", transition: req.body });
      return reply.code(204).send(null);
    },
  );

  app.put(
    `${P}/calendar/normal/:day/transitions/:index`,
    {
      schema: {
        summary: "Changes a transition of the pilot's normal calendar (setNormalTransition)",
        params: PilotDayIndex,
        body: TransitionSchema,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await edit(req.params, "normal", req.params.day, {
        op: "set",
        index: req.params.index,
        transition: req.body,
      });
      return reply.code(204).send(null);
    },
  );

  app.delete(
    `${P}/calendar/normal/:day/transitions/:index`,
    {
      schema: {
        summary: "Deletes a transition of the pilot's normal calendar (deleteNormalTransition)",
        params: PilotDayIndex,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await edit(req.params, "normal", req.params.day, { op: "delete", index: req.params.index });
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${P}/calendar/exception/:date`,
    {
      schema: {
        summary: "Adds a transition to a date of the pilot's exception calendar (addExceptionTransition)",
        params: PilotDate,
        body: TransitionSchema,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await edit(req.params, "exception", date(req.params.date), { op: "add", transition: req.body });
      return reply.code(204).send(null);
    },
  );

  app.put(
    `${P}/calendar/exception/:date/transitions/:index`,
    {
      schema: {
        summary: "Changes a transition of the pilot's exception calendar (setExceptionTransition)",
        params: PilotDateIndex,
        body: TransitionSchema,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await edit(req.params, "exception", date(req.params.date), {
        op: "set",
        index: req.params.index,
        transition: req.body,
      });
      return reply.code(204).send(null);
    },
  );

  app.delete(
    `${P}/calendar/exception/:date/transitions/:index`,
    {
      schema: {
        summary: "Deletes a transition of the pilot's exception calendar (deleteExceptionTransition)",
        params: PilotDateIndex,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      await edit(req.params, "exception", date(req.params.date), { op: "delete", index: req.params.index });
      return reply.code(204).send(null);
    },
  );

  for (const [path, open] of [
    ["open", true],
    ["close", false],
  ] as const)
    app.post(
      `${P}/${path}`,
      {
        schema: {
          summary: `${open ? "Opens" : "Closes"} a pilot until its next calendar transition (${path}Pilot)`,
          params: Pilot,
          response: { 204: NoContent },
        },
      },
      async (req, reply) => {
        await setPilotOpen(node(req.params.nodeId), req.params.pilotNumber, open);
        return reply.code(204).send(null);
      },
    );
}
