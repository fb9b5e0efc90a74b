/**
 * The communication log: O2G's own record of each user's calls, 100 per user, oldest dropped.
 *
 * Writes are not on the event path: `add` queues the record and returns at once; the queue is
 * written in batches (one transaction per batch: insert, then trim every user of the batch to
 * the newest `maxPerUser`) when `batchSize` records are waiting or `flushIntervalMs` after the
 * first one, whichever comes first; right after the previous batch only while a full batch waits.
 * `add`'s promise resolves once its batch is committed, with the record and its id: announce it
 * (OnComRecordCreated) then, and a client that reads after the event finds it.
 *
 * Durability: a crash loses the records queued and not yet committed, normally one flush interval
 * or one batch at most; more only while the database is unreachable or slower than the calls, the
 * queue then growing up to `maxQueued` (the oldest records beyond it are dropped, and logged).
 * A failed batch stays queued and is retried with backoff; `flush()` (tests, shutdown) writes
 * everything now and rejects if the database refuses.
 *
 * "Newest" is the order of creation (record ids ascend with it): a long call ending after a short
 * one is the newer record, and a record just written is not the one trimmed (unless a single batch
 * brings more than `maxPerUser` records of one user: then its oldest go at once).
 */
import { callProcedure, type Database, placeholders, type Queryable, type StoreLogger } from "../sql.js";
import {
  CHUNK,
  chunks,
  countStatement,
  insertStatement,
  PGMEM_PIECE,
  type RecordValues,
  TRIM_LOGINS,
  WRITE_BATCH,
} from "./batch.js";
import {
  derive,
  newToRecord,
  optimizeParticipants,
  RECORD_COLUMNS,
  type RecordRow,
  recordProblem,
  rowToRecord,
  whereClause,
} from "./records.js";
import type { ComlogFilter, ComlogPaging, ComRecord, ComRecordPage, NewComRecord } from "./types.js";

export interface ComlogOptions {
  /** records kept per user (O2G: 100) */
  maxPerUser: number;
  /** records per write transaction */
  batchSize: number;
  /** how long a lone record waits for company before it is written */
  flushIntervalMs: number;
  /** records waiting beyond this (database down) drop the oldest */
  maxQueued: number;
  /** upper bound of the retry backoff after a failed batch */
  retryMaxMs: number;
  /**
   * Records a login may be over its limit before the write path trims it at once. Below that,
   * the trim waits for the next read (every read trims what is pending first, so no reader
   * ever sees more than maxPerUser): a busy user is trimmed every few records, not every batch.
   */
  trimSlack: number;
  /** told which records the per-user limit removed (to announce them, if wanted) */
  onTrimmed?: (loginName: string, recordIds: number[]) => void;
  /**
   * pg-mem: compile the writer's statements when the repository opens (default), or only once
   * `precompile()` is called: the gateway calls it after its startup snapshot, which the
   * compiling (a few hundred ms of the pg-mem thread) would otherwise share the CPU with.
   */
  precompileOnOpen?: boolean;
}

export const DEFAULT_COMLOG_OPTIONS: ComlogOptions = {
  maxPerUser: 100,
  batchSize: 256,
  flushIntervalMs: 50,
  maxQueued: 100_000,
  retryMaxMs: 5_000,
  trimSlack: 16,
};

/** Ids per `nextval` of comlog_record_id_seq: migration 1's INCREMENT BY. */
export const RECORD_ID_BLOCK = 1000;

export { binaryChunks } from "./batch.js";

interface Pending {
  rec: NewComRecord;
  id?: number;
  /** write attempts so far */
  attempts: number;
  resolve: (r: ComRecord) => void;
  reject: (e: Error) => void;
}

function cleanIds(ids: readonly number[]): number[] {
  return [...new Set(ids)].filter((id) => Number.isSafeInteger(id) && id > 0);
}

export class ComlogRepository {
  readonly options: Readonly<ComlogOptions>;
  private queue: Pending[] = [];
  private running: Promise<Error | null> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;
  private nextId = 0;
  private endId = 0;
  /** logins left over their limit by a batch (less than trimSlack over): trimmed before the next read */
  private readonly overLimit = new Set<string>();
  private trimRequested = false;

