/**
 * The log's write transactions as procedures (sql.ts): what one batch does, from its rows to the
 * trim of the logins it put over their limit. On pg-mem each runs on the database's thread in
 * one message; on PostgreSQL in a transaction of the pool, statement by statement. The queue,
 * the ids and the retries stay with the repository (repository.ts), which hands each batch here.
 */
import { type Procedure, placeholders, type Queryable, type SqlValue } from "../sql.js";

/** Bound on ids per IN list, to keep statements small. */
export const CHUNK = 500;
const COLUMNS_PER_ROW = 14;
/** rows per multi-row statement at most on pg-mem, a power of two (see binaryChunks) */
export const PGMEM_PIECE = 16;

type Backend = "postgres" | "pg-mem";

export function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/**
 * Splits into power-of-two sized pieces (77 = 64 + 8 + 4 + 1), so a statement built per piece size
 * has at most ~10 distinct texts: pg-mem compiles each text once (its parser is its main cost)
 * instead of once per batch size, and PostgreSQL pays a few more round trips at most.
 */
export function binaryChunks<T>(xs: readonly T[], max = 1024): T[][] {
  const out: T[][] = [];
  let i = 0;
  while (i < xs.length) {
    const size = Math.min(max, 2 ** Math.floor(Math.log2(xs.length - i)));
    out.push(xs.slice(i, i + size));
    i += size;
  }
  return out;
}

/**
 * A string as a standard SQL literal (standard_conforming_strings: only the quote is doubled), for
 * the pg-mem statements that name a login in their text (see trimEachLogin).
 */
function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

const sqlCache = new Map<string, string>();

function statement(kind: string, n: number, build: () => string): string {
  const key = `${kind}:${n}`;
  let sql = sqlCache.get(key);
  if (!sql) {
    sql = build();
    sqlCache.set(key, sql);
  }
  return sql;
}

export function insertStatement(rows: number): string {
  return statement("insert", rows, () => {
    const values: string[] = [];
    for (let r = 0; r < rows; r++) values.push(`(${placeholders(r * COLUMNS_PER_ROW + 1, COLUMNS_PER_ROW)})`);
    return (
      "INSERT INTO comlog_record (record_id, login_name, com_ref, role, answered, acknowledged, remote_ids," +
      " begin_date, end_date, conv_date, hold_duration, transferred_by, associated_data, participants)" +
      ` VALUES ${values.join(", ")}`
    );
  });
}

export function countStatement(logins: number): string {
  return statement("count", logins, () => {
    const values: string[] = [];
    for (let i = 0; i < logins; i++) values.push(`(${placeholders(2 * i + 1, 2)})`);
    return (
      `INSERT INTO comlog_user (login_name, record_count) VALUES ${values.join(", ")}` +
      " ON CONFLICT (login_name) DO UPDATE SET record_count = comlog_user.record_count + EXCLUDED.record_count" +
      " RETURNING login_name, record_count"
    );
  });
}

function oldestStatement(logins: number): string {
  return statement("oldest", logins, () => {
    const one = (i: number) =>
      `SELECT record_id FROM comlog_record WHERE login_name = $${2 * i + 1} ORDER BY record_id LIMIT $${2 * i + 2}`;
    if (logins === 1) return one(0);
    // A UNION needs each branch in parentheses for its ORDER BY; pg-mem refuses them around a lone SELECT.
    return Array.from({ length: logins }, (_, i) => `(${one(i)})`).join(" UNION ALL ");
  });
}

/** One row of comlog_record in the order of insertStatement's columns (record_id, login_name first). */
export type RecordValues = SqlValue[];

export interface WriteBatchArgs {
  backend: Backend;
  rows: RecordValues[];
  /** an earlier attempt may have committed before its answer was lost: skip the rows present */
  retry: boolean;
  maxPerUser: number;
  trimSlack: number;
}

export interface WriteBatchResult {
  /** logins trimmed now: no longer pending */
  trimmedLogins: string[];
  /** logins left over their limit by less than the slack: trimmed before the next read */
  slightlyOver: string[];
  /** the records the limit removed, oldest first, per login */
  trimmed: Array<[string, number[]]>;
}

/** Inserts a batch, counts it per login, trims the logins it put `trimSlack` or more over their limit. */
export const WRITE_BATCH: Procedure<WriteBatchArgs, WriteBatchResult> = {
  name: "comlog.writeBatch",
  async run(tx, a) {
    let rows = a.rows;
    if (a.retry) {
      const present = new Set<number>();
      for (const ids of chunks(
        rows.map((r) => r[0] as number),
        CHUNK,
      )) {
        const res = await tx.query<{ record_id: number }>(
          `SELECT record_id FROM comlog_record WHERE record_id IN (${placeholders(1, ids.length)})`,
          ids,
        );
        for (const r of res.rows) present.add(Number(r.record_id));
      }
      rows = rows.filter((r) => !present.has(r[0] as number));
    }
    // pg-mem compiles each statement text once: pieces of at most PGMEM_PIECE rows keep its
    // texts to five sizes, compiled when the repository opens (ComlogRepository.precompile).
    const most = a.backend === "pg-mem" ? PGMEM_PIECE : 1024;
    for (const piece of binaryChunks(rows, most)) await tx.query(insertStatement(piece.length), piece.flat());
    const added = new Map<string, number>();
    for (const r of rows) {
      const login = r[1] as string;
      added.set(login, (added.get(login) ?? 0) + 1);
    }
    const over: Array<[string, number]> = [];
    const out: WriteBatchResult = { trimmedLogins: [], slightlyOver: [], trimmed: [] };
    for (const group of binaryChunks([...added], most)) {
      const res = await tx.query<{ login_name: string; record_count: number }>(
        countStatement(group.length),
        group.flat(),
      );
      for (const r of res.rows) {
        const excess = Number(r.record_count) - a.maxPerUser;
        if (excess >= Math.max(1, a.trimSlack)) {
          over.push([r.login_name, excess]);
          out.trimmedLogins.push(r.login_name);
        } else if (excess > 0) out.slightlyOver.push(r.login_name);
      }
    }
    out.trimmed = [...(await trim(tx, a.backend, over))];
    return out;
  },
};

