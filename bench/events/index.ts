/**
 * Event latency, end to end: from the moment the emulated OXE emits a CSTA Delivered event
 * (a call reaching the callee's set) to the moment a client reading the gateway's chunk channel
 * has parsed the OnCallCreated it becomes for the callee. Three processes, as in a lab: the
 * emulator (./emulator-worker.ts, which places the calls), the gateway, and this one with the
 * clients. Instants cross processes on the machine's clock (performance.timeOrigin +
 * performance.now()).
 *
 * The in-run reference (./floor.ts): a bare CSTA client in this process monitors every callee,
 * so each call's Delivered is also timed without the gateway. Per call, the O2G client's
 * OnCallCreated minus the bare client's Delivered is what the gateway adds, read by one process
 * on one clock under whatever load the machine has at that moment.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { O2gClient } from "../../scenarios/o2g-client/index.js";
import { type BenchResult, lineChart, type Row, result } from "../report/index.js";
import { cpuMs, mainThreadCpuMs, mainThreadWaitMs } from "../support/cpu.js";
import type { StagesReport, Stamp } from "../support/event-stages.js";
import {
  type GcPause,
  type GcSummary,
  overlapsPause,
  recordGcPauses,
  summarizeGc,
} from "../support/gc-pauses.js";
import { spawnGateway, spawnTs } from "../support/processes.js";
import { startFloorClient } from "./floor.js";
import type { EmulatorRun, EventsEmulatorReady, RunCommand } from "./protocol.js";

export interface EventsOptions {
  rates: number[];
  durationS: number;
  /** also look for the highest rate held with p99 under `maxP99Ms` and nothing lost */
  findMax: boolean;
  maxP99Ms?: number;
  /** time stamps per stage inside the gateway (bench/support/event-stages.ts) */
  stages?: boolean;
  /** a deliberate slowdown of the gateway (bench/support/slow.ts), for the gate's self-test */
  slow?: string;
  progress?: (line: string) => void;
}

/** p50 / p99 ms of each stage of the gateway path, from the gateway's own time stamps. */
export interface StageBreakdown {
  /** Delivered emitted -> the gateway starts decoding it (emulator's write, wire, wake-up) */
  in: [number, number];
  /** -> the OnCallCreated on the bus (decode, node link, telephony engine) */
  engine: [number, number];
  /** -> the chunk response handed to the TLS socket (bus, serialization, batch) */
  write: [number, number];
  /** -> parsed by the O2G client (wire, wake-up, TLS, HTTP, JSON) */
  out: [number, number];
}

export interface RateResult {
  callsPerSec: number;
  achievedPerSec: number;
  calls: number;
  lost: number;
  /** Delivered emitted -> OnCallCreated parsed by the O2G client */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Delivered emitted -> the same Delivered decoded by the bare CSTA client (the floor) */
  floorP50Ms: number;
  floorP99Ms: number;
  /** per call, the O2G client's OnCallCreated - the bare client's Delivered: the gateway's share */
  addedP50Ms: number;
  addedP99Ms: number;
  /** O2G events the client received per call (every user's telephony events) */
  eventsPerCall: number;
  /** CPU per call (user + system, every thread): the gateway, the emulator, the clients' process */
  gwCpuUs: number | null;
  /** the same for the gateway's main thread alone (the event path, without the communication log's thread) */
  gwMainCpuUs: number | null;
  emuCpuUs: number;
  clientCpuUs: number;
  /** the machine's 1-minute load average at the end of the run */
  load: number;
  stages?: StageBreakdown;
  /** the garbage collectors' pauses during the run, and how many of the slowest calls met one */
  gc?: GcBreakdown;
}

