export {
  type ComlogOptions,
  ComlogRepository,
  DEFAULT_COMLOG_OPTIONS,
} from "./comlog/repository.js";
export type {
  ComlogFilter,
  ComlogPaging,
  ComRecord,
  ComRecordPage,
  ComRecordParticipant,
  Identifier,
  NewComRecord,
  PartyInfo,
  PartyType,
  Reason,
  Role,
} from "./comlog/types.js";
export { createMemoryDatabase, type MemoryDatabase } from "./memory.js";
export { MIGRATIONS, type Migration, migrate } from "./migrations.js";
export { maskUrl } from "./postgres.js";
export type { Queryable, Row, SqlResult, SqlValue, StoreLogger } from "./sql.js";
export { openStore, type Store, type StoreOptions } from "./store.js";