export interface TrimArgs {
  backend: Backend;
  logins: string[];
  maxPerUser: number;
}

/** Trims the given logins to their limit, their counts read again (deletes since may have made room). */
export const TRIM_LOGINS: Procedure<TrimArgs, Array<[string, number[]]>> = {
  name: "comlog.trimLogins",
  async run(tx, a) {
    const over: Array<[string, number]> = [];
    for (const group of binaryChunks(a.logins)) {
      const res = await tx.query<{ login_name: string; record_count: number }>(
        `SELECT login_name, record_count FROM comlog_user WHERE login_name IN (${placeholders(1, group.length)})`,
        group,
      );
      for (const r of res.rows) {
        const excess = Number(r.record_count) - a.maxPerUser;
        if (excess > 0) over.push([r.login_name, excess]);
      }
    }
    return [...(await trim(tx, a.backend, over))];
  },
};

/** What the pg-mem thread may be asked to run (gateway/store/procedures.ts). */
export const COMLOG_PROCEDURES = [WRITE_BATCH, TRIM_LOGINS] as const;

/**
 * Deletes the `excess` oldest records of each login. The per-login count (comlog_user) says
 * who is over the limit and by how much, so this reads only the rows it deletes: counting the
 * newest 100 of every login of every batch instead (OFFSET 100) visited 100 rows per record
 * written and made PostgreSQL 10x slower at 100k records.
 */
async function trim(
  tx: Queryable,
  backend: Backend,
  over: ReadonlyArray<[string, number]>,
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (backend === "pg-mem") {
    await trimEachLogin(tx, over, out);
    return out;
  }
  // PostgreSQL: 64 logins per statement, a few round trips per batch at most.
  for (const group of binaryChunks(over, 64)) {
    const oldest = await tx.query<{ record_id: number }>(oldestStatement(group.length), group.flat());
    for (const ids of chunks(
      oldest.rows.map((r) => Number(r.record_id)),
      CHUNK,
    )) {
      // What was deleted, not what was found: a concurrent deleteByIds may have taken some
      // (PostgreSQL, READ COMMITTED), and the counts must follow the rows exactly.
      const gone = await tx.query<{ record_id: number; login_name: string }>(
        `DELETE FROM comlog_record WHERE record_id IN (${placeholders(1, ids.length)}) RETURNING record_id, login_name`,
        ids,
      );
      for (const r of gone.rows) {
        const list = out.get(r.login_name) ?? [];
        list.push(Number(r.record_id));
        out.set(r.login_name, list);
      }
    }
  }
  // Mostly every login lost the same few records: one UPDATE per distinct number removed.
  const byRemoved = new Map<number, string[]>();
  for (const [login, ids] of out) byRemoved.set(ids.length, [...(byRemoved.get(ids.length) ?? []), login]);
  for (const [removed, logins] of byRemoved) {
    for (const group of binaryChunks(logins)) {
      await tx.query(
        `UPDATE comlog_user SET record_count = record_count - $1::integer WHERE login_name IN (${placeholders(2, group.length)})`,
        [removed, ...group],
      );
    }
  }
  return out;
}

/**
 * pg-mem's way of the same trim: per login, the newest id to go (an index walk), one range
 * DELETE, then the login's count. pg-mem parses a statement whose parameter meets an index
 * anew each time (~2 ms each, ~6 ms per login trimmed: most of its thread's work under steady
 * calls, a login trimmed every `trimSlack` records). So the login is written into the text as a
 * literal, which pg-mem compiles once and keeps, and the bound on `record_id` goes through
 * `+ 0`, which keeps that index out of the comparison (the login's index finds the rows):
 * ~0.8 ms per login once compiled. Ids ascend with creation, so "record_id <= the excess-th
 * oldest" is the excess oldest.
 */
async function trimEachLogin(
  tx: Queryable,
  over: ReadonlyArray<[string, number]>,
  out: Map<string, number[]>,
): Promise<void> {
  for (const [login, excess] of over) {
    const who = sqlString(login);
    const cut = await tx.query<{ record_id: number }>(
      `SELECT record_id FROM comlog_record WHERE login_name = ${who} ORDER BY record_id LIMIT 1 OFFSET $1`,
      [excess - 1],
    );
    // Fewer rows than the count says: all of them go, as the other path would take them.
    const last = cut.rows[0];
    const gone = await tx.query<{ record_id: number; login_name: string }>(
      last
        ? `DELETE FROM comlog_record WHERE login_name = ${who} AND record_id + 0 <= $1::bigint RETURNING record_id, login_name`
        : `DELETE FROM comlog_record WHERE login_name = ${who} RETURNING record_id, login_name`,
      last ? [Number(last.record_id)] : [],
    );
    if (gone.rows.length === 0) continue;
    // Oldest first, whatever order pg-mem returns them in.
    out.set(
      login,
      gone.rows.map((r) => Number(r.record_id)).sort((a, b) => a - b),
    );
    await tx.query(
      `UPDATE comlog_user SET record_count = record_count - $1::integer WHERE login_name = ${who}`,
      [gone.rows.length],
    );
  }
}
