/**
 * The call-center agent's JSON as the SDK reads it (its internal/types/cc-agent/cc-agent-types.ts):
 * AgentConfigJson, OperatorStateJson, WithdrawReasonJson, and the `agent` package's events.
 */
import { type Static, Type } from "typebox";

export const OperatorMainState = Type.Enum(["UNKNOWN", "LOG_ON", "LOG_OFF", "ERROR"]);
export const OperatorDynamicState = Type.Enum([
  "READY",
  "OUT_OF_PG",
  "BUSY",
  "TRANSACTION_CODE_INPUT",
  "WRAPUP",
  "PAUSE",
  "WITHDRAW",
  "WRAPUP_IM",
  "WRAPUP_EMAIL",
  "WRAPUP_EMAIL_INTERRUPTIBLE",
  "WRAPUP_OUTBOUND",
  "WRAPUP_CALLBACK",
  "UNKNOWN",
]);

export const OperatorStateSchema = Type.Object(
  {
    mainState: OperatorMainState,
    subState: Type.Optional(OperatorDynamicState),
    proAcdDeviceNumber: Type.Optional(
      Type.String({ description: "the pro-ACD set the operator is logged on" }),
    ),
    pgNumber: Type.Optional(Type.String({ description: "the processing group the operator is in" })),
    withdrawReason: Type.Optional(Type.Integer({ description: "the withdraw reason's index" })),
    withdraw: Type.Optional(Type.Boolean()),
  },
  { title: "OperatorState" },
);
export type OperatorStateJson = Static<typeof OperatorStateSchema>;

export const AgentSkillSchema = Type.Object(
  {
    number: Type.Optional(Type.Integer()),
    level: Type.Optional(Type.Integer()),
    active: Type.Optional(Type.Boolean()),
  },
  { title: "AgentSkill" },
);

export type AgentSkillJson = Static<typeof AgentSkillSchema>;

export const AgentConfigSchema = Type.Object(
  {
    type: Type.Enum(["AGENT", "SUPERVISOR"]),
    proacd: Type.Optional(Type.String({ description: "the pro-ACD set the operator usually logs on" })),
    processingGroups: Type.Optional(
      Type.Object(
        { preferred: Type.Optional(Type.String()), groups: Type.Optional(Type.Array(Type.String())) },
        { title: "AgentGroups" },
      ),
    ),
    skills: Type.Optional(Type.Object({ skills: Type.Optional(Type.Array(AgentSkillSchema)) })),
    selfAssign: Type.Optional(Type.Boolean()),
    headset: Type.Optional(Type.Boolean()),
    help: Type.Optional(Type.Boolean()),
    multiline: Type.Optional(Type.Boolean()),
  },
  { title: "AgentConfig" },
);
export type AgentConfigJson = Static<typeof AgentConfigSchema>;

export const WithdrawReasonsSchema = Type.Object(
  {
    reasons: Type.Array(
      Type.Object(
        { index: Type.Integer(), label: Type.Optional(Type.String()) },
        { title: "WithdrawReason" },
      ),
    ),
  },
  { title: "WithdrawReasons" },
);
export type WithdrawReasonsJson = Static<typeof WithdrawReasonsSchema>;

export const PilotStatusSchema = Type.Enum([
  "OPEN",
  "BLOCKED",
  "BLOCKED_ON_RULE",
  "BLOCKED_ON_BLOCKED_RULE",
  "GENERAL_FORWARDING",
  "GENERAL_FORWARDING_ON_RULE",
  "BLOCKED_ON_GENERAL_FORWARDING_RULE",
  "OTHER",
]);

/** Telephony's getPilotInfo answer (the SDK's PilotInfoJson). */
export const PilotInfoSchema = Type.Object(
  {
    number: Type.Optional(Type.String()),
    waitingTime: Type.Optional(Type.Integer()),
    saturation: Type.Optional(Type.Boolean()),
    supervisedTransfer: Type.Optional(Type.Boolean()),
    pilotTransferInfo: Type.Optional(
      Type.Object({
        transferPossible: Type.Optional(Type.Boolean()),
        pilotStatus: Type.Optional(PilotStatusSchema),
      }),
    ),
  },
  { title: "PilotInfo" },
);
export type PilotInfoJson = Static<typeof PilotInfoSchema>;
