/**
 * The OXE's RSI points (routing service intelligence): CCD routing points where a call waits for
 * an application's decision (ECMA-269 routeing: route request, route select, re-route, route
 * end), and the guides the point gives the waiting caller: a tone, a voice guide, a digit
 * collection (count, end key, timeout), each timed.
 *
 * Numbers: 4000 + 10·(node − 1) + i, i = 1..3 per node (a range no user, group, pilot or voice
 * mail uses). A point is a service device whose calls this module takes (queued at the point).
 *
 * Behaviour (ours where the OXE's is not public):
 * - A point routes only while an application has it registered (routeRegister). A call to a point
 *   nobody serves, a route session the application ends (routeEnd) and one it leaves unanswered
 *   for `routeTimeoutMs` (the OXE's RSI timeout; the switch then ends the session) all get the
 *   default treatment: the call goes to the node's voice mail, or is released when the node has
 *   none.
 * - routeSelect to a number that does not exist, or to a set that is busy, in do-not-disturb or
 *   out of service, keeps the call at the point and asks again (reRoute, NOT_OBTAINABLE / BUSY);
 *   otherwise the call leaves the point for the selected route and the session ends (routeEnd).
 * - Digits reach the point as the caller's set sends them (generateDigits on the caller's
 *   connection, as O2G's sendDtmf does). Only an active collection keeps them; typed while a
 *   guide plays they still count (type-ahead). The collection ends on the end key (the digits
 *   before it), on the count, on its timeout (what came so far), or when the session ends.
 * - A voice guide lasts `voiceGuideMs` unless a duration is given; a tone lasts its duration
 *   (0: until stopped). Starting one stops the one playing.
 */
import type { Directory } from "../directory/index.js";
import {
  type Call,
  type CallDistributor,
  type Connection,
  type Device,
  type DistributionDecision,
  ModelError,
  type ModelEvent,
  type Network,
} from "../model/index.js";

export interface RsiPointConfig {
  readonly number: string;
  readonly nodeId: number;
  readonly name: string;
}

/** The points of every node: 4000 + 10·(node − 1) + i. */
export function generateRsiPoints(directory: Directory, perNode = 3): RsiPointConfig[] {
  const out: RsiPointConfig[] = [];
  for (const nodeId of [...directory.byNode.keys()].sort((a, b) => a - b))
    for (let i = 1; i <= perNode; i++)
      out.push({ number: String(4000 + 10 * (nodeId - 1) + i), nodeId, name: `RSI ${nodeId}-${i}` });
  return out;
}

export type RsiTone = "BUSY" | "RINGBACK" | "SILENCE" | "MUSIC" | "ANNOUNCEMENT";
export type RsiCollectionCause = "FLUSCHAR_RECEIVED" | "CHAR_COUNT_REACHED" | "TIMEOUT" | "SF_TERMINATED";
export type RerouteReason = "busy" | "notObtainable";

/** What the point tells the application that registered it (the CSTA server sends it). */
export interface RsiApplication {
  routeRequest(r: {
    crossRefId: number;
    registerReqId: number;
    point: string;
    caller: string | null;
    call: Call;
    replyTimeoutS: number;
  }): void;
  reRoute(r: { crossRefId: number; registerReqId: number; reason: RerouteReason }): void;
  routeEnd(r: { crossRefId: number; registerReqId: number }): void;
  toneStart(point: string, call: Call, tone: RsiTone): void;
  toneStop(point: string, call: Call): void;
  digitsCollected(
    point: string,
    call: Call,
    collCrid: string,
    digits: string,
    cause: RsiCollectionCause,
  ): void;
}

export interface RsiOptions {
  /** how long a route request waits for the application's routeSelect */
  routeTimeoutMs: number;
  /** a voice guide's length when no duration is asked */
  voiceGuideMs: number;
}

export const DEFAULT_RSI_OPTIONS: RsiOptions = { routeTimeoutMs: 30_000, voiceGuideMs: 3_000 };

interface Registration {
  readonly id: number;
  readonly point: string;
  readonly app: RsiApplication;
}

interface Collection {
  readonly collCrid: string;
  readonly numChars: number;
  readonly flushChar: string | undefined;
  digits: string;
  timer: NodeJS.Timeout | undefined;
}

