import type { Directory, Subscriber } from "../directory/index.js";
import { Callbacks } from "./callbacks.js";
import { ModelError } from "./errors.js";
import { HuntingGroups } from "./hunting-groups.js";
import { MiniMessages } from "./mini-messages.js";
import type {
  Call,
  CallProfileSkill,
  CallSummary,
  Cause,
  Connection,
  ConnectionState,
  Device,
  Forward,
  ModelEvent,
  ServiceBehaviour,
  VoiceMailBehaviour,
} from "./types.js";

/** What MakeCall asks beyond the two numbers (the CSTA server has checked the codes). */
export interface MakeCallOptions {
  autoOriginate?: "prompt" | "doNotPrompt";
  correlatorData?: Uint8Array;
  /** a business call's account code (an existing cost center of the node) */
  accountCode?: string;
  /** a private call: the caller's PIN was right */
  privateCall?: boolean;
  /** the number the called party is shown instead of the caller's */
  callingNumber?: string;
  inhibitProgressTone?: boolean;
  /** a call to a pilot: the skills its agent is chosen on */
  callProfile?: readonly CallProfileSkill[];
}

export interface NetworkOptions {
  /** an unanswered call is released after this long, unless forwarded on no answer first */
  ringTimeoutMs: number;
  /** a forward on no answer takes effect after this long */
  noAnswerForwardMs: number;
  /** a caller left on a failed call (busy, DND, unknown number) is cleared after this long */
  failedCallClearMs: number;
  /** the OXE's three-party conference */
  maxConferenceParties: number;
  /** a parked call nobody takes back rings the set that parked it after this long */
  parkTimeoutMs: number;
  /** a hunting group's member rings this long before a sequential or circular search moves on */
  huntNoAnswerMs: number;
  /** the OXE rings a caller back this long after the callee they wait for frees up */
  callbackDelayMs: number;
}

export const DEFAULT_NETWORK_OPTIONS: NetworkOptions = {
  ringTimeoutMs: 60_000,
  noAnswerForwardMs: 15_000,
  failedCallClearMs: 20_000,
  maxConferenceParties: 3,
  parkTimeoutMs: 90_000,
  huntNoAnswerMs: 12_000,
  callbackDelayMs: 2_000,
};

/**
 * What a call distributor (the CCD) decides for a call reaching one of its pilots: wait in a
 * queue (then be distributed), go elsewhere (overflow, closed pilot's forward), or be refused.
 */
export type DistributionDecision =
  | { action: "queue"; numberQueued: number }
  | { action: "divert"; to: string; cause: Cause }
  | { action: "fail"; cause: Cause };

/** The CCD as the call model sees it: it owns the pilot numbers (service devices of kind "pilot"). */
export interface CallDistributor {
  offer(call: Call, pilot: Device): DistributionDecision;
  /** the call now waits, queued, at its pilot: distribute it when an agent can take it */
  queued(waiting: Connection): void;
}

interface NodeCalls {
  readonly calls: Map<string, Call>;
  nextCallId: number;
}

const ACTIVE_STATES: ReadonlySet<ConnectionState> = new Set([
  "initiated",
  "connected",
  "alerting",
  "queued",
  "fail",
]);

/**
 * The call-processing model of a network of OXE nodes sharing one numbering plan: devices,
 * calls, connections and their CSTA states, and the transitions the services and the phones'
 * own actions cause. It knows nothing of wire protocols; every change is announced as a
 * ModelEvent that the node servers translate into CSTA events for their monitors.
 *
 * A call spanning nodes is one Call here, named by a separate call id on each node it touches,
 * as each OXE of a network names its half of the call itself.
 */
export class Network {
  readonly devices = new Map<string, Device>();
  /**
   * The same devices by node: a node's CSTA server looks each request's device up among its
   * own (1,000 of a 100-node network) rather than in the whole numbering plan.
   */
  private readonly nodeDevices = new Map<number, Map<string, Device>>();
  private readonly nodes = new Map<number, NodeCalls>();
  private readonly listeners = new Set<(ev: ModelEvent) => void>();
  private readonly endListeners = new Set<(summary: CallSummary) => void>();
  private deferred: ModelEvent[] | null = null;
  private readonly voiceMails = new Map<number, Device>();
  private callSeq = 0;
  private distributor: CallDistributor | undefined;
  readonly options: NetworkOptions;
  /** the nodes' hunting groups (numbers of the plan that ring member sets) */
  readonly huntingGroups: HuntingGroups;
  /** the callback requests the sets left on busy or unanswering sets (model/callbacks.ts) */
  readonly callbacks: Callbacks;
  /** the sets' text messages (model/mini-messages.ts) */
  readonly miniMessages: MiniMessages;

  constructor(
    readonly directory: Directory,
    options: Partial<NetworkOptions> = {},
  ) {
    this.options = { ...DEFAULT_NETWORK_OPTIONS, ...options };
    for (let n = 1; n <= directory.options.nodes; n++) this.nodes.set(n, { calls: new Map(), nextCallId: 1 });
    for (const s of directory.subscribers) this.addDevice(s);
    this.huntingGroups = this.newHuntingGroups();
    this.callbacks = new Callbacks(this, this.options.callbackDelayMs, (ev) => this.emit(ev));
    this.miniMessages = new MiniMessages((ev) => this.emit(ev));
  }

