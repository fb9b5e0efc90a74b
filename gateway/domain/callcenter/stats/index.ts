export { aggregate, hms, THRESHOLDS_MS } from "./aggregate.js";
export { reportFile, toCsv, toXlsx, zipOne } from "./files.js";
export { type ProgressEvent, StatsJobs, type StoredFile } from "./jobs.js";
export {
  bucketsOf,
  buildReport,
  type ContextRecord,
  collect,
  type ReportPeriod,
  type RequesterRecord,
  SLOT_MS,
  type TimeInterval,
} from "./report.js";
export { type ScheduleDefinition, type ScheduleRecord, StatsRepository } from "./repository.js";
export * from "./schema.js";
export { CallCenterStats, type CallCenterStatsOptions, isDue, observedPeriod } from "./statistics.js";
export {
  parseCcdTicket,
  SshTicketSource,
  type StatsTicket,
  type TicketSource,
  TicketSourceError,
} from "./tickets.js";
export { dayRange, isTimeZone, parseLocalDate, zonedInstant, zonedIso } from "./zone.js";
