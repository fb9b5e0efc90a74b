/**
 * The vendor's API throughput test: 10,000 Set then 10,000 Get operations of the Phone Set
 * Programming service through the REST API, with 1, 2, 4 and 8 client threads, each one
 * request at a time (the vendor reports throughput improving up to 3 or 4 threads, not beyond).
 * Set: PUT .../programmeableKeys/{position} (a speed-dial key, as the SDK's setProgrammableKey);
 * Get: GET .../programmeableKeys (every position of the set, as getProgrammableKeys). Each one a
 * CMIP operation on the emulated node: an M-SET, or a scoped M-GET answered key by key.
 *
 * Emulator and gateway are processes of their own; the clients are worker threads of this one,
 * so all of them really run at once. Goal on this 2-core machine: 20,000 operations in 3 s or
 * less with 4 workers.
 *
 * The reference (for the gate): the same clients reading users/{login}, which never leaves the
 * gateway, in the same run; the ratio of the two moves with the set-programming path, not with
 * the machine's load.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { generateDirectory } from "../../oxe-emulator/directory/index.js";
import { type BenchResult, lineChart, type Row, result } from "../report/index.js";
import {
  type EmulatorReady,
  type Spawned,
  spawnEmulator,
  spawnGateway,
  spawnTs,
} from "../support/processes.js";
import { SetProgrammingFloor } from "./floor.js";
import type { Target } from "./ops.js";
import type { RunReport, RunRequest, WorkerInit } from "./worker.js";

export interface SetProgrammingOptions {
  /** client worker counts to measure */
  workers: number[];
  /** operations per phase (Set, then Get) */
  ops: number;
  /** users on the emulated node (the operations spread over those with keys) */
  users: number;
  /** also measure the reference (GET users/{login}) with this many workers */
  referenceWorkers?: number;
  /** requests in flight per worker (default 1, the vendor's client thread) */
  inflight?: number;
  /** also time the floor, a bare CMIP client doing the same operations (./floor.ts) */
  floor?: boolean;
  /**
   * also time the protocol-only server (./protocol-server.ts): the same clients and operations
   * against HTTPS + CMIP with no gateway logic
   */
  protocolFloor?: boolean;
  /** a deliberate slowdown of the gateway (bench/support/slow.ts), for the gate's self-test */
  slow?: string;
  progress?: (line: string) => void;
}

export const GOAL = { workers: 4, ops: 20_000, ms: 3000 };
const ADMIN = { login: "admin", password: "Sandbox-Admin-1" };

export interface SetProgrammingRow {
  workers: number;
  ops: number;
  ms: number;
  opsPerSec: number;
  setMs: number;
  getMs: number;
  setP50Ms: number;
  setP99Ms: number;
  getP50Ms: number;
  getP99Ms: number;
  /** CPU per operation (µs) in each process, and the share of the machine's cores used */
  cpu?: { gatewayUs: number; emulatorUs: number; clientsUs: number; busyPct: number };
  /**
   * The floor: the same operations, as many at once, sent by a bare CMIP client to the same
   * emulator in the same run (./floor.ts): what they cost with the gateway's share removed.
   */
  floor?: { ms: number; setMs: number; getMs: number; emulatorUs?: number; clientUs: number };
  /**
   * The protocol-only server: the same workers (no login) and operations against a server doing
   * the HTTPS and the CMIP and nothing else (./protocol-server.ts), same emulator, same run.
   */
  protocolFloor?: {
    ms: number;
    setMs: number;
    getMs: number;
    cpu?: { serverUs: number; emulatorUs: number; clientsUs: number; busyPct: number };
  };
}

/** CPU ms a process has used (user + system), from /proc; undefined where there is none. */
function cpuMs(pid: number | undefined): number | undefined {
  const f = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(f)) return undefined;
  // Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
  const rest = readFileSync(f, "utf8").split(") ")[1]!.split(" ");
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / 100;
}

export interface SetProgrammingMeasure {
  rows: SetProgrammingRow[];
  /** GET users/{login} ops/s with `referenceWorkers` workers, same run */
  reference?: { workers: number; opsPerSec: number };
}

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const round = (x: number, d = 1) => Number(x.toFixed(d));

