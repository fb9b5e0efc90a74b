/**
 * Failover of an O2G pair: two gateway processes with --ha on one private PostgreSQL in front
 * of an emulated OXE with N users; an SDK-like client (FailoverClient) logged in on the active
 * one and subscribed; a few calls made and ended (their comlog records announced); then
 * kill -9 of the active process. We time from the kill to the passive member's READY line
 * (active, every user monitored and snapshotted) and to the client's first telephony event of
 * a new call after it logged in again, and count the records announced before the kill that
 * the new active member cannot list (must be 0: the calls ended well before the batching window).
 * The emulator runs in this process (the phones are driven from here), each gateway in its own.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { DEFAULT_GATEWAY_CONFIG } from "../../gateway/config/index.js";
import { startEmulator } from "../../oxe-emulator/index.js";
import { FailoverClient, type O2gEvent } from "../../scenarios/o2g-client/index.js";
import { startPostgres } from "../../test/support/store/postgres.js";
import { type BenchResult, barChart, type Row, result } from "../report/index.js";
import { type GatewayReady, spawnTs } from "../support/processes.js";
import { type AnnouncedRecord, lostRecords, payloadAfter } from "./lost.js";

export const FAILOVER_POINTS = [1000, 5000, 20_000];
/** Calls made and ended before the kill: each leaves a record for its caller and its callee. */
const CALLS_BEFORE = 10;
const ADMIN = { login: "admin", password: "Sandbox-Admin-1" };
/** The client's recovery, quicker than the SDK's (keepalive near the session's TTL, 2-30 s backoff): we time the pair, not the SDK's patience. */
const CLIENT = { keepAliveMs: 250, backoffMs: [250, 500, 1000] };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FailoverOptions {
  points: number[];
  /** the pair's timings (default: the gateway's, ha.pollMs/heartbeatMs/heartbeatTimeoutMs) */
  ha?: { pollMs: number; heartbeatMs: number; heartbeatTimeoutMs: number };
  progress?: (line: string) => void;
}

export interface FailoverRow {
  users: number;
  /** kill -9 to the passive member's READY: active, every user monitored */
  ms: number;
  /** kill -9 to the client's first event of a new call, after it logged in again on the other member */
  clientMs: number;
  lostRecords: number;
  /** users the new active member does not monitor (must be 0) */
  lostUsers: number;
}

type Passive = { url: string; caFile: string };

