/**
 * The CallCenterStatistics wire shapes (the SDK's cc-stat-types.ts: SupervisorJson,
 * StatsContextJson, StatsFilterJson, StatsJson, StatsScheduleJson, OnAcdStatsProgressJson).
 */
import { type Static, Type } from "typebox";
import { EMPTY_AGENT, EMPTY_PILOT } from "./aggregate.js";

const num = (description: string) =>
  Type.String({ minLength: 1, maxLength: 16, pattern: "^[0-9]+$", description });

export const LanguageSchema = Type.Union([Type.Literal("EN"), Type.Literal("FR"), Type.Literal("DE")]);
export const TimeIntervalSchema = Type.Union([
  Type.Literal("aQuarterOfAnHour"),
  Type.Literal("halfAnHour"),
  Type.Literal("anHour"),
]);
export const StatsFormatSchema = Type.Union([Type.Literal("csv"), Type.Literal("xls")]);

/** The SDK's StatsAgentAttributes values. */
export const AGENT_ATTRIBUTES = [
  "nbRotating",
  "nbPickedUp",
  "nbPickup",
  "nbLocalOutNonAcd",
  "nbExtOutNonacd",
  "nbRingAcd",
  "nbHelp",
  "nbLocInNonacd",
  "nbExtInNonacdDirect",
  "nbExtInNonacdTransferred",
  "nbServedWOCode",
  "nbServedWCode",
  "nbAcdQuickServed",
  "nbExtinNonacdServed",
  "nbExtinNonacdQuickServed",
  "nbOutAcd",
  "nbOutAcdAnswered",
  "nbOnWrapup",
  "ringAcdServedTDur",
  "ringAcdServedADur",
  "ringInNonAcdExtServedTDur",
  "ringInNonAcdExtServedADur",
  "ringAcdTDur",
  "ringAcdADur",
  "ringInNonAcdExtTDur",
  "ringInNonAcdExtADur",
  "ringTDur",
  "ringADur",
  "convAcdTDur",
  "convAcdADur",
  "wrapupAcdTDur",
  "convLocOutNonacdTDur",
  "convLocOutNonacdADur",
  "convExtOutTDur",
  "convExtOutADur",
  "convLocInNonacdTDur",
  "convLocInNonacdADur",
  "convExtInNonacdTDur",
  "convExtInNonacdADur",
  "outAcdCommTDur",
  "outAcdCommADur",
  "outAcdConvTDur",
  "outAcdConvADur",
  "outAcdTransactTDur",
  "outAcdTransactADur",
  "outAcdWrapupTDur",
  "outAcdWrapupADur",
  "outAcdPauseTDur",
  "outAcdPauseADur",
  "wrapUpIdleTDur",
  "callOnWrapupTDur",
  "busyOnWrapupTDur",
  "busyTDur",
  "loggedOutPerTime",
  "notAssignedPerTime",
  "assignedPerTime",
  "withdrawPerTime",
  "withdrawPerTimeCause1",
  "withdrawPerTimeCause2",
  "withdrawPerTimeCause3",
  "withdrawPerTimeCause4",
  "withdrawPerTimeCause5",
  "withdrawPerTimeCause6",
  "withdrawPerTimeCause7",
  "withdrawPerTimeCause8",
  "withdrawPerTimeCause9",
  "nbPilots",
  "nbAcdServedCalls",
  "nbAcdInServedCalls",
  "nbInCallsReceivedByPilot",
  "nbAcdOutServedCalls",
  "nbTotNonServedCalls",
  "nbInNonServedCalls",
  "nbPickedupCalls",
  "nbRefusedCalls",
  "nbAcdOutNonServedCalls",
  "nbTotNonAcdreceivedCalls",
  "nbInNonAcdCalls",
  "nbOutNonAcdCalls",
  "assignedNotWithdrawDur",
  "withdrawDur",
  "manuWrapupDur",
  "unreachableDur",
  "nonAcdWorkTDur",
  "nonAcdWorkADur",
  "acdWorkTDur",
  "acdWorkADur",
  "acdWorkInTDur",
  "acdWorkInADur",
  "acdWorkInConvTDur",
  "acdWorkInConvADur",
  "acdWorkInRingTDur",
  "acdWorkInRingADur",
  "acdWorkInWrapupTDur",
  "acdWorkInWrapupADur",
  "acdWorkOutTDur",
  "acdWorkOutADur",
  "acdWorkOutConvTDur",
  "acdWorkOutConvADur",
  "acdWorkOutWrapupTDur",
  "acdWorkOutWrapupADur",
  "acdInConvTDur",
  "acdInConvADur",
  "acdOutConvTDur",
  "acdOutConvADur",
  "ALL",
] as const;

