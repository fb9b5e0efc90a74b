export {
  AgentEvents,
  operatorConfig,
  operatorStateJson,
  setSkillsActive,
  withdrawReasons,
} from "./agents.js";
export {
  editDay,
  exceptionCalendarJson,
  normalCalendarJson,
  PilotCalendars,
  pilotJson,
  readCalendars,
  readPilot,
  readPilots,
  setPilotOpen,
  type TransitionEdit,
} from "./management.js";
export {
  CalendarSchema,
  DayOfWeekSchema,
  ExceptionCalendarSchema,
  type MngtPilotJson,
  MngtPilotSchema,
  NormalCalendarSchema,
  PilotListSchema,
  type TransitionJson,
  TransitionSchema,
} from "./management-schema.js";
export { markAcdOperatorNumbers, markAcdOperators, readAcdOperatorNumbers } from "./operators.js";
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
