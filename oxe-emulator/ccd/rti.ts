/**
 * The CCD's real-time indicators (the OXE's RTI, what O2G's CallCenterRealtime reports): per
 * agent, pilot, queue and agent processing group, computed by the CCD itself from what it saw
 * since it started, and read by managers as CMIP objects (mib/ccd-rti-objects.ts).
 *
 * Ours (the OXE's RTI computations are not public):
 * - a processing group has one queue, named by the group's number;
 * - the counters over a period (service level, efficiency, average and expected waiting time,
 *   dissuaded, mutual aid and forwarded calls) look at the calls that ended in the last
 *   OBSERVATION_MS (15 minutes, the shortest observation period O2G accepts); "traffic" is the
 *   calls of the last minute;
 * - service level: the share (%) of those calls answered within SERVICE_LEVEL_MS (20 s) of their
 *   offer; efficiency: the share answered; both 100 when no call ended in the period;
 * - an agent's counters run from the emulator's start; its phone state follows its set: the
 *   ACD call it was handed (ringing, conversation, held), else any other call (private: ringing,
 *   dialing, conversation), else its CCD state (wrap-up, pause, idle);
 * - the emulated CCD has no outgoing, intercepted or transferred ACD calls, no remote groups
 *   and no "other" processing groups (forward, guide): those indicators are not given.
 */
import type { Connection, ModelEvent, Network } from "../model/index.js";
import type { Ccd, CcdCallRecord, CcdEvent, LiveCcdCall, Operator } from "./ccd.js";
import type { PilotConfig, ProcessingGroupConfig } from "./config.js";

export const OBSERVATION_MS = 15 * 60_000;
export const TRAFFIC_MS = 60_000;
export const SERVICE_LEVEL_MS = 20_000;

export type RtiValue = string | number;
export type RtiRecord = Record<string, RtiValue>;

interface AgentCounters {
  logonAt: number | undefined;
  serviceState: string;
  serviceStateAt: number;
  phoneState: string;
  phoneStateAt: number;
  withdrawals: number;
  withdrawnMs: number;
  withdrawnSince: number | undefined;
  privateCalls: number;
  privateMs: number;
  /** private calls in progress on its set, since when they were answered */
  privateSince: Map<object, number>;
  served: number;
  refused: number;
}

/** A call taken out of a queue by an agent: the queue's outgoing traffic and expected waiting time. */
interface Dequeued {
  readonly pg: string;
  readonly at: number;
  readonly waitedMs: number;
}

const iso = (t: number | undefined) => (t === undefined ? "" : new Date(t).toISOString());
const secs = (ms: number) => Math.round(ms / 1000);
const pct = (n: number, of: number) => (of === 0 ? 100 : Math.round((100 * n) / of));

export class CcdRti {
  private readonly agents = new Map<string, AgentCounters>();
  private records: CcdCallRecord[] = [];
  private dequeued: Dequeued[] = [];
  private readonly off: (() => void)[] = [];

  constructor(
    private readonly ccd: Ccd,
    private readonly network: Network,
  ) {
    const now = Date.now();
    for (const op of ccd.operators.values())
      this.agents.set(op.config.number, {
        logonAt: undefined,
        serviceState: "LoggedOut",
        serviceStateAt: now,
        phoneState: "LoggedOut",
        phoneStateAt: now,
        withdrawals: 0,
        withdrawnMs: 0,
        withdrawnSince: undefined,
        privateCalls: 0,
        privateMs: 0,
        privateSince: new Map(),
        served: 0,
        refused: 0,
      });
    this.off.push(
      ccd.on((ev) => this.onCcd(ev)),
      ccd.onRecord((r) => this.onRecord(r)),
      network.on((ev) => this.onModel(ev)),
    );
  }

  close(): void {
    for (const f of this.off) f();
  }

  // ---- what the CCD tells ------------------------------------------------------------------

  private onCcd(ev: CcdEvent): void {
    if (ev.kind !== "agentState") return;
    const op = ev.operator;
    const c = this.agents.get(op.config.number);
    if (!c) return;
    const now = Date.now();
    if (op.main === "LOG_ON") c.logonAt ??= now;
    else c.logonAt = undefined;
    if (op.sub === "WITHDRAW" && ev.previous !== "WITHDRAW") {
      c.withdrawals++;
      c.withdrawnSince = now;
    } else if (op.sub !== "WITHDRAW" && c.withdrawnSince !== undefined) {
      c.withdrawnMs += now - c.withdrawnSince;
      c.withdrawnSince = undefined;
    }
    if (op.sub === "BUSY" && op.call) {
      const live = this.ccd.distributedCall(op.call);
      if (live) {
        this.dequeued.push({ pg: live.pg, at: now, waitedMs: now - live.queuedAt });
        if (now - this.dequeued[0]!.at > OBSERVATION_MS + 60_000) this.prune(now);
      }
    }
    const service = serviceStateOf(op);
    if (service !== c.serviceState) {
      c.serviceState = service;
      c.serviceStateAt = now;
    }
    this.followPhone(op, c, now);
  }

