export { answeredCaller, settleMissedFromCaller } from "./answered-caller.js";
export { EventSummaryCounters, type EventSummaryJson, type EventSummarySources } from "./counters.js";
export { MissedCallCounter } from "./missed.js";
