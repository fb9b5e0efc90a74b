/**
 * The Telephony calls of O2G's catalogue that this gateway does not do yet, declared as the SDKs
 * send them (their telephony-rest.ts: method, path, query and body) so that the OpenAPI document
 * lists them, marked `x-o2g-not-built`, and a client gets O2G's 501 rather than a 404 that would
 * read as a wrong URL. Their answers are declared too, as the SDKs read them, ready for the day
 * each is built (the shapes then move to the domain that produces them).
 */
import type { FastifyInstance, FastifySchema } from "fastify";
import { type TSchema, Type } from "typebox";
import { PartyInfoSchema } from "../../domain/telephony/schema.js";
import { notImplemented } from "../common/errors.js";
import { session } from "../common/request.js";
import { type ContractSchemaExtras, LoginNameQuery, NoContent } from "../common/schemas.js";
import { CallRef, CallRefParams, DeviceId, DeviceParams, Skills } from "./schemas.js";

const short = (description?: string) =>
  Type.String({ maxLength: 64, ...(description ? { description } : {}) });
const required = (description?: string) =>
  Type.String({ minLength: 1, maxLength: 64, ...(description ? { description } : {}) });

const HgParams = Type.Object({ hgNumber: required("a hunting group's number") });
const CallbackParams = Type.Object({ callbackId: required() });
const PilotParams = Type.Object({ pilotNumber: required("a CCD pilot's number") });
const NodePilotParams = Type.Object({
  nodeId: Type.Integer({ minimum: 1, maximum: 999 }),
  pilotNumber: required("a CCD pilot's number"),
});

const RecordingQuery = Type.Object({
  action: Type.Enum(["Start", "Stop", "Pause", "Resume"]),
  loginName: LoginNameQuery.properties.loginName,
});

const PilotQuery = Type.Object({
  agentNumber: Type.Optional(short()),
  priorityTransfer: Type.Optional(Type.Boolean()),
  supervisedTransfer: Type.Optional(Type.Boolean()),
  skills: Type.Optional(Skills),
});

const PilotStatus = Type.Enum([
  "OPEN",
  "BLOCKED",
  "BLOCKED_ON_RULE",
  "BLOCKED_ON_BLOCKED_RULE",
  "GENERAL_FORWARDING",
  "GENERAL_FORWARDING_ON_RULE",
  "BLOCKED_ON_GENERAL_FORWARDING_RULE",
  "OTHER",
]);

const PilotInfo = Type.Object(
  {
    number: Type.Optional(Type.String()),
    waitingTime: Type.Optional(Type.Integer()),
    saturation: Type.Optional(Type.Boolean()),
    supervisedTransfer: Type.Optional(Type.Boolean()),
    pilotTransferInfo: Type.Optional(
      Type.Object({
        transferPossible: Type.Optional(Type.Boolean()),
        pilotStatus: Type.Optional(PilotStatus),
      }),
    ),
  },
  { title: "PilotInfo" },
);

const HuntingGroupStatus = Type.Object({ logon: Type.Boolean() }, { title: "HuntingGroupStatus" });
const HuntingGroups = Type.Object(
  { hgList: Type.Optional(Type.Array(Type.String())), currentHg: Type.Optional(Type.String()) },
  { title: "HuntingGroups" },
);
const Callbacks = Type.Object({
  callbacks: Type.Array(
    Type.Object({ callbackId: Type.String(), partyInfo: PartyInfoSchema }, { title: "Callback" }),
  ),
});
const MiniMessage = Type.Object(
  {
    sender: Type.Optional(Type.String()),
    dateTime: Type.Optional(Type.String()),
    message: Type.Optional(Type.String()),
  },
  { title: "MiniMessage" },
);

interface NotBuilt {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  /** the SDK's method, named in the 501 */
  sdk: string;
  summary: string;
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  /** the success answer, when it has a body (else 204 with none) */
  answer?: TSchema;
}

const calls = (suffix: string) => `/calls/:callRef/${suffix}`;
const devices = (suffix: string) => `/devices/:deviceId/${suffix}`;