export interface GcBreakdown {
  gateway: GcSummary;
  emulator: GcSummary;
  clients: GcSummary;
  /** the calls at or above the p99 (end to end) */
  slowest: number;
  /** of those, the ones whose span (Delivered emitted -> parsed) overlapped a pause of each process */
  slowestInGc: { gateway: number; emulator: number; clients: number; any: number };
  /**
   * ms per second of the run each main thread spent ready to run but without a core (the
   * scheduler's run queue); null where the kernel keeps no schedstat
   */
  coreWaitMsPerS: { gateway: number | null; emulator: number | null; clients: number | null };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const ms2 = (x: number) => Number(x.toFixed(2));
const clock = () => performance.timeOrigin + performance.now();

/** Matches the k-th Delivered emitted for a callee with the k-th of each kind of arrival. */
export function latencies(
  delivered: Record<string, number[]>,
  gateway: ReadonlyMap<string, number[]>,
  floor: ReadonlyMap<string, number[]>,
): { e2e: number[]; floor: number[]; added: number[]; lost: number; floorLost: number } {
  const out = { e2e: [] as number[], floor: [] as number[], added: [] as number[], lost: 0, floorLost: 0 };
  for (const [login, emitted] of Object.entries(delivered)) {
    const g = gateway.get(login) ?? [];
    const f = floor.get(login) ?? [];
    emitted.forEach((t0, k) => {
      const tg = g[k];
      const tf = f[k];
      if (tg === undefined) out.lost++;
      else out.e2e.push(tg - t0);
      if (tf === undefined) out.floorLost++;
      else out.floor.push(tf - t0);
      if (tg !== undefined && tf !== undefined) out.added.push(tg - tf);
    });
  }
  for (const xs of [out.e2e, out.floor, out.added]) xs.sort((a, b) => a - b);
  return out;
}

/** The spans (Delivered emitted, OnCallCreated parsed) of the calls at or above the p99 latency. */
export function slowestSpans(
  delivered: Record<string, number[]>,
  gateway: ReadonlyMap<string, number[]>,
): Array<[from: number, to: number]> {
  const spans: Array<[number, number]> = [];
  for (const [login, emitted] of Object.entries(delivered)) {
    const g = gateway.get(login) ?? [];
    emitted.forEach((t0, k) => {
      const tg = g[k];
      if (tg !== undefined) spans.push([t0, tg]);
    });
  }
  spans.sort((a, b) => b[1] - b[0] - (a[1] - a[0]));
  // The same rank as pct(e2e, 99): every call from the p99's own upwards.
  const p99Rank = Math.min(spans.length - 1, Math.floor(0.99 * spans.length));
  return spans.slice(0, spans.length - p99Rank);
}

function gcBreakdown(
  spans: ReadonlyArray<[number, number]>,
  window: [number, number],
  pauses: { gateway: GcPause[]; emulator: GcPause[]; clients: GcPause[] },
  coreWaitMsPerS: GcBreakdown["coreWaitMsPerS"],
): GcBreakdown {
  const inWindow = (ps: GcPause[]) => ps.filter((p) => p[0] + p[1] >= window[0] && p[0] <= window[1]);
  const sorted = (ps: GcPause[]) => [...ps].sort((a, b) => a[0] - b[0]);
  const gw = sorted(pauses.gateway);
  const emu = sorted(pauses.emulator);
  const cl = sorted(pauses.clients);
  const hit = { gateway: 0, emulator: 0, clients: 0, any: 0 };
  for (const [from, to] of spans) {
    const g = overlapsPause(gw, from, to);
    const e = overlapsPause(emu, from, to);
    const c = overlapsPause(cl, from, to);
    if (g) hit.gateway++;
    if (e) hit.emulator++;
    if (c) hit.clients++;
    if (g || e || c) hit.any++;
  }
  return {
    gateway: summarizeGc(inWindow(gw)),
    emulator: summarizeGc(inWindow(emu)),
    clients: summarizeGc(inWindow(cl)),
    slowest: spans.length,
    slowestInGc: hit,
    coreWaitMsPerS,
  };
}

function breakdown(
  delivered: Record<string, number[]>,
  stamps: Record<string, Stamp[]>,
  gateway: ReadonlyMap<string, number[]>,
): StageBreakdown {
  const d = { in: [] as number[], engine: [] as number[], write: [] as number[], out: [] as number[] };
  for (const [login, emitted] of Object.entries(delivered)) {
    const st = stamps[login] ?? [];
    const g = gateway.get(login) ?? [];
    emitted.forEach((t0, k) => {
      const s = st[k];
      const tg = g[k];
      if (!s || tg === undefined || s[2] === 0) return;
      d.in.push(s[0] - t0);
      d.engine.push(s[1] - s[0]);
      d.write.push(s[2] - s[1]);
      d.out.push(tg - s[2]);
    });
  }
  const q = (xs: number[]): [number, number] => {
    xs.sort((a, b) => a - b);
    return [ms2(pct(xs, 50)), ms2(pct(xs, 99))];
  };
  return { in: q(d.in), engine: q(d.engine), write: q(d.write), out: q(d.out) };
}

export async function measureEvents(
  opts: EventsOptions,
): Promise<{ rows: RateResult[]; max: number | null }> {
  const users = 4000;
  const holdMs = 300;
  const emu = await spawnTs<EventsEmulatorReady>("bench/events/emulator-worker.ts", [
    "--users",
    String(users),
  ]);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "o2g-events-"));
  let gw: Awaited<ReturnType<typeof spawnGateway>> | undefined;
  try {
    gw = await spawnGateway(emu.ready, {
      dataDir,
      ...(opts.stages ? { stages: true } : {}),
      ...(opts.slow ? { slow: opts.slow } : {}),
    });
    const gwPid = gw.child.pid;
    const gwChild = gw.child;
    const staged: ((s: StagesReport) => void)[] = [];
    createInterface({ input: gwChild.stdout! }).on("line", (line) => {
      if (line.startsWith("STAGES ")) staged.shift()?.(JSON.parse(line.slice(7)) as StagesReport);
    });
    const stamps = () =>
      new Promise<StagesReport>((resolve) => {
        staged.push(resolve);
        gwChild.stdin!.write("stages\n");
      });
    const ran: ((r: EmulatorRun | Error) => void)[] = [];
    createInterface({ input: emu.child.stdout! }).on("line", (line) => {
      if (line.startsWith("RAN ")) ran.shift()?.(JSON.parse(line.slice(4)) as EmulatorRun);
    });
    // An emulator that dies mid-run fails the bench rather than leaving it waiting forever.
    emu.child.once("exit", (code) => {
      for (const r of ran.splice(0)) r(new Error(`the emulator exited (${code}) during a run`));
    });
    const emulate = (cmd: RunCommand) =>
      new Promise<EmulatorRun>((resolve, reject) => {
        ran.push((r) => (r instanceof Error ? reject(r) : resolve(r)));
        emu.child.stdin!.write(`${JSON.stringify(cmd)}\n`);
      });
    const ca = readFileSync(gw.ready.caFile, "utf8");
    const admin = await O2gClient.login({
      baseUrl: gw.ready.url,
      login: "admin",
      password: "Sandbox-Admin-1",
      ca,
    });
    const stream = await admin.subscribe([{ ids: [], names: ["telephony"] }]);
    // Every event is still parsed and handed to the listener below; only the stream's history
    // (tens of thousands of events a run, kept for tests' next()) is not kept.
    stream.keepHistory = false;
    const calleeLogins = new Map(emu.ready.pairs.map((p) => [p.callee, p.calleeLogin]));
    const node = emu.ready.nodes[0]!;
    const floor = await startFloorClient(node.csta, emu.ready.login, emu.ready.password, calleeLogins);
    const arrivals = new Map<string, number[]>(); // callee login -> when its OnCallCreated was parsed
    let eventCount = 0;
    stream.onEvent((e) => {
      eventCount++;
      if (e.eventName !== "OnCallCreated") return;
      const t = clock();
      const login = String(e.loginName);
      let list = arrivals.get(login);
      if (!list) {
        list = [];
        arrivals.set(login, list);
      }
      list.push(t);
    });
    const clientGc = recordGcPauses();
    const runRate = async (rate: number, durationS: number): Promise<RateResult> => {
      arrivals.clear();
      floor.arrivals.clear();
      eventCount = 0;
      clientGc.take();
      const start = clock();
      const pids = { gateway: gwPid, emulator: emu.child.pid, clients: process.pid };
      const waited0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, mainThreadWaitMs(pid)]));
      const gw0 = cpuMs(gwPid);
      const main0 = mainThreadCpuMs(gwPid);
      const me0 = process.cpuUsage();
      const run = await emulate({ rate, durationS, holdMs });
      // Let the last events arrive (what has not after 10 s is lost), then those of the clears.
      const missing = (m: ReadonlyMap<string, number[]>) =>
        Object.entries(run.delivered).some(([login, ts]) => (m.get(login)?.length ?? 0) < ts.length);
      const waitUntil = performance.now() + 10_000;
      while (performance.now() < waitUntil && (missing(arrivals) || missing(floor.arrivals)))
        await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      const gw1 = cpuMs(gwPid);
      const main1 = mainThreadCpuMs(gwPid);
      const me = process.cpuUsage(me0);
      const l = latencies(run.delivered, arrivals, floor.arrivals);
      const end = clock();
      const waitedPerS = (k: keyof typeof pids) => {
        const a = waited0[k];
        const b = mainThreadWaitMs(pids[k]);
        return a === undefined || b === undefined ? null : ms2(((b - a) * 1000) / (end - start));
      };
      const report = opts.stages ? await stamps() : undefined;
      const stages = report ? breakdown(run.delivered, report.stamps, arrivals) : undefined;
      const gc = report
        ? gcBreakdown(
            slowestSpans(run.delivered, arrivals),
            [start, end],
            {
              gateway: report.gc,
              emulator: run.gc,
              clients: clientGc.take(),
            },
            {
              gateway: waitedPerS("gateway"),
              emulator: waitedPerS("emulator"),
              clients: waitedPerS("clients"),
            },
          )
        : undefined;
      const calls = run.placed - run.busy;
      const perCall = (cpu: number) => Math.round((cpu * 1000) / Math.max(1, calls));
      return {
        callsPerSec: rate,
        achievedPerSec: Math.round(calls / run.elapsedS),
        calls,
        lost: calls - l.e2e.length,
        p50Ms: ms2(pct(l.e2e, 50)),
        p99Ms: ms2(pct(l.e2e, 99)),
        maxMs: ms2(l.e2e.at(-1) ?? 0),
        floorP50Ms: ms2(pct(l.floor, 50)),
        floorP99Ms: ms2(pct(l.floor, 99)),
        addedP50Ms: ms2(pct(l.added, 50)),
        addedP99Ms: ms2(pct(l.added, 99)),
        eventsPerCall: Number((eventCount / Math.max(1, calls)).toFixed(1)),
        gwCpuUs: gw0 === undefined || gw1 === undefined ? null : perCall(gw1 - gw0),
        gwMainCpuUs: main0 === undefined || main1 === undefined ? null : perCall(main1 - main0),
        emuCpuUs: perCall(run.cpuMs),
        clientCpuUs: perCall((me.user + me.system) / 1000),
        load: Number(os.loadavg()[0]!.toFixed(1)),
        ...(stages ? { stages } : {}),
        ...(gc ? { gc } : {}),
      };
    };
    const rows: RateResult[] = [];
    const say = (r: RateResult) =>
      `p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms (floor p99 ${r.floorP99Ms} ms, gateway's share p99 ${r.addedP99Ms} ms), ${r.lost} lost, load ${r.load}`;
    // A second of calls first, not reported: the first rate's figures (its CPU per call most of
    // all) would otherwise carry the processes' warm-up (code not yet optimized).
    await runRate(Math.min(opts.rates[0] ?? 100, 200), 1);
    for (const rate of opts.rates) {
      opts.progress?.(`events: ${rate} calls/s for ${opts.durationS} s...`);
      const r = await runRate(rate, opts.durationS);
      rows.push(r);
      opts.progress?.(`events: ${rate} calls/s -> ${say(r)}`);
    }
    let max: number | null = null;
    if (opts.findMax) {
      const limit = opts.maxP99Ms ?? 250;
      const holds = (r: RateResult) =>
        r.lost === 0 && r.p99Ms <= limit && r.achievedPerSec >= r.callsPerSec * 0.95;
      const tryRate = async (rate: number) => {
        opts.progress?.(`events: looking for the sustained maximum, ${rate} calls/s...`);
        const r = await runRate(rate, Math.min(3, opts.durationS));
        rows.push(r);
        opts.progress?.(
          `events: ${rate} calls/s -> achieved ${r.achievedPerSec}/s, ${say(r)}${holds(r) ? "" : " (not sustained)"}`,
        );
        return holds(r);
      };
      let good = Math.max(...rows.filter(holds).map((r) => r.callsPerSec), 0);
      let bad = 0;
      // Double until it breaks, then halve the gap twice.
      for (let rate = Math.max(good, 50) * 2; rate <= 6400; rate *= 2) {
        if (await tryRate(rate)) good = rate;
        else {
          bad = rate;
          break;
        }
      }
      for (let i = 0; i < 2 && bad > good; i++) {
        const mid = Math.round((good + bad) / 2 / 10) * 10;
        if (await tryRate(mid)) good = mid;
        else bad = mid;
      }
      max = good || null;
    }
    clientGc.stop();
    floor.close();
    stream.close();
    await admin.close();
    return { rows, max };
  } finally {
    await gw?.stop();
    await emu.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function eventsBench(
  opts: EventsOptions,
): Promise<{ res: BenchResult; charts: Record<string, string> }> {
  const measured = await measureEvents(opts);
  const max = measured.max;
  const rows = [...measured.rows].sort((a, b) => a.callsPerSec - b.callsPerSec);
  const limit = opts.maxP99Ms ?? 250;
  const table = rows.map(({ stages: _, gc: _gc, ...r }) => r);
  const res = result("events", table as unknown as Row[], [
    "latency: CSTA Delivered emitted by the emulated OXE -> OnCallCreated for the callee parsed by a client on the chunk channel (an administrator subscribed to every user's telephony events).",
    `each call: make, ring 300 ms, clear; ${(rows.reduce((t, r) => t + r.eventsPerCall, 0) / rows.length).toFixed(1)} O2G events per call reach the client on average (eventsPerCall).`,
    "floor (the in-run reference): the same Delivered decoded by a bare CSTA client of the emulator in the clients' process, no gateway in between; added: per call, the O2G client's OnCallCreated - the bare client's Delivered, both timed in that one process: the gateway's share of the latency.",
    "three processes (the emulator placing the calls, the gateway, the clients) share this machine's cores, on one clock (performance.timeOrigin + performance.now()); past the sustained maximum the machine, not only the gateway, is saturated. load: the 1-minute load average at the end of the rate's run.",
    "gwCpuUs, emuCpuUs, clientCpuUs: CPU (user + system, every thread) per call of the gateway (the communication log's thread included), the emulator, the clients' process; gwMainCpuUs: the gateway's main thread alone (the event path).",
    opts.findMax
      ? `sustained maximum (no call lost, achieved >= 95% of the asked rate, p99 <= ${limit} ms): ${max === null ? "not found" : `${max} calls/s`}.`
      : "sustained maximum: not searched (--no-max).",
    ...rows
      .filter((r) => r.stages)
      .map((r) => {
        const st = r.stages!;
        const f = ([a, b]: [number, number]) => `${a} / ${b}`;
        return `stages at ${r.callsPerSec} calls/s, p50 / p99 ms (the gateway's own time stamps, bench/support/event-stages.ts): Delivered emitted -> the gateway decodes it ${f(st.in)}; -> OnCallCreated on the bus ${f(st.engine)}; -> chunk handed to TLS ${f(st.write)}; -> parsed by the client ${f(st.out)}.`;
      }),
    ...rows
      .filter((r) => r.gc)
      .map((r) => {
        const g = r.gc!;
        const s = (name: string, x: GcSummary) =>
          `${name} ${x.pauses} (${x.minor} scavenges), median ${x.p50Ms} ms, longest ${x.maxMs} ms, ${x.totalMs} ms in all`;
        return `garbage-collection pauses at ${r.callsPerSec} calls/s (main threads, bench/support/gc-pauses.ts): ${s("gateway", g.gateway)}; ${s("emulator", g.emulator)}; ${s("clients", g.clients)}. Of the ${g.slowest} slowest calls (at or above the p99), ${g.slowestInGc.any} met a pause while on their way: the gateway's ${g.slowestInGc.gateway}, the emulator's ${g.slowestInGc.emulator}, the clients' ${g.slowestInGc.clients}. Waiting for a core (the scheduler's run queue, ms per second of the run): the gateway's main thread ${g.coreWaitMsPerS.gateway ?? "?"}, the emulator's ${g.coreWaitMsPerS.emulator ?? "?"}, the clients' ${g.coreWaitMsPerS.clients ?? "?"}.`;
      }),
  ]);
  const charts = {
    "events.svg": lineChart({
      title: "Event latency vs call rate",
      xLabel: "calls per second",
      yLabel: "ms",
      series: [
        { name: "p50", points: rows.map((r) => [r.callsPerSec, r.p50Ms]) },
        { name: "p99", points: rows.map((r) => [r.callsPerSec, r.p99Ms]) },
        { name: "floor p99", points: rows.map((r) => [r.callsPerSec, r.floorP99Ms]) },
        { name: "gateway's share p99", points: rows.map((r) => [r.callsPerSec, r.addedP99Ms]) },
      ],
    }),
  };
  return { res, charts };
}