  /** The groups' hold on the model: they ring, stop and release through its own transitions. */
  private newHuntingGroups(): HuntingGroups {
    const net = this;
    const ring = (call: Call, member: Device): Connection => {
      const c = this.join(call, member, "alerting");
      this.emit({
        kind: "delivered",
        call,
        device: member,
        calling: call.callingDevice,
        called: call.calledDevice,
        lastRedirection: call.lastRedirectionDevice,
        cause: "distributed",
        observers: this.observers(call),
      });
      return c;
    };
    return new HuntingGroups({
      devices: this.devices,
      isFree: (d) => !this.isBusy(d) && !d.doNotDisturb && !d.outOfService && !d.service,
      ring,
      stopRinging: (c) => {
        const observers = this.observers(c.call);
        this.leave(c);
        this.emit({
          kind: "connectionCleared",
          call: c.call,
          device: c.device,
          cause: "normalClearing",
          observers,
        });
      },
      passOn: (c, next) => {
        const call = c.call;
        const observers = this.observers(call);
        this.leave(c);
        this.emit({
          kind: "diverted",
          call,
          device: c.device,
          newDestination: next.number,
          calling: call.callingDevice,
          called: call.calledDevice,
          lastRedirection: call.lastRedirectionDevice,
          cause: "distributed",
          observers,
        });
        return ring(call, next);
      },
      fail: (call, number) => this.fail(call, number, "busy"),
      release: (call) => this.clearWholeCall(call, "callNotAnswered"),
      get noAnswerMs() {
        return net.options.huntNoAnswerMs;
      },
      get ringTimeoutMs() {
        return net.options.ringTimeoutMs;
      },
    });
  }

  // ---- devices ---------------------------------------------------------------------------

  addDevice(s: Subscriber): Device {
    const d: Device = {
      number: s.directoryNumber,
      nodeId: s.nodeId,
      subscriber: s,
      connections: [],
      doNotDisturb: false,
      forwards: [],
      outOfService: false,
      overflow: null,
    };
    this.devices.set(d.number, d);
    this.nodeMap(d.nodeId).set(d.number, d);
    return d;
  }

  /** The node's devices, live (kept with `devices`). */
  devicesOfNode(nodeId: number): ReadonlyMap<string, Device> {
    return this.nodeMap(nodeId);
  }

  private nodeMap(nodeId: number): Map<string, Device> {
    let m = this.nodeDevices.get(nodeId);
    if (!m) {
      m = new Map();
      this.nodeDevices.set(nodeId, m);
    }
    return m;
  }

  /** The voice mail pilot serving a node's sets, when it has one. */
  voiceMailOf(nodeId: number): Device | undefined {
    return this.voiceMails.get(nodeId);
  }

  /**
   * A number the switch answers itself (the voice mail pilot of a node): it picks up after
   * `answerAfterMs`, takes any number of calls at once, and hangs up after `maxDurationMs`.
   */
  addServiceDevice(number: string, nodeId: number, name: string, behaviour: ServiceBehaviour): Device {
    if (this.devices.has(number))
      throw new ModelError("invalidDevice", `${number} is already in the numbering plan`);
    const subscriber: Subscriber = {
      index: -1,
      directoryNumber: number,
      nodeId,
      firstName: "",
      lastName: name,
      loginName: "",
      password: "",
      stationType: { name: "Service", kind: "DESKPHONE", weight: 0, keys: 0 },
      classOfService: 0,
      costCenter: 0,
      entity: 0,
    };
    const d: Device = { ...this.addDevice(subscriber), service: behaviour };
    this.devices.set(number, d);
    this.nodeMap(nodeId).set(number, d);
    if (behaviour.kind === "voicemail" && !this.voiceMails.has(nodeId)) this.voiceMails.set(nodeId, d);
    return d;
  }

  /** Remove a device; refused while it is in a call (a PBX does not delete a busy set). */
  removeDevice(number: string): void {
    const d = this.devices.get(number);
    if (!d) throw new ModelError("invalidDevice", `no device ${number}`);
    if (d.connections.length) throw new ModelError("invalidDeviceState", `device ${number} is in a call`);
    this.devices.delete(number);
    this.nodeDevices.get(d.nodeId)?.delete(number);
    this.huntingGroups.forget(number);
  }

  device(number: string): Device {
    const d = this.devices.get(number);
    if (!d) throw new ModelError("invalidDevice", `no device ${number}`);
    return d;
  }

  // ---- events ----------------------------------------------------------------------------

