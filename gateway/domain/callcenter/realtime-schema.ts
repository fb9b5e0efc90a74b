/**
 * CallCenterRealtime's wire shapes, as the SDK's cc-rt-types.ts reads and writes them: the objects
 * that have indicators, the session's context (which objects and attributes, how often) and the
 * five RTI events. The attribute names are the SDK's Rti*Attributes enums.
 */
import { type Static, type TSchema, Type } from "typebox";

const Num = Type.String({ minLength: 1, maxLength: 16, pattern: "^[0-9]+$" });

export const RtiObjectIdentifierSchema = Type.Object({
  number: Type.String(),
  name: Type.String(),
  firstName: Type.Optional(Type.String()),
});
export type RtiObjectIdentifierJson = Static<typeof RtiObjectIdentifierSchema>;

export const RtiObjectsSchema = Type.Object({
  agents: Type.Optional(Type.Array(RtiObjectIdentifierSchema)),
  pilots: Type.Optional(Type.Array(RtiObjectIdentifierSchema)),
  queues: Type.Optional(Type.Array(RtiObjectIdentifierSchema)),
  pgAgents: Type.Optional(Type.Array(RtiObjectIdentifierSchema)),
  pgOthers: Type.Optional(Type.Array(RtiObjectIdentifierSchema)),
});
export type RtiObjectsJson = Static<typeof RtiObjectsSchema>;

export const AGENT_ATTRIBUTES = [
  "AssociatedSet",
  "CurrentPG",
  "PhoneState",
  "LogonDate",
  "PrivateCallsTotalDuration",
  "ComDate",
  "ComDuration",
  "NBOfPrivateCalls",
  "NbOfServedACDCalls",
  "NbOfRefusedACDCalls",
  "NbOfTransferredACDCalls",
  "NbOfOutgoingACDCalls",
  "NbOfInterceptedACDCalls",
  "ServiceState",
  "NbOfWithdrawals",
  "WithdrawalsTotalDuration",
  "WithdrawReason",
  "PilotName",
  "QueueName",
  "ALL",
] as const;
export const PILOT_ATTRIBUTES = [
  "State",
  "ServiceLevel",
  "CurrentRuleName",
  "NbOfWaitingCalls",
  "NbOfMutualAidCalls",
  "NbOfCallsInConversation",
  "NbOfCallsInRemotePG",
  "AverageWaitingTime",
  "NbOfRunningCalls",
  "NbOfRingingACDCalls",
  "NbOfDissuadedCalls",
  "NbOfCallsInGeneralForwarding",
  "Efficiency",
  "IncomingTraffic",
  "ALL",
] as const;
export const QUEUE_ATTRIBUTES = [
  "State",
  "NbOfAgentsInDistribution",
  "IncomingTraffic",
  "OutgoingTraffic",
  "NbOfWaitingCalls",
  "CurrentWaitingTime",
  "ExpectedWaitingTime",
  "FillingRate",
  "LongestWaitingTimeInList",
  "ALL",
] as const;
export const PG_AGENT_ATTRIBUTES = [
  "State",
  "NbOfWithdrawnAgents",
  "NbOfAgentsInPrivateCall",
  "NbOfAgentsInACDCall",
  "NbOfAgentsInACDRinging",
  "NbOfAgentsInACDConv",
  "NbOfAgentsInWrapupAndTransaction",
  "NbOfAgentsInPause",
  "NbOfBusyAgents",
  "NbOfLoggedOnAgents",
  "NbOfFreeAgents",
  "NbOfIdleAgents",
  "NbOfLoggedOnAndNotWithdrawnAgents",
  "ConsolidatedQueuesWaitingTime",
  "ConsolidatedQueuesNbOfWaitingCalls",
  "ConsolidatedQueuesEWT",
  "ServiceLevel",
  "Efficiency",
  "IncomingTraffic",
  "ALL",
] as const;
export const PG_OTHER_ATTRIBUTES = ["State", "NbOfACDCalls", "IncomingTraffic", "ALL"] as const;

const filterOf = <const T extends readonly string[]>(attributes: T) =>
  Type.Object(
    {
      numbers: Type.Optional(Type.Array(Num, { maxItems: 1000 })),
      attributes: Type.Optional(Type.Array(Type.Enum([...attributes]), { maxItems: attributes.length })),
    },
    { additionalProperties: false },
  );

export const RtiFilterSchema = Type.Object(
  {
    agentFilter: Type.Optional(filterOf(AGENT_ATTRIBUTES)),
    pilotFilter: Type.Optional(filterOf(PILOT_ATTRIBUTES)),
    queueFilter: Type.Optional(filterOf(QUEUE_ATTRIBUTES)),
    pgAgentFilter: Type.Optional(filterOf(PG_AGENT_ATTRIBUTES)),
    pgOtherFilter: Type.Optional(filterOf(PG_OTHER_ATTRIBUTES)),
  },
  { additionalProperties: false },
);
export type RtiFilterJson = Static<typeof RtiFilterSchema>;

