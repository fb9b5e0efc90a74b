/**
 * The store's behaviour, run as is against every backend (pg-mem, a private PostgreSQL,
 * DATABASE_URL): same SQL, same answers.
 */
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { type ComlogOptions, RECORD_ID_BLOCK } from "../../../gateway/store/comlog/repository.js";
import type { ComRecord, NewComRecord, Role } from "../../../gateway/store/comlog/types.js";
import { MIGRATIONS } from "../../../gateway/store/migrations.js";
import { openStore, type Store, type StoreOptions } from "../../../gateway/store/store.js";

export interface FreshDatabase {
  /** opens a store on this database; call again after close() to simulate a gateway restart */
  open(opts?: { comlog?: Partial<ComlogOptions> }): Promise<Store>;
}

export interface SuiteBackend {
  /** a new empty database for one test */
  fresh(): Promise<FreshDatabase>;
}

export const silentLog = pino({ level: "silent" });

/** A fresh database whose stores open with `base` options plus the test's. */
export function freshFrom(base: Omit<StoreOptions, "log" | "comlog">): FreshDatabase {
  return { open: (o = {}) => openStore({ ...base, log: silentLog, comlog: o.comlog }) };
}

const T0 = Date.UTC(2025, 2, 1, 8, 0, 0);
let serial = 0;

function phone(login: string): string {
  let h = 0;
  for (const c of login) h = (h * 31 + c.charCodeAt(0)) % 9000;
  return String(1000 + h);
}

/** A two-party call as `owner` saw it. */
export function call(
  owner: string,
  other: string,
  o: { role?: Role; answered?: boolean; minute?: number; comRef?: string } = {},
): NewComRecord {
  serial++;
  const role = o.role ?? "CALLER";
  const answered = o.answered ?? true;
  const begin = new Date(T0 + (o.minute ?? serial) * 60_000);
  const party = (login: string, r: Role) => ({
    role: r,
    answered: r === "CALLER" ? true : answered,
    identity: {
      id: { loginName: login, phoneNumber: phone(login) },
      firstName: `First ${login}`,
      lastName: `Last ${login}`,
      type: { main: "USER" as const },
    },
  });
  return {
    loginName: owner,
    comRef: o.comRef ?? `c${serial}`,
    beginDate: begin,
    endDate: new Date(begin.getTime() + 40_000),
    convDate: answered ? new Date(begin.getTime() + 5_000) : null,
    participants: [party(owner, role), party(other, role === "CALLER" ? "CALLEE" : "CALLER")],
  };
}

const ids = (rs: readonly ComRecord[]) => rs.map((r) => r.recordId);