export async function measureFailover(
  users: number,
  ha: FailoverOptions["ha"] = DEFAULT_GATEWAY_CONFIG.ha,
): Promise<FailoverRow> {
  const pg = await startPostgres();
  const emu = await startEmulator({ users, nodes: 1, seed: 1, heartbeatMs: 0 });
  // One data directory: both members serve the same certificate, as a pair behind one name does.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "o2g-failover-"));
  const stops: (() => Promise<void>)[] = [];
  try {
    const url = await pg.createDatabase();
    const n = emu.node(1);
    const args = [
      "--nodes",
      `1=${n.cstaEndpoint.host}:${n.cstaEndpoint.port}/${n.cmipEndpoint.port}`,
      "--data-dir",
      dataDir,
      "--ha",
      `${ha.pollMs}/${ha.heartbeatMs}/${ha.heartbeatTimeoutMs}`,
    ];
    const env = {
      DATABASE_URL: url,
      O2G_HA_PAIR: "bench",
      O2G_LINK_LOGIN: emu.config.linkLogin,
      O2G_LINK_PASSWORD: emu.config.linkPassword,
    };
    const worker = "bench/support/gateway-worker.ts";
    // The first one up takes the lock; the second starts once it holds it, and stays passive.
    const active = await spawnTs<GatewayReady>(worker, args, 300_000, env);
    stops.push(active.stop);
    const passive = await spawnTs<Passive>(worker, args, 300_000, env, "PASSIVE");
    stops.push(passive.stop);
    const passiveReady = new Promise<{ at: number; ready: GatewayReady }>((resolve, reject) => {
      createInterface({ input: passive.child.stdout! }).on("line", (line) => {
        const ready = payloadAfter<GatewayReady>(line, "READY");
        if (ready) resolve({ at: performance.now(), ready });
      });
      passive.child.once("exit", (code) => reject(new Error(`the passive member exited (${code})`)));
    });
    passiveReady.catch(() => undefined);

    const client = await FailoverClient.login({
      primary: active.ready.url,
      secondary: passive.ready.url,
      ...ADMIN,
      ca: readFileSync(active.ready.caFile, "utf8"),
      ...CLIENT,
    });
    stops.push(() => client.close());
    const announced: AnnouncedRecord[] = [];
    const events: { at: number; e: O2gEvent }[] = [];
    client.onEvent((e) => {
      events.push({ at: performance.now(), e });
      if (e.eventName === "OnComRecordCreated")
        announced.push({
          loginName: String(e.loginName),
          recordId: (e.record as { recordId: number }).recordId,
        });
    });
    await client.subscribe([{ names: ["telephony", "unifiedComLog"] }]);

    // Missed calls between distinct users: every record belongs to this run.
    const subs = emu.directory.subscribers;
    const before = Array.from({ length: CALLS_BEFORE }, (_, i) => [subs[2 * i]!, subs[2 * i + 1]!] as const);
    for (const [a, b] of before) {
      emu.phone(a.directoryNumber).offHook();
      emu.phone(a.directoryNumber).dial(b.directoryNumber);
      await sleep(20);
      emu.phone(a.directoryNumber).hangUp();
    }
    const announcedBy = performance.now() + 10_000;
    while (announced.length < 2 * CALLS_BEFORE) {
      if (performance.now() > announcedBy)
        throw new Error(`${announced.length} comlog records announced for ${CALLS_BEFORE} ended calls`);
      await sleep(20);
    }
    // Well past the 50 ms batching window: what was announced must be in the database.
    await sleep(250);

    const reconnected = new Promise<void>((r) => client.once("reconnected", () => r()));
    const killedAt = performance.now();
    active.child.kill("SIGKILL");
    // The records at stake; the call made after the failover adds its own.
    const atKill = announced.slice();
    const { at: readyAt, ready } = await passiveReady;
    await reconnected;
    // A new call between users not called before: its first event reaches the client through the new member.
    const [a, b] = [subs[2 * CALLS_BEFORE]!, subs[2 * CALLS_BEFORE + 1]!];
    const seen = events.length;
    emu.phone(a.directoryNumber).offHook();
    emu.phone(a.directoryNumber).dial(b.directoryNumber);
    const eventBy = performance.now() + 30_000;
    let eventAt: number | undefined;
    while (eventAt === undefined) {
      eventAt = events.slice(seen).find((x) => x.e.eventName !== "OnComRecordCreated")?.at;
      if (performance.now() > eventBy) throw new Error("no event of a new call after the failover");
      await sleep(5);
    }
    emu.phone(a.directoryNumber).hangUp();

    const listed = new Map<string, Set<number>>();
    for (const login of new Set(atKill.map((r) => r.loginName))) {
      const recs = (
        await client.client.get<{ comHistoryRecords: { recordId: number }[] }>("comlog", "", {
          loginName: login,
          limit: "100",
        })
      ).body.comHistoryRecords;
      listed.set(login, new Set(recs.map((r) => r.recordId)));
    }
    return {
      users,
      ms: Math.round(readyAt - killedAt),
      clientMs: Math.round(eventAt - killedAt),
      lostRecords: lostRecords(atKill, listed).length,
      lostUsers: users - ready.monitored,
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await emu.stop();
    await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function failoverBench(
  opts: FailoverOptions,
): Promise<{ res: BenchResult; charts: Record<string, string> }> {
  const ha = opts.ha ?? DEFAULT_GATEWAY_CONFIG.ha;
  const rows: FailoverRow[] = [];
  for (const users of opts.points) {
    opts.progress?.(`failover: ${users.toLocaleString("en-US")} users...`);
    const r = await measureFailover(users, ha);
    rows.push(r);
    opts.progress?.(
      `failover: ${users} users: passive active with every user monitored ${r.ms} ms after the kill, client's first event ${r.clientMs} ms after it, ${r.lostRecords} comlog records and ${r.lostUsers} users lost`,
    );
  }
  const res = result("failover", rows as unknown as Row[], [
    `Two gateway processes with --ha on one private PostgreSQL; pair timings: poll ${ha.pollMs} ms, heartbeat ${ha.heartbeatMs} ms, heartbeat timeout ${ha.heartbeatTimeoutMs} ms (fence delay heartbeat + 2 x timeout = ${ha.heartbeatMs + 2 * ha.heartbeatTimeoutMs} ms).`,
    "ms: from kill -9 of the active member to the passive member's READY: it took the lock, waited the fence delay, linked to the OXE, and monitored and snapshotted every user.",
    `clientMs: from the kill to the first event of a new call reaching an SDK-like client (FailoverClient: keepalive every ${CLIENT.keepAliveMs} ms, retries after ${CLIENT.backoffMs.join("/")} ms) that logged in again on the other member and subscribed again. It moves in steps of that retry schedule: the member refuses sessions (503) until it is active.`,
    `lostRecords: of the comlog records announced for ${CALLS_BEFORE} calls ended before the kill (more than the 50 ms batching window before it), those the new active member does not list (must be 0). lostUsers: users it does not monitor (must be 0).`,
  ]);
  const charts = {
    "failover.svg": barChart({
      title: "Time after kill -9 of the active gateway",
      unit: "ms",
      groups: opts.points.map((u) => {
        const r = rows.find((x) => x.users === u)!;
        return {
          label: `${u.toLocaleString("en-US")} users`,
          values: [
            { name: "every user monitored", value: r.ms },
            { name: "client's first event", value: r.clientMs },
          ],
        };
      }),
    }),
  };
  return { res, charts };
}
