/**
 * The emulated OXE's CCD at run time: operators logging on to pro-ACD sets and processing groups,
 * their states (ready, pause, withdrawn with a reason, wrap-up, busy), pilots whose calls queue
 * per processing group and are distributed to the longest-idle ready agent with the skill the
 * pilot's rule needs, wrap-up timers, closed and blocked pilots, full queues that overflow.
 *
 * It plugs into the call model as its CallDistributor (pilots are service devices of kind
 * "pilot"); every change of an operator is announced as a CcdEvent that the CSTA server reports
 * as ECMA-269 agent events, and every call that reached a pilot ends as a CcdCallRecord (what the
 * statistics of a later issue aggregate).
 *
 * Ours, not ECMA-269: the operator's sub-states follow O2G's OperatorDynamicState (READY, BUSY,
 * WRAPUP, PAUSE, WITHDRAW, OUT_OF_PG); ECMA-269 has one notReady for PAUSE, WITHDRAW and
 * OUT_OF_PG. After logon into a group an operator is in PAUSE (not ready) until it says ready.
 */

import type { CalendarTransition } from "../../protocols/cmip/index.js";
import { intrude as intrudeCall } from "../model/features.js";
import type {
  Call,
  CallDistributor,
  CallProfileSkill,
  Connection,
  Device,
  DistributionDecision,
  ModelEvent,
  Network,
} from "../model/index.js";
import { type CalendarClockMode, CcdCalendar } from "./calendar.js";
import type {
  CcdConfig,
  OperatorConfig,
  OperatorSkill,
  PilotConfig,
  PilotState,
  ProcessingGroupConfig,
} from "./config.js";
import { CcdRti } from "./rti.js";

export type MainState = "LOG_ON" | "LOG_OFF";
export type DynamicState = "READY" | "OUT_OF_PG" | "BUSY" | "WRAPUP" | "PAUSE" | "WITHDRAW";

export type CcdErrorCode =
  | "unknownOperator"
  | "unknownGroup"
  | "groupNotAllowed"
  | "unknownPilot"
  | "invalidDevice"
  | "invalidState"
  | "unknownReason"
  | "unknownSkill"
  | "noSupervisor"
  | "notSupervisor";

