/**
 * Call-center traffic through the gateway: callers dial the CCD's pilots at a rate (the
 * emulator's ACD traffic generator, Poisson arrivals), the emulated agents answer, talk and wrap
 * up by themselves, and an administrator's client monitors every pilot and every user through the
 * gateway. Per rate:
 * - queue wait: from the call reaching the pilot to the chosen agent's set ringing, as the
 *   emulated CCD did it (staffing, not the gateway);
 * - agent notified: from the agent's set ringing (CSTA Delivered emitted by the emulator) to the
 *   agent's OnCallCreated parsed by the client — the gateway's share;
 * - offer to agent notified: the two together, what an agent desktop sees;
 * - events lost: agent OnCallCreated and OnPilotCallQueued that never reached the client.
 * The emulator runs in this process (both instants from one clock), the gateway in its own.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AcdTraffic } from "../../oxe-emulator/ccd/index.js";
import type { Call } from "../../oxe-emulator/index.js";
import { startEmulator } from "../../oxe-emulator/index.js";
import { O2gClient } from "../../scenarios/o2g-client/index.js";
import { type BenchResult, lineChart, type Row, result } from "../report/index.js";
import { readyOf, spawnGateway } from "../support/processes.js";

export interface CallCenterOptions {
  /** callers per second, over all pilots */
  rates: number[];
  durationS: number;
  /** users of the one node; a tenth are CCD operators, ten per processing group and pilot */
  users?: number;
  progress?: (line: string) => void;
}

