export { loadScenario, parseScenario, ScenarioSyntaxError } from "./parse.js";
export type * from "./types.js";
export { FAULT_KINDS, PHONE_ACTIONS } from "./types.js";
