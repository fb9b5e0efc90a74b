/**
 * CallCenterRealtime (`acdrealtime`, the SDK's ccRealtime-rest.ts) and CallCenterManagement
 * (`acdmanagement`, its ccMngt-rest.ts) are not built yet: their calls are declared as the SDK
 * sends them, marked `x-o2g-not-built`, and answer O2G's 501 once the session is checked, so the
 * OpenAPI document lists them honestly. The sessions do not list these two services.
 */
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { declareNotBuilt, type NotBuiltCall } from "../common/not-built.js";

const num = (description: string) =>
  Type.String({ minLength: 1, maxLength: 16, pattern: "^[0-9]+$", description });
const NodeId = Type.Integer({ minimum: 1, maximum: 99999 });
const Pilot = Type.Object({ nodeId: NodeId, pilotNumber: num("a CCD pilot") });
const PilotDate = Type.Object({
  nodeId: NodeId,
  pilotNumber: num("a CCD pilot"),
  date: Type.String({ pattern: "^[0-9]{8}$", description: "YYYYMMDD" }),
});
const PilotDateIndex = Type.Object({
  ...PilotDate.properties,
  index: Type.Integer({ minimum: 1, maximum: 99 }),
});
const PilotDay = Type.Object({
  nodeId: NodeId,
  pilotNumber: num("a CCD pilot"),
  day: Type.String({ minLength: 1, maxLength: 16, description: "a day of the week" }),
});
const PilotDayIndex = Type.Object({
  ...PilotDay.properties,
  index: Type.Integer({ minimum: 1, maximum: 99 }),
});

const REALTIME: readonly NotBuiltCall[] = [
  { method: "GET", url: "/", sdk: "getRtiObjects", summary: "The real-time indicator objects" },
  { method: "GET", url: "/agents", sdk: "getAgents", summary: "The agents with indicators" },
  { method: "GET", url: "/pilots", sdk: "getPilots", summary: "The pilots with indicators" },
  { method: "GET", url: "/queues", sdk: "getQueues", summary: "The queues with indicators" },
  {
    method: "GET",
    url: "/pgAgents",
    sdk: "getAgentProcessingGroups",
    summary: "The agent processing groups",
  },
  {
    method: "GET",
    url: "/pgOthers",
    sdk: "getOtherProcessingGroups",
    summary: "The other processing groups",
  },
  { method: "GET", url: "/ctx", sdk: "getContext", summary: "The session's indicator context" },
  { method: "DELETE", url: "/ctx", sdk: "deleteContext", summary: "Deletes the indicator context" },
  { method: "POST", url: "/ctx", sdk: "setContext", summary: "Sets the indicator context" },
  { method: "POST", url: "/snapshot", sdk: "start", summary: "Starts the indicators' events" },
];

const P = "/:nodeId/pilots/:pilotNumber";
const MANAGEMENT: readonly NotBuiltCall[] = [
  {
    method: "GET",
    url: "/:nodeId/pilots",
    sdk: "getPilots",
    summary: "The pilots of a node",
    params: Type.Object({ nodeId: NodeId }),
  },
  { method: "GET", url: P, sdk: "getPilot", summary: "A pilot", params: Pilot },
  {
    method: "POST",
    url: P,
    sdk: "getPilotAdvanced",
    summary: "A pilot, for a transfer with these parameters",
    params: Pilot,
  },
  { method: "GET", url: `${P}/calendar`, sdk: "getCalendar", summary: "A pilot's calendar", params: Pilot },
  {
    method: "GET",
    url: `${P}/calendar/exception`,
    sdk: "getExceptionCalendar",
    summary: "A pilot's exception calendar",
    params: Pilot,
  },
  {
    method: "POST",
    url: `${P}/calendar/exception/:date`,
    sdk: "addExceptionTransition",
    summary: "Adds an exception transition",
    params: PilotDate,
  },
  {
    method: "DELETE",
    url: `${P}/calendar/exception/:date/transitions/:index`,
    sdk: "deleteExceptionTransition",
    summary: "Deletes an exception transition",
    params: PilotDateIndex,
  },
  {
    method: "PUT",
    url: `${P}/calendar/exception/:date/transitions/:index`,
    sdk: "setExceptionTransition",
    summary: "Changes an exception transition",
    params: PilotDateIndex,
  },
  {
    method: "GET",
    url: `${P}/calendar/normal`,
    sdk: "getNormalCalendar",
    summary: "A pilot's normal calendar",
    params: Pilot,
  },
  {
    method: "POST",
    url: `${P}/calendar/normal/:day`,
    sdk: "addNormalTransition",
    summary: "Adds a normal transition",
    params: PilotDay,
  },
  {
    method: "DELETE",
    url: `${P}/calendar/normal/:day/transitions/:index`,
    sdk: "deleteNormalTransition",
    summary: "Deletes a normal transition",
    params: PilotDayIndex,
  },
  {
    method: "PUT",
    url: `${P}/calendar/normal/:day/transitions/:index`,
    sdk: "setNormalTransition",
    summary: "Changes a normal transition",
    params: PilotDayIndex,
  },
  { method: "POST", url: `${P}/open`, sdk: "openPilot", summary: "Opens a pilot", params: Pilot },
  { method: "POST", url: `${P}/close`, sdk: "closePilot", summary: "Closes a pilot", params: Pilot },
];

export async function callCenterRealtimeNotBuilt(app: FastifyInstance): Promise<void> {
  declareNotBuilt(app, "acdrealtime", REALTIME);
}

export async function callCenterManagementNotBuilt(app: FastifyInstance): Promise<void> {
  declareNotBuilt(app, "acdmanagement", MANAGEMENT);
}
