/**
 * The gateway's persistence: PostgreSQL when a URL is configured, pg-mem in process otherwise,
 * the same SQL and migrations on both. What must survive a restart lives here (communication
 * log now; configuration, webhook subscriptions and license state are for later repositories).
 */
import { type ComlogOptions, ComlogRepository } from "./comlog/repository.js";
import { createMemoryDatabase, disposeMemoryDatabase, type MemoryDatabase, openMemory } from "./memory.js";
import { migrate } from "./migrations.js";
import { maskUrl, openPostgres } from "./postgres.js";
import type { Database, Queryable, Row, SqlResult, SqlValue, StoreLogger } from "./sql.js";

export interface StoreOptions {
  /** postgres://user:password@host:port/database; absent, null or empty: the embedded pg-mem */
  databaseUrl?: string | null;
  log: StoreLogger;
  /** pg-mem only: reopen this in-process database (tests simulating a restart without a server) */
  memory?: MemoryDatabase;
  /** PostgreSQL connections at most (default 10) */
  poolSize?: number;
  comlog?: Partial<ComlogOptions>;
}

export interface Store extends Queryable {
  readonly backend: "postgres" | "pg-mem";
  /** the highest migration applied */
  readonly schemaVersion: number;
  readonly comlog: ComlogRepository;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** writes what the repositories still queue, then closes the connections */
  close(): Promise<void>;
}

export async function openStore(opts: StoreOptions): Promise<Store> {
  const { log } = opts;
  let db: Database;
  // A database the store made itself goes with it; one handed in outlives it (restart tests).
  let own: MemoryDatabase | undefined;
  if (opts.databaseUrl) {
    db = await openPostgres({ url: opts.databaseUrl, log, poolSize: opts.poolSize });
    log.info({ url: maskUrl(opts.databaseUrl) }, "store: PostgreSQL");
  } else {
    if (!opts.memory) own = createMemoryDatabase();
    db = openMemory(opts.memory ?? own);
    log.info("store: embedded pg-mem (in memory: nothing survives the process)");
  }
  let schemaVersion: number;
  try {
    schemaVersion = await migrate(db, log);
  } catch (err) {
    await db.close().catch(() => undefined);
    if (own) await disposeMemoryDatabase(own);
    throw err;
  }
  const comlog = new ComlogRepository(db, log, opts.comlog);
  let closing: Promise<void> | undefined;
  return {
    backend: db.backend,
    schemaVersion,
    comlog,
    query: <R extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<SqlResult<R>> =>
      db.query<R>(sql, params),
    transaction: (fn) => db.transaction(fn),
    close() {
      closing ??= (async () => {
        try {
          await comlog.close();
        } finally {
          await db.close();
          if (own) await disposeMemoryDatabase(own);
        }
      })();
      return closing;
    },
  };
}
