/**
 * The embedded backend: pg-mem, a PostgreSQL emulation in this process. Nothing survives the
 * process; a `MemoryDatabase` handle may be reopened to simulate a gateway restart in tests.
 *
 * What pg-mem 3.0.x does that shapes this file (each checked by the store tests):
 * - Parsing is its main cost (~0.7 ms per row of a multi-row INSERT), so a statement is compiled
 *   once per SQL text and then bound with parameters, about 10x faster.
 * - Its binder fails at compile time ("No execution context available") when a parameter meets
 *   an indexed column it could look up (`record_id = $2`, `login_name = $1`, `IN ($3, $4)`): such
 *   a statement runs with its parameters inlined as SQL literals (parsed each time) and is
 *   remembered as such. It uses an index only when the WHERE covers all the index's columns.
 * - An untyped parameter in arithmetic is computed the wrong way round (`10 - $1` with 2 gives -8):
 *   cast parameters used in arithmetic (`$1::integer`), which PostgreSQL accepts as well.
 * - Its `pg` adapter turns BEGIN/ROLLBACK into no-ops between separate calls. Transactions here
 *   hold a lock on the whole database and restore a snapshot (cheap: its data is immutable) on
 *   failure, which gives the all-or-nothing a batch needs.
 * - It computes synchronously, on the event loop: each statement is preceded by a setImmediate
 *   so that I/O gets through between statements. Under load, prefer PostgreSQL.
 */
import pgMem from "pg-mem";
import type { Database, Queryable, Row, SqlResult, SqlValue } from "./sql.js";

type MemDb = ReturnType<typeof pgMem.newDb>;
type Prepared = ReturnType<MemDb["public"]["prepare"]>;

/** An in-process database that outlives the stores opened on it. */
export interface MemoryDatabase {
  readonly kind: "pg-mem";
}

interface MemoryHandle extends MemoryDatabase {
  readonly db: MemDb;
  /** serialises every access: a transaction spans awaits, pg-mem has no isolation of its own */
  lock: Promise<void>;
  readonly compiled: Map<string, Prepared | "inline">;
}

export function createMemoryDatabase(): MemoryDatabase {
  const handle: MemoryHandle = {
    kind: "pg-mem",
    db: pgMem.newDb({ autoCreateForeignKeyIndices: true }),
    lock: Promise.resolve(),
    compiled: new Map(),
  };
  return handle;
}

/** Statement texts kept compiled; the comlog uses a few dozen (one per power-of-two piece size). */
const COMPILED_MAX = 1_000;

/** What the PostgreSQL wire protocol sends too: every parameter as text. pg-mem's binder expects it. */
function asText(v: SqlValue): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/**
 * A standard SQL literal (standard_conforming_strings: a backslash is an ordinary character).
 * Numbers stay numeric literals: pg-mem computes `10 - '2'` as -8. Negative ones go in
 * parentheses so that `x -$1` cannot become the comment `x --1`.
 */
function literal(v: SqlValue): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`store: ${v} cannot be a SQL parameter`);
    return v < 0 ? `(${v})` : String(v);
  }
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  return `'${asText(v)!.replaceAll("'", "''")}'`;
}

/** One pass, so a `$1` inside a parameter's value is never substituted again. */
function inline(sql: string, params: readonly SqlValue[]): string {
  return sql.replace(/\$(\d+)/g, (_m, n: string) => {
    const i = Number(n) - 1;
    if (i >= params.length) throw new Error(`store: no value for parameter $${n}`);
    return literal(params[i]!);
  });
}

function isBinderLimitation(err: unknown): boolean {
  return err instanceof Error && err.message.includes("No execution context available");
}

function run<R extends Row>(h: MemoryHandle, sql: string, params: readonly SqlValue[]): SqlResult<R> {
  let mode = h.compiled.get(sql);
  if (mode === undefined) {
    try {
      mode = h.db.public.prepare(sql);
    } catch (err) {
      if (!isBinderLimitation(err)) throw err;
      mode = "inline";
    }
    if (h.compiled.size >= COMPILED_MAX) h.compiled.clear();
    h.compiled.set(sql, mode);
  }
  if (mode !== "inline") {
    try {
      const res = mode.bind(params.map(asText)).executeAll();
      return { rows: res.rows as R[], rowCount: res.rowCount ?? res.rows.length };
    } catch (err) {
      // A failed statement leaves pg-mem unchanged (each runs in its own forked transaction).
      if (!isBinderLimitation(err)) throw err;
      h.compiled.set(sql, "inline");
    }
  }
  const res = h.db.public.query(inline(sql, params));
  return { rows: res.rows as R[], rowCount: res.rowCount ?? res.rows.length };
}

/** pg-mem computes on the event loop: let I/O through between statements. */
const yieldToIo = () => new Promise<void>((r) => setImmediate(r));

/** Runs `fn` once every earlier holder of the lock is done. */
async function locked<T>(h: MemoryHandle, fn: () => Promise<T>): Promise<T> {
  const before = h.lock;
  let release!: () => void;
  h.lock = new Promise<void>((r) => {
    release = r;
  });
  await before;
  await yieldToIo();
  try {
    return await fn();
  } finally {
    release();
  }
}

export function openMemory(memory: MemoryDatabase = createMemoryDatabase()): Database {
  const h = memory as MemoryHandle;
  let closed = false;
  const check = () => {
    if (closed) throw new Error("store: database closed");
  };
  return {
    backend: "pg-mem",
    query<R extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<SqlResult<R>> {
      return locked(h, async () => {
        check();
        return run<R>(h, sql, params);
      });
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return locked(h, async () => {
        check();
        const snapshot = h.db.backup();
        let open = true;
        const tx: Queryable = {
          query: async <R extends Row = Row>(sql: string, params: readonly SqlValue[] = []) => {
            if (!open) throw new Error("store: transaction already finished");
            await yieldToIo();
            return run<R>(h, sql, params);
          },
        };
        try {
          return await fn(tx);
        } catch (err) {
          snapshot.restore();
          throw err;
        } finally {
          open = false;
        }
      });
    },
    async close() {
      // Data stays in the MemoryDatabase; only this handle stops. Wait for work already queued.
      await locked(h, async () => {
        closed = true;
      });
    },
  };
}
