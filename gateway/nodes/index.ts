export { type CtiLinkState, NodeLink, type NodeStatus } from "./node-link.js";
export { routingNode, subscriberRouting } from "./routing-node.js";
