/**
 * The one face of both database backends (PostgreSQL through `pg`, pg-mem in process). Callers
 * write PostgreSQL with `$n` parameters; each backend runs the same text. pg-mem understands a
 * subset (see memory.ts): no window functions, LATERAL, `= ANY($n)` arrays or correlated
 * subqueries; cast parameters used in arithmetic. Every statement runs in the store tests on both.
 */
import type { Logger } from "pino";

/**
 * A parameter. JSON goes in as a string (`JSON.stringify`) with a `::jsonb` cast in the SQL:
 * `pg` would turn a JS array into a PostgreSQL array, not JSON.
 */
export type SqlValue = string | number | boolean | Date | null;

export type Row = Record<string, unknown>;

export interface SqlResult<R extends Row = Row> {
  rows: R[];
  /** rows affected by INSERT/UPDATE/DELETE (pg-mem counts ON CONFLICT DO NOTHING rows too: don't rely on it for inserts) */
  rowCount: number;
}

export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<SqlResult<R>>;
}

/**
 * A transaction body known by name to both backends, so that pg-mem can run it where its data
 * is: on its thread, the whole transaction in one message instead of one per statement (each
 * message costs both threads a wake-up, and a batch of the log was some 25 of them). Its
 * arguments and result cross threads there: plain data only (structured clone). It runs
 * against `tx` alone, with no state of its own between runs.
 */
export interface Procedure<A, R> {
  /** its key in the pg-mem thread's table (procedures.ts) */
  readonly name: string;
  run(tx: Queryable, args: A): Promise<R>;
}

export interface Database extends Queryable {
  readonly backend: "postgres" | "pg-mem";
  /**
   * Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. Inside, use
   * only `tx`: on pg-mem the transaction holds the database and a call on the outer object waits
   * for it (a deadlock if awaited from inside).
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Compiles a statement ahead of its first run, where the backend compiles per text (pg-mem). */
  prepare?(sql: string): Promise<void>;
  /** Runs `proc` in one transaction, as `transaction` would; pg-mem in one message to its thread. */
  call?<A, R>(proc: Procedure<A, R>, args: A): Promise<R>;
  close(): Promise<void>;
}

/** `proc` in one transaction, where the backend can run it at once (pg-mem), else statement by statement. */
export function callProcedure<A, R>(db: Database, proc: Procedure<A, R>, args: A): Promise<R> {
  return db.call ? db.call(proc, args) : db.transaction((tx) => proc.run(tx, args));
}

export type StoreLogger = Pick<Logger, "debug" | "info" | "warn" | "error">;

/** `$first, $first+1, ...` for an IN list; pg-mem mishandles `= ANY($n)` with an array (silently matches nothing). */
export function placeholders(first: number, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(`$${first + i}`);
  return out.join(", ");
}

/** A timestamp column as the Date both drivers return (pg-mem gives a Date, `pg` too, but be lenient). */
export function toDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  return v instanceof Date ? v : new Date(String(v));
}