export interface CallCenterRow {
  callsPerSec: number;
  agents: number;
  offered: number;
  answered: number;
  abandoned: number;
  queued: number;
  queueWaitP50Ms: number;
  queueWaitP99Ms: number;
  agentNotifiedP50Ms: number;
  agentNotifiedP99Ms: number;
  offerToAgentP50Ms: number;
  offerToAgentP99Ms: number;
  lostAgentEvents: number;
  lostPilotEvents: number;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const ms = (x: number) => Number(x.toFixed(2));
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

/** What the agents do with a distributed call: short, so that a few seconds hold many calls. */
const AGENT = { answerMs: 150, talkMs: 400, wrapUpMs: 150, patienceMs: 4_000 };

export async function measureCallCenter(opts: CallCenterOptions): Promise<CallCenterRow[]> {
  const users = opts.users ?? 2000;
  const emu = await startEmulator({
    users,
    nodes: 1,
    seed: 1,
    heartbeatMs: 0,
    agents: 0.1,
    ccdWrapUpMs: AGENT.wrapUpMs,
    network: { ringTimeoutMs: 60_000 },
  });
  const ccd = emu.ccd;
  if (!ccd) throw new Error("the emulator has no CCD");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "o2g-callcenter-"));
  const gw = await spawnGateway(readyOf(emu), { dataDir });
  try {
    const ca = readFileSync(gw.ready.caFile, "utf8");
    const admin = await O2gClient.login({
      baseUrl: gw.ready.url,
      login: "admin",
      password: "Sandbox-Admin-1",
      ca,
    });
    const pilots = ccd.config.pilots.map((p) => p.number);
    for (const pilot of pilots) await admin.raw("POST", admin.url("acdpilotmonitoring", pilot));
    const stream = await admin.subscribe([{ names: ["telephony"] }, { names: ["pilot"] }]);

    const loginOf = new Map<string, string>();
    for (const s of emu.directory.subscribers) loginOf.set(s.directoryNumber, s.loginName);
    const isPilot = new Set(pilots);
    const offeredAt = new WeakMap<Call, number>();
    const ringing = new Map<string, { at: number; offeredAt: number }>(); // agent login -> its ring
    let waits: number[] = [];
    let notified: number[] = [];
    let offerToAgent: number[] = [];
    let queued = 0;
    let pilotQueuedSeen = 0;
    let distributed = 0;

    emu.network.on((ev) => {
      if (ev.kind === "originated" && isPilot.has(ev.called)) offeredAt.set(ev.call, performance.now());
      else if (ev.kind === "queued" && isPilot.has(ev.device.number)) queued++;
      else if (ev.kind === "delivered" && ev.cause === "distributed") {
        const t0 = offeredAt.get(ev.call);
        const login = loginOf.get(ev.device.number);
        if (t0 === undefined || login === undefined) return;
        const now = performance.now();
        distributed++;
        waits.push(now - t0);
        ringing.set(login, { at: now, offeredAt: t0 });
      }
    });
    stream.onEvent((e) => {
      if (e.eventName === "OnPilotCallQueued") pilotQueuedSeen++;
      if (e.eventName !== "OnCallCreated") return;
      const r = ringing.get(String(e.loginName));
      if (!r) return;
      ringing.delete(String(e.loginName));
      const now = performance.now();
      notified.push(now - r.at);
      offerToAgent.push(now - r.offeredAt);
    });

    const outcomes = { offered: 0, answered: 0, abandoned: 0 };
    ccd.onRecord((r) => {
      outcomes.offered++;
      if (r.outcome === "answered") outcomes.answered++;
      if (r.outcome === "abandoned") outcomes.abandoned++;
    });

    const rows: CallCenterRow[] = [];
    const staff = new AcdTraffic(emu.network, ccd, { ratePerSec: 1, seed: 1 });
    staff.staffAll();
    staff.dispose();
    const agents = [...ccd.operators.values()].filter((o) => o.main === "LOG_ON").length;
    for (const rate of opts.rates) {
      opts.progress?.(`callcenter: ${rate} callers/s for ${opts.durationS} s, ${agents} agents...`);
      waits = [];
      notified = [];
      offerToAgent = [];
      queued = 0;
      pilotQueuedSeen = 0;
      distributed = 0;
      ringing.clear();
      Object.assign(outcomes, { offered: 0, answered: 0, abandoned: 0 });
      const traffic = new AcdTraffic(emu.network, ccd, {
        ratePerSec: rate,
        seed: rate,
        agentsAnswer: true,
        answerMs: AGENT.answerMs,
        talkMs: AGENT.talkMs,
        patienceMs: AGENT.patienceMs,
      });
      traffic.start();
      await sleep(opts.durationS * 1000);
      traffic.stop();
      // Let every call placed end (patience, talk, wrap-up) and the last events arrive.
      await sleep(AGENT.patienceMs + AGENT.talkMs + AGENT.wrapUpMs + 1500);
      traffic.dispose();
      const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
      const w = sorted(waits);
      const n = sorted(notified);
      const o = sorted(offerToAgent);
      const row: CallCenterRow = {
        callsPerSec: rate,
        agents,
        offered: outcomes.offered,
        answered: outcomes.answered,
        abandoned: outcomes.abandoned,
        queued,
        queueWaitP50Ms: ms(pct(w, 50)),
        queueWaitP99Ms: ms(pct(w, 99)),
        agentNotifiedP50Ms: ms(pct(n, 50)),
        agentNotifiedP99Ms: ms(pct(n, 99)),
        offerToAgentP50Ms: ms(pct(o, 50)),
        offerToAgentP99Ms: ms(pct(o, 99)),
        lostAgentEvents: distributed - notified.length,
        lostPilotEvents: queued - pilotQueuedSeen,
      };
      rows.push(row);
      opts.progress?.(
        `callcenter: ${rate}/s -> ${row.offered} offered, ${row.answered} answered, queue wait p99 ${row.queueWaitP99Ms} ms, agent notified p99 ${row.agentNotifiedP99Ms} ms, lost ${row.lostAgentEvents}+${row.lostPilotEvents}`,
      );
    }
    stream.close();
    await admin.close();
    return rows;
  } finally {
    await gw.stop();
    await emu.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function callCenterBench(
  opts: CallCenterOptions,
): Promise<{ res: BenchResult; charts: Record<string, string> }> {
  const rows = await measureCallCenter(opts);
  const res = result("callcenter", rows as unknown as Row[], [
    `callers dial the CCD's pilots (Poisson arrivals); agents answer after ${AGENT.answerMs} ms, talk ${AGENT.talkMs} ms, wrap up ${AGENT.wrapUpMs} ms; a queued caller hangs up after ${AGENT.patienceMs} ms.`,
    "queueWait: call reaching the pilot -> the agent's set ringing, in the emulated CCD (staffing, not the gateway).",
    "agentNotified: the agent's set ringing (CSTA Delivered emitted) -> the agent's OnCallCreated parsed by a client on the chunk channel (the gateway's share); offerToAgent: both.",
    "lost: agent OnCallCreated and OnPilotCallQueued (every pilot monitored) that never reached the client; must be 0.",
  ]);
  const charts = {
    "callcenter.svg": lineChart({
      title: "Call center: offer to agent notified vs callers per second",
      xLabel: "callers per second",
      yLabel: "ms",
      series: [
        { name: "queue wait p99", points: rows.map((r) => [r.callsPerSec, r.queueWaitP99Ms]) },
        { name: "agent notified p99", points: rows.map((r) => [r.callsPerSec, r.agentNotifiedP99Ms]) },
        { name: "offer to agent p99", points: rows.map((r) => [r.callsPerSec, r.offerToAgentP99Ms]) },
      ],
    }),
  };
  return { res, charts };
}
