export {
  type CallOutcome,
  Ccd,
  type CcdCallRecord,
  CcdError,
  type CcdErrorCode,
  type CcdEvent,
  type DynamicState,
  type MainState,
  type Operator,
  type OperatorStateView,
} from "./ccd.js";
export {
  type CcdConfig,
  type CcdOptions,
  generateCcd,
  groupNumber,
  type OperatorConfig,
  type OperatorSkill,
  type OperatorType,
  type PilotConfig,
  type PilotRule,
  type PilotState,
  type ProcessingGroupConfig,
  pilotNumber,
  type SkillDef,
  type WithdrawReason,
} from "./config.js";
export { AcdTraffic, type AcdTrafficOptions, DEFAULT_ACD_TRAFFIC } from "./traffic.js";