/** The SDK's StatsAgentByPilotAttributes values. */
export const BY_PILOT_ATTRIBUTES = [
  "nbCallsReceived",
  "nbCallsTransfIn",
  "nbCallsServed",
  "nbCallsServedTooQuickly",
  "nbCallsWithEnquiry",
  "nbCallsWithHelp",
  "nbCallsTransf",
  "nbCallsTransfToAgent",
  "nbCallsInWrapup",
  "maxCallProcDur",
  "maxConvDur",
  "maxWrapupDur",
  "callProcTDur",
  "callProcADur",
  "convTDur",
  "convADur",
  "wrapupTDur",
  "wrapupADur",
  "convInWrapupTDur",
  "busyTimeInWrapupTDur",
  "onHoldTDur",
  "onHoldADur",
  "transTDur",
  "transADur",
  "pauseTDur",
  "pauseADur",
  "ALL",
] as const;

/** The SDK's StatsPilotAttributes values. */
export const PILOT_ATTRIBUTES = [
  "nbCallsOpen",
  "nbCallsBlocked",
  "nbCallsForward",
  "nbCallsByTransfer",
  "nbCallsByMutualAid",
  "maxNbSimultCalls",
  "nbOverflowInQueue",
  "nbOverflowInRinging",
  "nbCallsWOQueuing",
  "nbCallsAfterQueuing",
  "nbCallsSentInMutualAidQueue",
  "nbCallsRedirectedOutACDArea",
  "nbCallsDissuaded",
  "nbCallsDissuadedAfterTryingMutualAid",
  "nbCallsVGTypePG",
  "nbCallsSentToPG",
  "nbCallsRejectedLackOfRes",
  "nbCallsServedByAgent",
  "nbCallsServedInTime",
  "nbCallsServedTooQuick",
  "nbCallsWithoutTransCode",
  "nbCallsWithTransCode",
  "nbCallsRedistrib",
  "nbCallsBeforeTS1",
  "percentCallsBeforeTS1",
  "nbCallsBeforeTS2",
  "percentCallsBeforeTS2",
  "nbCallsBeforeTS3",
  "percentCallsBeforeTS3",
  "nbCallsBeforeTS4",
  "percentCallsBeforeTS4",
  "nbCallsAfterTS4",
  "percentCallsAfterTS4",
  "nbAbandonsOnGreetingsVG",
  "nbAbandonsOn1WaitingVG",
  "nbAbandonsOn2WaitingVG",
  "nbAbandonsOn3WaitingVG",
  "nbAbandonsOn4WaitingVG",
  "nbAbandonsOn5WaitingVG",
  "nbAbandonsOn6WaitingVG",
  "nbAbandonsOnRinging",
  "nbAbandonsOnGenFwdVG",
  "nbAbandonsOnBlockedVG",
  "nbAbandonsOnAgentBusy",
  "nbAbandons",
  "nbAbandonsBeforeTS1",
  "percentAbandonsBeforeTS1",
  "nbAbandonsBeforeTS2",
  "percentAbandonsBeforeTS2",
  "nbAbandonsBeforeTS3",
  "percentAbandonsBeforeTS3",
  "nbAbandonsBeforeTS4",
  "percentAbandonsBeforeTS4",
  "nbAbandonsAfterTS4",
  "percentAbandonsAfterTS4",
  "callProcTDur",
  "callProcADur",
  "greetingListenTDur",
  "greetingListenADur",
  "beforeQueuingTDur",
  "waitServedCallsTDur",
  "waitServedCallsADur",
  "waitAbandonnedCallsTDur",
  "waitAbandonnedCallsADur",
  "ringingTDur",
  "ringingADur",
  "convTDur",
  "convADur",
  "holdCallsTDur",
  "holdCallsADur",
  "wrapupTDur",
  "wrapupADur",
  "longestWaitingDur",
  "serviceLevel",
  "efficiency",
  "inServiceState",
  "genFwdState",
  "blockedState",
  "dnbTotReceivedCalls",
  "ALL",
] as const;