export function storeSuite(backend: () => SuiteBackend): void {
  const opened: Store[] = [];
  const open = async (db: FreshDatabase, comlog?: Partial<ComlogOptions>) => {
    const s = await db.open({ comlog: { flushIntervalMs: 5, ...comlog } });
    opened.push(s);
    return s;
  };
  const fresh = async (comlog?: Partial<ComlogOptions>) => {
    const db = await backend().fresh();
    return { db, store: await open(db, comlog) };
  };
  /** adds and waits for the records to be committed */
  const write = async (store: Store, recs: NewComRecord[]) => {
    const out = Promise.all(recs.map((r) => store.comlog.add(r)));
    // if flush throws, the records are rejected later (at close): not an unhandled rejection
    out.catch(() => undefined);
    await store.comlog.flush();
    return out;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  describe("migrations", () => {
    it("bring an empty database to the latest version, once", async () => {
      const { db, store } = await fresh();
      const latest = Math.max(...MIGRATIONS.map((m) => m.version));
      expect(store.schemaVersion).toBe(latest);
      await store.close();
      const again = await open(db);
      expect(again.schemaVersion).toBe(latest);
      const rows = await again.query<{ version: number }>(
        "SELECT version FROM schema_migrations ORDER BY version",
      );
      expect(rows.rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
    });

    it("refuse a database written by a newer gateway", async () => {
      const { db, store } = await fresh();
      await store.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [9999, "future"]);
      await store.close();
      await expect(db.open()).rejects.toThrow(/9999/);
    });

    it("give record ids in blocks of RECORD_ID_BLOCK", async () => {
      const { store } = await fresh();
      const a = await store.query<{ v: number }>("SELECT nextval('comlog_record_id_seq') AS v");
      const b = await store.query<{ v: number }>("SELECT nextval('comlog_record_id_seq') AS v");
      expect(Number(b.rows[0]!.v) - Number(a.rows[0]!.v)).toBe(RECORD_ID_BLOCK);
    });
  });

  describe("transactions", () => {
    it("commit on success and roll back on error", async () => {
      const { store } = await fresh();
      await store.query("CREATE TABLE t_tx (k text PRIMARY KEY, v integer NOT NULL)");
      await store.transaction(async (tx) => {
        await tx.query("INSERT INTO t_tx (k, v) VALUES ($1, $2)", ["a", 1]);
      });
      await expect(
        store.transaction(async (tx) => {
          await tx.query("INSERT INTO t_tx (k, v) VALUES ($1, $2)", ["b", 2]);
          await tx.query("UPDATE t_tx SET v = $1 WHERE k = $2", [10, "a"]);
          throw new Error("abort");
        }),
      ).rejects.toThrow("abort");
      const rows = await store.query<{ k: string; v: number }>("SELECT k, v FROM t_tx ORDER BY k");
      expect(rows.rows).toEqual([{ k: "a", v: 1 }]);
    });
  });

  describe("communication log", () => {
    it("stores a record and gives it back as written", async () => {
      const { store } = await fresh();
      const rec: NewComRecord = {
        ...call("oxe1000", "oxe1001", { role: "CALLEE" }),
        holdDuration: 1500,
        transferredBy: "1002",
        associatedData: "correlator",
      };
      rec.participants[1]!.initialCalled = { id: { phoneNumber: "3000" }, displayName: "Hunt group" };
      rec.participants[1]!.reason = "FORWARDED";
      rec.participants[1]!.leg = "1000b";
      const [created] = await write(store, [rec]);
      expect(created!.recordId).toBeGreaterThan(0);
      const got = await store.comlog.get("oxe1000", created!.recordId);
      expect(got).toEqual(created);
      expect(got).toEqual({
        recordId: created!.recordId,
        comRef: rec.comRef,
        acknowledged: false,
        participants: rec.participants,
        beginDate: rec.beginDate.toISOString(),
        endDate: rec.endDate!.toISOString(),
        convDate: rec.convDate!.toISOString(),
        holdDuration: 1500,
        transferredBy: "1002",
        associatedData: "correlator",
      });
      expect(await store.comlog.get("oxe1001", created!.recordId)).toBeNull();
      expect(await store.comlog.get("oxe1000", created!.recordId + 1)).toBeNull();
    });

    it("keeps any text intact: quotes, backslashes, dollar signs, unicode", async () => {
      const { store } = await fresh();
      const login = "o'brien\\x $1 ü😀";
      const rec = call(login, 'oxe"2', { comRef: "ref ' -- $2 \\'" });
      rec.participants[0]!.identity.displayName = 'Ö\'Brien \\ "q" {}';
      const [created] = await write(store, [rec]);
      expect(await store.comlog.get(login, created!.recordId)).toEqual(created);
      const page = await store.comlog.query(login, { comRef: "ref ' -- $2 \\'", remotePartyId: 'oxe"2' });
      expect(ids(page.comHistoryRecords)).toEqual([created!.recordId]);
      expect(await store.comlog.deleteByIds(login, [created!.recordId])).toEqual([created!.recordId]);
    });

    it("lists newest first with paging and a total count", async () => {
      const { store } = await fresh();
      const made = await write(
        store,
        Array.from({ length: 12 }, () => call("oxe1", "oxe2")),
      );
      await write(store, [call("oxe9", "oxe1")]);
      const newestFirst = ids(made).reverse();
      const all = await store.comlog.query("oxe1");
      expect(ids(all.comHistoryRecords)).toEqual(newestFirst);
      expect(all.totalCount).toBe(12);
      expect(all.offset).toBe(0);
      const p2 = await store.comlog.query("oxe1", {}, { offset: 5, limit: 5 });
      expect(ids(p2.comHistoryRecords)).toEqual(newestFirst.slice(5, 10));
      expect(p2).toMatchObject({ offset: 5, limit: 5, totalCount: 12 });
      const p3 = await store.comlog.query("oxe1", {}, { offset: 10, limit: 5 });
      expect(ids(p3.comHistoryRecords)).toEqual(newestFirst.slice(10));
      const past = await store.comlog.query("oxe1", {}, { offset: 50, limit: 5 });
      expect(past.comHistoryRecords).toEqual([]);
      expect(past.totalCount).toBe(12);
      await expect(store.comlog.query("oxe1", {}, { offset: -1 })).rejects.toThrow(RangeError);
      await expect(store.comlog.query("oxe1", {}, { limit: 0 })).rejects.toThrow(RangeError);
      expect((await store.comlog.query("nobody")).totalCount).toBe(0);
    });

    it("applies each filter of the catalogue, and all of them together", async () => {
      const { store } = await fresh();
      const [out1, in1, inMissed, out2, inMissed2] = await write(store, [
        call("u", "alice", { role: "CALLER", minute: 10, comRef: "r1" }),
        call("u", "bob", { role: "CALLEE", minute: 20, comRef: "r2" }),
        call("u", "alice", { role: "CALLEE", answered: false, minute: 30, comRef: "r3" }),
        call("u", "carol", { role: "CALLER", answered: false, minute: 40, comRef: "r3" }),
        call("u", "bob", { role: "CALLEE", answered: false, minute: 50, comRef: "r5" }),
      ]);
      await write(store, [call("alice", "u", { minute: 35 })]);
      const q = async (f: Parameters<Store["comlog"]["query"]>[1]) =>
        ids((await store.comlog.query("u", f)).comHistoryRecords);
      const at = (m: number) => new Date(T0 + m * 60_000);
      expect(await q({ afterDate: at(20) })).toEqual(ids([inMissed2!, out2!, inMissed!]));
      expect(await q({ beforeDate: at(30) })).toEqual(ids([in1!, out1!]));
      expect(await q({ afterDate: at(10), beforeDate: at(50) })).toEqual(ids([out2!, inMissed!, in1!]));
      expect(await q({ comRef: "r3" })).toEqual(ids([out2!, inMissed!]));
      expect(await q({ remotePartyId: "alice" })).toEqual(ids([inMissed!, out1!]));
      expect(await q({ remotePartyId: phone("bob") })).toEqual(ids([inMissed2!, in1!]));
      // the owner is not a remote party of their own calls
      expect(await q({ remotePartyId: "u" })).toEqual([]);
      expect(await q({ remotePartyId: phone("u") })).toEqual([]);
      expect(await q({ role: "CALLER" })).toEqual(ids([out2!, out1!]));
      expect(await q({ role: "CALLEE" })).toEqual(ids([inMissed2!, inMissed!, in1!]));
      expect(await q({ unanswered: true })).toEqual(ids([inMissed2!, out2!, inMissed!]));
      await store.comlog.setAcknowledged("u", [inMissed!.recordId], true);
      expect(await q({ unacknowledged: true })).toEqual(ids([inMissed2!, out2!, in1!, out1!]));
      expect(
        await q({
          afterDate: at(0),
          beforeDate: at(60),
          remotePartyId: "bob",
          role: "CALLEE",
          unanswered: true,
          unacknowledged: true,
        }),
      ).toEqual(ids([inMissed2!]));
      const counted = await store.comlog.query("u", { unanswered: true }, { limit: 1 });
      expect(counted.totalCount).toBe(3);
      expect(counted.comHistoryRecords).toHaveLength(1);
    });

    it("optimized: a party in full the first time, by number after", async () => {
      const { store } = await fresh();
      await write(store, [call("u", "alice"), call("u", "alice"), call("u", "bob")]);
      const page = await store.comlog.query("u", {}, {}, { optimized: true });
      const identities = page.comHistoryRecords.map((r) => r.participants.map((p) => p.identity));
      // newest first: (u, bob), (u, alice), (u, alice)
      expect(identities[0]![0]!.firstName).toBe("First u");
      expect(identities[0]![1]!.firstName).toBe("First bob");
      expect(identities[1]![0]).toEqual({ id: { phoneNumber: phone("u") } });
      expect(identities[1]![1]!.firstName).toBe("First alice");
      expect(identities[2]![1]).toEqual({ id: { phoneNumber: phone("alice") } });
      const plain = await store.comlog.query("u");
      expect(plain.comHistoryRecords.every((r) => r.participants.every((p) => p.identity.firstName))).toBe(
        true,
      );
    });

    it("acknowledges and unacknowledges a user's records only", async () => {
      const { store } = await fresh();
      const [a, b, c] = await write(store, [call("u", "x"), call("u", "y"), call("u", "z")]);
      const [other] = await write(store, [call("v", "u")]);
      const ack = await store.comlog.setAcknowledged(
        "u",
        [a!.recordId, b!.recordId, other!.recordId, 999_999],
        true,
      );
      expect(ack).toEqual([a!.recordId, b!.recordId]);
      // already acknowledged: nothing changes, nothing reported
      expect(await store.comlog.setAcknowledged("u", [a!.recordId], true)).toEqual([]);
      expect((await store.comlog.get("u", a!.recordId))!.acknowledged).toBe(true);
      expect((await store.comlog.get("u", c!.recordId))!.acknowledged).toBe(false);
      expect((await store.comlog.get("v", other!.recordId))!.acknowledged).toBe(false);
      expect(await store.comlog.setAcknowledged("u", [b!.recordId, c!.recordId], false)).toEqual([
        b!.recordId,
      ]);
      expect(await store.comlog.setAcknowledged("u", [], true)).toEqual([]);
      const unack = await store.comlog.query("u", { unacknowledged: true });
      expect(ids(unack.comHistoryRecords)).toEqual([c!.recordId, b!.recordId]);
    });

    it("deletes one, many by id, or by filter, within one user's log", async () => {
      const { store } = await fresh();
      const made = await write(store, [
        call("u", "a", { comRef: "k1" }),
        call("u", "b", { comRef: "k2" }),
        call("u", "c", { comRef: "k3", answered: false, role: "CALLEE" }),
        call("u", "d", { comRef: "k4", answered: false, role: "CALLEE" }),
        call("u", "e", { comRef: "k5" }),
      ]);
      const [other] = await write(store, [call("v", "u")]);
      const [r1, r2, r3, r4, r5] = made.map((r) => r.recordId);
      expect(await store.comlog.delete("u", r1!)).toBe(true);
      expect(await store.comlog.delete("u", r1!)).toBe(false);
      expect(await store.comlog.delete("u", other!.recordId)).toBe(false);
      expect(await store.comlog.deleteByIds("u", [r2!, other!.recordId, 424242])).toEqual([r2]);
      expect(await store.comlog.deleteByFilter("u", { unanswered: true })).toEqual([r3, r4]);
      expect(ids((await store.comlog.query("u")).comHistoryRecords)).toEqual([r5]);
      expect(await store.comlog.deleteByFilter("u")).toEqual([r5]);
      expect((await store.comlog.query("u")).totalCount).toBe(0);
      expect(await store.comlog.get("v", other!.recordId)).not.toBeNull();
    });

    it("trims a user slightly over the limit before the next read, one far over at once", async () => {
      const trimmed: number[] = [];
      const { store } = await fresh({
        maxPerUser: 5,
        trimSlack: 4,
        onTrimmed: (_l, i) => trimmed.push(...i),
      });
      // Committed, without the flush a read does.
      const a = await Promise.all(Array.from({ length: 7 }, () => store.comlog.add(call("u", "x"))));
      // 2 over: left for now (writes stay cheap) ...
      expect(trimmed).toEqual([]);
      // ... but no reader sees it.
      const page = await store.comlog.query("u");
      expect(page.totalCount).toBe(5);
      expect(ids(page.comHistoryRecords)).toEqual(ids(a.slice(2)).reverse());
      expect(trimmed.sort((x, y) => x - y)).toEqual(ids(a.slice(0, 2)));
      // 4 over in one batch: trimmed by the batch itself
      const b = await Promise.all(Array.from({ length: 4 }, () => store.comlog.add(call("u", "y"))));
      expect(trimmed).toHaveLength(6);
      expect(ids((await store.comlog.query("u")).comHistoryRecords)).toEqual(
        ids([...a.slice(6), ...b]).reverse(),
      );
    });

    it("trims a login whose name needs quoting, and only that login", async () => {
      // pg-mem's trim writes the login into its statements' text (repository.ts, trimEachLogin).
      const odd = "o'b\\c $1 ''";
      const trimmed: Array<[string, number[]]> = [];
      const { store } = await fresh({
        maxPerUser: 3,
        trimSlack: 1,
        onTrimmed: (l, i) => trimmed.push([l, i]),
      });
      const near = await write(store, [call("o", "x"), call("o'b", "x")]);
      const first = await write(
        store,
        Array.from({ length: 5 }, () => call(odd, "x")),
      );
      expect(trimmed).toEqual([[odd, ids(first.slice(0, 2))]]);
      // The count followed the rows: the next record over the limit trims exactly one more.
      const next = await write(store, [call(odd, "y")]);
      expect(trimmed[1]).toEqual([odd, ids(first.slice(2, 3))]);
      const page = await store.comlog.query(odd);
      expect(page.totalCount).toBe(3);
      expect(ids(page.comHistoryRecords)).toEqual(ids([...first.slice(3), ...next]).reverse());
      for (const [i, login] of ["o", "o'b"].entries())
        expect(ids((await store.comlog.query(login)).comHistoryRecords)).toEqual(ids([near[i]!]));
    });

    it("keeps the newest 100 records per user, and refills after deletes", async () => {
      const trimmed: Array<[string, number[]]> = [];
      const { store } = await fresh({ onTrimmed: (l, i) => trimmed.push([l, i]) });
      const first = await write(
        store,
        Array.from({ length: 60 }, () => call("busy", "x")),
      );
      const second = await write(
        store,
        Array.from({ length: 70 }, () => call("busy", "y")),
      );
      await write(store, [call("calm", "busy")]);
      const all = [...first, ...second];
      const page = await store.comlog.query("busy");
      expect(page.totalCount).toBe(100);
      expect(ids(page.comHistoryRecords)).toEqual(ids(all.slice(30)).reverse());
      expect(trimmed.flatMap(([l, i]) => i.map(() => l)).every((l) => l === "busy")).toBe(true);
      expect(trimmed.flatMap(([, i]) => i).sort((a, b) => a - b)).toEqual(ids(all.slice(0, 30)));
      expect((await store.comlog.query("calm")).totalCount).toBe(1);
      // deleting makes room: the next records are not trimmed until 100 again
      await store.comlog.deleteByIds("busy", ids(all.slice(30, 40)));
      await write(
        store,
        Array.from({ length: 5 }, () => call("busy", "z")),
      );
      expect((await store.comlog.query("busy")).totalCount).toBe(95);
      const more = await write(
        store,
        Array.from({ length: 8 }, () => call("busy", "z")),
      );
      const after = await store.comlog.query("busy");
      expect(after.totalCount).toBe(100);
      expect(after.comHistoryRecords[0]!.recordId).toBe(more.at(-1)!.recordId);
      // one batch larger than the limit keeps its newest
      const { store: s2 } = await fresh({ maxPerUser: 3 });
      const burst = await write(
        s2,
        Array.from({ length: 7 }, () => call("b", "x")),
      );
      expect(ids((await s2.comlog.query("b")).comHistoryRecords)).toEqual(ids(burst.slice(4)).reverse());
    });

    it("batches writes: nothing before the interval, at once when a batch is full", async () => {
      const { store } = await fresh({ flushIntervalMs: 60_000, batchSize: 10 });
      const lone = store.comlog.add(call("u", "v"));
      await new Promise((r) => setTimeout(r, 30));
      expect(store.comlog.pending).toBe(1);
      expect((await store.comlog.query("u")).totalCount).toBe(0);
      // nine more fill the batch: written without waiting for the interval or a flush
      const rest = Array.from({ length: 9 }, () => store.comlog.add(call("u", "v")));
      const all = await Promise.all([lone, ...rest]);
      expect(store.comlog.pending).toBe(0);
      expect((await store.comlog.query("u")).totalCount).toBe(10);
      expect(ids(all)).toEqual([...ids(all)].sort((a, b) => a - b));
      expect(new Set(ids(all)).size).toBe(10);
    });

    it("rejects a malformed record at once", async () => {
      const { store } = await fresh();
      await expect(store.comlog.add({ ...call("u", "v"), loginName: "" })).rejects.toThrow(TypeError);
      await expect(store.comlog.add({ ...call("u", "v"), beginDate: new Date("nope") })).rejects.toThrow(
        TypeError,
      );
      expect(store.comlog.pending).toBe(0);
    });

    it("takes concurrent records of many users in batches, ids unique and ascending per user", async () => {
      const { store } = await fresh({ batchSize: 100, flushIntervalMs: 2 });
      const users = Array.from({ length: 25 }, (_, i) => `oxe${2000 + i}`);
      const perUser = 110;
      // interleaved producers, as CSTA events of many calls would arrive
      const producers = users.map(async (u, i) => {
        const out: Promise<ComRecord>[] = [];
        for (let k = 0; k < perUser; k++) {
          out.push(store.comlog.add(call(u, users[(i + k + 1) % users.length]!)));
          if (k % 10 === 0) await new Promise((r) => setImmediate(r));
        }
        return Promise.all(out);
      });
      const results = await Promise.all(producers);
      const allIds = results.flat().map((r) => r.recordId);
      expect(new Set(allIds).size).toBe(users.length * perUser);
      for (const [i, u] of users.entries()) {
        const page = await store.comlog.query(u);
        expect(page.totalCount).toBe(100);
        expect(ids(page.comHistoryRecords)).toEqual(ids(results[i]!.slice(perUser - 100)).reverse());
      }
      const total = await store.query<{ n: number }>("SELECT count(*) AS n FROM comlog_record");
      expect(Number(total.rows[0]!.n)).toBe(users.length * 100);
    });

    it("survives a restart: close, reopen, everything read back, ids not reused", async () => {
      const { db, store } = await fresh({ flushIntervalMs: 60_000 });
      const a = await write(store, [call("u1", "u2"), call("u1", "u3"), call("u2", "u1")]);
      await store.comlog.setAcknowledged("u1", [a[1]!.recordId], true);
      // still queued at close: close() must write it
      const late = store.comlog.add(call("u2", "u3"));
      expect(store.comlog.pending).toBe(1);
      const before = { u1: await store.comlog.query("u1"), u2: await store.comlog.query("u2") };
      await store.close();
      const lateRec = await late;

      const reopened = await open(db);
      const u1 = await reopened.comlog.query("u1");
      expect(u1).toEqual(before.u1);
      expect(u1.comHistoryRecords.find((r) => r.recordId === a[1]!.recordId)!.acknowledged).toBe(true);
      const u2 = await reopened.comlog.query("u2");
      expect(ids(u2.comHistoryRecords)).toEqual([lateRec.recordId, a[2]!.recordId]);
      expect(await reopened.comlog.get("u2", lateRec.recordId)).toEqual(lateRec);
      const [next] = await write(reopened, [call("u1", "u9")]);
      expect(next!.recordId).toBeGreaterThan(lateRec.recordId);
      expect(ids((await reopened.comlog.query("u1")).comHistoryRecords)[0]).toBe(next!.recordId);
    });

    it("refuses records after close", async () => {
      const { store } = await fresh();
      await store.close();
      await expect(store.comlog.add(call("u", "v"))).rejects.toThrow(/closed/);
      await store.close();
    });
  });
}