export class CcdError extends Error {
  override readonly name = "CcdError";
  constructor(
    readonly code: CcdErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface Operator {
  readonly config: OperatorConfig;
  main: MainState;
  /** undefined while logged off */
  sub: DynamicState | undefined;
  /** the set it is logged on */
  proAcd: string | undefined;
  /** the processing group it is in */
  pg: string | undefined;
  withdrawReason: number | undefined;
  /** since when it is ready and idle: the longest idle is served first */
  idleSince: number;
  /** the distributed call it is on, from ringing to hang-up */
  call: Call | undefined;
  wrapUpTimer: NodeJS.Timeout | undefined;
  /** the supervisor it asked for help, while the request stands */
  helpFrom: string | undefined;
  /** a supervisor: the agent it listens to permanently */
  listensTo: string | undefined;
  /** a supervisor: its intrusion into an agent's call */
  intrusion: { agent: string; mode: IntrusionMode; call: Call } | undefined;
}

/** How a supervisor takes part in an agent's call (O2G's IntrusionMode). */
export type IntrusionMode = "NORMAL" | "RESTRICTED" | "DISCRETE";

/** A read-only view of an operator's state, as GetAgentState and O2G's OperatorState carry it. */
export interface OperatorStateView {
  mainState: MainState;
  subState?: DynamicState;
  proAcdDeviceNumber?: string;
  pgNumber?: string;
  withdraw: boolean;
  withdrawReason?: number;
}

export type CcdEvent =
  | { kind: "agentState"; operator: Operator; previous: DynamicState | undefined }
  | { kind: "agentSkills"; operator: Operator }
  | { kind: "helpRequested"; operator: Operator; supervisor: Operator }
  | { kind: "helpCancelled"; operator: Operator; supervisor: Operator }
  | { kind: "pilotState"; pilot: PilotConfig };

/** A call queued at a pilot or handed to an agent, not ended yet. */
export interface LiveCcdCall {
  readonly pilot: string;
  readonly pg: string;
  readonly offeredAt: number;
  readonly queuedAt: number;
  readonly agent?: string;
  readonly distributedAt?: number;
  readonly answeredAt?: number;
}

export type CallOutcome = "answered" | "abandoned" | "unanswered" | "overflowed" | "refused";

/** What one call offered to a pilot did: one record per offer, when its fate is known. */
export interface CcdCallRecord {
  readonly pilot: string;
  readonly pg: string | undefined;
  readonly callingDevice: string | null;
  readonly offeredAt: number;
  readonly queuedAt: number | undefined;
  readonly distributedAt: number | undefined;
  readonly agent: string | undefined;
  readonly answeredAt: number | undefined;
  readonly endedAt: number;
  readonly outcome: CallOutcome;
}

interface QueueEntry {
  readonly waiting: Connection;
  readonly pilot: PilotConfig;
  readonly group: Group;
  readonly skill: number | undefined;
  /** the call's own profile (makePilotOrRSICall), over the rule's skill */
  readonly profile: readonly CallProfileSkill[] | undefined;
  readonly offeredAt: number;
  readonly queuedAt: number;
}

/** A call handed to an agent, followed until it ends. */
interface Distributed {
  readonly entry: QueueEntry;
  readonly operator: Operator;
  readonly distributedAt: number;
  answeredAt: number | undefined;
  /** the group's ring timeout: unanswered by then, the call is queued again (requeue) */
  ringTimer: NodeJS.Timeout | undefined;
}

interface Group {
  readonly config: ProcessingGroupConfig;
  readonly queue: QueueEntry[];
  /** the operators in the group now (a distribution looks at these only) */
  readonly members: Set<Operator>;
}

function liveOf(d: Distributed): LiveCcdCall {
  return {
    pilot: d.entry.pilot.number,
    pg: d.entry.group.config.number,
    offeredAt: d.entry.offeredAt,
    queuedAt: d.entry.queuedAt,
    agent: d.operator.config.number,
    distributedAt: d.distributedAt,
    ...(d.answeredAt !== undefined ? { answeredAt: d.answeredAt } : {}),
  };
}

export class Ccd implements CallDistributor {
  readonly operators = new Map<string, Operator>();
  private readonly byLogin = new Map<string, Operator>();
  /** operators by the set they are logged on */
  private readonly onSet = new Map<string, Operator>();
  readonly pilots = new Map<string, PilotConfig>();
  private readonly groups = new Map<string, Group>();
  private readonly waiting = new Map<Call, QueueEntry>();
  private readonly distributed = new Map<Call, Distributed>();
  /** the offer being decided (offer → queued), for its rule and group */
  private pending:
    | {
        call: Call;
        pilot: PilotConfig;
        group: Group;
        skill: number | undefined;
        profile: readonly CallProfileSkill[] | undefined;
        at: number;
      }
    | undefined;
  private readonly listeners = new Set<(ev: CcdEvent) => void>();
  private readonly recordListeners = new Set<(r: CcdCallRecord) => void>();
  private readonly unsubscribe: () => void;
  /** calls taken back from an agent who did not answer, on their way to the head of their queue */
  private readonly requeueing = new Map<Call, QueueEntry>();
  /** the pilots' calendars and the CCD's clock (calendar.ts) */
  readonly calendar: CcdCalendar;
  /** its real-time indicators (RTI), counted from its start */
  readonly rti: CcdRti;

  constructor(
    private readonly network: Network,
    readonly config: CcdConfig,
    opts: { calendarClock?: CalendarClockMode } = {},
  ) {
    // A processing group's number is dialable too: its operators reach its supervisor there.
    for (const g of config.groups) {
      this.groups.set(g.number, { config: g, queue: [], members: new Set() });
      network.addServiceDevice(g.number, g.nodeId, g.name, { kind: "pilot" });
    }
    for (const p of config.pilots) {
      this.pilots.set(p.number, p);
      network.addServiceDevice(p.number, p.nodeId, p.name, { kind: "pilot" });
    }
    for (const o of config.operators) {
      const op: Operator = {
        config: o,
        main: "LOG_OFF",
        sub: undefined,
        proAcd: undefined,
        pg: undefined,
        withdrawReason: undefined,
        idleSince: 0,
        call: undefined,
        wrapUpTimer: undefined,
        helpFrom: undefined,
        listensTo: undefined,
        intrusion: undefined,
      };
      this.operators.set(o.number, op);
      this.byLogin.set(o.loginName, op);
    }
    network.setDistributor(this);
    this.unsubscribe = network.on((ev) => this.onModelEvent(ev));
    this.calendar = new CcdCalendar(
      config.pilots,
      (pilot, t) => this.network.deferEvents(() => this.applyTransition(pilot, t)),
      opts.calendarClock,
    );
    this.rti = new CcdRti(this, network);
  }

  close(): void {
    this.unsubscribe();
    this.rti.close();
    this.network.setDistributor(undefined);
    for (const op of this.operators.values()) clearTimeout(op.wrapUpTimer);
    this.calendar.close();
    for (const d of this.distributed.values()) clearTimeout(d.ringTimer);
  }

  on(listener: (ev: CcdEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Be told of each call offered to a pilot once its fate is known (statistics). */
  onRecord(listener: (r: CcdCallRecord) => void): () => void {
    this.recordListeners.add(listener);
    return () => this.recordListeners.delete(listener);
  }

  private emit(ev: CcdEvent): void {
    for (const l of this.listeners) l(ev);
  }

  private record(r: CcdCallRecord): void {
    for (const l of this.recordListeners) l(r);
  }

  // ---- lookups ---------------------------------------------------------------------------

  operator(number: string): Operator {
    const op = this.operators.get(number);
    if (!op) throw new CcdError("unknownOperator", `${number} is not a CCD operator`);
    return op;
  }

  operatorByLogin(loginName: string): Operator | undefined {
    return this.byLogin.get(loginName);
  }

  /** The operator logged on this set, if any. */
  operatorOnSet(device: string): Operator | undefined {
    return this.onSet.get(device);
  }

  group(number: string): ProcessingGroupConfig {
    const g = this.groups.get(number);
    if (!g) throw new CcdError("unknownGroup", `no processing group ${number}`);
    return g.config;
  }

  pilot(number: string): PilotConfig {
    const p = this.pilots.get(number);
    if (!p) throw new CcdError("unknownPilot", `no pilot ${number}`);
    return p;
  }

  stateOf(op: Operator): OperatorStateView {
    return {
      mainState: op.main,
      ...(op.sub ? { subState: op.sub } : {}),
      ...(op.proAcd ? { proAcdDeviceNumber: op.proAcd } : {}),
      ...(op.pg ? { pgNumber: op.pg } : {}),
      withdraw: op.sub === "WITHDRAW",
      ...(op.withdrawReason !== undefined ? { withdrawReason: op.withdrawReason } : {}),
    };
  }

  /** Calls waiting in a processing group's queue. */
  queueLength(pg: string): number {
    return this.groups.get(pg)?.queue.length ?? 0;
  }

  /** The calls in the queues and those handed to agents, as the real-time indicators count them (rti.ts). */
  liveCalls(): LiveCcdCall[] {
    const out: LiveCcdCall[] = [];
    for (const e of this.waiting.values())
      out.push({
        pilot: e.pilot.number,
        pg: e.group.config.number,
        offeredAt: e.offeredAt,
        queuedAt: e.queuedAt,
      });
    for (const d of this.distributed.values()) out.push(liveOf(d));
    return out;
  }

  /** The distributed call `call` is, as liveCalls shows it; undefined for any other call. */
  distributedCall(call: Call): LiveCcdCall | undefined {
    const d = this.distributed.get(call);
    return d && liveOf(d);
  }

  /** The pilot as a transfer target sees it: its state, queue and whether it can take a call. */
  pilotInfo(number: string): {
    state: PilotState;
    waiting: number;
    saturation: boolean;
    transferPossible: boolean;
  } {
    const p = this.pilot(number);
    const g = this.ruleGroup(p);
    const waiting = g?.queue.length ?? 0;
    const saturation = g ? waiting >= g.config.queueSize : true;
    return {
      state: p.state,
      waiting,
      saturation,
      transferPossible: p.state === "open" && !!g && !saturation,
    };
  }

  /** The supervisor of the agent's processing group (logged on first), for a supervisor call. */
  supervisorOf(op: Operator): Operator {
    const pgs = op.pg ? [op.pg] : op.config.groups;
    let configured: Operator | undefined;
    for (const s of this.operators.values()) {
      if (s.config.type !== "supervisor" || s === op) continue;
      if (!s.config.groups.some((g) => pgs.includes(g))) continue;
      if (s.main === "LOG_ON") return s;
      configured ??= s;
    }
    if (!configured) throw new CcdError("noSupervisor", `no supervisor for ${op.config.number}`);
    return configured;
  }

  // ---- operator actions ------------------------------------------------------------------

  logOn(number: string, proAcd: string, pg?: string): void {
    const op = this.operator(number);
    const set = this.network.devices.get(proAcd);
    if (!set || set.service) throw new CcdError("invalidDevice", `${proAcd} is not a set`);
    const other = this.operatorOnSet(proAcd);
    if (other && other !== op)
      throw new CcdError("invalidDevice", `${other.config.number} is logged on ${proAcd}`);
    if (pg !== undefined) this.checkGroup(op, pg);
    if (op.main === "LOG_ON") this.leaveGroup(op);
    op.main = "LOG_ON";
    if (op.proAcd) this.onSet.delete(op.proAcd);
    op.proAcd = proAcd;
    this.onSet.set(proAcd, op);
    this.network.deferEvents(() => {
      if (pg !== undefined) this.joinGroup(op, pg);
      else this.setSub(op, "OUT_OF_PG");
    });
  }

  logOff(number: string): void {
    const op = this.operator(number);
    if (op.main !== "LOG_ON") throw new CcdError("invalidState", `${number} is not logged on`);
    this.cancelHelp(op);
    if (op.listensTo) this.stopListening(number);
    if (op.intrusion) this.endIntrusion(op);
    this.leaveGroup(op);
    const previous = op.sub;
    op.main = "LOG_OFF";
    op.sub = undefined;
    if (op.proAcd) this.onSet.delete(op.proAcd);
    op.proAcd = undefined;
    op.withdrawReason = undefined;
    clearTimeout(op.wrapUpTimer);
    this.emit({ kind: "agentState", operator: op, previous });
  }

  enterGroup(number: string, pg: string): void {
    const op = this.loggedOn(number);
    this.checkGroup(op, pg);
    if (op.pg === pg) throw new CcdError("invalidState", `${number} is already in ${pg}`);
    this.leaveGroup(op);
    this.network.deferEvents(() => this.joinGroup(op, pg));
  }

  exitGroup(number: string, pg: string): void {
    const op = this.loggedOn(number);
    if (op.pg !== pg) throw new CcdError("invalidState", `${number} is not in ${pg}`);
    this.leaveGroup(op);
    this.setSub(op, "OUT_OF_PG");
  }

  ready(number: string): void {
    const op = this.inGroup(number);
    if (op.sub === "BUSY") throw new CcdError("invalidState", `${number} is on a call`);
    if (op.sub === "READY") return;
    clearTimeout(op.wrapUpTimer);
    op.withdrawReason = undefined;
    op.idleSince = Date.now();
    this.network.deferEvents(() => {
      this.setSub(op, "READY");
      this.distributeFor(op);
    });
  }

  pause(number: string): void {
    const op = this.inGroup(number);
    if (op.sub === "BUSY") throw new CcdError("invalidState", `${number} is on a call`);
    clearTimeout(op.wrapUpTimer);
    op.withdrawReason = undefined;
    this.setSub(op, "PAUSE");
  }

  /** Wrap-up asked by the agent (after a call, or to finish work): ready again when it ends. */
  wrapUp(number: string): void {
    const op = this.inGroup(number);
    if (op.sub === "BUSY") throw new CcdError("invalidState", `${number} is on a call`);
    this.startWrapUp(op);
  }

  withdraw(number: string, reason: number): void {
    const op = this.inGroup(number);
    const g = this.groups.get(op.pg!)!;
    if (!g.config.withdrawReasons.some((r) => r.index === reason))
      throw new CcdError("unknownReason", `no withdraw reason ${reason} in ${op.pg}`);
    if (op.sub === "BUSY") throw new CcdError("invalidState", `${number} is on a call`);
    clearTimeout(op.wrapUpTimer);
    op.withdrawReason = reason;
    this.setSub(op, "WITHDRAW");
  }

  setSkills(number: string, skills: readonly number[], active: boolean): OperatorSkill[] {
    const op = this.operator(number);
    const own = new Map(op.config.skills.map((s) => [s.number, s]));
    for (const n of skills)
      if (!own.has(n)) throw new CcdError("unknownSkill", `${number} has no skill ${n}`);
    for (const n of skills) own.get(n)!.active = active;
    this.emit({ kind: "agentSkills", operator: op });
    this.network.deferEvents(() => this.distributeFor(op));
    return op.config.skills;
  }

  /** An agent asks its group's supervisor for help (OXE specific: an escape service on CSTA). */
  requestHelp(number: string): Operator {
    const op = this.inGroup(number);
    if (op.config.type !== "agent") throw new CcdError("invalidState", `${number} is not an agent`);
    const sup = this.supervisorOf(op);
    if (sup.main !== "LOG_ON")
      throw new CcdError("noSupervisor", `the supervisor of ${op.pg} is not logged on`);
    if (op.helpFrom) throw new CcdError("invalidState", `${number} already asked for help`);
    op.helpFrom = sup.config.number;
    this.emit({ kind: "helpRequested", operator: op, supervisor: sup });
    return sup;
  }

  /** The agent withdraws its request, or the supervisor rejects it (`other` is the other side). */
  cancelHelpRequest(number: string, other: string): void {
    const me = this.operator(number);
    const them = this.operator(other);
    const [agent, sup] = me.config.type === "supervisor" ? [them, me] : [me, them];
    if (agent.helpFrom !== sup.config.number)
      throw new CcdError("invalidState", `no help request between ${number} and ${other}`);
    this.cancelHelp(agent);
  }

  /**
   * A supervisor listens to one of its agents permanently (OXE specific, an escape service on
   * CSTA). Told as a help request between them, as O2G tells it. The emulator records who
   * listens; it carries no media, so no set joins the agent's calls.
   */
  listen(supervisor: string, agent: string): void {
    const sup = this.supervising(supervisor, agent);
    if (sup.listensTo)
      throw new CcdError("invalidState", `${supervisor} already listens to ${sup.listensTo}`);
    const op = this.operator(agent);
    sup.listensTo = agent;
    this.emit({ kind: "helpRequested", operator: op, supervisor: sup });
  }

  stopListening(supervisor: string): void {
    const sup = this.operator(supervisor);
    if (!sup.listensTo) throw new CcdError("invalidState", `${supervisor} listens to nobody`);
    const op = this.operators.get(sup.listensTo);
    sup.listensTo = undefined;
    if (op) this.emit({ kind: "helpCancelled", operator: op, supervisor: sup });
  }

  /**
   * A supervisor intrudes into the call its agent is in: its set calls the agent's busy set and
   * joins the agent's call (model/features.ts intrude), three parties then. The mode (who hears
   * whom) is recorded only: the emulator carries no media.
   */
  intrude(supervisor: string, agent: string, mode: IntrusionMode): void {
    const sup = this.supervising(supervisor, agent);
    const op = this.operator(agent);
    if (this.intrusionOf(sup)) throw new CcdError("invalidState", `${supervisor} already intrudes`);
    const agentSet = op.proAcd ? this.network.devices.get(op.proAcd) : undefined;
    const talking = agentSet?.connections.find(
      (c) => c.state === "connected" && c.call.connections.length > 1,
    );
    if (!agentSet || !talking) throw new CcdError("invalidState", `${agent} is in no call`);
    const supSet = this.network.device(sup.proAcd!);
    if (supSet.connections.length > 0) throw new CcdError("invalidState", `${supervisor}'s set is busy`);
    const attempt = this.network.makeCall(supSet.number, agentSet.number);
    try {
      intrudeCall(this.network, supSet, attempt.call);
    } catch (err) {
      if (!attempt.call.ended) this.network.clearCall(attempt.call);
      throw err;
    }
    sup.intrusion = { agent, mode, call: talking.call };
  }

  /** The supervisor changes its intrusion's mode; its current mode or STOP ends the intrusion. */
  changeIntrusionMode(supervisor: string, mode: IntrusionMode | "STOP"): void {
    const sup = this.operator(supervisor);
    const i = this.intrusionOf(sup);
    if (!i) throw new CcdError("invalidState", `${supervisor} intrudes into no call`);
    if (mode === "STOP" || mode === i.mode) this.endIntrusion(sup);
    else i.mode = mode;
  }

  /** The supervisor's intrusion, while its set is still in that call (a hang-up ends it too). */
  private intrusionOf(sup: Operator): Operator["intrusion"] {
    const i = sup.intrusion;
    const set = sup.proAcd;
    if (i && (i.call.ended || !i.call.connections.some((c) => c.device.number === set)))
      sup.intrusion = undefined;
    return sup.intrusion;
  }

  private endIntrusion(sup: Operator): void {
    const i = sup.intrusion;
    sup.intrusion = undefined;
    const set = sup.proAcd ? this.network.devices.get(sup.proAcd) : undefined;
    if (i && set && !i.call.ended && i.call.connections.some((c) => c.device === set))
      this.network.clearConnection(set, i.call);
  }

  /** A logged-on supervisor of one of the groups the agent is logged on or may log on to. */
  private supervising(supervisor: string, agent: string): Operator {
    const sup = this.loggedOn(supervisor);
    if (sup.config.type !== "supervisor")
      throw new CcdError("notSupervisor", `${supervisor} is no supervisor`);
    const op = this.operator(agent);
    if (op === sup || op.config.type !== "agent")
      throw new CcdError("unknownOperator", `${agent} is no agent`);
    const pgs = op.pg ? [op.pg] : op.config.groups;
    if (!sup.config.groups.some((g) => pgs.includes(g)))
      throw new CcdError("notSupervisor", `${supervisor} does not supervise ${agent}`);
    return sup;
  }

  setPilotState(number: string, state: PilotState): void {
    const p = this.pilot(number);
    if (p.state === state) return;
    p.state = state;
    this.emit({ kind: "pilotState", pilot: p });
  }

  /**
   * A calendar transition the clock crossed: `normal` opens the pilot on the transition's rule
   * (when the pilot has it), `closed` and `forward` close it, forwarding to its Closed_Forward or
   * not.
   */
  applyTransition(number: string, t: CalendarTransition): void {
    const p = this.pilots.get(number);
    if (!p) return;
    if (t.mode === "normal") {
      if (p.rules.some((r) => r.number === t.ruleNumber)) p.activeRule = t.ruleNumber;
      this.setPilotState(number, "open");
      return;
    }
    p.forwarding = t.mode === "forward";
    this.setPilotState(number, "closed");
  }

  // ---- CallDistributor ---------------------------------------------------------------------

  offer(call: Call, pilotDevice: Device): DistributionDecision {
    const pilot = this.pilots.get(pilotDevice.number);
    const now = Date.now();
    if (!pilot && this.groups.has(pilotDevice.number)) return this.supervisorCall(call, pilotDevice.number);
    const refuse = (cause: "blocked" | "busy" | "noAvailableAgents"): DistributionDecision => {
      this.recordEnd(pilotDevice.number, undefined, call, now, "refused");
      return { action: "fail", cause };
    };
    if (!pilot) return { action: "fail", cause: "destNotObtainable" };
    const back = this.requeueing.get(call);
    if (back && back.pilot === pilot) {
      // An agent let it ring out: it goes back to the head of its queue, whatever the pilot's
      // state or the queue's size now (it was accepted already).
      this.pending = { call, pilot, group: back.group, skill: back.skill, profile: back.profile, at: now };
      return { action: "queue", numberQueued: 1 };
    }
    if (pilot.state === "closed") {
      if (pilot.closedForward && pilot.forwarding !== false) {
        this.recordEnd(pilot.number, undefined, call, now, "overflowed");
        return { action: "divert", to: pilot.closedForward, cause: "callForwardImmediate" };
      }
      return refuse("blocked");
    }
    if (pilot.state === "blocked") return refuse("blocked");
    const group = this.ruleGroup(pilot);
    if (!group) return refuse("blocked");
    const rule = pilot.rules.find((r) => r.number === pilot.activeRule);
    if (group.members.size === 0)
      return this.overflow(pilot, group, call, now) ?? refuse("noAvailableAgents");
    if (group.queue.length >= group.config.queueSize)
      return this.overflow(pilot, group, call, now) ?? refuse("busy");
    this.pending = { call, pilot, group, skill: rule?.skill, profile: call.callProfile, at: now };
    return { action: "queue", numberQueued: group.queue.length + 1 };
  }

  queued(waiting: Connection): void {
    const p = this.pending;
    this.pending = undefined;
    if (!p || p.call !== waiting.call) return;
    const back = this.requeueing.get(waiting.call);
    this.requeueing.delete(waiting.call);
    const entry: QueueEntry = {
      waiting,
      pilot: p.pilot,
      group: p.group,
      skill: p.skill,
      profile: p.profile,
      offeredAt: back?.offeredAt ?? p.at,
      queuedAt: back?.queuedAt ?? Date.now(),
    };
    if (back) p.group.queue.unshift(entry);
    else p.group.queue.push(entry);
    this.waiting.set(waiting.call, entry);
    this.distributeQueue(p.group);
  }

  // ---- internals ---------------------------------------------------------------------------

  /**
   * A call to a processing group's own number (ours: how the OXE's supervisor call travels as a
   * plain MakeCall): from one of its operators, it goes to the group's supervisor, the one logged
   * on first, at the set it is logged on.
   */
  private supervisorCall(call: Call, pg: string): DistributionDecision {
    const caller = call.callingDevice
      ? (this.operatorOnSet(call.callingDevice) ?? this.operators.get(call.callingDevice))
      : undefined;
    if (!caller || (caller.pg !== pg && !caller.config.groups.includes(pg)))
      return { action: "fail", cause: "blocked" };
    let sup: Operator;
    try {
      sup = this.supervisorOf(caller.pg === pg ? caller : { ...caller, pg });
    } catch {
      return { action: "fail", cause: "noAvailableAgents" };
    }
    return { action: "divert", to: sup.proAcd ?? sup.config.number, cause: "redirected" };
  }

  private overflow(
    pilot: PilotConfig,
    group: Group,
    call: Call,
    now: number,
  ): DistributionDecision | undefined {
    const to = group.config.overflowPilot;
    if (!to || to === pilot.number) return undefined;
    this.recordEnd(pilot.number, group.config.number, call, now, "overflowed");
    return { action: "divert", to, cause: "overflow" };
  }

  private ruleGroup(p: PilotConfig): Group | undefined {
    const rule = p.rules.find((r) => r.number === p.activeRule) ?? p.rules[0];
    return rule ? this.groups.get(rule.pg) : undefined;
  }

  private loggedOn(number: string): Operator {
    const op = this.operator(number);
    if (op.main !== "LOG_ON") throw new CcdError("invalidState", `${number} is not logged on`);
    return op;
  }

  private inGroup(number: string): Operator {
    const op = this.loggedOn(number);
    if (!op.pg) throw new CcdError("invalidState", `${number} is in no processing group`);
    return op;
  }

  private checkGroup(op: Operator, pg: string): void {
    if (!this.groups.has(pg)) throw new CcdError("unknownGroup", `no processing group ${pg}`);
    if (!op.config.groups.includes(pg))
      throw new CcdError("groupNotAllowed", `${op.config.number} may not log on to ${pg}`);
  }

  private joinGroup(op: Operator, pg: string): void {
    op.pg = pg;
    this.groups.get(pg)?.members.add(op);
    op.withdrawReason = undefined;
    this.setSub(op, "PAUSE");
  }

  private leaveGroup(op: Operator): void {
    clearTimeout(op.wrapUpTimer);
    if (op.pg) this.groups.get(op.pg)?.members.delete(op);
    op.pg = undefined;
  }

  private setSub(op: Operator, sub: DynamicState): void {
    const previous = op.sub;
    op.sub = sub;
    if (previous !== sub || sub === "WITHDRAW") this.emit({ kind: "agentState", operator: op, previous });
  }

  private cancelHelp(op: Operator): void {
    if (!op.helpFrom) return;
    const sup = this.operators.get(op.helpFrom);
    op.helpFrom = undefined;
    if (sup) this.emit({ kind: "helpCancelled", operator: op, supervisor: sup });
  }

  private startWrapUp(op: Operator): void {
    const g = op.pg ? this.groups.get(op.pg) : undefined;
    clearTimeout(op.wrapUpTimer);
    if (!g || g.config.wrapUpMs <= 0) {
      op.idleSince = Date.now();
      this.setSub(op, "READY");
      this.distributeFor(op);
      return;
    }
    this.setSub(op, "WRAPUP");
    op.wrapUpTimer = setTimeout(() => {
      op.wrapUpTimer = undefined;
      if (op.sub !== "WRAPUP") return;
      op.idleSince = Date.now();
      this.network.deferEvents(() => {
        this.setSub(op, "READY");
        this.distributeFor(op);
      });
    }, g.config.wrapUpMs);
    op.wrapUpTimer.unref();
  }

  private canTake(op: Operator, entry: QueueEntry): boolean {
    if (op.main !== "LOG_ON" || op.sub !== "READY" || op.pg !== entry.group.config.number || !op.proAcd)
      return false;
    const set = this.network.devices.get(op.proAcd);
    if (!set || set.connections.length > 0 || set.outOfService || set.doNotDisturb) return false;
    if (entry.skill !== undefined && !op.config.skills.some((s) => s.number === entry.skill && s.active))
      return false;
    return (entry.profile ?? []).every((p) => !p.mandatory || hasSkill(op, p));
  }

  /** Hand queued calls of the group to its idle ready agents, oldest call first. */
  private distributeQueue(group: Group): void {
    for (let i = 0; i < group.queue.length; ) {
      const entry = group.queue[i]!;
      // The agent with the most of the call's optional skills, then the longest idle.
      let best: Operator | undefined;
      let bestScore = -1;
      for (const op of group.members) {
        if (!this.canTake(op, entry)) continue;
        const score = (entry.profile ?? []).filter((p) => !p.mandatory && hasSkill(op, p)).length;
        if (score > bestScore || (score === bestScore && op.idleSince < best!.idleSince)) {
          best = op;
          bestScore = score;
        }
      }
      if (!best || !this.handTo(entry, best)) i++;
    }
  }

  /** An agent became available: the oldest call of its group it can take, if any. */
  private distributeFor(op: Operator): void {
    const group = op.pg ? this.groups.get(op.pg) : undefined;
    if (!group) return;
    for (const entry of [...group.queue]) if (this.canTake(op, entry) && this.handTo(entry, op)) return;
  }

  private handTo(entry: QueueEntry, op: Operator): boolean {
    const q = entry.group.queue;
    q.splice(q.indexOf(entry), 1);
    this.waiting.delete(entry.waiting.call);
    if (entry.waiting.call.ended || !entry.waiting.call.connections.includes(entry.waiting)) return true;
    op.call = entry.waiting.call;
    const d: Distributed = {
      entry,
      operator: op,
      distributedAt: Date.now(),
      answeredAt: undefined,
      ringTimer: undefined,
    };
    this.distributed.set(entry.waiting.call, d);
    this.setSub(op, "BUSY");
    this.network.distribute(entry.waiting, op.proAcd!);
    const ring = entry.group.config.ringTimeoutMs;
    if (ring !== undefined && ring > 0) {
      d.ringTimer = setTimeout(() => this.network.deferEvents(() => this.requeue(d)), ring);
      d.ringTimer.unref();
    }
    return true;
  }

  /**
   * The agent let a distributed call ring out: it goes back to the head of its queue (queued at
   * the pilot again, which pilot monitors see) and the agent to not ready (PAUSE), as a CCD does.
   */
  private requeue(d: Distributed): void {
    d.ringTimer = undefined;
    const call = d.entry.waiting.call;
    const op = d.operator;
    if (this.distributed.get(call) !== d || d.answeredAt !== undefined || call.ended) return;
    const set = op.proAcd ? this.network.devices.get(op.proAcd) : undefined;
    const ringing = set?.connections.find((c) => c.call === call && c.state === "alerting");
    if (!set || !ringing) return;
    this.distributed.delete(call);
    if (op.call === call) op.call = undefined;
    this.requeueing.set(call, d.entry);
    if (op.main === "LOG_ON" && op.sub === "BUSY") this.setSub(op, "PAUSE");
    try {
      this.network.deflect(set, call, d.entry.pilot.number);
    } finally {
      this.requeueing.delete(call);
    }
  }

  private onModelEvent(ev: ModelEvent): void {
    if (ev.kind === "established") {
      const d = this.distributed.get(ev.call);
      if (d && ev.device.number === d.operator.proAcd) {
        d.answeredAt ??= Date.now();
        clearTimeout(d.ringTimer);
      }
      return;
    }
    if (ev.kind !== "connectionCleared") return;
    const entry = this.waiting.get(ev.call);
    if (entry && ev.device.number === entry.pilot.number) {
      // The caller hung up while queued.
      this.waiting.delete(ev.call);
      const q = entry.group.queue;
      const i = q.indexOf(entry);
      if (i >= 0) q.splice(i, 1);
      this.record({
        pilot: entry.pilot.number,
        pg: entry.group.config.number,
        callingDevice: ev.call.callingDevice,
        offeredAt: entry.offeredAt,
        queuedAt: entry.queuedAt,
        distributedAt: undefined,
        agent: undefined,
        answeredAt: undefined,
        endedAt: Date.now(),
        outcome: "abandoned",
      });
      return;
    }
    const d = this.distributed.get(ev.call);
    if (!d || ev.device.number !== d.operator.proAcd) return;
    this.distributed.delete(ev.call);
    clearTimeout(d.ringTimer);
    const op = d.operator;
    const e = d.entry;
    this.record({
      pilot: e.pilot.number,
      pg: e.group.config.number,
      callingDevice: ev.call.callingDevice,
      offeredAt: e.offeredAt,
      queuedAt: e.queuedAt,
      distributedAt: d.distributedAt,
      agent: op.config.number,
      answeredAt: d.answeredAt,
      endedAt: Date.now(),
      outcome: d.answeredAt ? "answered" : "unanswered",
    });
    if (op.call !== ev.call) return;
    op.call = undefined;
    if (op.main !== "LOG_ON" || op.sub !== "BUSY") return;
    this.network.deferEvents(() => this.startWrapUp(op));
  }

  private recordEnd(
    pilot: string,
    pg: string | undefined,
    call: Call,
    at: number,
    outcome: CallOutcome,
  ): void {
    this.record({
      pilot,
      pg,
      callingDevice: call.callingDevice,
      offeredAt: at,
      queuedAt: undefined,
      distributedAt: undefined,
      agent: undefined,
      answeredAt: undefined,
      endedAt: at,
      outcome,
    });
  }
}

/** The operator holds the skill active, at the level asked or better (1 is the best). */
function hasSkill(op: Operator, p: CallProfileSkill): boolean {
  return op.config.skills.some((s) => s.number === p.skill && s.active && s.level <= p.level);
}
