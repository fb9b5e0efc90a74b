export { EventSummaryCounters, type EventSummaryJson, type EventSummarySources } from "./counters.js";
export { MissedCallCounter } from "./missed.js";
