export { EventSummaryCounters, type EventSummaryJson, type EventSummarySources } from "./counters.js";
