/**
 * The pair's arbiter against a real PostgreSQL (pg-mem has no advisory locks): one active member
 * however they start, the other taking over when the active one's session ends, and the fencing
 * order when the active one is cut from the database but keeps running (split brain): it stops
 * serving before the other starts.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import { describeWithPostgres } from "../../../test/support/store/describe-postgres.js";
import { type PartitionProxy, startPartitionProxy } from "../../../test/support/tcp-proxy.js";
import { fenceDelayMs, HaArbiter, type HaTimings } from "./arbiter.js";

const TIMINGS: HaTimings = { pollMs: 100, heartbeatMs: 200, heartbeatTimeoutMs: 300 };
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean, withinMs = 15_000): Promise<void> {
  const until = performance.now() + withinMs;
  while (!cond()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** An arbiter and the moments it changed role, on this process's monotonic clock. */
function member(url: string, pair: string) {
  const a = new HaArbiter({ databaseUrl: url, pair, log: quiet, ...TIMINGS });
  const seen = { activeAt: [] as number[], fencedAt: [] as number[], servingWhenOtherActive: false };
  a.on("active", () => seen.activeAt.push(performance.now()));
  a.on("fenced", () => seen.fencedAt.push(performance.now()));
  started.push(a);
  return { a, seen };
}

const started: HaArbiter[] = [];
const proxies: PartitionProxy[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((a) => a.stop()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

describeWithPostgres("the high-availability arbiter", (provider) => {
  it("makes exactly one of two members starting at once the active one, and each sees the other", async () => {
    const url = await provider().isolated();
    const pair = randomUUID();
    const x = member(url, pair);
    const y = member(url, pair);
    await Promise.all([x.a.start(), y.a.start()]);
    await waitFor("an active member", () => x.a.role === "active" || y.a.role === "active");
    // Long enough for a second promotion to have happened, if one could.
    await sleep(fenceDelayMs(TIMINGS) * 2);
    expect([x.a.role, y.a.role].sort()).toEqual(["active", "passive"]);
    expect(x.seen.activeAt.length + y.seen.activeAt.length).toBe(1);
    const active = x.a.role === "active" ? x.a : y.a;
    expect(active.serving()).toBe(true);
    expect(x.a.peerConnected).toBe(true);
    expect(y.a.peerConnected).toBe(true);
  });

  it("hands the role over when the active member leaves, after the fence delay, and the new one sees no peer", async () => {
    const url = await provider().isolated();
    const pair = randomUUID();
    const x = member(url, pair);
    await x.a.start();
    await waitFor("x active", () => x.a.role === "active");
    const y = member(url, pair);
    await y.a.start();
    expect(y.a.role).toBe("passive");
    const peerSeen: boolean[] = [];
    y.a.on("peer", (up) => peerSeen.push(up));
    const leftAt = performance.now();
    await x.a.stop();
    await waitFor("y active", () => y.a.role === "active");
    expect(y.seen.activeAt[0]! - leftAt).toBeGreaterThanOrEqual(fenceDelayMs(TIMINGS));
    expect(peerSeen).toEqual([false]);
  });

  it("fences the active member whose server session is terminated, before the other one serves", async () => {
    const url = await provider().isolated();
    const pair = randomUUID();
    const x = member(url, pair);
    await x.a.start();
    await waitFor("x active", () => x.a.role === "active");
    const y = member(url, pair);
    await y.a.start();
    y.a.on("active", () => {
      x.seen.servingWhenOtherActive = x.a.serving();
    });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      // x's lock session, found the way an operator would: the backend holding the advisory lock.
      const r = await admin.query(
        "SELECT pg_terminate_backend(pid) AS ok FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND pid <> pg_backend_pid()",
      );
      expect(r.rows.length).toBeGreaterThanOrEqual(1);
    } finally {
      await admin.end();
    }
    await waitFor("y active", () => y.a.role === "active");
    expect(x.a.role).toBe("fenced");
    expect(x.seen.fencedAt[0]!).toBeLessThan(y.seen.activeAt[0]!);
    expect(x.seen.servingWhenOtherActive).toBe(false);
  });

  it("split brain: a member cut from the database without a word fences itself before the other serves", async () => {
    const url = await provider().isolated();
    const pair = randomUUID();
    const u = new URL(url);
    const proxy = await startPartitionProxy({ host: u.hostname, port: Number(u.port) });
    proxies.push(proxy);
    const viaProxy = new URL(url);
    viaProxy.port = String(proxy.port);
    const x = member(viaProxy.toString(), pair);
    await x.a.start();
    await waitFor("x active", () => x.a.role === "active");
    const y = member(url, pair);
    await y.a.start();
    y.a.on("active", () => {
      x.seen.servingWhenOtherActive = x.a.serving();
    });
    // The server sees x's session end at once (so the lock is free for y right away), while x
    // hears nothing: only its heartbeat going unanswered can tell it.
    const cutAt = performance.now();
    proxy.partition();
    await waitFor("y active", () => y.a.role === "active");
    expect(x.a.role).toBe("fenced");
    const fencedAt = x.seen.fencedAt[0]!;
    const activeAt = y.seen.activeAt[0]!;
    expect(fencedAt).toBeLessThan(activeAt);
    expect(x.seen.servingWhenOtherActive).toBe(false);
    // x learned it by its heartbeat, not from the socket: within the lease plus a watchdog tick.
    expect(fencedAt - cutAt).toBeGreaterThan(0);
    console.log(
      `split brain: x fenced ${Math.round(fencedAt - cutAt)} ms after the cut, y active ${Math.round(activeAt - cutAt)} ms after it (fence delay ${fenceDelayMs(TIMINGS)} ms)`,
    );
  });
});
