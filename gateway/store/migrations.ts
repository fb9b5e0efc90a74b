/**
 * Schema migrations: numbered, in code, the same statements for PostgreSQL and pg-mem (so within
 * what pg-mem understands: no window functions, no LATERAL, no DO blocks, no advisory locks).
 * Applied in order at start, each in its own transaction with its row in `schema_migrations`;
 * a migration never changes once released: a change is a new number.
 */
import type { Database, StoreLogger } from "./sql.js";

/**
 * A statement for one backend only: an index pg-mem never uses is only upkeep on its inserts.
 * pg-mem's databases live and die with the process, so what it lacks changes no stored schema.
 */
export interface BackendStatement {
  readonly sql: string;
  readonly only: Database["backend"];
}

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** run one by one: pg-mem's binder and `pg`'s extended protocol take one statement per call */
  readonly statements: readonly (string | BackendStatement)[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "communication log",
    statements: [
      // Record ids are taken in blocks of 1000 by the writer (one nextval per block), so
      // they stay dense and ascending for the one active gateway and unique across several.
      "CREATE SEQUENCE comlog_record_id_seq INCREMENT BY 1000 MINVALUE 1 START WITH 1",
      `CREATE TABLE comlog_record (
        record_id bigint PRIMARY KEY,
        login_name text NOT NULL,
        com_ref text NOT NULL,
        role text NOT NULL,
        answered boolean NOT NULL,
        acknowledged boolean NOT NULL DEFAULT false,
        remote_ids jsonb NOT NULL,
        begin_date timestamptz NOT NULL,
        end_date timestamptz,
        conv_date timestamptz,
        hold_duration integer,
        transferred_by text,
        associated_data text,
        -- Text, not jsonb: nothing queries inside it, and pg-mem deep-copies a jsonb value
        -- every time it reads the row (the trim read cost 10x more with it).
        participants text NOT NULL
      )`,
      // Every statement is scoped to one login, whose records (100 at most) this index lists
      // in order: pages read newest first, the trim reads only the oldest rows it deletes.
      // Filters then run over those few rows, so they need no index of their own. pg-mem never
      // picks it (see the next one) and kept it up to date on every insert: a sixth of its
      // thread's work under steady calls.
      {
        sql: "CREATE INDEX comlog_record_login_id ON comlog_record (login_name, record_id)",
        only: "postgres",
      },
      // The same for pg-mem, which uses an index only when the WHERE covers all its columns
      // (without it every query there scans the whole table). Measured cost on PostgreSQL inserts: ~3%.
      "CREATE INDEX comlog_record_login ON comlog_record (login_name)",
      // Records per login, kept in the same transactions as the rows: the writer learns who is
      // over the limit without counting anyone's records.
      `CREATE TABLE comlog_user (
        login_name text PRIMARY KEY,
        record_count integer NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    name: "call-center statistics: requesters, contexts, scheduled reports",
    statements: [
      `CREATE TABLE cc_stats_requester (
        requester_id text PRIMARY KEY,
        language text NOT NULL,
        timezone text NOT NULL,
        agents text NOT NULL
      )`,
      `CREATE TABLE cc_stats_context (
        context_id text PRIMARY KEY,
        requester_id text NOT NULL,
        label text,
        description text,
        filter text NOT NULL,
        created_seq integer NOT NULL
      )`,
      "CREATE INDEX cc_stats_context_requester ON cc_stats_context (requester_id)",
      `CREATE TABLE cc_stats_schedule (
        context_id text NOT NULL,
        name text NOT NULL,
        requester_id text NOT NULL,
        body text NOT NULL,
        enabled boolean NOT NULL,
        state text NOT NULL,
        last_exec timestamptz,
        PRIMARY KEY (context_id, name)
      )`,
      "CREATE INDEX cc_stats_schedule_context ON cc_stats_schedule (context_id)",
    ],
  },
];

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

async function appliedVersions(db: Database): Promise<Set<number>> {
  const res = await db.query<{ version: number }>("SELECT version FROM schema_migrations");
  return new Set(res.rows.map((r) => Number(r.version)));
}

/**
 * Brings the schema up to date and returns its version. Safe when two gateways start together
 * on one PostgreSQL: the loser of a race fails its transaction (duplicate table or version row),
 * sees the version applied by the winner and goes on.
 */
export async function migrate(
  db: Database,
  log: StoreLogger,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number> {
  try {
    await db.query(CREATE_TABLE);
  } catch (err) {
    // CREATE TABLE IF NOT EXISTS is not race-free in PostgreSQL: the table exists now either way.
    log.debug({ err: (err as Error).message }, "store: schema_migrations created concurrently");
  }
  let applied = await appliedVersions(db);
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...applied].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new Error(
      `store: the database has schema version(s) ${unknown.join(", ")} that this gateway does not know; it was written by a newer gateway`,
    );
  }
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (const m of sorted) {
    if (applied.has(m.version)) continue;
    const started = performance.now();
    try {
      await db.transaction(async (tx) => {
        for (const s of m.statements) {
          if (typeof s === "string") await tx.query(s);
          else if (s.only === db.backend) await tx.query(s.sql);
        }
        await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
      });
    } catch (err) {
      applied = await appliedVersions(db);
      if (!applied.has(m.version)) {
        throw new Error(`store: migration ${m.version} (${m.name}) failed: ${(err as Error).message}`);
      }
      log.info({ version: m.version }, "store: migration applied by another gateway meanwhile");
      continue;
    }
    applied.add(m.version);
    log.info(
      { version: m.version, name: m.name, ms: Math.round(performance.now() - started) },
      "store: migration applied",
    );
  }
  return Math.max(0, ...applied);
}