class Pool {
  private constructor(private readonly workers: Worker[]) {}

  static async start(n: number, init: WorkerInit): Promise<Pool> {
    // tsx registers its loader in the main thread only: each worker registers it, then loads
    // the client.
    const entry = new URL("./worker.ts", import.meta.url).href;
    const boot = `import("tsx/esm/api").then((t) => { t.register(); return import(${JSON.stringify(entry)}); })`;
    const ws = Array.from({ length: n }, () => new Worker(boot, { eval: true, workerData: init }));
    await Promise.all(
      ws.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once("message", (m) => (m === "ready" ? resolve() : reject(new Error(String(m)))));
            w.once("error", reject);
          }),
      ),
    );
    return new Pool(ws);
  }

  /**
   * `total` operations of `kind` split evenly over the workers, the Sets writing `variant`'s
   * values (./ops.ts keyWrite); resolves when the last is done.
   */
  async run(
    kind: RunRequest["kind"],
    total: number,
    offset = 0,
    variant = 0,
  ): Promise<{ ms: number; latencies: number[] }> {
    const n = this.workers.length;
    const t0 = performance.now();
    const reports = await Promise.all(
      this.workers.map(
        (w, k) =>
          new Promise<RunReport>((resolve, reject) => {
            w.once("message", (r: RunReport) => resolve(r));
            w.once("error", reject);
            const from = offset + Math.floor((total * k) / n);
            const to = offset + Math.floor((total * (k + 1)) / n);
            w.postMessage({ kind, from, to, variant } satisfies RunRequest);
          }),
      ),
    );
    const ms = performance.now() - t0;
    const errors = reports.reduce((s, r) => s + r.errors, 0);
    if (errors)
      throw new Error(
        `${errors} ${kind} operation(s) failed; first: ${reports.find((r) => r.firstError)?.firstError}`,
      );
    return { ms, latencies: reports.flatMap((r) => r.latencies) };
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((r) => {
            w.once("exit", () => r());
            w.postMessage("stop");
          }),
      ),
    );
  }
}

/** The warm-up every pool gets (compiled code, TLS sessions, pooled buffers), not counted. */
async function warmUp(pool: Pool, ops: number, variant: number): Promise<void> {
  await pool.run("set", Math.min(1000, ops / 10), 1_000_000, variant);
  await pool.run("get", Math.min(1000, ops / 10), 1_000_000);
}

/**
 * The values each part of a row writes: each part's Sets change what the previous part wrote,
 * so that each costs the node's change reports, as the first did.
 */
const VARIANT = { gateway: 0, floor: 1, protocol: 2 } as const;

/**
 * The timed Sets then Gets of a pool, with the CPU the server and the emulator took meanwhile
 * (from /proc) and this process's (the clients' threads).
 */
async function timedPhases(
  pool: Pool,
  ops: number,
  serverPid: number | undefined,
  emuPid: number | undefined,
  p: (line: string) => void,
  label: string,
  variant: number,
) {
  p(`${label}: ${ops} Set...`);
  const g0 = cpuMs(serverPid);
  const e0 = cpuMs(emuPid);
  const c0 = process.cpuUsage();
  const set = await pool.run("set", ops, 0, variant);
  p(`${label}: ${ops} Get...`);
  const get = await pool.run("get", ops);
  const ms = set.ms + get.ms;
  const g1 = cpuMs(serverPid);
  const e1 = cpuMs(emuPid);
  const c = process.cpuUsage(c0);
  const n = 2 * ops;
  const clientsMs = (c.user + c.system) / 1000;
  const cpu =
    g0 !== undefined && g1 !== undefined && e0 !== undefined && e1 !== undefined
      ? {
          serverUs: Math.round(((g1 - g0) * 1000) / n),
          emulatorUs: Math.round(((e1 - e0) * 1000) / n),
          clientsUs: Math.round((clientsMs * 1000) / n),
          busyPct: Math.round((100 * (g1 - g0 + e1 - e0 + clientsMs)) / (ms * os.cpus().length)),
        }
      : undefined;
  return { set, get, ms, cpu };
}

