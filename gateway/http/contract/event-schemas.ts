/**
 * The event packages' payloads, as components of the OpenAPI document: what a chunk channel line
 * or a webhook POST carries. Each event is an object with its `eventName`; the fields listed are
 * those this gateway sends (the SDKs' `*Json` event types), others may follow as the services grow.
 */
import { type TSchema, Type } from "typebox";
import { RTI_EVENT_FIELDS } from "../../domain/callcenter/realtime-schema.js";
import { AgentSkillSchema, OperatorStateSchema } from "../../domain/callcenter/schema.js";
import { AcdStatsProgressFields } from "../../domain/callcenter/stats/schema.js";
import { RSI_EVENT_FIELDS } from "../../domain/rsi/schema.js";
import { HuntingGroupStatusSchema } from "../../domain/telephony/hunting-groups.js";
import { TELEPHONY_EVENT_SCHEMAS } from "../../domain/telephony/schema.js";
import type { EventPackage } from "../../events/types.js";

const str = Type.String();
const login = { loginName: Type.String({ description: "the user the event is for" }) };

/** name → fields besides eventName, per package */
const EVENTS: Record<EventPackage, Record<string, Record<string, TSchema>>> = {
  telephony: {
    // The engine's events, from the domain's schemas (the same ones its types come from).
    ...Object.fromEntries(
      Object.entries(TELEPHONY_EVENT_SCHEMAS).map(([name, schema]) => [name, schema.properties]),
    ),
    // The member's hunting group log-on state (services/telephony/hunting-groups.ts).
    OnDynamicStateChanged: { ...login, huntingGroupState: Type.Optional(HuntingGroupStatusSchema) },
    OnToneGeneratedStart: { ...login },
    OnToneGeneratedStop: { ...login },
    OnDigitCollected: { ...login },
  },
  eventSummary: { OnEventSummaryUpdated: { ...login, eventSummary: Type.Object({}) } },
  unifiedComLog: {
    OnComRecordCreated: { ...login, record: Type.Object({}) },
    OnComRecordModified: { ...login, record: Type.Object({}) },
    OnComRecordsDeleted: { ...login, recordIds: Type.Array(Type.Integer()) },
    OnComRecordsAck: { ...login, recordIds: Type.Array(Type.Integer()) },
    OnComRecordsUnAck: { ...login, recordIds: Type.Array(Type.Integer()) },
  },
  user: { OnUserInfoChanged: { ...login } },
  userManagement: { OnUserCreated: { user: Type.Object({}) }, OnUserDeleted: { loginName: str } },
  routingManagement: { OnRoutingStateChanged: { ...login, routingState: Type.Object({}) } },
  agent: {
    OnAgentStateChanged: { ...login, state: OperatorStateSchema },
    OnAgentSkillChanged: { ...login, skills: Type.Array(AgentSkillSchema) },
    OnSupervisorHelpRequested: { ...login, agentNumber: str },
    OnSupervisorHelpCancelled: { ...login, agentNumber: str },
  },
  pilot: {
    OnPilotCallCreated: { pilot: str, caller: str, callRef: str, cause: str, callData: Type.Object({}) },
    OnPilotCallQueued: {
      pilot: str,
      caller: str,
      queue: str,
      callRef: str,
      cause: str,
      numberOfQueued: Type.Integer(),
    },
    OnPilotCallRemoved: { pilot: str, releasingDevice: str, newDestination: str, callRef: str, cause: str },
  },
  rsi: RSI_EVENT_FIELDS,
  system: {
    OnCtiLinkDown: { nodeId: str },
    OnCtiLinkUp: { nodeId: str },
    OnPbxLinkDown: { nodeId: str },
    OnPbxLinkUp: { nodeId: str },
    OnPbxLoaded: { nodeId: str },
    OnServerStart: {},
    OnLicenseExpiration: { message: str, nbDays: Type.Integer() },
    OnRemoteServerLinkDown: {},
    OnRemoteServerLinkUp: {},
  },
  pbxManagement: {
    OnPbxObjectInstanceCreated: { nodeId: str, object: Type.Object({}) },
    OnPbxObjectInstanceModified: { nodeId: str, object: Type.Object({}) },
    OnPbxObjectInstanceDeleted: { nodeId: str, object: Type.Object({}) },
  },
  rti: RTI_EVENT_FIELDS,
  // A statistics report file being built (services/callcenter/statistics.ts).
  acdstats: { OnAcdStatsProgress: AcdStatsProgressFields },
};

const CHANNEL_INFORMATION = Type.Object(
  { eventName: Type.Literal("OnChannelInformation"), text: str },
  {
    $id: "EventOnChannelInformation",
    title: "OnChannelInformation",
    description: "the first line of every chunk poll",
  },
);

export const EVENT_SCHEMAS: readonly TSchema[] = [
  CHANNEL_INFORMATION,
  ...Object.entries(EVENTS).flatMap(([pkg, events]) =>
    Object.entries(events).map(([name, fields]) =>
      Type.Object(
        { eventName: Type.Literal(name), ...fields },
        {
          $id: `Event${name}`,
          title: name,
          description: `event package "${pkg}"`,
          additionalProperties: true,
        },
      ),
    ),
  ),
];
