/** The writer when the database fails: pg-mem behind a switch that makes transactions fail. */
import { afterEach, describe, expect, it } from "vitest";
import { call, silentLog } from "../../../test/support/store/store.suite.js";
import { openMemory } from "../memory.js";
import { migrate } from "../migrations.js";
import type { Database, Queryable } from "../sql.js";
import { type RecordValues, WRITE_BATCH } from "./batch.js";
import { ComlogRepository } from "./repository.js";

interface Flaky extends Database {
  /** transactions to fail from now on */
  failNext: number;
  /** transactions to commit and then report as failed (the answer lost on the way) */
  loseNext: number;
  transactions: number;
}

async function flakyDb(): Promise<Flaky> {
  const inner = openMemory();
  await migrate(inner, silentLog);
  const db: Flaky = {
    backend: inner.backend,
    failNext: 0,
    loseNext: 0,
    transactions: 0,
    query: (sql, params) => inner.query(sql, params),
    async transaction(fn) {
      db.transactions++;
      if (db.failNext > 0) {
        db.failNext--;
        throw new Error("connection refused");
      }
      const out = await inner.transaction(fn);
      if (db.loseNext > 0) {
        db.loseNext--;
        throw new Error("connection reset");
      }
      return out;
    },
    close: () => inner.close(),
  };
  return db;
}

const repos: ComlogRepository[] = [];
afterEach(async () => {
  await Promise.all(repos.splice(0).map((r) => r.close().catch(() => undefined)));
});

