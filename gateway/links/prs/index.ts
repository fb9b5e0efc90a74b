export { PrsClient, type PrsClientOptions, type PrsClientState, type PrsLinkLog } from "./prs-client.js";
