export { interpolate, mismatch, pick } from "./match.js";
export {
  type LoadStats,
  type RunOptions,
  type RunResult,
  runScenario,
  StepFailure,
  type StepResult,
  type StepStats,
} from "./runner.js";
