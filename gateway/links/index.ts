export { CmipClient, type NamedAttributes } from "./cmip-client.js";
export { CstaClient, type LinkLog } from "./csta-client.js";
export { type CtiLinkState, NodeLink, type NodeStatus } from "./node-link.js";
export { RoseClient, type RoseClientState } from "./rose-client.js";
