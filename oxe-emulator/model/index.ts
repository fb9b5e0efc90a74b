export { ModelError, type ModelErrorCode } from "./errors.js";
export { DEFAULT_NETWORK_OPTIONS, Network, type NetworkOptions } from "./network.js";
export type {
  Call,
  CallSummary,
  Cause,
  Connection,
  ConnectionState,
  Device,
  Forward,
  ForwardType,
  ModelEvent,
  ModelEventKind,
  OverflowType,
  ServiceBehaviour,
} from "./types.js";
