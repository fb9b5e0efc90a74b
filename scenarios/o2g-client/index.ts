export { type LoginOptions, O2gClient, O2gHttpError, type O2gResponse, type SessionInfo } from "./client.js";
export { EventStream, type O2gEvent } from "./events.js";
export { FailoverClient, type FailoverOptions } from "./failover.js";