const NOT_BUILT: readonly NotBuilt[] = [
  {
    method: "POST",
    url: calls("attachdata"),
    sdk: "attachData",
    summary: "Attaches correlator data to the call",
    params: CallRefParams,
    body: Type.Object({
      deviceId: DeviceId,
      hexaBinaryAssociatedData: Type.String({ pattern: "^([0-9a-fA-F]{2}){1,32}$" }),
    }),
  },
  {
    method: "POST",
    url: calls("callback"),
    sdk: "callback",
    summary: "Asks the busy or unanswering party to call back",
    params: CallRefParams,
    querystring: LoginNameQuery,
  },
  {
    method: "POST",
    url: calls("overflowToVoiceMail"),
    sdk: "overflowToVoiceMail",
    summary: "Sends the unanswered outgoing call to the callee's voice mail",
    params: CallRefParams,
    querystring: LoginNameQuery,
  },
  {
    method: "POST",
    url: calls("recording"),
    sdk: "doRecordAction",
    summary: "Starts, stops, pauses or resumes recording the call",
    params: CallRefParams,
    querystring: RecordingQuery,
  },
  {
    method: "POST",
    url: calls("sendaccountinfo"),
    sdk: "sendAccountInfo",
    summary: "Sends account information (a business code) for the call",
    params: CallRefParams,
    body: Type.Object({ deviceId: DeviceId, accountInfo: required() }),
  },
  {
    method: "POST",
    url: "/deskSharing",
    sdk: "deskSharingLogOn",
    summary: "Logs the user on a desk sharing set",
    querystring: LoginNameQuery,
    body: Type.Object({ dssDeviceNumber: required("the desk sharing set's number") }),
  },
  {
    method: "DELETE",
    url: "/deskSharing",
    sdk: "deskSharingLogOff",
    summary: "Logs the user off the desk sharing set",
    querystring: LoginNameQuery,
  },
  {
    method: "POST",
    url: devices("pickup"),
    sdk: "pickUp",
    summary: "Picks up a call ringing on another device",
    params: DeviceParams,
    body: Type.Object({
      otherCallRef: CallRef,
      otherPhoneNumber: required("the device the call rings on"),
      autoAnswer: Type.Optional(Type.Boolean()),
    }),
  },
  {
    method: "POST",
    url: devices("intrusion"),
    sdk: "intrusion",
    summary: "Intrudes into the call of the busy party",
    params: DeviceParams,
  },
  {
    method: "PUT",
    url: devices("ithmicro"),
    sdk: "toggleInterphony",
    summary: "Toggles the interphony microphone of the device",
    params: DeviceParams,
  },
  {
    method: "GET",
    url: "/huntingGroupLogOn",
    sdk: "getHuntingGroupStatus",
    summary: "Whether the user is logged on in their hunting group",
    querystring: LoginNameQuery,
    answer: HuntingGroupStatus,
  },
  {
    method: "POST",
    url: "/huntingGroupLogOn",
    sdk: "huntingGroupLogOn",
    summary: "Logs the user on in their hunting group",
    querystring: LoginNameQuery,
  },
  {
    method: "DELETE",
    url: "/huntingGroupLogOn",
    sdk: "huntingGroupLogOff",
    summary: "Logs the user off their hunting group",
    querystring: LoginNameQuery,
  },
  {
    method: "POST",
    url: "/huntingGroupMember/:hgNumber",
    sdk: "addMeToHuntingGroup",
    summary: "Makes the user a member of a hunting group",
    params: HgParams,
    querystring: LoginNameQuery,
  },
  {
    method: "DELETE",
    url: "/huntingGroupMember/:hgNumber",
    sdk: "removeMeFromHuntingGroup",
    summary: "Removes the user from a hunting group",
    params: HgParams,
    querystring: LoginNameQuery,
  },
  {
    method: "GET",
    url: "/huntingGroups",
    sdk: "queryHuntingGroups",
    summary: "The hunting groups, and the one the user is a member of",
    querystring: LoginNameQuery,
    answer: HuntingGroups,
  },
  {
    method: "GET",
    url: "/incomingCallbacks",
    sdk: "getCallbacks",
    summary: "The callback requests left for the user",
    querystring: LoginNameQuery,
    answer: Callbacks,
  },
  {
    method: "DELETE",
    url: "/incomingCallbacks",
    sdk: "deleteCallbacks",
    summary: "Deletes all the user's callback requests",
    querystring: LoginNameQuery,
  },
  {
    method: "DELETE",
    url: "/incomingCallbacks/:callbackId",
    sdk: "deleteCallback",
    summary: "Deletes one of the user's callback requests",
    params: CallbackParams,
    querystring: LoginNameQuery,
  },
  {
    method: "GET",
    url: "/miniMessages",
    sdk: "getMiniMessage",
    summary: "The user's oldest unread mini message",
    querystring: LoginNameQuery,
    answer: MiniMessage,
  },
  {
    method: "POST",
    url: "/miniMessages",
    sdk: "sendMiniMessage",
    summary: "Sends a mini message to another set",
    querystring: LoginNameQuery,
    body: Type.Object({ recipient: required(), message: Type.String({ minLength: 1, maxLength: 256 }) }),
  },
  {
    method: "POST",
    url: "/outgoingCallbacks",
    sdk: "requestCallback",
    summary: "Leaves a callback request on a busy or absent party",
    querystring: LoginNameQuery,
    body: Type.Object({ callee: required() }),
  },
  // The SDKs' index (2.5.9) names the node in the path; the current SDK sends the pilot only.
  {
    method: "POST",
    url: "/pilots/:nodeId/:pilotNumber/transferInfo",
    sdk: "getPilotInfo",
    summary: "Whether a call can be transferred to a CCD pilot, and its queue",
    params: NodePilotParams,
    querystring: LoginNameQuery,
    body: Type.Union([PilotQuery, Type.Null()]),
    answer: PilotInfo,
  },
  {
    method: "POST",
    url: "/pilots/:pilotNumber/transferInfo",
    sdk: "getPilotInfo",
    summary: "Whether a call can be transferred to a CCD pilot, and its queue",
    params: PilotParams,
    querystring: LoginNameQuery,
    body: Type.Union([PilotQuery, Type.Null()]),
    answer: PilotInfo,
  },
];

/** Declares the catalogue's telephony calls not built yet: each checks the session, then answers 501. */
export function declareNotBuilt(app: FastifyInstance): void {
  const core = app.core;
  for (const r of NOT_BUILT) {
    const schema: FastifySchema & ContractSchemaExtras & { summary: string } = {
      summary: `${r.summary} (${r.sdk}): not built yet`,
      "x-o2g-not-built": true,
      response: r.answer ? { 200: r.answer } : { 204: NoContent },
      ...(r.params ? { params: r.params } : {}),
      ...(r.querystring ? { querystring: r.querystring } : {}),
      ...(r.body ? { body: r.body } : {}),
    };
    app.route({
      method: r.method,
      url: r.url,
      schema,
      handler: async (req) => {
        session(core, req);
        throw notImplemented(`telephony ${r.sdk} (${r.method} ${r.url})`);
      },
    });
  }
}