describe("comlog writer", () => {
  it("keeps a failed batch queued and retries it with backoff", async () => {
    const db = await flakyDb();
    const repo = new ComlogRepository(db, silentLog, { flushIntervalMs: 1, retryMaxMs: 40 });
    repos.push(repo);
    db.failNext = 3;
    const recs = await Promise.all([repo.add(call("u", "v")), repo.add(call("u", "w"))]);
    expect(db.transactions).toBe(4);
    expect(recs[1]!.recordId).toBe(recs[0]!.recordId + 1);
    expect((await repo.query("u")).totalCount).toBe(2);
  });

  it("follows a batch at once only with a full batch waiting; a part batch waits for the interval", async () => {
    const db = await flakyDb();
    // Each transaction waits for its turn to be opened: what the writer starts meanwhile is visible.
    const turns: Array<() => void> = [];
    const transaction = db.transaction.bind(db);
    db.transaction = <T>(fn: (tx: Queryable) => Promise<T>) =>
      new Promise<void>((r) => turns.push(r)).then(() => transaction(fn));
    const repo = new ComlogRepository(db, silentLog, { flushIntervalMs: 30, batchSize: 2 });
    repos.push(repo);
    const started = async (n: number) => {
      while (turns.length < n) await new Promise((r) => setTimeout(r, 1));
    };
    const idle = () => new Promise((r) => setImmediate(r));
    const first = repo.add(call("u", "a"));
    await started(1);
    // Written while the first batch is: less than a batch.
    const second = repo.add(call("u", "b"));
    turns[0]!();
    await first;
    await idle();
    expect(turns.length).toBe(1);
    await started(2);
    // Now a full batch (2) comes in while the second one is written: it follows at once.
    const third = [repo.add(call("u", "c")), repo.add(call("u", "d"))];
    turns[1]!();
    await second;
    await idle();
    expect(turns.length).toBe(3);
    turns[2]!();
    expect(new Set((await Promise.all(third)).map((r) => r.comRef)).size).toBe(2);
    expect((await repo.query("u")).totalCount).toBe(4);
  });

  it("does not write a batch twice when its commit went through but the answer was lost", async () => {
    const db = await flakyDb();
    const repo = new ComlogRepository(db, silentLog, {
      flushIntervalMs: 60_000,
      retryMaxMs: 60_000,
      maxPerUser: 3,
    });
    repos.push(repo);
    const first = [repo.add(call("u", "a")), repo.add(call("u", "b"))];
    db.loseNext = 1;
    await expect(repo.flush()).rejects.toThrow("connection reset");
    // the retry carries the same records plus a newer one
    const later = [repo.add(call("u", "c")), repo.add(call("u", "d"))];
    await repo.flush();
    const recs = await Promise.all([...first, ...later]);
    const page = await repo.query("u");
    expect(page.comHistoryRecords.map((r) => r.recordId)).toEqual(
      recs
        .slice(1)
        .map((r) => r.recordId)
        .reverse(),
    );
    const count = await db.query<{ record_count: number }>(
      "SELECT record_count FROM comlog_user WHERE login_name = $1",
      ["u"],
    );
    expect(count.rows[0]!.record_count).toBe(3);
  });

  it("repairs the per-user counts after rows were deleted behind its back", async () => {
    const db = await flakyDb();
    const repo = new ComlogRepository(db, silentLog, { flushIntervalMs: 1, maxPerUser: 5 });
    repos.push(repo);
    const recs = await Promise.all(Array.from({ length: 5 }, () => repo.add(call("u", "v"))));
    await db.query("DELETE FROM comlog_record WHERE record_id = $1", [recs[4]!.recordId]);
    await repo.repairCounts();
    // 4 left: one more fits without trimming anything
    const extra = await repo.add(call("u", "w"));
    const page = await repo.query("u");
    expect(page.totalCount).toBe(5);
    expect(page.comHistoryRecords[0]!.recordId).toBe(extra.recordId);
    expect(page.comHistoryRecords.at(-1)!.recordId).toBe(recs[0]!.recordId);
  });

  it("flush() rejects while the database refuses, and the records wait for it", async () => {
    const db = await flakyDb();
    const repo = new ComlogRepository(db, silentLog, { flushIntervalMs: 60_000, retryMaxMs: 60_000 });
    repos.push(repo);
    const added = repo.add(call("u", "v"));
    db.failNext = 2;
    await expect(repo.flush()).rejects.toThrow("connection refused");
    expect(repo.pending).toBe(1);
    await expect(repo.flush()).rejects.toThrow("connection refused");
    await repo.flush();
    const rec = await added;
    expect(await repo.get("u", rec.recordId)).toEqual(rec);
  });

  it("close() rejects what it cannot write rather than hang", async () => {
    const db = await flakyDb();
    const repo = new ComlogRepository(db, silentLog, { flushIntervalMs: 60_000 });
    const added = repo.add(call("u", "v"));
    db.failNext = 100;
    await repo.close();
    await expect(added).rejects.toThrow("connection refused");
    expect(repo.pending).toBe(0);
  });

  it("drops the oldest records beyond maxQueued", async () => {
    const db = await flakyDb();
    const repo = new ComlogRepository(db, silentLog, { flushIntervalMs: 60_000, maxQueued: 2 });
    repos.push(repo);
    const first = repo.add(call("u", "a"));
    const second = repo.add(call("u", "b"));
    const third = repo.add(call("u", "c"));
    await expect(first).rejects.toThrow(/queue full/);
    expect(repo.pending).toBe(2);
    await repo.flush();
    const kept = await Promise.all([second, third]);
    expect((await repo.query("u")).comHistoryRecords.map((r) => r.comRef)).toEqual(
      kept.map((r) => r.comRef).reverse(),
    );
  });

  it("validates its options", () => {
    const db = {} as Database;
    expect(() => new ComlogRepository(db, silentLog, { batchSize: 0 })).toThrow(RangeError);
    expect(() => new ComlogRepository(db, silentLog, { batchSize: 5000 })).toThrow(RangeError);
    expect(() => new ComlogRepository(db, silentLog, { maxPerUser: 0 })).toThrow(RangeError);
    expect(() => new ComlogRepository(db, silentLog, { flushIntervalMs: 1.5 })).toThrow(RangeError);
  });
});

