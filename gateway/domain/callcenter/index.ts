export {
  AgentEvents,
  operatorConfig,
  operatorStateJson,
  setSkillsActive,
  withdrawReasons,
} from "./agents.js";
export { markAcdOperators } from "./operators.js";
export { PilotMonitors } from "./pilot-monitors.js";
export { pilotInfo, supervisorCallNumber } from "./pilots.js";
export {
  type AgentConfigJson,
  AgentConfigSchema,
  type OperatorStateJson,
  OperatorStateSchema,
  type PilotInfoJson,
  PilotInfoSchema,
  type WithdrawReasonsJson,
  WithdrawReasonsSchema,
} from "./schema.js";