  constructor(
    private readonly db: Database,
    private readonly log: StoreLogger,
    options: Partial<ComlogOptions> = {},
  ) {
    const o = { ...DEFAULT_COMLOG_OPTIONS, ...options };
    for (const k of [
      "maxPerUser",
      "batchSize",
      "flushIntervalMs",
      "maxQueued",
      "retryMaxMs",
      "trimSlack",
    ] as const) {
      if (!Number.isSafeInteger(o[k]) || o[k] < 0)
        throw new RangeError(`comlog: ${k} must be an integer >= 0`);
    }
    if (o.maxPerUser < 1) throw new RangeError("comlog: maxPerUser must be >= 1");
    // 1000 rows x 14 parameters stays far below PostgreSQL's 65535 parameters per statement.
    if (o.batchSize < 1 || o.batchSize > 1000) throw new RangeError("comlog: batchSize must be 1..1000");
    this.options = o;
    if (o.precompileOnOpen !== false) this.precompile();
  }

  private precompiled = false;

  /**
   * The writer's statements compiled now, on pg-mem's thread, rather than in the first batches
   * of calls: pg-mem parses ~0.7 ms per row of a multi-row text, and on a fresh gateway under
   * load each new batch size cost its thread up to seconds, the batches growing meanwhile. Once;
   * nothing to do on PostgreSQL. A failure here only means they compile at their first run.
   */
  precompile(): void {
    const db = this.db;
    if (this.precompiled || this.closed || db.backend !== "pg-mem" || !db.prepare) return;
    this.precompiled = true;
    for (let n = 1; n <= PGMEM_PIECE; n *= 2) {
      db.prepare(insertStatement(n)).catch(() => undefined);
      db.prepare(countStatement(n)).catch(() => undefined);
    }
  }

  /** Records queued and not yet committed. */
  get pending(): number {
    return this.queue.length;
  }

  /** Queues a record; resolves with it, id included, once it is committed. */
  add(rec: NewComRecord): Promise<ComRecord> {
    const problem = recordProblem(rec);
    if (problem) return Promise.reject(new TypeError(`comlog: ${problem}`));
    if (this.closed) return Promise.reject(new Error("comlog: store closed"));
    const promise = new Promise<ComRecord>((resolve, reject) => {
      this.queue.push({ rec, attempts: 0, resolve, reject });
    });
    if (this.queue.length > this.options.maxQueued) {
      const dropped = this.queue.splice(0, this.queue.length - this.options.maxQueued);
      this.log.error({ dropped: dropped.length }, "comlog: write queue full, oldest records dropped");
      for (const p of dropped) p.reject(new Error("comlog: write queue full, record dropped"));
    }
    this.schedule();
    return promise;
  }

  /**
   * Writes everything queued now, and trims the logins left over their limit; rejects if the
   * database refuses (the records stay queued).
   */
  async flush(): Promise<void> {
    for (;;) {
      if (this.running) {
        await this.running;
        continue;
      }
      if (this.queue.length === 0 && this.overLimit.size === 0) return;
      this.trimRequested = true;
      this.clearTimers();
      const err = await this.kick();
      if (err) throw err;
    }
  }

  /** Flushes and stops; what cannot be written is logged and its promises rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } catch (err) {
      const lost = this.queue.splice(0);
      this.log.error({ err: (err as Error).message, lost: lost.length }, "comlog: records lost at shutdown");
      for (const p of lost) p.reject(err as Error);
    } finally {
      this.clearTimers();
    }
  }

  /**
   * Reads see every login within its limit: a trim still pending goes first (and the queued
   * records with it). A database that refuses writes does not stop reads.
   */
  private async settle(): Promise<void> {
    if (this.overLimit.size === 0 || this.closed) return;
    await this.flush().catch(() => undefined);
  }

  /** One login's records, newest first, filtered and paged. */
  async query(
    loginName: string,
    filter: ComlogFilter = {},
    paging: ComlogPaging = {},
    opts: { optimized?: boolean } = {},
  ): Promise<ComRecordPage> {
    await this.settle();
    const offset = paging.offset ?? 0;
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw new RangeError("comlog: offset must be an integer >= 0");
    if (paging.limit !== undefined && (!Number.isSafeInteger(paging.limit) || paging.limit < 1)) {
      throw new RangeError("comlog: limit must be an integer >= 1");
    }
    const where = whereClause(loginName, filter);
    const params = [...where.params];
    let sql = `SELECT ${RECORD_COLUMNS} FROM comlog_record WHERE ${where.sql} ORDER BY record_id DESC`;
    if (paging.limit !== undefined) {
      params.push(paging.limit);
      sql += ` LIMIT $${params.length}`;
    }
    if (offset > 0) {
      params.push(offset);
      sql += ` OFFSET $${params.length}`;
    }
    const [count, page] = await Promise.all([
      this.db.query<{ n: number }>(
        `SELECT count(*) AS n FROM comlog_record WHERE ${where.sql}`,
        where.params,
      ),
      this.db.query<RecordRow>(sql, params),
    ]);
    const records = page.rows.map(rowToRecord);
    return {
      offset,
      limit: paging.limit ?? this.options.maxPerUser,
      totalCount: Number(count.rows[0]?.n ?? 0),
      comHistoryRecords: opts.optimized ? optimizeParticipants(records) : records,
    };
  }