  private onRecord(r: CcdCallRecord): void {
    this.records.push(r);
    // Bounded whether or not anybody reads the indicators: a minute past the window at most.
    if (r.endedAt - this.records[0]!.endedAt > OBSERVATION_MS + 60_000) this.prune(r.endedAt);
    if (r.agent === undefined) return;
    const c = this.agents.get(r.agent);
    if (!c) return;
    if (r.outcome === "answered") c.served++;
    else if (r.outcome === "unanswered") c.refused++;
  }

  private onModel(ev: ModelEvent): void {
    if (!("call" in ev)) return;
    // Every set of the call, the one the event names too (it may have left the call already).
    const sets = new Set(ev.call.connections.map((x) => x.device.number));
    if ("device" in ev && typeof ev.device !== "string") sets.add(ev.device.number);
    const now = Date.now();
    for (const dn of sets) {
      const op = this.ccd.operatorOnSet(dn);
      const c = op ? this.agents.get(op.config.number) : undefined;
      if (!op || !c) continue;
      const mine = ev.call.connections.find((x) => x.device.number === dn);
      if (
        ev.kind === "established" &&
        mine?.state === "connected" &&
        ev.call !== op.call &&
        !c.privateSince.has(ev.call)
      ) {
        c.privateCalls++;
        c.privateSince.set(ev.call, now);
      } else if ((!mine || ev.call.ended) && c.privateSince.has(ev.call)) {
        c.privateMs += now - c.privateSince.get(ev.call)!;
        c.privateSince.delete(ev.call);
      }
      this.followPhone(op, c, now);
    }
  }

  private followPhone(op: Operator, c: AgentCounters, now: number): void {
    const phone = this.phoneStateOf(op);
    if (phone !== c.phoneState) {
      c.phoneState = phone;
      c.phoneStateAt = now;
    }
  }

  private phoneStateOf(op: Operator): string {
    if (op.main !== "LOG_ON") return "LoggedOut";
    const set = op.proAcd ? this.network.devices.get(op.proAcd) : undefined;
    const conns = set?.connections ?? [];
    const acd = op.call ? conns.find((x) => x.call === op.call) : undefined;
    if (acd)
      return acd.state === "alerting" ? "AcdRinging" : acd.state === "hold" ? "Held" : "AcdConversation";
    const other: Connection | undefined = conns[0];
    if (other) {
      if (other.state === "alerting") return "PrivateRinging";
      if (other.state === "initiated") return "Dialing";
      if (other.state === "hold") return "Held";
      if (other.state === "connected")
        return other.call.connections.some((x) => x !== other && x.state === "connected")
          ? "PrivateLocalConversation"
          : "Dialing";
      return "BusyTone";
    }
    if (op.sub === "WRAPUP") return "WrapUp";
    if (op.sub === "PAUSE") return "Pause";
    return "Idle";
  }

  // ---- the indicators ----------------------------------------------------------------------

  private prune(now: number): void {
    const from = now - OBSERVATION_MS;
    if (this.records.length > 0 && this.records[0]!.endedAt < from)
      this.records = this.records.filter((r) => r.endedAt >= from);
    if (this.dequeued.length > 0 && this.dequeued[0]!.at < from)
      this.dequeued = this.dequeued.filter((d) => d.at >= from);
  }

  /**
   * An operator's indicators; `name` and `firstName` are its user's. A listing of every agent
   * passes the calls in progress by agent (`byAgent`), looked up once for them all.
   */
  agent(
    op: Operator,
    name: { lastName: string; firstName: string } | undefined,
    byAgent?: ReadonlyMap<string, LiveCcdCall>,
  ): RtiRecord {
    const c = this.agents.get(op.config.number)!;
    const now = Date.now();
    const live = !op.call ? undefined : (byAgent ?? this.liveByAgent()).get(op.config.number);
    const pilot = live ? this.ccd.pilots.get(live.pilot) : undefined;
    const queue = live ? this.groupConfig(live.pg) : undefined;
    return {
      number: op.config.number,
      name: name?.lastName ?? op.config.loginName,
      firstName: name?.firstName ?? "",
      type: "Normal",
      logonDate: iso(c.logonAt),
      serviceState: c.serviceState,
      serviceStateDate: iso(c.serviceStateAt),
      phoneState: c.phoneState,
      phoneStateDate: iso(c.phoneStateAt),
      pilotName: pilot?.name ?? "",
      queueName: queue?.name ?? "",
      nbOfWithdrawals: c.withdrawals,
      withdrawalsTotalDuration: secs(
        c.withdrawnMs + (c.withdrawnSince !== undefined ? now - c.withdrawnSince : 0),
      ),
      nbOfPrivateCalls: c.privateCalls,
      privateCallsTotalDuration: secs(
        c.privateMs + [...c.privateSince.values()].reduce((t, since) => t + (now - since), 0),
      ),
      nbOfServedACDCalls: c.served,
      nbOfRefusedACDCalls: c.refused,
      currentPG: op.pg ?? "",
      associatedSet: op.proAcd ?? "",
      withdrawReason: op.sub === "WITHDRAW" ? (op.withdrawReason ?? 0) : 0,
    };
  }