/** Starts the protocol-only server (./protocol-server.ts) on the emulator's first node. */
export function spawnProtocolServer(
  emu: EmulatorReady,
  dataDir: string,
  timeoutMs = 60_000,
): Promise<Spawned<{ url: string; caFile: string }>> {
  const node = emu.nodes[0]!;
  return spawnTs(
    "bench/set-programming/protocol-server.ts",
    [
      "--data-dir",
      dataDir,
      "--cmip",
      `${node.cmip.host}:${node.cmip.port}`,
      "--node-id",
      String(node.nodeId),
    ],
    timeoutMs,
    { O2G_LINK_LOGIN: emu.login, O2G_LINK_PASSWORD: emu.password },
  );
}

/**
 * The protocol-only server's part of a row: a pool without sessions, as the gateway's had. The
 * server runs for this part only: the node reports each change to every association, and an
 * idle one would have cost the gateway's part its share.
 */
async function measureProtocolFloor(
  emu: Spawned<EmulatorReady>,
  dataDir: string,
  init: WorkerInit,
  workers: number,
  opts: SetProgrammingOptions,
  p: (line: string) => void,
): Promise<NonNullable<SetProgrammingRow["protocolFloor"]>> {
  const server = await spawnProtocolServer(emu.ready, dataDir);
  const { admin: _admin, ...rest } = init;
  let pool: Pool | undefined;
  try {
    pool = await Pool.start(workers, { ...rest, url: server.ready.url });
    await warmUp(pool, opts.ops, VARIANT.protocol);
    const r = await timedPhases(
      pool,
      opts.ops,
      server.child.pid,
      emu.child.pid,
      p,
      `protocol-only server, ${workers} worker(s)`,
      VARIANT.protocol,
    );
    return {
      ms: Math.round(r.ms),
      setMs: Math.round(r.set.ms),
      getMs: Math.round(r.get.ms),
      ...(r.cpu ? { cpu: r.cpu } : {}),
    };
  } finally {
    await pool?.stop();
    await server.stop();
  }
}

/** The floor of one row: a warm-up as the REST clients had, then the Sets and the Gets, timed. */
async function measureFloor(
  emu: EmulatorReady,
  emuPid: number | undefined,
  targets: readonly Target[],
  opts: SetProgrammingOptions,
  lanes: number,
): Promise<NonNullable<SetProgrammingRow["floor"]>> {
  const node = emu.nodes[0]!;
  const floor = await SetProgrammingFloor.connect(node.cmip, node.nodeId, emu.login, emu.password);
  try {
    const warm = Math.min(1000, opts.ops / 10);
    await floor.run("set", targets, 1_000_000, 1_000_000 + warm, lanes, VARIANT.floor);
    await floor.run("get", targets, 1_000_000, 1_000_000 + warm, lanes);
    const e0 = cpuMs(emuPid);
    const c0 = process.cpuUsage();
    const set = await floor.run("set", targets, 0, opts.ops, lanes, VARIANT.floor);
    const get = await floor.run("get", targets, 0, opts.ops, lanes);
    const c = process.cpuUsage(c0);
    const e1 = cpuMs(emuPid);
    const ops = 2 * opts.ops;
    return {
      ms: Math.round(set.ms + get.ms),
      setMs: Math.round(set.ms),
      getMs: Math.round(get.ms),
      ...(e0 !== undefined && e1 !== undefined ? { emulatorUs: Math.round(((e1 - e0) * 1000) / ops) } : {}),
      clientUs: Math.round((c.user + c.system) / ops),
    };
  } finally {
    floor.close();
  }
}

