export { type AgentRequest, ccdSupervision, readAgentState, requestAgentState } from "./agent-client.js";
export { CmipClient, type NamedAttributes } from "./cmip-client.js";
export { type CallPair, CstaClient, type LinkLog, type MakeCallOptions } from "./csta-client.js";
export { RoseClient, type RoseClientState } from "./rose-client.js";
