export { type Applied, type CallRecord, NodeCallTable } from "./call-table.js";
export { callCause } from "./causes.js";
export { TelephonyEngine } from "./engine.js";
export type * from "./o2g-types.js";
export { partyInfo, userView } from "./views.js";