interface Session {
  readonly crossRefId: number;
  readonly reg: Registration;
  readonly waiting: Connection;
  timeout: NodeJS.Timeout | undefined;
  guide: { timer: NodeJS.Timeout | undefined } | undefined;
  collection: Collection | undefined;
}

const REGISTRY = new WeakMap<Network, RsiPoints>();

/** The network's RSI points, when it has them. */
export function rsiOf(net: Network): RsiPoints | undefined {
  return REGISTRY.get(net);
}

export class RsiPoints implements CallDistributor {
  readonly points = new Map<string, RsiPointConfig>();
  readonly options: RsiOptions;
  private readonly registrations = new Map<string, Registration>();
  private readonly sessions = new Map<number, Session>();
  private readonly byCall = new Map<Call, Session>();
  private nextReg = 1;
  private nextCrossRef = 1;
  private nextColl = 1;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly net: Network,
    config: readonly RsiPointConfig[],
    options: Partial<RsiOptions> = {},
  ) {
    this.options = { ...DEFAULT_RSI_OPTIONS, ...options };
    for (const p of config) {
      this.points.set(p.number, p);
      net.addServiceDevice(p.number, p.nodeId, p.name, { kind: "pilot", distributor: this });
    }
    this.unsubscribe = net.on((ev) => this.onModelEvent(ev));
    REGISTRY.set(net, this);
  }

  close(): void {
    this.unsubscribe();
    for (const s of [...this.sessions.values()]) this.drop(s);
  }

  isRegistered(point: string): boolean {
    return this.registrations.has(point);
  }

  /** routeRegister: `app` serves `point` from now on. */
  register(point: string, nodeId: number, app: RsiApplication): number {
    const p = this.points.get(point);
    if (!p || p.nodeId !== nodeId)
      throw new ModelError("invalidDevice", `no RSI point ${point} on node ${nodeId}`);
    const known = this.registrations.get(point);
    if (known && known.app !== app)
      throw new ModelError("invalidDeviceState", `RSI point ${point} is served by another application`);
    if (known) return known.id;
    const reg: Registration = { id: this.nextReg++, point, app };
    this.registrations.set(point, reg);
    return reg.id;
  }

  /** routeRegisterCancel (or the application's link gone): its sessions get the default treatment. */
  cancel(registerReqId: number, app: RsiApplication): boolean {
    const reg = [...this.registrations.values()].find((r) => r.id === registerReqId && r.app === app);
    if (!reg) return false;
    this.registrations.delete(reg.point);
    for (const s of [...this.sessions.values()]) if (s.reg === reg) this.defaultTreatment(s, false);
    return true;
  }

  /** Every registration of `app` (its CSTA association closed). */
  cancelAll(app: RsiApplication): void {
    for (const r of [...this.registrations.values()]) if (r.app === app) this.cancel(r.id, app);
  }

  // ---- the call model's side: a call reaches a point -----------------------------------------

  offer(_call: Call, pilot: Device): DistributionDecision {
    return { action: "queue", numberQueued: this.waitingAt(pilot.number) + 1 };
  }

  queued(waiting: Connection): void {
    const reg = this.registrations.get(waiting.device.number);
    if (!reg) {
      // Nobody serves the point: the default treatment at once (queueMicrotask: the model is
      // still announcing the call's arrival).
      queueMicrotask(() => {
        if (!waiting.call.ended && waiting.call.connections.includes(waiting)) this.treat(waiting);
      });
      return;
    }
    const s: Session = {
      crossRefId: this.nextCrossRef,
      reg,
      waiting,
      timeout: undefined,
      guide: undefined,
      collection: undefined,
    };
    this.nextCrossRef = this.nextCrossRef >= 0xffffffff ? 1 : this.nextCrossRef + 1;
    this.sessions.set(s.crossRefId, s);
    this.byCall.set(waiting.call, s);
    this.armTimeout(s);
    reg.app.routeRequest({
      crossRefId: s.crossRefId,
      registerReqId: reg.id,
      point: reg.point,
      caller: waiting.call.callingDevice,
      call: waiting.call,
      replyTimeoutS: Math.ceil(this.options.routeTimeoutMs / 1000),
    });
  }

  private waitingAt(point: string): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.reg.point === point) n++;
    return n;
  }

  // ---- the application's requests --------------------------------------------------------------

  private session(crossRefId: number, app: RsiApplication): Session {
    const s = this.sessions.get(crossRefId);
    if (!s || s.reg.app !== app) throw new ModelError("invalidCall", `no route session ${crossRefId}`);
    return s;
  }

  private sessionOfCall(point: string, callId: string, app: RsiApplication): Session {
    const p = this.points.get(point);
    if (!p) throw new ModelError("invalidDevice", `no RSI point ${point}`);
    let call: Call;
    try {
      call = this.net.callOnNode(p.nodeId, callId);
    } catch {
      throw new ModelError("invalidCall", `no call ${callId} at ${point}`);
    }
    const s = this.byCall.get(call);
    if (!s || s.reg.point !== point || s.reg.app !== app)
      throw new ModelError("invalidCall", `call ${callId} is not at RSI point ${point}`);
    return s;
  }

  /** routeSelect: the call leaves for `route`, or a reRoute when `route` cannot take it now. */
  select(
    crossRefId: number,
    app: RsiApplication,
    route: string,
    opts: { toVoiceMail?: boolean; callingLine?: string; correlatorData?: Uint8Array } = {},
  ): void {
    const s = this.session(crossRefId, app);
    const toVoiceMail = opts.toVoiceMail === true;
    let to = route;
    const dest = this.net.devices.get(route);
    const group = this.net.huntingGroups.get(route);
    if (!dest && !group) {
      this.reRoute(s, "notObtainable");
      return;
    }
    if (toVoiceMail) {
      const vm = dest ? this.net.voiceMailOf(dest.nodeId) : undefined;
      if (!vm) {
        this.reRoute(s, "notObtainable");
        return;
      }
      to = vm.number;
    } else if (dest && !dest.service) {
      if (dest.outOfService) {
        this.reRoute(s, "notObtainable");
        return;
      }
      if (dest.doNotDisturb || this.net.kernel.isBusy(dest)) {
        this.reRoute(s, "busy");
        return;
      }
    }
    const call = s.waiting.call;
    if (opts.callingLine && call.callingDevice)
      call.presentation = new Map([[call.callingDevice, opts.callingLine]]);
    if (opts.correlatorData) call.correlatorData = opts.correlatorData;
    this.finish(s, true);
    this.net.distribute(s.waiting, to);
  }

  /** routeEnd from the application: the call gets the default treatment. */
  end(crossRefId: number, app: RsiApplication): void {
    this.defaultTreatment(this.session(crossRefId, app), false);
  }

  playTone(point: string, callId: string, app: RsiApplication, tone: RsiTone, durationMs: number): void {
    this.play(this.sessionOfCall(point, callId, app), tone, durationMs);
  }

  playVoiceGuide(
    point: string,
    callId: string,
    app: RsiApplication,
    guide: number,
    durationMs?: number,
  ): void {
    if (guide < 1) throw new ModelError("invalidDevice", `no voice guide ${guide}`);
    this.play(
      this.sessionOfCall(point, callId, app),
      "ANNOUNCEMENT",
      durationMs ?? this.options.voiceGuideMs,
    );
  }

  stopTone(point: string, callId: string, app: RsiApplication): void {
    const s = this.sessionOfCall(point, callId, app);
    if (!s.guide) throw new ModelError("invalidConnectionState", "no tone or guide is playing");
    this.stopGuide(s);
  }

  collectDigits(
    point: string,
    callId: string,
    app: RsiApplication,
    c: { numChars: number; flushChar?: string; timeoutMs?: number },
  ): string {
    const s = this.sessionOfCall(point, callId, app);
    if (s.collection) throw new ModelError("invalidConnectionState", "a digit collection is already running");
    if (c.numChars === 0 && c.flushChar === undefined && c.timeoutMs === undefined)
      throw new ModelError("invalidConnectionState", "a collection needs a count, an end key or a timeout");
    const coll: Collection = {
      collCrid: String(this.nextColl++),
      numChars: c.numChars,
      flushChar: c.flushChar,
      digits: "",
      timer: undefined,
    };
    s.collection = coll;
    if (c.timeoutMs !== undefined && c.timeoutMs > 0) {
      coll.timer = setTimeout(() => this.endCollection(s, "TIMEOUT"), c.timeoutMs);
      coll.timer.unref();
    }
    return coll.collCrid;
  }

  stopCollect(point: string, collCrid: string, app: RsiApplication): void {
    for (const s of this.sessions.values())
      if (s.reg.point === point && s.reg.app === app && s.collection?.collCrid === collCrid) {
        this.endCollection(s, "SF_TERMINATED");
        return;
      }
    throw new ModelError("invalidCall", `no digit collection ${collCrid} at ${point}`);
  }

  /** Digits the caller's set sent on `call` (generateDigits): heard by the point it waits at. */
  digits(call: Call, digits: string): void {
    const s = this.byCall.get(call);
    const coll = s?.collection;
    if (!s || !coll) return;
    for (const d of digits) {
      if (coll.flushChar !== undefined && d === coll.flushChar) {
        this.endCollection(s, "FLUSCHAR_RECEIVED");
        return;
      }
      coll.digits += d;
      if (coll.numChars > 0 && coll.digits.length >= coll.numChars) {
        this.endCollection(s, "CHAR_COUNT_REACHED");
        return;
      }
    }
  }

  // ---- internals -------------------------------------------------------------------------------

  private play(s: Session, tone: RsiTone, durationMs: number): void {
    if (s.guide) this.stopGuide(s);
    const guide: { timer: NodeJS.Timeout | undefined } = { timer: undefined };
    s.guide = guide;
    s.reg.app.toneStart(s.reg.point, s.waiting.call, tone);
    if (durationMs > 0) {
      guide.timer = setTimeout(() => {
        if (s.guide === guide) this.stopGuide(s);
      }, durationMs);
      guide.timer.unref();
    }
  }

  private stopGuide(s: Session): void {
    if (!s.guide) return;
    clearTimeout(s.guide.timer);
    s.guide = undefined;
    s.reg.app.toneStop(s.reg.point, s.waiting.call);
  }

  private endCollection(s: Session, cause: RsiCollectionCause): void {
    const coll = s.collection;
    if (!coll) return;
    clearTimeout(coll.timer);
    s.collection = undefined;
    s.reg.app.digitsCollected(s.reg.point, s.waiting.call, coll.collCrid, coll.digits, cause);
  }

  private armTimeout(s: Session): void {
    clearTimeout(s.timeout);
    s.timeout = setTimeout(() => {
      if (this.sessions.get(s.crossRefId) === s) this.defaultTreatment(s, true);
    }, this.options.routeTimeoutMs);
    s.timeout.unref();
  }

  private reRoute(s: Session, reason: RerouteReason): void {
    this.armTimeout(s);
    s.reg.app.reRoute({ crossRefId: s.crossRefId, registerReqId: s.reg.id, reason });
  }

  /** The session is over: guides and collection stop; the application is told unless it ended it. */
  private finish(s: Session, tellApp: boolean): void {
    if (this.sessions.get(s.crossRefId) !== s) return;
    this.sessions.delete(s.crossRefId);
    this.byCall.delete(s.waiting.call);
    clearTimeout(s.timeout);
    this.endCollection(s, "SF_TERMINATED");
    this.stopGuide(s);
    if (tellApp) s.reg.app.routeEnd({ crossRefId: s.crossRefId, registerReqId: s.reg.id });
  }

  private drop(s: Session): void {
    this.finish(s, false);
  }

  private defaultTreatment(s: Session, tellApp: boolean): void {
    this.finish(s, tellApp);
    this.net.deferEvents(() => this.treat(s.waiting));
  }

  /** The default treatment: the node's voice mail, else the call is released. */
  private treat(waiting: Connection): void {
    if (waiting.call.ended || !waiting.call.connections.includes(waiting)) return;
    const vm = this.net.voiceMailOf(waiting.device.nodeId);
    if (vm) this.net.distribute(waiting, vm.number);
    else this.net.clearCall(waiting.call);
  }

  private onModelEvent(ev: ModelEvent): void {
    if (ev.kind !== "connectionCleared") return;
    const s = this.byCall.get(ev.call);
    // The caller hung up while at the point (the model then releases the point's side).
    if (s && ev.device === s.waiting.device) this.finish(s, true);
  }
}