  async get(loginName: string, recordId: number): Promise<ComRecord | null> {
    if (!Number.isSafeInteger(recordId)) return null;
    await this.settle();
    const res = await this.db.query<RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM comlog_record WHERE login_name = $1 AND record_id = $2`,
      [loginName, recordId],
    );
    return res.rows[0] ? rowToRecord(res.rows[0]) : null;
  }

  /** Sets the acknowledged flag; returns the ids whose flag changed (unknown or unchanged ids are left out). */
  async setAcknowledged(
    loginName: string,
    recordIds: readonly number[],
    acknowledged: boolean,
  ): Promise<number[]> {
    await this.settle();
    const changed: number[] = [];
    for (const ids of chunks(cleanIds(recordIds), CHUNK)) {
      const res = await this.db.query<{ record_id: number }>(
        `UPDATE comlog_record SET acknowledged = $2 WHERE login_name = $1 AND acknowledged <> $2 AND record_id IN (${placeholders(3, ids.length)}) RETURNING record_id`,
        [loginName, acknowledged, ...ids],
      );
      for (const r of res.rows) changed.push(Number(r.record_id));
    }
    return changed.sort((a, b) => a - b);
  }

  async delete(loginName: string, recordId: number): Promise<boolean> {
    return (await this.deleteByIds(loginName, [recordId])).length === 1;
  }

  /** Returns the ids deleted (ids of other users or unknown are left alone). */
  async deleteByIds(loginName: string, recordIds: readonly number[]): Promise<number[]> {
    const wanted = cleanIds(recordIds);
    if (wanted.length === 0) return [];
    await this.settle();
    return this.db.transaction(async (tx) => {
      const deleted: number[] = [];
      for (const ids of chunks(wanted, CHUNK)) {
        const res = await tx.query<{ record_id: number }>(
          `DELETE FROM comlog_record WHERE login_name = $1 AND record_id IN (${placeholders(2, ids.length)}) RETURNING record_id`,
          [loginName, ...ids],
        );
        for (const r of res.rows) deleted.push(Number(r.record_id));
      }
      await this.uncount(tx, loginName, deleted.length);
      return deleted.sort((a, b) => a - b);
    });
  }

  /** Deletes the login's records matching the filter (all of them with no criterion); returns their ids. */
  async deleteByFilter(loginName: string, filter: ComlogFilter = {}): Promise<number[]> {
    await this.settle();
    const where = whereClause(loginName, filter);
    return this.db.transaction(async (tx) => {
      const res = await tx.query<{ record_id: number }>(
        `DELETE FROM comlog_record WHERE ${where.sql} RETURNING record_id`,
        where.params,
      );
      await this.uncount(tx, loginName, res.rows.length);
      return res.rows.map((r) => Number(r.record_id)).sort((a, b) => a - b);
    });
  }

  /**
   * Recomputes the per-login counts from the records. Only needed after rows were deleted
   * behind the repository's back: it keeps the counts in the same transactions as the rows.
   */
  async repairCounts(): Promise<void> {
    await this.flush();
    await this.db.transaction(async (tx) => {
      const counts = await tx.query<{ login_name: string; n: number }>(
        "SELECT login_name, count(*) AS n FROM comlog_record GROUP BY login_name",
      );
      await tx.query("DELETE FROM comlog_user");
      const pairs = counts.rows.map((r) => [r.login_name, Number(r.n)] as [string, number]);
      for (const group of chunks(pairs, CHUNK)) {
        const values = group.map((_, i) => `(${placeholders(2 * i + 1, 2)})`).join(", ");
        await tx.query(`INSERT INTO comlog_user (login_name, record_count) VALUES ${values}`, group.flat());
      }
    });
  }

  private async uncount(tx: Queryable, loginName: string, n: number): Promise<void> {
    if (n === 0) return;
    await tx.query("UPDATE comlog_user SET record_count = record_count - $2::integer WHERE login_name = $1", [
      loginName,
      n,
    ]);
  }

  // --- the writer ---------------------------------------------------------------------------

  private clearTimers(): void {
    clearTimeout(this.timer);
    clearTimeout(this.retryTimer);
    this.timer = undefined;
    this.retryTimer = undefined;
  }

  private schedule(): void {
    // A running drain takes what arrives meanwhile and calls schedule() again when it ends; a
    // pending retry must keep its backoff.
    if (this.queue.length === 0 || this.running || this.retryTimer) return;
    if (this.queue.length >= this.options.batchSize) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.kick();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.kick();
      }, this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  private kick(): Promise<Error | null> {
    if (!this.running) {
      this.running = this.drain().then((err) => {
        this.running = null;
        if (!err) this.schedule();
        return err;
      });
    }
    return this.running;
  }

  private async drain(): Promise<Error | null> {
    while (this.queue.length > 0 || (this.trimRequested && this.overLimit.size > 0)) {
      if (this.queue.length === 0) {
        try {
          await this.trimOverLimit();
        } catch (e) {
          return e instanceof Error ? e : new Error(String(e));
        }
        continue;
      }
      const batch = this.queue.splice(0, this.options.batchSize);
      try {
        await this.writeBatch(batch);
        this.failures = 0;
        // A part batch waits for the interval (schedule) rather than following at once: under
        // steady calls a batch was a few ms of records, and each transaction costs pg-mem its
        // statements whatever their rows (~30 records a batch: ~15% more CPU per record than 120).
        if (!this.trimRequested && this.queue.length < this.options.batchSize) break;
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        this.queue.unshift(...batch);
        this.failures++;
        const delay = Math.min(this.options.retryMaxMs, 50 * 2 ** this.failures);
        this.log.warn(
          { err: err.message, queued: this.queue.length, retryInMs: delay },
          "comlog: batch write failed, will retry",
        );
        if (!this.closed) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            void this.kick();
          }, delay);
          this.retryTimer.unref();
        }
        return err;
      }
    }
    return null;
  }

  /** Ids are given before the first attempt and kept across retries (see writeBatch). */
  private async assignIds(batch: Pending[]): Promise<void> {
    for (const p of batch) {
      if (p.id !== undefined) continue;
      if (this.nextId >= this.endId) {
        const res = await this.db.query<{ v: number }>("SELECT nextval('comlog_record_id_seq') AS v");
        this.nextId = Number(res.rows[0]!.v);
        this.endId = this.nextId + RECORD_ID_BLOCK;
      }
      p.id = this.nextId++;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    await this.assignIds(batch);
    const retry = batch.some((p) => p.attempts > 0);
    for (const p of batch) p.attempts++;
    const rows = batch.map((p) => {
      const r = p.rec;
      const d = derive(r);
      return [
        p.id!,
        r.loginName,
        r.comRef,
        d.role,
        d.answered,
        r.acknowledged ?? false,
        JSON.stringify(d.remoteIds),
        r.beginDate,
        r.endDate ?? null,
        r.convDate ?? null,
        r.holdDuration ?? null,
        r.transferredBy ?? null,
        r.associatedData ?? null,
        JSON.stringify(r.participants),
      ] satisfies RecordValues;
    });
    const res = await callProcedure(this.db, WRITE_BATCH, {
      backend: this.db.backend,
      rows,
      retry,
      maxPerUser: this.options.maxPerUser,
      trimSlack: this.options.trimSlack,
    });
    for (const login of res.trimmedLogins) this.overLimit.delete(login);
    for (const login of res.slightlyOver) this.overLimit.add(login);
    for (const p of batch) p.resolve(newToRecord(p.id!, p.rec));
    this.announceTrimmed(res.trimmed);
  }

  /**
   * Trims the logins a batch left slightly over their limit. Their counts are read again:
   * deletes since may have made room. Runs in the writer's turn, so no batch races it.
   */
  private async trimOverLimit(): Promise<void> {
    this.trimRequested = false;
    const logins = [...this.overLimit];
    this.overLimit.clear();
    try {
      const trimmed = await callProcedure(this.db, TRIM_LOGINS, {
        backend: this.db.backend,
        logins,
        maxPerUser: this.options.maxPerUser,
      });
      this.announceTrimmed(trimmed);
    } catch (err) {
      for (const l of logins) this.overLimit.add(l);
      throw err;
    }
  }

  private announceTrimmed(trimmed: ReadonlyArray<[string, number[]]>): void {
    if (trimmed.length > 0 && this.options.onTrimmed) {
      for (const [login, ids] of trimmed) {
        try {
          this.options.onTrimmed(login, ids);
        } catch (err) {
          this.log.warn({ err: (err as Error).message }, "comlog: onTrimmed threw");
        }
      }
    }
  }
}
