/**
 * Event latency, end to end: from the moment the emulated OXE emits a CSTA Delivered event
 * (a call reaching the callee's set) to the moment a client reading the gateway's chunk channel
 * has parsed the OnCallCreated it becomes for the callee. The emulator runs in this process
 * (so both instants come from one clock), the gateway in its own.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmulator } from "../../oxe-emulator/index.js";
import { O2gClient } from "../../scenarios/o2g-client/index.js";
import { type BenchResult, lineChart, type Row, result } from "../report/index.js";
import { readyOf, spawnGateway } from "../support/processes.js";

export interface EventsOptions {
  rates: number[];
  durationS: number;
  /** also look for the highest rate held with p99 under `maxP99Ms` and nothing lost */
  findMax: boolean;
  maxP99Ms?: number;
  progress?: (line: string) => void;
}

interface RateResult {
  callsPerSec: number;
  achievedPerSec: number;
  calls: number;
  lost: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  eventsPerSec: number;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export async function measureEvents(
  opts: EventsOptions,
): Promise<{ rows: RateResult[]; max: number | null }> {
  const users = 4000;
  const emu = await startEmulator({
    users,
    nodes: 1,
    seed: 1,
    heartbeatMs: 0,
    network: { ringTimeoutMs: 60_000 },
  });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "o2g-events-"));
  const gw = await spawnGateway(readyOf(emu), { dataDir });
  try {
    const ca = readFileSync(gw.ready.caFile, "utf8");
    const admin = await O2gClient.login({
      baseUrl: gw.ready.url,
      login: "admin",
      password: "Sandbox-Admin-1",
      ca,
    });
    const stream = await admin.subscribe([{ ids: [], names: ["telephony"] }]);
    const net = emu.network;
    const sent = new Map<string, number>(); // callee login -> when its Delivered was emitted
    let latencies: number[] = [];
    let eventCount = 0;
    net.on((ev) => {
      if (ev.kind === "delivered") sent.set(ev.device.subscriber.loginName, performance.now());
    });
    stream.onEvent((e) => {
      eventCount++;
      if (e.eventName !== "OnCallCreated") return;
      const t0 = sent.get(String(e.loginName));
      if (t0 === undefined) return;
      sent.delete(String(e.loginName));
      latencies.push(performance.now() - t0);
    });
    // Pairs (2i, 2i+1) call each other; a pair is reused once its call is over.
    const free: number[] = Array.from({ length: users / 2 }, (_, i) => i);
    const subs = emu.directory.subscribers;
    const runRate = async (rate: number, durationS: number): Promise<RateResult> => {
      latencies = [];
      eventCount = 0;
      sent.clear();
      const holdMs = 300;
      const total = Math.round(rate * durationS);
      const t0 = performance.now();
      let placed = 0;
      let busy = 0;
      while (placed < total) {
        const due = t0 + (placed * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        // Place every call that is due now (a timer tick may cover several at high rates).
        while (placed < total && performance.now() >= t0 + (placed * 1000) / rate) {
          const pair = free.shift();
          placed++;
          if (pair === undefined) {
            busy++;
            continue;
          }
          const a = net.device(subs[2 * pair]!.directoryNumber);
          const b = net.device(subs[2 * pair + 1]!.directoryNumber);
          const c = net.deferEvents(() => net.makeCall(a.number, b.number, { autoOriginate: "doNotPrompt" }));
          setTimeout(() => {
            if (!c.call.ended) net.deferEvents(() => net.clearCall(c.call));
            free.push(pair);
          }, holdMs).unref();
        }
      }
      const elapsed = (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 2000 + holdMs)); // let the last events arrive
      const sorted = [...latencies].sort((x, y) => x - y);
      return {
        callsPerSec: rate,
        achievedPerSec: Math.round((placed - busy) / elapsed),
        calls: placed - busy,
        lost: placed - busy - latencies.length,
        p50Ms: Number(pct(sorted, 50).toFixed(2)),
        p99Ms: Number(pct(sorted, 99).toFixed(2)),
        maxMs: Number((sorted.at(-1) ?? 0).toFixed(2)),
        eventsPerSec: Math.round(eventCount / (elapsed + 2 + holdMs / 1000)),
      };
    };
    const rows: RateResult[] = [];
    rows.sort((a, b) => a.callsPerSec - b.callsPerSec);
    for (const rate of opts.rates) {
      opts.progress?.(`events: ${rate} calls/s for ${opts.durationS} s...`);
      const r = await runRate(rate, opts.durationS);
      rows.push(r);
      opts.progress?.(`events: ${rate} calls/s -> p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.lost} lost`);
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
          `events: ${rate} calls/s -> achieved ${r.achievedPerSec}/s, p99 ${r.p99Ms} ms, ${r.lost} lost${holds(r) ? "" : " (not sustained)"}`,
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
    stream.close();
    await admin.close();
    return { rows, max };
  } finally {
    await gw.stop();
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
  const res = result("events", rows as unknown as Row[], [
    "latency: CSTA Delivered emitted by the emulated OXE -> OnCallCreated for the callee parsed by a client on the chunk channel (an administrator subscribed to every user's telephony events).",
    `each call: make, ring 300 ms, clear; ${(rows.reduce((t, r) => t + r.eventsPerSec / r.callsPerSec, 0) / rows.length).toFixed(1)} O2G events per call reach the client on average (eventsPerSec).`,
    "all three parties (emulator + client in the bench process, gateway in its own) share this machine's cores: past the sustained maximum the machine, not only the gateway, is saturated.",
    `sustained maximum (no call lost, achieved >= 95% of the asked rate, p99 <= ${limit} ms): ${max ?? "not found"} calls/s.`,
  ]);
  const charts = {
    "events.svg": lineChart({
      title: "Event latency vs call rate",
      xLabel: "calls per second",
      yLabel: "ms",
      series: [
        { name: "p50", points: rows.map((r) => [r.callsPerSec, r.p50Ms]) },
        { name: "p99", points: rows.map((r) => [r.callsPerSec, r.p99Ms]) },
      ],
    }),
  };
  return { res, charts };
}