  on(listener: (ev: ModelEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Be told of every call that ends (charging tickets, statistics). */
  onCallEnded(listener: (summary: CallSummary) => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  private emit(ev: ModelEvent): void {
    if (this.deferred) this.deferred.push(ev);
    else for (const l of this.listeners) l(ev);
  }

  /**
   * Run `fn` and announce the events it causes only once it has returned: a switch answers a
   * service request before it reports what the service did.
   */
  deferEvents<T>(fn: () => T): T {
    if (this.deferred) return fn();
    this.deferred = [];
    try {
      return fn();
    } finally {
      const evs = this.deferred;
      this.deferred = null;
      for (const ev of evs) for (const l of this.listeners) l(ev);
    }
  }

  // ---- calls and their ids ---------------------------------------------------------------

  /** The id `nodeId` gives `call`, allocated the first time the node sees it. */
  callId(call: Call, nodeId: number): string {
    let id = call.ids.get(nodeId);
    if (id === undefined) {
      const node = this.nodes.get(nodeId);
      if (!node) throw new Error(`no node ${nodeId}`);
      id = String(node.nextCallId++);
      call.ids.set(nodeId, id);
      node.calls.set(id, call);
    }
    return id;
  }

  /** The call `nodeId` knows as `callId`. */
  callOnNode(nodeId: number, callId: string): Call {
    const call = this.nodes.get(nodeId)?.calls.get(callId);
    if (!call || call.ended) throw new ModelError("invalidCall", `no call ${callId} on node ${nodeId}`);
    return call;
  }

  /** Every call in progress (for a switchover, a snapshot, a test's final check). */
  *activeCalls(): Iterable<Call> {
    const seen = new Set<Call>();
    for (const node of this.nodes.values()) {
      for (const call of node.calls.values()) {
        if (!call.ended && !seen.has(call)) {
          seen.add(call);
          yield call;
        }
      }
    }
  }

  private newCall(): Call {
    return {
      seq: ++this.callSeq,
      connections: [],
      ids: new Map(),
      callingDevice: null,
      calledDevice: null,
      lastRedirectionDevice: null,
      correlatorData: undefined,
      startedAt: Date.now(),
      answeredAt: undefined,
      answeredBy: null,
      participants: [],
      ringTimer: undefined,
      failTimer: undefined,
      ended: false,
    };
  }

  private join(call: Call, device: Device, state: ConnectionState): Connection {
    const c: Connection = { device, call, state, promptingOrigination: false };
    call.connections.push(c);
    if (!call.participants.includes(device.number)) call.participants.push(device.number);
    device.connections.push(c);
    for (const nodeId of new Set(call.connections.map((x) => x.device.nodeId))) this.callId(call, nodeId);
    return c;
  }

  private leave(c: Connection): void {
    const i = c.call.connections.indexOf(c);
    if (i >= 0) c.call.connections.splice(i, 1);
    const j = c.device.connections.indexOf(c);
    if (j >= 0) c.device.connections.splice(j, 1);
  }

  private endIfDone(call: Call): void {
    if (call.connections.length > 0 || call.ended) return;
    call.ended = true;
    clearTimeout(call.ringTimer);
    clearTimeout(call.failTimer);
    for (const [nodeId, id] of call.ids) this.nodes.get(nodeId)?.calls.delete(id);
    if (this.endListeners.size === 0) return;
    const summary: CallSummary = {
      seq: call.seq,
      callingDevice: call.callingDevice,
      calledDevice: call.calledDevice,
      answeredBy: call.answeredBy,
      lastRedirectionDevice: call.lastRedirectionDevice,
      participants: call.participants,
      startedAt: call.startedAt,
      answeredAt: call.answeredAt,
      endedAt: Date.now(),
      nodes: [...call.ids.keys()],
      ...(call.accountCode !== undefined ? { accountCode: call.accountCode } : {}),
      ...(call.privateCall ? { privateCall: true } : {}),
    };
    for (const l of this.endListeners) l(summary);
  }

  connection(device: Device, call: Call): Connection {
    const c = device.connections.find((x) => x.call === call);
    if (!c) throw new ModelError("invalidConnection", `device ${device.number} is not in call ${call.seq}`);
    return c;
  }

  private others(call: Call, device: Device): Connection[] {
    return call.connections.filter((c) => c.device !== device);
  }

  private observers(...calls: Call[]): Device[] {
    const out = new Set<Device>();
    for (const call of calls) for (const c of call.connections) out.add(c.device);
    return [...out];
  }

  /**
   * A device is busy for a new incoming call while it has any call not on hold. A call parked
   * on the set does not make it busy: it waits there without using the set.
   */
  private isBusy(d: Device): boolean {
    return d.connections.some((c) => ACTIVE_STATES.has(c.state) && !c.parkedBy);
  }

  private activeConnection(d: Device): Connection | undefined {
    return d.connections.find((c) => c.state === "connected" || c.state === "initiated");
  }

  // ---- origination -----------------------------------------------------------------------

  /**
   * CSTA MakeCall. With `autoOriginate: doNotPrompt` the calling set goes off-hook by itself
   * (the O2G autoAnswer case); with `prompt` it rings first and originates once answered.
   */
  makeCall(callingNumber: string, calledNumber: string, opts: MakeCallOptions = {}): Connection {
    const calling = this.devices.get(callingNumber);
    if (!calling) throw new ModelError("invalidCallingDevice", `no device ${callingNumber}`);
    if (calling.outOfService)
      throw new ModelError("deviceOutOfService", `device ${callingNumber} is out of service`);
    if (calledNumber === "" || !/^[0-9*#+]+$/.test(calledNumber)) {
      throw new ModelError("invalidCalledDevice", `"${calledNumber}" is not a number`);
    }
    if (this.activeConnection(calling) || calling.connections.some((c) => c.state === "alerting")) {
      throw new ModelError("invalidCallingDeviceState", `device ${callingNumber} is already in a call`);
    }
    const call = this.newCall();
    call.callingDevice = calling.number;
    call.calledDevice = calledNumber;
    call.correlatorData = opts.correlatorData;
    if (opts.accountCode !== undefined) call.accountCode = opts.accountCode;
    if (opts.privateCall) call.privateCall = true;
    if (opts.callingNumber) call.presentation = new Map([[calling.number, opts.callingNumber]]);
    if (opts.inhibitProgressTone) call.progressToneInhibited = true;
    if (opts.callProfile) call.callProfile = opts.callProfile;
    const c = this.join(call, calling, "initiated");
    this.emit({ kind: "serviceInitiated", call, device: calling, cause: "makeCall", observers: [calling] });
    if (opts.autoOriginate === "prompt") {
      c.promptingOrigination = true;
      return c;
    }
    this.originate(c, calledNumber, "makeCall");
    return c;
  }

  private originate(c: Connection, calledNumber: string, cause: Cause): void {
    c.state = "connected";
    c.promptingOrigination = false;
    c.call.calledDevice = calledNumber;
    this.emit({
      kind: "originated",
      call: c.call,
      device: c.device,
      called: calledNumber,
      cause,
      observers: [c.device],
    });
    this.route(c.call, calledNumber, null);
  }

  /** Offer `call` to `number`, following DND and forwarding as the called set is configured. */
  private route(
    call: Call,
    number: string,
    redirectedFrom: Device | null,
    hops = 0,
    redirectCause: Cause = "redirected",
  ): void {
    const group = this.huntingGroups.get(number);
    if (group) {
      call.lastRedirectionDevice = redirectedFrom?.number ?? call.lastRedirectionDevice;
      this.huntingGroups.offer(call, group);
      return;
    }
    const dest = this.devices.get(number);
    if (!dest || dest.outOfService) {
      this.fail(call, number, dest ? "destNotObtainable" : "invalidNumberFormat");
      return;
    }
    if (call.connections.some((c) => c.device === dest)) {
      this.fail(call, number, "busy");
      return;
    }
    const immediate = dest.forwards.find((f) => f.type === "immediate");
    if (immediate && hops < 5) {
      this.divert(call, dest, immediate.destination, "callForwardImmediate", hops);
      return;
    }
    if (dest.doNotDisturb) {
      this.fail(call, number, "doNotDisturb");
      return;
    }
    if (this.isBusy(dest) && !dest.service) {
      const onBusy = dest.forwards.find((f) => f.type === "busy");
      const overflow = this.overflowTarget(dest, "busy");
      if (onBusy && hops < 5) this.divert(call, dest, onBusy.destination, "callForwardBusy", hops);
      else if (overflow && hops < 5) this.divert(call, dest, overflow, "callForwardBusy", hops);
      else this.fail(call, number, "busy");
      return;
    }
    call.lastRedirectionDevice = redirectedFrom?.number ?? call.lastRedirectionDevice;
    if (dest.service?.kind === "pilot") {
      this.offerToPilot(call, dest, redirectedFrom, hops);
      return;
    }
    const c = this.join(call, dest, "alerting");
    if (dest.service?.kind === "voicemail") this.serveCall(c, dest.service);
    this.emit({
      kind: "delivered",
      call,
      device: dest,
      calling: call.callingDevice,
      called: call.calledDevice,
      lastRedirection: call.lastRedirectionDevice,
      // The new destination is told why the call reaches it (a forward, a deflection...).
      cause: redirectedFrom ? redirectCause : "newCall",
      observers: this.observers(call),
    });
    this.armRingTimer(c, hops);
  }

  /** The service's own handling of a call that reached it: pick up, then hang up at the limit. */
  private serveCall(c: Connection, behaviour: VoiceMailBehaviour): void {
    const t = setTimeout(() => {
      if (c.call.ended || c.state !== "alerting") return;
      this.deferEvents(() => this.answer(c.device, c.call));
      const limit = setTimeout(() => {
        if (!c.call.ended && c.device.connections.includes(c))
          this.deferEvents(() => this.clearConnection(c.device, c.call));
      }, behaviour.maxDurationMs);
      limit.unref();
    }, behaviour.answerAfterMs);
    t.unref();
  }

  /** Where the set's overflow sends a call in this situation, if anywhere. */
  private overflowTarget(d: Device, situation: "busy" | "noAnswer"): string | undefined {
    if (!d.overflow || (d.overflow !== "busyNoAnswer" && d.overflow !== situation)) return undefined;
    const vm = this.voiceMails.get(d.nodeId);
    return vm && vm !== d ? vm.number : undefined;
  }

  private armRingTimer(c: Connection, hops: number): void {
    clearTimeout(c.call.ringTimer);
    const onNoAnswer =
      c.device.forwards.find((f) => f.type === "noAnswer")?.destination ??
      this.overflowTarget(c.device, "noAnswer");
    const delay = onNoAnswer ? this.options.noAnswerForwardMs : this.options.ringTimeoutMs;
    c.call.ringTimer = setTimeout(() => {
      if (c.call.ended || c.state !== "alerting" || !c.device.connections.includes(c)) return;
      if (onNoAnswer && hops < 5) {
        this.deferEvents(() => this.redirectAlerting(c, onNoAnswer, "callForwardNoAnswer", hops + 1));
        return;
      }
      this.deferEvents(() => this.clearWholeCall(c.call, "callNotAnswered"));
    }, delay);
    c.call.ringTimer.unref();
  }

  /** Divert a call that has not reached `from` yet (forward immediate / on busy). */
  private divert(call: Call, from: Device, to: string, cause: Cause, hops: number): void {
    call.lastRedirectionDevice = from.number;
    call.lastRedirectionCause = cause;
    this.emit({
      kind: "diverted",
      call,
      device: from,
      newDestination: to,
      calling: call.callingDevice,
      called: call.calledDevice,
      lastRedirection: from.number,
      cause,
      observers: this.observers(call),
    });
    this.route(call, to, from, hops + 1, cause);
  }

  /** Move an alerting connection to another destination (deflect, forward on no answer). */
  private redirectAlerting(c: Connection, to: string, cause: Cause, hops: number): void {
    const call = c.call;
    const observers = this.observers(call);
    this.leave(c);
    call.lastRedirectionDevice = c.device.number;
    call.lastRedirectionCause = cause;
    this.emit({
      kind: "diverted",
      call,
      device: c.device,
      newDestination: to,
      calling: call.callingDevice,
      called: call.calledDevice,
      lastRedirection: c.device.number,
      cause,
      observers,
    });
    this.route(call, to, c.device, hops, cause);
  }

  private fail(call: Call, number: string, cause: Cause): void {
    this.emit({
      kind: "failed",
      call,
      device: number,
      calling: call.callingDevice,
      called: number,
      lastRedirection: call.lastRedirectionDevice,
      cause,
      observers: this.observers(call),
    });
    // The caller stays connected, hearing busy or reorder tone, until they hang up or the
    // switch gives up on them.
    clearTimeout(call.failTimer);
    call.failTimer = setTimeout(() => {
      if (!call.ended) this.deferEvents(() => this.clearWholeCall(call, "normalClearing"));
    }, this.options.failedCallClearMs);
    call.failTimer.unref();
  }

  // ---- answering and clearing ------------------------------------------------------------

  /** CSTA AnswerCall, or the user lifting the handset of a ringing set. */
  answer(device: Device, call?: Call): void {
    const c = call
      ? this.connection(device, call)
      : device.connections.find((x) => x.state === "alerting" || x.promptingOrigination);
    if (!c) throw new ModelError("noCallToAnswer", `nothing is ringing on ${device.number}`);
    if (c.promptingOrigination) {
      this.originate(c, c.call.calledDevice ?? "", "makeCall");
      return;
    }
    if (c.state === "queued" && c.parkedBy) {
      this.unpark(c);
      return;
    }
    if (c.state !== "alerting")
      throw new ModelError("invalidConnectionState", `call ${c.call.seq} is not ringing on ${device.number}`);
    for (const other of device.connections)
      if (other !== c && other.state === "connected") this.holdConnection(other);
    clearTimeout(c.call.ringTimer);
    c.state = "connected";
    c.call.answeredAt ??= Date.now();
    c.call.answeredBy = device.number;
    // A group's call answered by one member stops ringing on the others first: the call then
    // is two parties when its Established is seen.
    this.huntingGroups.answered(c);
    this.emit({
      kind: "established",
      call: c.call,
      device,
      calling: c.call.callingDevice,
      called: c.call.calledDevice,
      lastRedirection: c.call.lastRedirectionDevice,
      cause: c.call.lastRedirectionDevice ? (c.call.lastRedirectionCause ?? "redirected") : "newCall",
      observers: this.observers(c.call),
    });
  }

  /** CSTA ClearConnection, or the user hanging up. */
  clearConnection(device: Device, call: Call, cause: Cause = "normalClearing"): void {
    const c = this.connection(device, call);
    // A member turning a hunting group's call down: the group moves it on (or stops there).
    if (c.state === "alerting" && this.huntingGroups.isHunting(call) && this.huntingGroups.declined(c))
      return;
    const observers = this.observers(call);
    this.leave(c);
    this.emit({ kind: "connectionCleared", call, device, cause, observers });
    if (this.huntingGroups.isHunting(call)) {
      // The caller giving up: the members still ringing stop.
      if (call.connections.every((x) => x.state === "alerting")) {
        this.huntingGroups.abandoned(call);
        this.clearWholeCall(call, cause);
        return;
      }
    }
    // A call left with one party ends: the OXE releases the survivor (they hear busy tone).
    if (call.connections.length === 1) {
      const last = call.connections[0]!;
      const obs = this.observers(call);
      this.leave(last);
      this.emit({
        kind: "connectionCleared",
        call,
        device: last.device,
        cause: "normalClearing",
        observers: obs,
      });
    }
    this.endIfDone(call);
  }

  /** CSTA ClearCall: everybody out. */
  clearCall(call: Call): void {
    this.clearWholeCall(call, "normalClearing");
  }

  private clearWholeCall(call: Call, cause: Cause): void {
    // The ringing party is released first, then whoever placed the call.
    const order = [...call.connections].sort(
      (a, b) => Number(b.state === "alerting") - Number(a.state === "alerting"),
    );
    for (const c of order) {
      if (!call.connections.includes(c)) continue;
      const observers = this.observers(call);
      this.leave(c);
      this.emit({ kind: "connectionCleared", call, device: c.device, cause, observers });
    }
    this.endIfDone(call);
  }

  // ---- hold, retrieve, consult -----------------------------------------------------------

  private holdConnection(c: Connection): void {
    c.state = "hold";
    this.emit({
      kind: "held",
      call: c.call,
      device: c.device,
      cause: "normal",
      observers: this.observers(c.call),
    });
  }

  hold(device: Device, call: Call): void {
    const c = this.connection(device, call);
    if (c.state !== "connected")
      throw new ModelError("noActiveCall", `call ${call.seq} is not active on ${device.number}`);
    this.holdConnection(c);
  }

  retrieve(device: Device, call: Call): void {
    const c = this.connection(device, call);
    if (c.state !== "hold")
      throw new ModelError("noHeldCall", `call ${call.seq} is not held on ${device.number}`);
    // The OXE puts the active call on hold to take the held one back (broker behaviour).
    const active = device.connections.find((x) => x !== c && x.state === "connected");
    if (active) this.holdConnection(active);
    c.state = "connected";
    this.emit({ kind: "retrieved", call, device, cause: "normal", observers: this.observers(call) });
  }

  /** CSTA ConsultationCall: hold the existing call and call someone else. */
  consult(
    device: Device,
    existing: Call,
    consulted: string,
    callProfile?: readonly CallProfileSkill[],
  ): Connection {
    const c = this.connection(device, existing);
    if (c.state !== "connected")
      throw new ModelError("noActiveCall", `call ${existing.seq} is not active on ${device.number}`);
    this.holdConnection(c);
    const call = this.newCall();
    call.callingDevice = device.number;
    call.calledDevice = consulted;
    if (callProfile) call.callProfile = callProfile;
    const nc = this.join(call, device, "initiated");
    this.emit({ kind: "serviceInitiated", call, device, cause: "consultation", observers: [device] });
    this.originate(nc, consulted, "consultation");
    return nc;
  }

  alternate(device: Device, held: Call, active: Call): void {
    const h = this.connection(device, held);
    const a = this.connection(device, active);
    if (h.state !== "hold") throw new ModelError("noHeldCall", `call ${held.seq} is not held`);
    if (a.state !== "connected") throw new ModelError("noActiveCall", `call ${active.seq} is not active`);
    this.holdConnection(a);
    h.state = "connected";
    this.emit({ kind: "retrieved", call: held, device, cause: "alternate", observers: this.observers(held) });
  }

  reconnect(device: Device, active: Call, held: Call): void {
    const h = this.connection(device, held);
    if (h.state !== "hold") throw new ModelError("noHeldCall", `call ${held.seq} is not held`);
    this.clearConnection(device, active);
    h.state = "connected";
    this.emit({ kind: "retrieved", call: held, device, cause: "normal", observers: this.observers(held) });
  }

  // ---- transfer, conference, deflect -----------------------------------------------------

  /**
   * CSTA TransferCall: the transferring device leaves both calls and their other parties are
   * joined. The resulting call keeps the active (consultation) call's identity.
   */
  transfer(device: Device, held: Call, active: Call): Call {
    if (held === active) throw new ModelError("invalidConnection", "held and active calls are the same call");
    const h = this.connection(device, held);
    const a = this.connection(device, active);
    if (h.state !== "hold")
      throw new ModelError("noHeldCall", `call ${held.seq} is not held on ${device.number}`);
    if (a.state !== "connected")
      throw new ModelError("noActiveCall", `call ${active.seq} is not active on ${device.number}`);
    const target = this.others(active, device)[0];
    if (!target) throw new ModelError("invalidConnectionState", "nobody to transfer to");
    const observers = this.observers(held, active);
    const movers = this.others(held, device);
    this.leave(h);
    this.leave(a);
    const moved: { device: Device; from: Call }[] = [];
    for (const m of movers) {
      this.leave(m);
      const nc = this.join(active, m.device, m.state === "hold" ? "connected" : m.state);
      moved.push({ device: nc.device, from: held });
    }
    active.callingDevice = movers[0]?.device.number ?? active.callingDevice;
    this.emit({
      kind: "transferred",
      primary: held,
      secondary: active,
      result: active,
      device,
      transferredTo: target.device.number,
      moved,
      cause: "transfer",
      observers,
    });
    this.endIfDone(held);
    if (active.connections.length === 1) this.clearWholeCall(active, "normalClearing");
    return active;
  }

  /** CSTA ConferenceCall: one call of all parties; it keeps the held (primary) call's identity. */
  conference(device: Device, held: Call, active: Call): Call {
    if (held === active) throw new ModelError("invalidConnection", "held and active calls are the same call");
    const h = this.connection(device, held);
    const a = this.connection(device, active);
    if (h.state !== "hold")
      throw new ModelError("noHeldCall", `call ${held.seq} is not held on ${device.number}`);
    if (a.state !== "connected")
      throw new ModelError("noActiveCall", `call ${active.seq} is not active on ${device.number}`);
    const joining = this.others(active, device);
    if (held.connections.length + joining.length > this.options.maxConferenceParties) {
      throw new ModelError(
        "conferenceMemberLimitExceeded",
        `a conference holds at most ${this.options.maxConferenceParties} parties`,
      );
    }
    if (joining.some((c) => c.state !== "connected")) {
      throw new ModelError("invalidConnectionState", "the consulted party has not answered");
    }
    const observers = this.observers(held, active);
    this.leave(a);
    const moved: { device: Device; from: Call }[] = [];
    for (const m of joining) {
      this.leave(m);
      this.join(held, m.device, "connected");
      moved.push({ device: m.device, from: active });
    }
    h.state = "connected";
    this.emit({
      kind: "conferenced",
      primary: held,
      secondary: active,
      result: held,
      device,
      added: joining[0]!.device.number,
      moved,
      cause: "conference",
      observers,
    });
    this.endIfDone(active);
    return held;
  }

  /** CSTA DeflectCall: send a ringing call elsewhere. */
  deflect(device: Device, call: Call, destination: string, anonymous = false): void {
    const c = this.connection(device, call);
    if (c.state !== "alerting")
      throw new ModelError("invalidConnectionState", `call ${call.seq} is not ringing on ${device.number}`);
    if (destination === device.number)
      throw new ModelError("notDifferentDevices", "cannot deflect a call to itself");
    if (anonymous) this.hide(call, [call.callingDevice, device.number]);
    this.redirectAlerting(c, destination, "redirected", 0);
  }

  /** CSTA SingleStepTransfer (O2G's blind transfer): leave, and send the other party to `destination`. */
  singleStepTransfer(device: Device, call: Call, destination: string, anonymous = false): Call {
    const c = this.connection(device, call);
    if (c.state !== "connected")
      throw new ModelError("noActiveCall", `call ${call.seq} is not active on ${device.number}`);
    const remaining = this.others(call, device);
    if (remaining.length !== 1)
      throw new ModelError("invalidConnectionState", "single-step transfer needs a two-party call");
    const observers = this.observers(call);
    this.leave(c);
    call.lastRedirectionDevice = device.number;
    call.callingDevice = remaining[0]!.device.number;
    call.calledDevice = destination;
    if (anonymous) this.hide(call, [call.callingDevice, device.number]);
    this.emit({
      kind: "transferred",
      primary: call,
      secondary: call,
      result: call,
      device,
      transferredTo: destination,
      moved: [{ device: remaining[0]!.device, from: call }],
      cause: "singleStepTransfer",
      observers,
    });
    this.route(call, destination, device);
    return call;
  }

  /** Anonymous redirect or transfer: whoever the call reaches next is not shown these numbers. */
  private hide(call: Call, numbers: (string | null)[]): void {
    call.presentation ??= new Map();
    for (const n of numbers) if (n) call.presentation.set(n, null);
  }

  // ---- park ----------------------------------------------------------------------------

  /**
   * CSTA ParkCall (ECMA-269 §17.1.21): `device` leaves the call, which waits queued at
   * `parkTo` (the same set or another one) under its own call id, the other party on music.
   * Whoever is at `parkTo` takes it back (AnswerCall on the queued connection); left there
   * `parkTimeoutMs`, the OXE rings the set that parked it (a recall).
   */
  park(device: Device, call: Call, parkTo: string): Connection {
    const c = this.connection(device, call);
    if (c.state !== "connected" && c.state !== "hold")
      throw new ModelError("invalidConnectionState", `call ${call.seq} is not answered on ${device.number}`);
    if (this.others(call, device).filter((x) => x.state === "connected" || x.state === "hold").length !== 1)
      throw new ModelError("invalidConnectionState", "only an answered two-party call can be parked");
    const target = this.devices.get(parkTo);
    if (!target || target.service) throw new ModelError("invalidDevice", `cannot park on ${parkTo}`);
    if (target.outOfService) throw new ModelError("deviceOutOfService", `device ${parkTo} is out of service`);
    if (target !== device && call.connections.some((x) => x.device === target))
      throw new ModelError("notDifferentDevices", `${parkTo} is already in the call`);
    if (target.connections.some((x) => x.parkedBy))
      throw new ModelError("invalidDeviceState", `a call is already parked on ${parkTo}`);
    clearTimeout(call.ringTimer);
    // From now on the call is the parked party's, as the set taking it back is shown (the
    // parking set is gone from it: it must not come back as its caller).
    const parked = this.others(call, device).find((x) => x.state === "connected" || x.state === "hold")!;
    call.callingDevice = parked.device.number;
    let q: Connection;
    if (target === device) {
      q = c;
      q.state = "queued";
    } else {
      // The parking set leaves first: the set the call waits on then sees it without it.
      const observers = this.observers(call);
      this.leave(c);
      this.emit({ kind: "connectionCleared", call, device, cause: "park", observers });
      q = this.join(call, target, "queued");
    }
    q.parkedBy = device;
    this.emit({
      kind: "queued",
      call,
      device: target,
      calling: call.callingDevice,
      called: call.calledDevice,
      lastRedirection: call.lastRedirectionDevice,
      cause: "park",
      observers: this.observers(call),
    });
    const timer = setTimeout(() => {
      if (call.ended || q.state !== "queued" || !call.connections.includes(q)) return;
      this.deferEvents(() => this.recall(q));
    }, this.options.parkTimeoutMs);
    timer.unref();
    return q;
  }

  /** The parked call is taken back at the set it waits on. */
  private unpark(q: Connection): void {
    q.parkedBy = undefined;
    q.state = "connected";
    this.emit({
      kind: "established",
      call: q.call,
      device: q.device,
      calling: q.call.callingDevice,
      called: q.call.calledDevice,
      lastRedirection: q.call.lastRedirectionDevice,
      cause: "park",
      observers: this.observers(q.call),
    });
  }

  /** Nobody took the parked call back: it leaves the park and rings the set that parked it. */
  private recall(q: Connection): void {
    const parker = q.parkedBy;
    const call = q.call;
    const observers = this.observers(call);
    this.leave(q);
    q.parkedBy = undefined;
    this.emit({ kind: "connectionCleared", call, device: q.device, cause: "recall", observers });
    if (parker) this.route(call, parker.number, q.device, 0, "recall");
  }

  // ---- call distribution (CCD pilots) ----------------------------------------------------

  /** The CCD that owns the pilot numbers; without one, a pilot number is not obtainable. */
  setDistributor(d: CallDistributor | undefined): void {
    this.distributor = d;
  }

  get callDistributor(): CallDistributor | undefined {
    return this.distributor;
  }

  private offerToPilot(call: Call, pilot: Device, redirectedFrom: Device | null, hops: number): void {
    const distributor = (pilot.service?.kind === "pilot" && pilot.service.distributor) || this.distributor;
    const decision: DistributionDecision = distributor?.offer(call, pilot) ?? {
      action: "fail",
      cause: "destNotObtainable",
    };
    if (decision.action === "divert" && hops < 5) {
      this.divert(call, pilot, decision.to, decision.cause, hops);
      return;
    }
    if (decision.action !== "queue") {
      this.fail(call, pilot.number, decision.action === "fail" ? decision.cause : "busy");
      return;
    }
    call.lastRedirectionDevice = redirectedFrom?.number ?? call.lastRedirectionDevice;
    const q = this.join(call, pilot, "queued");
    this.emit({
      kind: "queued",
      call,
      device: pilot,
      calling: call.callingDevice,
      called: call.calledDevice,
      lastRedirection: call.lastRedirectionDevice,
      numberQueued: decision.numberQueued,
      cause: "enteringDistribution",
      observers: this.observers(call),
    });
    distributor?.queued(q);
  }

  /**
   * The distributor hands a queued call to an agent's set: the call leaves the pilot (Diverted,
   * cause distributed) and rings the set with the pilot as its last redirection device.
   */
  distribute(waiting: Connection, to: string): void {
    if (waiting.call.ended || !waiting.call.connections.includes(waiting) || waiting.state !== "queued")
      throw new ModelError("invalidConnectionState", `call ${waiting.call.seq} is not queued`);
    this.redirectAlerting(waiting, to, "distributed", 0);
  }

  // ---- the phone's own keys --------------------------------------------------------------

  /** The user lifts the handset: answers what rings, or gets dial tone. */
  offHook(device: Device): Connection {
    const ringing = device.connections.find((x) => x.state === "alerting" || x.promptingOrigination);
    if (ringing) {
      this.answer(device, ringing.call);
      return ringing;
    }
    const active = this.activeConnection(device);
    if (active) return active;
    const call = this.newCall();
    call.callingDevice = device.number;
    const c = this.join(call, device, "initiated");
    this.emit({ kind: "serviceInitiated", call, device, cause: "newCall", observers: [device] });
    return c;
  }

  /** The user dials on a set that has dial tone (lifting the handset first if needed). */
  dial(device: Device, number: string): Connection {
    let c = device.connections.find((x) => x.state === "initiated" && !x.promptingOrigination);
    if (!c) {
      if (this.activeConnection(device))
        throw new ModelError("invalidCallingDeviceState", `device ${device.number} is in a call`);
      c = this.offHook(device);
    }
    this.originate(c, number, "newCall");
    return c;
  }

  /** The user hangs up: the active call (or the one being dialled) is released. */
  onHook(device: Device): void {
    const c = device.connections.find((x) => x.state === "connected" || x.state === "initiated");
    if (!c) throw new ModelError("noActiveCall", `device ${device.number} has no active call`);
    this.clearConnection(device, c.call);
  }

  // ---- device features -------------------------------------------------------------------

  setDoNotDisturb(device: Device, on: boolean): void {
    device.doNotDisturb = on;
    this.emit({ kind: "doNotDisturb", device, on, cause: "normal", observers: [device] });
  }

  setForward(device: Device, forward: Forward, on: boolean): void {
    if (on && forward.destination === device.number)
      throw new ModelError("notDifferentDevices", "cannot forward a set to itself");
    device.forwards = device.forwards.filter((f) => f.type !== forward.type);
    if (on) device.forwards.push(forward);
    this.emit({ kind: "forwarding", device, forward, on, cause: "normal", observers: [device] });
  }

  // ---- the primitives the feature modules build on (pick-up, intrusion: model/features.ts) ----

  /** The model's own moves, for the modules that add OXE features to it without copying them. */
  get kernel(): CallKernel {
    return {
      join: (call, device, state) => this.join(call, device, state),
      leave: (c) => this.leave(c),
      emit: (ev) => this.emit(ev),
      observers: (...calls) => this.observers(...calls),
      isBusy: (d) => this.isBusy(d),
      endIfDone: (call) => this.endIfDone(call),
      redirectAlerting: (c, to, cause) => this.redirectAlerting(c, to, cause, 0),
      armRingTimer: (c) => this.armRingTimer(c, 0),
    };
  }
}

export interface CallKernel {
  join(call: Call, device: Device, state: ConnectionState): Connection;
  leave(c: Connection): void;
  emit(ev: ModelEvent): void;
  observers(...calls: Call[]): Device[];
  isBusy(d: Device): boolean;
  endIfDone(call: Call): void;
  redirectAlerting(c: Connection, to: string, cause: Cause): void;
  /** the set rings until answered, forwarded on no answer, or released */
  armRingTimer(c: Connection): void;
}