export async function measureSetProgramming(opts: SetProgrammingOptions): Promise<SetProgrammingMeasure> {
  const p = opts.progress ?? (() => {});
  const emu = await spawnEmulator(opts.users, 1);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "o2g-setprog-"));
  const stops: (() => Promise<void>)[] = [emu.stop];
  try {
    const gw = await spawnGateway(emu.ready, { dataDir, ...(opts.slow ? { slow: opts.slow } : {}) });
    stops.unshift(gw.stop);
    // The same seed gives the same users: the sets with a key field are the targets.
    const dir = generateDirectory({ users: opts.users, nodes: 1, seed: 1 });
    const targets: Target[] = dir.subscribers
      .filter((s) => s.stationType.keys > 0)
      .map((s) => ({ login: s.loginName, number: s.directoryNumber, keys: s.stationType.keys }));
    const init: WorkerInit = {
      url: gw.ready.url,
      ca: readFileSync(gw.ready.caFile, "utf8"),
      admin: ADMIN,
      targets,
      inflight: opts.inflight ?? 1,
    };
    const rows: SetProgrammingRow[] = [];
    let reference: SetProgrammingMeasure["reference"];
    for (const n of opts.workers) {
      p(`set-programming: ${n} worker(s): warming up...`);
      const pool = await Pool.start(n, init);
      try {
        await warmUp(pool, opts.ops, VARIANT.gateway);
        const { set, get, ms, cpu } = await timedPhases(
          pool,
          opts.ops,
          gw.child.pid,
          emu.child.pid,
          p,
          `set-programming: ${n} worker(s)`,
          VARIANT.gateway,
        );
        const set1 = set.latencies;
        const get1 = get.latencies;
        rows.push({
          workers: n,
          ops: 2 * opts.ops,
          ms: Math.round(ms),
          opsPerSec: Math.round((2 * opts.ops * 1000) / ms),
          setMs: Math.round(set.ms),
          getMs: Math.round(get.ms),
          setP50Ms: round(percentile(set1, 50), 2),
          setP99Ms: round(percentile(set1, 99), 2),
          getP50Ms: round(percentile(get1, 50), 2),
          getP99Ms: round(percentile(get1, 99), 2),
          ...(cpu
            ? {
                cpu: {
                  gatewayUs: cpu.serverUs,
                  emulatorUs: cpu.emulatorUs,
                  clientsUs: cpu.clientsUs,
                  busyPct: cpu.busyPct,
                },
              }
            : {}),
        });
        p(`set-programming: ${n} worker(s): ${Math.round(ms)} ms, ${rows.at(-1)!.opsPerSec} ops/s`);
        if (opts.floor) {
          p(`set-programming: ${n} lane(s): the same operations from a bare CMIP client...`);
          rows.at(-1)!.floor = await measureFloor(emu.ready, emu.child.pid, targets, opts, n * init.inflight);
          p(`set-programming: ${n} lane(s): bare CMIP client ${rows.at(-1)!.floor!.ms} ms`);
        }
        if (opts.protocolFloor) {
          const pf = await measureProtocolFloor(emu, dataDir, init, n, opts, p);
          rows.at(-1)!.protocolFloor = pf;
          p(`set-programming: ${n} worker(s): protocol-only server ${pf.ms} ms`);
        }
        if (opts.referenceWorkers === n) {
          p(`set-programming: ${n} worker(s): reference, ${opts.ops} GET users/{login}...`);
          const ref = await pool.run("reference", opts.ops);
          reference = { workers: n, opsPerSec: Math.round((opts.ops * 1000) / ref.ms) };
        }
      } finally {
        await pool.stop();
      }
    }
    return { rows, ...(reference ? { reference } : {}) };
  } finally {
    for (const s of stops) await s().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function setProgrammingBench(
  opts: SetProgrammingOptions,
): Promise<{ res: BenchResult; charts: Record<string, string> }> {
  const m = await measureSetProgramming(opts);
  const rows: Row[] = m.rows.map((r) => ({
    workers: r.workers,
    ops: r.ops,
    ms: r.ms,
    opsPerSec: r.opsPerSec,
    ...(r.protocolFloor
      ? { protocolMs: r.protocolFloor.ms, vsProtocol: Number((r.ms / r.protocolFloor.ms).toFixed(2)) }
      : {}),
    ...(r.floor ? { floorMs: r.floor.ms, vsFloor: Number((r.ms / r.floor.ms).toFixed(1)) } : {}),
  }));
  const goalRow = m.rows.find((r) => r.workers === GOAL.workers && r.ops === GOAL.ops);
  const notes = [
    `${opts.ops} Set (PUT programmeableKeys/{position}) then ${opts.ops} Get (GET programmeableKeys) per row, through HTTPS, as an administrator session per worker; each worker ${(opts.inflight ?? 1) === 1 ? "one request at a time" : `${opts.inflight} requests at a time`}; ${opts.users} users, the operations spread over the sets with keys; a warm-up of ${Math.min(1000, opts.ops / 10)} of each first, not counted.`,
    ...m.rows.map(
      (r) =>
        `${r.workers} worker(s): Set ${r.setMs} ms (p50 ${r.setP50Ms} ms, p99 ${r.setP99Ms} ms), Get ${r.getMs} ms (p50 ${r.getP50Ms} ms, p99 ${r.getP99Ms} ms)` +
        (r.cpu
          ? `; CPU per operation: gateway ${r.cpu.gatewayUs} µs, emulator ${r.cpu.emulatorUs} µs, clients ${r.cpu.clientsUs} µs; the cores ${r.cpu.busyPct}% busy.`
          : ".") +
        (r.floor
          ? ` Floor (a bare CMIP client, the same operations ${r.workers * (opts.inflight ?? 1)} at a time, same emulator, same run): Set ${r.floor.setMs} ms, Get ${r.floor.getMs} ms, ${r.floor.ms} ms in all (through the gateway: ${(r.ms / r.floor.ms).toFixed(1)}x as long); CPU per operation: emulator ${r.floor.emulatorUs ?? "?"} µs, bare client ${r.floor.clientUs} µs.`
          : "") +
        (r.protocolFloor
          ? ` Protocol-only server: HTTPS + CMIP, no gateway logic (./protocol-server.ts; the same workers without a session, same emulator, same run): ${r.protocolFloor.ms} ms (Set ${r.protocolFloor.setMs} ms, Get ${r.protocolFloor.getMs} ms; the gateway ${(r.ms / r.protocolFloor.ms).toFixed(2)}x as long)` +
            (r.protocolFloor.cpu
              ? `; CPU per operation: server ${r.protocolFloor.cpu.serverUs} µs, emulator ${r.protocolFloor.cpu.emulatorUs} µs, clients ${r.protocolFloor.cpu.clientsUs} µs; the cores ${r.protocolFloor.cpu.busyPct}% busy.`
              : ".")
          : ""),
    ),
    goalRow
      ? `goal: ${GOAL.ops} operations in at most ${GOAL.ms} ms with ${GOAL.workers} workers: ${goalRow.ms} ms, ${goalRow.ms <= GOAL.ms ? "met" : "NOT met"}.`
      : `goal: ${GOAL.ops} operations in at most ${GOAL.ms} ms with ${GOAL.workers} workers (not measured in this run).`,
    ...(m.reference
      ? [
          `reference: GET users/{login} (no CMIP) with ${m.reference.workers} workers: ${m.reference.opsPerSec} ops/s.`,
        ]
      : []),
  ];
  const charts = {
    "set-programming-throughput.svg": lineChart({
      title: "Phone set programming: operations per second",
      xLabel: "client workers",
      yLabel: "operations/s",
      series: [
        { name: "Set + Get", points: m.rows.map((r) => [r.workers, r.opsPerSec]) },
        {
          name: "goal (20,000 in 3 s)",
          points: m.rows.map((r) => [r.workers, GOAL.ops / (GOAL.ms / 1000)]),
          dashed: true,
        },
      ],
    }),
    "set-programming-time.svg": lineChart({
      title: "Phone set programming: time for 10,000 Set + 10,000 Get",
      xLabel: "client workers",
      yLabel: "seconds",
      series: [
        { name: "total", points: m.rows.map((r) => [r.workers, r.ms / 1000]) },
        { name: "Set", points: m.rows.map((r) => [r.workers, r.setMs / 1000]) },
        { name: "Get", points: m.rows.map((r) => [r.workers, r.getMs / 1000]) },
        { name: "goal (3 s)", points: m.rows.map((r) => [r.workers, GOAL.ms / 1000]), dashed: true },
      ],
    }),
  };
  return { res: result("set-programming", rows, notes), charts };
}