/** obsPeriod: minutes (15..60); notifFrequency: seconds between two notifications (5 at least). */
export const RtiContextSchema = Type.Object({
  active: Type.Optional(Type.Boolean({ description: "started (POST snapshot); ignored when set" })),
  obsPeriod: Type.Optional(Type.Integer({ minimum: 15, maximum: 60 })),
  notifFrequency: Type.Optional(Type.Integer({ minimum: 5, maximum: 3600 })),
  filter: Type.Optional(RtiFilterSchema),
});
export type RtiContextJson = Static<typeof RtiContextSchema>;

const S = Type.String();
const I = Type.Integer();
const opt = (t: TSchema) => Type.Optional(t);
const SERVICE_STATE = Type.Union(["Closed", "Opened", "Blocked", "unknown"].map((v) => Type.Literal(v)));

/** The events' fields besides eventName (the SDK's On*RtiChangedJson). */
export const RTI_EVENT_FIELDS: Record<string, Record<string, TSchema>> = {
  OnAgentRtiChanged: {
    name: S,
    firstName: opt(S),
    number: S,
    type: Type.Union([Type.Literal("Normal"), Type.Literal("IVR")]),
    logonDate: opt(S),
    serviceState: opt(S),
    serviceStateDate: opt(S),
    phoneState: opt(S),
    phoneStateDate: opt(S),
    pilotName: opt(S),
    queueName: opt(S),
    nbOfWithdrawals: opt(I),
    withdrawalsTotalDuration: opt(I),
    nbOfPrivateCalls: opt(I),
    privateCallsTotalDuration: opt(I),
    nbOfServedACDCalls: opt(I),
    nbOfOutgoingACDCalls: opt(I),
    nbOfRefusedACDCalls: opt(I),
    nbOfInterceptedACDCalls: opt(I),
    nbOfTransferedACDCalls: opt(I),
    currentPG: opt(S),
    associatedSet: opt(S),
    withdrawReason: opt(I),
    afeKey: opt(I),
  },
  OnPilotRtiChanged: {
    name: S,
    number: S,
    state: opt(SERVICE_STATE),
    ...Object.fromEntries(
      [
        "nbOfRunningCalls",
        "serviceLevel",
        "efficiency",
        "nbOfWaitingCalls",
        "nbOfRingingACDCalls",
        "nbOfMutualAidCalls",
        "nbOfDissuadedCalls",
        "nbOfCallsInConversation",
        "nbOfCallsInGeneralForwarding",
        "nbOfCallsInRemotePG",
        "incomingTraffic",
        "averageWaitingTime",
        "worstServiceLevelInList",
        "worstEfficiencyInList",
        "bestServiceLevelInList",
        "bestEfficiencyInList",
        "afeKey",
      ].map((f) => [f, opt(I)]),
    ),
  },
  OnQueueRtiChanged: {
    name: S,
    number: S,
    type: S,
    state: SERVICE_STATE,
    ...Object.fromEntries(
      [
        "nbOfAgentsInDistribution",
        "incomingTraffic",
        "outgoingTraffic",
        "nbOfWaitingCalls",
        "currentWaitingTime",
        "fillingRate",
        "expectedWaitingTime",
        "longestWaitingTimeInList",
        "afeKey",
      ].map((f) => [f, opt(I)]),
    ),
  },
  OnPGAgentRtiChanged: {
    name: S,
    number: S,
    type: S,
    state: SERVICE_STATE,
    ...Object.fromEntries(
      [
        "nbOfWithdrawnAgents",
        "nbOfAgentsInPrivateCall",
        "nbOfAgentsInACDCall",
        "nbOfAgentsInACDRinging",
        "nbOfAgentsInACDConv",
        "nbOfAgentsInWrapupAndTransaction",
        "nbOfAgentsInPause",
        "nbOfBusyAgents",
        "nbOfLoggedOnAgents",
        "nbOfFreeAgents",
        "nbOfIdleAgents",
        "nbOfLoggedOnAndNotWithdrawnAgents",
        "incomingTraffic",
        "consolidatedPilotsServiceLevel",
        "consolidatedPilotsEfficiency",
        "consolidatedQueuesWaitingTime",
        "consolidatedQueuesNbOfWaitingCalls",
        "consolidatedQueuesEWT",
        "pilotsWorstServiceLevel",
        "pilotsWorstEfficiency",
        "pilotsBestServiceLevel",
        "pilotsBestEfficiency",
        "queuesLongestWaitingTime",
        "afeKey",
      ].map((f) => [f, opt(I)]),
    ),
  },
  OnPGOtherRtiChanged: {
    name: S,
    number: S,
    type: S,
    state: SERVICE_STATE,
    nbOfACDCalls: opt(I),
    incomingTraffic: opt(I),
    afeKey: opt(I),
  },
};
