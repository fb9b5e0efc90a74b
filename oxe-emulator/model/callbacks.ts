/**
 * Callback requests on the OXE: a caller who finds the callee busy or not answering asks to be
 * called back (from the set, or over CSTA: callBack on the call, callBackNonCallRelated without
 * one). The switch keeps the callee's incoming requests (who, when), one per caller; when the
 * callee frees up (a call of theirs ends and leaves them idle, which for a callee who was not
 * busy is their next call after the request), and the caller is idle too, the OXE calls back:
 * the caller's set rings first and, once answered, the OXE calls the callee (a MakeCall with
 * prompt, as the set's own callback key does). Launching the callback uses the request up.
 *
 * Over CSTA everything here is standard (ECMA-269 callBack, callBackNonCallRelated,
 * cancelCallBack, getCallBack: see protocols/csta/callbacks.ts; both sets' monitors get the
 * CallBack event when a request is set, cancelled or used up). ECMA-269 gives a callback no
 * id: the OXE's one request per pair makes the caller's number its id, and that is the id O2G
 * shows (Callback.callbackId), which the callee deletes with cancelCallBack(caller, callee).
 */
import { ModelError } from "./errors.js";
import type { Network } from "./network.js";
import type { Call, Device, ModelEvent } from "./types.js";

export interface CallbackRequest {
  /** the caller's number: one request per caller and callee */
  readonly id: string;
  readonly originator: Device;
  readonly target: Device;
  readonly requestedAt: number;
  /** the call the caller asked from (released), which does not count as the callee's activity */
  readonly call: Call | undefined;
  /**
   * the callee has been busy since the request: their freeing up sends the callback (a callee
   * who was idle, not answering, is called back after their next call)
   */
  armed: boolean;
}

const BUSY_STATES = new Set(["initiated", "connected", "alerting", "queued", "fail"]);

export class Callbacks {
  private readonly byTarget = new Map<Device, CallbackRequest[]>();
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly listeners = new Set<(target: Device) => void>();

  constructor(
    private readonly net: Network,
    /** the pause between the callee freeing up and the OXE ringing the caller back */
    private readonly delayMs: number,
    /** tells the monitors of both sets (CSTA CallBack event) */
    private readonly emit: (ev: ModelEvent) => void,
  ) {
    net.on((ev) => {
      if (ev.kind === "connectionCleared" && ev.device.connections.length === 0)
        this.freed(ev.device, ev.call);
    });
  }

  /** Be told when a device's incoming callbacks change (the set's display, a counter). */
  onChange(listener: (target: Device) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Incoming requests for `target`, oldest first. */
  incoming(target: Device): readonly CallbackRequest[] {
    return this.byTarget.get(target) ?? [];
  }

  /** Every request `device` takes part in, made or received (CSTA GetCallBack). */
  involving(device: Device): CallbackRequest[] {
    const out = [...this.incoming(device)];
    for (const list of this.byTarget.values())
      for (const r of list) if (r.originator === device && r.target !== device) out.push(r);
    return out;
  }

  /**
   * CSTA CallBack on a call: `device` placed it and finds the callee busy (the call failed) or
   * ringing unanswered. The OXE books the request and releases the caller's call.
   */
  requestOnCall(device: Device, call: Call): CallbackRequest {
    const c = this.net.connection(device, call);
    if (call.callingDevice !== device.number)
      throw new ModelError("invalidConnection", "only the calling party can ask for a callback");
    const ringing = call.connections.find((x) => x !== c && x.state === "alerting");
    const failed = call.connections.length === 1 && call.failTimer !== undefined && !call.answeredAt;
    if (!ringing && !failed)
      throw new ModelError("invalidConnectionState", `call ${call.seq} is neither ringing nor busy`);
    const targetNumber = ringing?.device.number ?? call.calledDevice ?? "";
    const target = this.net.devices.get(targetNumber);
    if (!target) throw new ModelError("invalidDevice", `no device ${targetNumber} to call back`);
    const req = this.request(device, target, call);
    this.net.clearCall(call);
    return req;
  }

  /** CSTA CallBackNonCallRelated, or the set's callback on a number. */
  request(originator: Device, target: Device, call?: Call): CallbackRequest {
    if (originator === target) throw new ModelError("notDifferentDevices", "a set cannot call itself back");
    if (target.service) throw new ModelError("invalidDevice", `${target.number} takes no callback`);
    const list = this.byTarget.get(target) ?? [];
    const known = list.find((r) => r.originator === originator);
    if (known) return known;
    const req: CallbackRequest = {
      id: originator.number,
      originator,
      target,
      requestedAt: Date.now(),
      call,
      armed: target.connections.some((c) => c.call !== call && BUSY_STATES.has(c.state)),
    };
    list.push(req);
    this.byTarget.set(target, list);
    this.changed(req, false);
    return req;
  }

  /** CSTA CancelCallBack; false when there was no such request. */
  cancel(originator: Device, target: Device): boolean {
    const list = this.byTarget.get(target);
    const i = list?.findIndex((r) => r.originator === originator) ?? -1;
    if (!list || i < 0) return false;
    const [req] = list.splice(i, 1);
    if (list.length === 0) this.byTarget.delete(target);
    this.changed(req!, true);
    return true;
  }

  /** Drop the timers still waiting (the emulator stops). */
  stop(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }

  private changed(req: CallbackRequest, canceled: boolean): void {
    this.emit({
      kind: "callBack",
      originator: req.originator,
      target: req.target,
      canceled,
      cause: "normal",
      observers: [req.originator, req.target],
    });
    for (const l of this.listeners) l(req.target);
  }

  private idle(d: Device): boolean {
    return !d.outOfService && !d.connections.some((c) => BUSY_STATES.has(c.state) && !c.parkedBy);
  }

  /** `device` has just become idle, `call` over: a callback it was holding up may go now. */
  private freed(device: Device, call: Call): void {
    let any = false;
    for (const r of this.incoming(device)) {
      if (r.call !== call) r.armed = true;
      any ||= r.armed;
    }
    for (const list of this.byTarget.values())
      for (const r of list) if (r.originator === device && r.armed) any = true;
    if (!any) return;
    const t = setTimeout(() => {
      this.pending.delete(t);
      this.launch();
    }, this.delayMs);
    t.unref();
    this.pending.add(t);
  }

  /** Ring back the oldest request whose caller and callee are both idle. */
  private launch(): void {
    for (const [target, list] of this.byTarget) {
      if (!this.idle(target)) continue;
      const req = list.find((r) => r.armed && this.idle(r.originator));
      if (!req) continue;
      this.cancel(req.originator, target);
      try {
        this.net.deferEvents(() =>
          this.net.makeCall(req.originator.number, target.number, { autoOriginate: "prompt" }),
        );
      } catch {
        // The caller's set went busy meanwhile: the request is used up, as on the OXE.
      }
      return;
    }
  }
}