describe("pg-mem backend", () => {
  it("computes with parameters the right way round (pg-mem reverses `10 - $1` unless cast)", async () => {
    const db = openMemory();
    await db.query("CREATE TABLE n (k text PRIMARY KEY, v integer NOT NULL)");
    await db.query("INSERT INTO n (k, v) VALUES ($1, $2)", ["a", 10]);
    await db.query("UPDATE n SET v = v - $2::integer WHERE k = $1", ["a", 2]);
    await db.query("UPDATE n SET v = v + $2::integer WHERE k IN ($1)", ["a", -1]);
    const res = await db.query<{ v: number; d: number }>("SELECT v, v - $1::integer AS d FROM n", [3]);
    expect(res.rows).toEqual([{ v: 7, d: 4 }]);
  });

  it("isolates a transaction: other queries wait for its end", async () => {
    const db = openMemory();
    await db.query("CREATE TABLE t (k integer PRIMARY KEY)");
    let inside!: () => void;
    const entered = new Promise<void>((r) => {
      inside = r;
    });
    let finish!: () => void;
    const tx = db.transaction(async (q) => {
      await q.query("INSERT INTO t (k) VALUES ($1)", [1]);
      inside();
      await new Promise<void>((r) => {
        finish = r;
      });
      throw new Error("rolled back");
    });
    await entered;
    const read = db.query<{ n: number }>("SELECT count(*) AS n FROM t");
    finish();
    await expect(tx).rejects.toThrow("rolled back");
    expect((await read).rows[0]!.n).toBe(0);
    await db.close();
    await expect(db.query("SELECT 1")).rejects.toThrow(/closed/);
  });

  it("runs a procedure on its thread as one transaction: all of it, or nothing of it", async () => {
    const db = openMemory();
    await migrate(db, silentLog);
    const row = (id: number, login: string): RecordValues => [
      id,
      login,
      `ref-${id}`,
      "CALLER",
      true,
      false,
      "[]",
      new Date(0),
      null,
      null,
      null,
      null,
      null,
      "[]",
    ];
    const args = { backend: "pg-mem" as const, retry: false, maxPerUser: 2, trimSlack: 1 };
    const counts = async () => (await db.query("SELECT login_name, record_count FROM comlog_user")).rows;
    // The second row repeats the first's id: its insert fails after the first piece went in.
    await expect(
      db.call!(WRITE_BATCH, { ...args, rows: [row(1, "a"), row(2, "a"), row(1, "b")] }),
    ).rejects.toThrow();
    expect((await db.query("SELECT record_id FROM comlog_record")).rows).toEqual([]);
    expect(await counts()).toEqual([]);
    // The same batch without the repeat: inserted, counted, and "a" trimmed to 2 at once.
    const res = await db.call!(WRITE_BATCH, {
      ...args,
      rows: [row(1, "a"), row(2, "a"), row(3, "a"), row(4, "b")],
    });
    expect(res).toEqual({ trimmedLogins: ["a"], slightlyOver: [], trimmed: [["a", [1]]] });
    const ids = (await db.query<{ record_id: number }>("SELECT record_id FROM comlog_record")).rows;
    expect(ids.map((r) => Number(r.record_id)).sort()).toEqual([2, 3, 4]);
    expect(await counts()).toEqual(
      expect.arrayContaining([
        { login_name: "a", record_count: 2 },
        { login_name: "b", record_count: 1 },
      ]),
    );
    await db.close();
  });

  it("compiles a statement ahead of its first run, and runs it as usual after", async () => {
    const db = openMemory();
    await db.query("CREATE TABLE t (k integer PRIMARY KEY, v text NOT NULL)");
    const insert = "INSERT INTO t (k, v) VALUES ($1, $2), ($3, $4) RETURNING k, v";
    await db.prepare!(insert);
    expect((await db.query(insert, [1, "a", 2, "b"])).rows).toEqual([
      { k: 1, v: "a" },
      { k: 2, v: "b" },
    ]);
    // A text pg-mem cannot compile is refused as it would be at its first run.
    await expect(db.prepare!("INSERT INTO nowhere (k) VALUES ($1)")).rejects.toThrow(/nowhere/);
    await db.close();
    await expect(db.prepare!("SELECT 1")).rejects.toThrow(/closed/);
  });

  it("compiles the writer's statements when it opens, or only when asked (the gateway: after its snapshot)", async () => {
    const inner = openMemory();
    await migrate(inner, silentLog);
    const prepared: string[] = [];
    const db: Database = {
      backend: inner.backend,
      query: (sql, params) => inner.query(sql, params),
      transaction: (fn) => inner.transaction(fn),
      close: () => inner.close(),
      prepare: (sql) => {
        prepared.push(sql);
        return inner.prepare!(sql);
      },
    };
    const eager = new ComlogRepository(db, silentLog);
    repos.push(eager);
    const atOpen = prepared.length;
    expect(atOpen).toBeGreaterThan(0);
    const later = new ComlogRepository(db, silentLog, { precompileOnOpen: false });
    repos.push(later);
    expect(prepared.length).toBe(atOpen);
    later.precompile();
    expect(prepared.length).toBe(2 * atOpen);
    later.precompile();
    expect(prepared.length).toBe(2 * atOpen);
  });
});