/** A string of a fixed set (an enum in the JSON schema), typed as the union of its values. */
const lit = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: "string", enum: [...values] });
const Numbers = Type.Array(num("an agent or pilot number"), { maxItems: 1000 });

export const StatsFilterSchema = Type.Object({
  agentFilter: Type.Optional(
    Type.Object({
      numbers: Type.Optional(Numbers),
      agentAttributes: Type.Optional(Type.Array(lit(AGENT_ATTRIBUTES), { maxItems: 200 })),
      pilotAttributes: Type.Optional(Type.Array(lit(BY_PILOT_ATTRIBUTES), { maxItems: 200 })),
    }),
  ),
  pilotFilter: Type.Optional(
    Type.Object({
      numbers: Type.Optional(Numbers),
      attributes: Type.Optional(Type.Array(lit(PILOT_ATTRIBUTES), { maxItems: 200 })),
    }),
  ),
  pilotAbandonedCallFilter: Type.Optional(
    Type.Object({
      numbers: Type.Optional(Numbers),
      attributes: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 200 })),
    }),
  ),
});
export type StatsFilterJson = Static<typeof StatsFilterSchema>;

export const SupervisorSchema = Type.Object({
  identifier: Type.String({ minLength: 1, maxLength: 64 }),
  language: LanguageSchema,
  timezone: Type.String({ minLength: 1, maxLength: 64, description: "an IANA time zone" }),
});
export type SupervisorJson = Static<typeof SupervisorSchema>;

export const StatsContextSchema = Type.Object({
  ctxId: Type.String(),
  supervisorId: Type.String(),
  label: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  isScheduled: Type.Boolean(),
  shortHeader: Type.Boolean(),
  filter: StatsFilterSchema,
});
export type StatsContextJson = Static<typeof StatsContextSchema>;

const DayOfWeek = lit(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]);

export const ObsPeriodSchema = Type.Object({
  periodType: lit([
    "currentDay",
    "currentWeek",
    "currentMonth",
    "lastDays",
    "lastWeeks",
    "lastMonth",
    "fromDateToDate",
  ]),
  lastNb: Type.Optional(Type.Integer({ minimum: 1, maximum: 31 })),
  beginDate: Type.Optional(Type.String({ maxLength: 40 })),
  endDate: Type.Optional(Type.String({ maxLength: 40 })),
});
export type ObsPeriodJson = Static<typeof ObsPeriodSchema>;

export const FrequencySchema = Type.Object({
  periodicity: lit(["once", "daily", "weekly", "monthly"]),
  daysInWeek: Type.Optional(Type.Array(DayOfWeek, { minItems: 1, maxItems: 7 })),
  dayInMonth: Type.Optional(Type.Integer({ minimum: 1, maximum: 31 })),
});
export type FrequencyJson = Static<typeof FrequencySchema>;

export const ScheduleStateSchema = lit([
  "Not_executed",
  "Executed",
  "Failed_On_Get_Data",
  "Failed_On_Send_Mail",
  "In_progress",
  "Expired",
]);

