export { WssAgent, type WssAgentOptions, type WssAgentState } from "./agent.js";
export {
  type AckMessage,
  type AuthMessage,
  CLOSE,
  type ErrorMessage,
  type EventMessage,
  type ReadyMessage,
  type RequestMessage,
  type ResponseMessage,
} from "./envelope.js";
export { cloudConnectivityLicensed } from "./license.js";