  pilot(p: PilotConfig): RtiRecord {
    const now = Date.now();
    this.prune(now);
    const live = this.ccd.liveCalls().filter((l) => l.pilot === p.number);
    const ended = this.records.filter((r) => r.pilot === p.number);
    const k = periodCounts(ended);
    return {
      number: p.number,
      name: p.name,
      state: p.state === "open" ? "Opened" : p.state === "closed" ? "Closed" : "Blocked",
      nbOfRunningCalls: live.length,
      nbOfWaitingCalls: live.filter((l) => l.agent === undefined).length,
      nbOfRingingACDCalls: live.filter((l) => l.agent !== undefined && l.answeredAt === undefined).length,
      nbOfCallsInConversation: live.filter((l) => l.answeredAt !== undefined).length,
      serviceLevel: k.serviceLevel,
      efficiency: k.efficiency,
      averageWaitingTime: k.averageWaitingTime,
      nbOfDissuadedCalls: ended.filter((r) => r.outcome === "refused").length,
      nbOfMutualAidCalls: ended.filter((r) => r.outcome === "overflowed" && r.pg !== undefined).length,
      nbOfCallsInGeneralForwarding: ended.filter((r) => r.outcome === "overflowed" && r.pg === undefined)
        .length,
      incomingTraffic: recent(now, live, ended, (x) => x.offeredAt),
    };
  }

  queue(g: ProcessingGroupConfig): RtiRecord {
    const now = Date.now();
    this.prune(now);
    const members = this.members(g.number);
    const live = this.ccd.liveCalls().filter((l) => l.pg === g.number);
    const waiting = live.filter((l) => l.agent === undefined);
    const oldest = waiting.reduce((t, l) => Math.min(t, l.queuedAt), now);
    const ended = this.records.filter((r) => r.pg === g.number);
    const out = this.dequeued.filter((d) => d.pg === g.number);
    const current = secs(now - oldest);
    const inDistribution = members.filter(
      (o) => o.sub === "READY" || o.sub === "BUSY" || o.sub === "WRAPUP",
    ).length;
    return {
      number: g.number,
      name: g.name,
      type: "Normal",
      state: members.length === 0 ? "Closed" : waiting.length >= g.queueSize ? "Blocked" : "Opened",
      nbOfAgentsInDistribution: inDistribution,
      incomingTraffic: recent(now, live, ended, (x) => x.queuedAt),
      outgoingTraffic:
        out.filter((d) => d.at >= now - TRAFFIC_MS).length +
        ended.filter((r) => r.outcome === "abandoned" && r.endedAt >= now - TRAFFIC_MS).length,
      nbOfWaitingCalls: waiting.length,
      currentWaitingTime: current,
      fillingRate: g.queueSize === 0 ? 100 : Math.min(100, Math.round((100 * waiting.length) / g.queueSize)),
      expectedWaitingTime: out.length === 0 ? 0 : secs(out.reduce((t, d) => t + d.waitedMs, 0) / out.length),
      longestWaitingTimeInList: current,
    };
  }

