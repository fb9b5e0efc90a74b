export { fenceDelayMs, HaArbiter, type HaArbiterOptions, type HaRole, type HaTimings } from "./arbiter.js";
export {
  type LockCheck,
  LockConnection,
  type LockConnectionOptions,
  pairLockKey,
} from "./lock-connection.js";
