/**
 * pg-mem itself, as the store's worker thread runs it: statements compiled once per SQL text
 * when pg-mem allows it, snapshots for transactions. Kept free of threads and messages so the
 * same engine can be exercised directly.
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
 * - Its data is immutable: a snapshot (backup) is cheap, and restoring one undoes a failed
 *   transaction as a whole.
 */
import pgMem from "pg-mem";
import type { Procedure, Queryable, Row, SqlResult, SqlValue } from "./sql.js";

type MemDb = ReturnType<typeof pgMem.newDb>;
type Prepared = ReturnType<MemDb["public"]["prepare"]>;
type Snapshot = ReturnType<MemDb["backup"]>;

/**
 * Statement texts kept compiled, the least recently used dropped beyond: the comlog writer uses
 * a few dozen (one per power-of-two piece size), and three more per login it trims (the login is
 * in their text). About 11 KB each.
 */
const COMPILED_MAX = 1_000;

/** What the PostgreSQL wire protocol sends too: every parameter as text. pg-mem's binder expects it. */
function asText(v: SqlValue): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/**
 * A bound parameter: text, but a Date as it is. pg-mem turns a parameter into a timestamp with
 * moment, which takes a Date as it is and parses ISO text at ~14 µs a value: the three dates of a
 * communication-log row were a third of its insert. The instant is the same either way.
 */
function asParameter(v: SqlValue): string | Date | null {
  return v instanceof Date ? v : asText(v);
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
export function inline(sql: string, params: readonly SqlValue[]): string {
  return sql.replace(/\$(\d+)/g, (_m, n: string) => {
    const i = Number(n) - 1;
    if (i >= params.length) throw new Error(`store: no value for parameter $${n}`);
    return literal(params[i]!);
  });
}

function isBinderLimitation(err: unknown): boolean {
  return err instanceof Error && err.message.includes("No execution context available");
}

export class MemoryEngine {
  private readonly db: MemDb = pgMem.newDb({ autoCreateForeignKeyIndices: true });
  private readonly compiled = new Map<string, Prepared | "inline">();
  private readonly snapshots = new Map<number, Snapshot>();
  private nextSnapshot = 1;

  /** Compiles `sql` now (once per text), so that its first run does not pay the parse. */
  prepare(sql: string): void {
    this.compile(sql);
  }

  private compile(sql: string): Prepared | "inline" {
    let mode = this.compiled.get(sql);
    if (mode !== undefined) {
      // Most recently used last: the batch statements, used all the time, are never the ones dropped.
      this.compiled.delete(sql);
      this.compiled.set(sql, mode);
      return mode;
    }
    try {
      mode = this.db.public.prepare(sql);
    } catch (err) {
      if (!isBinderLimitation(err)) throw err;
      mode = "inline";
    }
    if (this.compiled.size >= COMPILED_MAX) this.compiled.delete(this.compiled.keys().next().value!);
    this.compiled.set(sql, mode);
    return mode;
  }

  run<R extends Row>(sql: string, params: readonly SqlValue[]): SqlResult<R> {
    const mode = this.compile(sql);
    if (mode !== "inline") {
      try {
        const res = mode.bind(params.map(asParameter)).executeAll();
        return { rows: res.rows as R[], rowCount: res.rowCount ?? res.rows.length };
      } catch (err) {
        // A failed statement leaves pg-mem unchanged (each runs in its own forked transaction).
        if (!isBinderLimitation(err)) throw err;
        this.compiled.set(sql, "inline");
      }
    }
    const res = this.db.public.query(inline(sql, params));
    return { rows: res.rows as R[], rowCount: res.rowCount ?? res.rows.length };
  }

  /**
   * Runs `proc` as one transaction: undone as a whole if it throws. Its statements run at once
   * (`tx` answers with settled promises), so nothing else reaches the database meanwhile as long
   * as it awaits only `tx`; the worker serialises its messages besides.
   */
  async call<A, R>(proc: Procedure<A, R>, args: A): Promise<R> {
    const backup = this.db.backup();
    const tx: Queryable = {
      query: <Q extends Row>(sql: string, params: readonly SqlValue[] = []) => {
        try {
          return Promise.resolve(this.run<Q>(sql, params));
        } catch (err) {
          return Promise.reject(err);
        }
      },
    };
    try {
      return await proc.run(tx, args);
    } catch (err) {
      backup.restore();
      throw err;
    }
  }

  snapshot(): number {
    const id = this.nextSnapshot++;
    this.snapshots.set(id, this.db.backup());
    return id;
  }

  restore(id: number): void {
    this.snapshots.get(id)?.restore();
    this.snapshots.delete(id);
  }

  release(id: number): void {
    this.snapshots.delete(id);
  }
}