  agentGroup(g: ProcessingGroupConfig): RtiRecord {
    const now = Date.now();
    const members = this.members(g.number);
    const count = (f: (o: Operator, phone: string) => boolean) =>
      members.filter((o) => f(o, this.agents.get(o.config.number)?.phoneState ?? "")).length;
    const isPrivate = (phone: string) => phone.startsWith("Private") || phone === "Dialing";
    const free = count((o, ph) => (o.sub === "READY" || o.sub === "WITHDRAW") && !o.call && !isPrivate(ph));
    const withdrawn = count((o) => o.sub === "WITHDRAW");
    const pilots = this.ccd.config.pilots
      .filter((p) => activeGroup(p) === g.number)
      .map((p) => this.pilot(p));
    const q = this.queue(g);
    const sl = pilots.map((p) => Number(p.serviceLevel));
    const eff = pilots.map((p) => Number(p.efficiency));
    const avg = (xs: number[]) =>
      xs.length === 0 ? 100 : Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
    const acdCall = count((o) => o.call !== undefined);
    const privateCall = count((o, ph) => !o.call && isPrivate(ph));
    const incoming = this.records.filter((r) => r.pg === g.number);
    const live = this.ccd.liveCalls().filter((l) => l.pg === g.number);
    return {
      number: g.number,
      name: g.name,
      type: "Agent",
      state: members.length === 0 ? "Closed" : "Opened",
      nbOfWithdrawnAgents: withdrawn,
      nbOfAgentsInPrivateCall: privateCall,
      nbOfAgentsInACDCall: acdCall,
      nbOfAgentsInACDRinging: count((_o, ph) => ph === "AcdRinging"),
      nbOfAgentsInACDConv: count((_o, ph) => ph === "AcdConversation"),
      nbOfAgentsInWrapupAndTransaction: count((o) => o.sub === "WRAPUP"),
      nbOfAgentsInPause: count((o) => o.sub === "PAUSE"),
      nbOfBusyAgents: acdCall + privateCall,
      nbOfLoggedOnAgents: members.length,
      nbOfFreeAgents: free,
      nbOfIdleAgents: free - count((o) => o.sub === "WITHDRAW" && !o.call),
      nbOfLoggedOnAndNotWithdrawnAgents: members.length - free,
      incomingTraffic: recent(now, live, incoming, (x) => x.queuedAt),
      consolidatedPilotsServiceLevel: avg(sl),
      consolidatedPilotsEfficiency: avg(eff),
      consolidatedQueuesWaitingTime: Number(q.currentWaitingTime),
      consolidatedQueuesNbOfWaitingCalls: Number(q.nbOfWaitingCalls),
      consolidatedQueuesEWT: Number(q.expectedWaitingTime),
      pilotsWorstServiceLevel: sl.length === 0 ? 100 : Math.min(...sl),
      pilotsWorstEfficiency: eff.length === 0 ? 100 : Math.min(...eff),
      pilotsBestServiceLevel: sl.length === 0 ? 100 : Math.max(...sl),
      pilotsBestEfficiency: eff.length === 0 ? 100 : Math.max(...eff),
      queuesLongestWaitingTime: Number(q.longestWaitingTimeInList),
    };
  }

  /** The calls handed to agents, by agent. */
  liveByAgent(): Map<string, LiveCcdCall> {
    const out = new Map<string, LiveCcdCall>();
    for (const l of this.ccd.liveCalls()) if (l.agent !== undefined) out.set(l.agent, l);
    return out;
  }

  private members(pg: string): Operator[] {
    return [...this.ccd.operators.values()].filter((o) => o.main === "LOG_ON" && o.pg === pg);
  }

  private groupConfig(pg: string): ProcessingGroupConfig | undefined {
    return this.ccd.config.groups.find((g) => g.number === pg);
  }
}

function serviceStateOf(op: Operator): string {
  if (op.main !== "LOG_ON") return "LoggedOut";
  if (op.sub === "WITHDRAW") return "Withdrawn";
  return op.pg ? "Assigned" : "LoggedIn";
}

function activeGroup(p: PilotConfig): string | undefined {
  return (p.rules.find((r) => r.number === p.activeRule) ?? p.rules[0])?.pg;
}

/** Service level, efficiency and average waiting time (s) of the calls that ended in the period. */
function periodCounts(ended: readonly CcdCallRecord[]): {
  serviceLevel: number;
  efficiency: number;
  averageWaitingTime: number;
} {
  const answered = ended.filter((r) => r.outcome === "answered" && r.answeredAt !== undefined);
  const inTime = answered.filter((r) => r.answeredAt! - r.offeredAt <= SERVICE_LEVEL_MS).length;
  const waited = answered.reduce((t, r) => t + (r.answeredAt! - r.offeredAt), 0);
  return {
    serviceLevel: pct(inTime, ended.length),
    efficiency: pct(answered.length, ended.length),
    averageWaitingTime: answered.length === 0 ? 0 : secs(waited / answered.length),
  };
}

/** Calls (in progress or ended) whose `at` falls in the last minute. */
function recent(
  now: number,
  live: readonly LiveCcdCall[],
  ended: readonly CcdCallRecord[],
  at: (x: { offeredAt: number; queuedAt?: number | undefined }) => number | undefined,
): number {
  const from = now - TRAFFIC_MS;
  const inMinute = (x: { offeredAt: number; queuedAt?: number | undefined }) => {
    const t = at(x);
    return t !== undefined && t >= from;
  };
  return live.filter(inMinute).length + ended.filter(inMinute).length;
}
