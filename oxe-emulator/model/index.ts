export { type CallbackRequest, Callbacks } from "./callbacks.js";
export { ModelError, type ModelErrorCode } from "./errors.js";
export {
  HUNT_GROUP_BASE,
  HUNT_MODES,
  type HuntingGroup,
  HuntingGroups,
  type HuntMember,
  type HuntMode,
  seedHuntingGroups,
} from "./hunting-groups.js";
export { MINI_MESSAGE_MAX_LENGTH, type MiniMessage, MiniMessages } from "./mini-messages.js";
export {
  type CallDistributor,
  DEFAULT_NETWORK_OPTIONS,
  type DistributionDecision,
  type MakeCallOptions,
  Network,
  type NetworkOptions,
} from "./network.js";
export type {
  Call,
  CallProfileSkill,
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
  VoiceMailBehaviour,
} from "./types.js";
