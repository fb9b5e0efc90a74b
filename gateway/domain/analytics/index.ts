export { ChargingCache, type ChargingCacheStats } from "./charging-cache.js";
export {
  type DateParam,
  localDmy,
  localHms,
  localStamp,
  localYmd,
  nodeDate,
  parseDateParam,
  rangeOf,
  startOfLocalDay,
  type TimeRange,
} from "./dates.js";
export {
  type AnalyticsConfig,
  type AnalyticsNodeConfig,
  nodeAnalyticsFor,
} from "./factory.js";
export {
  AnswerReader,
  classify,
  FILE_FIELDS,
  INCIDENT_FIELDS,
  type NodeChargingFile,
  type NodeIncident,
  NodeOutputError,
  type NodeTicket,
  type OutputLine,
  parseChargingFile,
  parseIncident,
  parseNodeDate,
  parseTicket,
  RecordLayout,
  TICKET_FIELDS,
} from "./formats.js";
export { IncidentFeed, type IncidentFeedOptions, IncidentFeedUnavailable } from "./incident-feed.js";
export {
  AnalyticsError,
  type AnalyticsFailure,
  type ChargingSelection,
  MAX_CALL_MS,
  NodeAnalytics,
  type NodeAnalyticsOptions,
  type NodeAnalyticsStatus,
} from "./node-analytics.js";
export {
  type ChargingFileJson,
  type ChargingJson,
  type ChargingOptions,
  chargingFileJson,
  chargingResultChunks,
  type IncidentJson,
  incidentJson,
  ticketJson,
} from "./report.js";
export {
  ChargingFileSchema,
  type ChargingResultJson,
  ChargingResultSchema,
  ChargingSchema,
  IncidentSchema,
} from "./schema.js";