export const StatsScheduleSchema = Type.Object({
  name: Type.String(),
  description: Type.Optional(Type.String()),
  obsPeriod: ObsPeriodSchema,
  frequency: FrequencySchema,
  recipients: Type.Array(Type.String()),
  state: ScheduleStateSchema,
  enable: Type.Boolean(),
  lastExecDate: Type.Optional(Type.String()),
  fileType: StatsFormatSchema,
  shortHeader: Type.Boolean(),
  /** ours: the files this schedule's runs produced, oldest first, as paths under the service's URL */
  files: Type.Optional(Type.Array(Type.String())),
});
export type StatsScheduleJson = Static<typeof StatsScheduleSchema>;

const SelectedPeriodSchema = Type.Object({
  periodType: lit(["oneDay", "onSeveralDays"] as const),
  slotType: Type.Optional(TimeIntervalSchema),
  beginDate: Type.String(),
  endDate: Type.String(),
});

const SLOT_FIELDS = {
  date: Type.Optional(Type.String()),
  year: Type.Optional(Type.String()),
  month: Type.Optional(Type.String()),
  day: Type.Optional(Type.String()),
  hour: Type.Optional(Type.String()),
  minute: Type.Optional(Type.String()),
};

function figures(sample: Record<string, number | string>) {
  return Object.fromEntries(
    Object.entries(sample).map(([k, v]) => [
      k,
      Type.Optional(typeof v === "number" ? Type.Integer() : Type.String()),
    ]),
  );
}

const BY_PILOT_SAMPLE = {
  nbCallsReceived: 0,
  nbCallsServed: 0,
  nbCallsInWrapup: 0,
  maxCallProcDur: "",
  maxConvDur: "",
  maxWrapupDur: "",
  callProcTDur: "",
  callProcADur: "",
  convTDur: "",
  convADur: "",
  wrapupTDur: "",
  wrapupADur: "",
};

export const AgentByPilotRowSchema = Type.Object({
  pilotNumber: Type.Optional(Type.String()),
  pilotName: Type.Optional(Type.String()),
  ...figures(BY_PILOT_SAMPLE),
});

export const AgentRowSchema = Type.Object({
  ...SLOT_FIELDS,
  login: Type.Optional(Type.String()),
  firstName: Type.Optional(Type.String()),
  lastName: Type.Optional(Type.String()),
  number: Type.Optional(Type.String()),
  ...figures(EMPTY_AGENT()),
  pilotAgentStatsRows: Type.Optional(Type.Array(AgentByPilotRowSchema)),
});
export type AgentRowJson = Static<typeof AgentRowSchema>;

export const PilotRowSchema = Type.Object({
  ...SLOT_FIELDS,
  pilotName: Type.Optional(Type.String()),
  pilotNumber: Type.Optional(Type.String()),
  ...figures(EMPTY_PILOT()),
});
export type PilotRowJson = Static<typeof PilotRowSchema>;

const objectStats = <T extends ReturnType<typeof Type.Object>>(row: T) =>
  Type.Object({
    timeSlot: Type.String(),
    selectedPeriod: SelectedPeriodSchema,
    rows: Type.Optional(Type.Array(row)),
  });

export const StatsDataSchema = Type.Object({
  supervisor: Type.String(),
  agentsStats: Type.Optional(Type.Array(objectStats(AgentRowSchema))),
  pilotsStats: Type.Optional(Type.Array(objectStats(PilotRowSchema))),
});
export type StatsDataJson = Static<typeof StatsDataSchema>;

/** OnAcdStatsProgress (package acdstats): the steps of a report file being built. */
export const AcdStatsProgressFields = {
  supervisor: Type.String(),
  step: lit(["COLLECT", "PROCESSED", "FORMATED", "ERROR", "CANCELLED"]),
  nbTotObjects: Type.Optional(Type.Integer()),
  nbProcessedObjects: Type.Optional(Type.Integer()),
  resPath: Type.Optional(Type.String()),
  fullResPath: Type.Optional(Type.String()),
  xlsfullResPath: Type.Optional(Type.String()),
};
