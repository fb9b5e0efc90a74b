/**
 * The CSTA server of one emulated OXE node: a TCP listener, one RoseLink per association, the
 * node's monitors, and the mapping from CSTA services to the call model.
 *
 * OXE behaviour reproduced: at most `maxLinks` CSTA associations per node (the 31st is refused
 * in its AARE: ACSE has the only standard answer for that, there is no CSTA error for it);
 * at most `maxMonitors` monitors per node across links (a further MonitorStart gets
 * universalFailure systemResourceAvailability.overallMonitorLimitExceeded); the switch invokes
 * systemStatus on every link as a heartbeat and drops a link that stops answering.
 */
import {
  alternateCall,
  answerCall,
  type CcdPrivateRequest,
  type ConnectionId,
  CSTA_OPERATIONS,
  type CstaEvent,
  type CstaFailure,
  clearCall,
  clearConnection,
  conferenceCall,
  consultationCall,
  cstaErrorCodec,
  cstaEventReport,
  deflectCall,
  failure,
  generateDigits,
  getDoNotDisturb,
  getForwarding,
  holdCall,
  isCstaApplicationContext,
  makeCall,
  monitorStart,
  monitorStop,
  parkCall,
  reconnectCall,
  retrieveCall,
  type SnapshotCallEntry,
  type SnapshotDeviceEntry,
  setDoNotDisturb,
  setForwarding,
  singleStepTransfer,
  snapshotCall,
  snapshotDevice,
  systemStatus,
  type TextMessageRequest,
  transferCall,
} from "../../../protocols/csta/index.js";
import type { OperationSpec } from "../../../protocols/rose/index.js";
import type { Ccd } from "../../ccd/index.js";
import { rsiOf } from "../../ccd/rsi.js";
import { type Call, type Device, ModelError, type ModelEvent, type Network } from "../../model/index.js";
import { type Association, RoseNodeServer, type RoseServerOptions } from "../common/rose-server.js";
import { agentEventFor, answerCcdRequest, registerAgentHandlers } from "./agent-handlers.js";
import { makeCallOptions } from "./call-variants.js";
import { answerTextMessage, registerCallbackHandlers } from "./callback-handlers.js";
import { FAILURE_FOR } from "./errors.js";
import { registerFeatureHandlers } from "./feature-handlers.js";
import { type Monitor, MonitorRegistry } from "./monitors.js";
import { registerRsiHandlers } from "./rsi-handlers.js";
import { FORWARD_TYPES, translateEvent } from "./translate.js";

export interface CstaServerOptions extends Omit<RoseServerOptions, "protocol"> {
  maxMonitors: number;
  /** the switch's systemStatus heartbeat period; 0 disables it */
  heartbeatMs: number;
  /** the network's CCD, when it has one: agent services and events */
  ccd?: Ccd;
}

type CstaAssociation = Association<CstaFailure>;
type Handler = (a: CstaAssociation, invokeId: number, arg: unknown) => void;

/**
 * Services that only read or watch the model: no event can come of them, so they skip the
 * model's event deferral (two of them per user in a startup snapshot).
 */
const QUIET_SERVICES: ReadonlySet<OperationSpec<unknown, unknown>> = new Set([
  systemStatus,
  monitorStart,
  monitorStop,
  snapshotDevice,
  snapshotCall,
] as OperationSpec<unknown, unknown>[]);

/** The snapshot of a device in no call, the answer for nearly every user at startup. */
const IDLE_SNAPSHOT: { readonly calls: SnapshotDeviceEntry[] } = Object.freeze({ calls: [] });

const FORWARD_FROM_CSTA: Record<string, "immediate" | "busy" | "noAnswer"> = {
  forwardImmediate: "immediate",
  forwardImmInt: "immediate",
  forwardImmExt: "immediate",
  forwardBusy: "busy",
  forwardBusyInt: "busy",
  forwardBusyExt: "busy",
  forwardNoAns: "noAnswer",
  forwardNoAnsInt: "noAnswer",
  forwardNoAnsExt: "noAnswer",
};

export class CstaNodeServer extends RoseNodeServer<CstaFailure> {
  readonly monitors: MonitorRegistry<CstaAssociation>;
  /**
   * Report events this long after the answer to the request that caused them (in order), as a
   * loaded switch does: lets tests make a client's next request overtake a call's events.
   * Off (0) by default: the events then leave in the same write as the answer.
   */
  eventLagMs = 0;
  private readonly lagged: { due: number; report: () => void }[] = [];
  private readonly unsubscribe: () => void;
  private readonly handlers = new Map<OperationSpec<unknown, unknown>, { run: Handler; quiet: boolean }>();
  /** this node's devices (the network keeps them): every request names one */
  private readonly ownDevices: ReadonlyMap<string, Device>;

  constructor(
    private readonly net: Network,
    private readonly cstaOptions: CstaServerOptions,
  ) {
    super(
      { ...cstaOptions, protocol: "csta" },
      {
        operations: CSTA_OPERATIONS.byCode,
        errors: cstaErrorCodec,
        acceptsContext: isCstaApplicationContext,
        invoked: (a, op, invokeId, arg) => this.onInvoke(a, op, invokeId, arg),
        opened: (a) => this.startHeartbeat(a),
        closed: (a) => {
          const n = this.monitors.removeOwner(a);
          this.log(`association ${a.id} closed, ${n} monitor(s) removed`);
        },
      },
    );
    this.monitors = new MonitorRegistry(cstaOptions.maxMonitors);
    this.ownDevices = net.devicesOfNode(cstaOptions.nodeId);
    const offModel = net.on((ev) => this.onModelEvent(ev));
    const ccd = cstaOptions.ccd;
    const offCcd = ccd?.on((ev) => {
      const out = this.monitors.size > 0 ? agentEventFor(ccd, ev) : undefined;
      if (out) this.report(out.devices, out.event);
    });
    this.unsubscribe = () => {
      offModel();
      offCcd?.();
    };
    this.registerHandlers();
  }

  dispose(): void {
    this.unsubscribe();
  }

  private startHeartbeat(a: CstaAssociation): void {
    if (this.cstaOptions.heartbeatMs <= 0) return;
    let missed = 0;
    const timer = setInterval(() => {
      if (this.faults.stalled) return;
      a.link.invoke(systemStatus, { systemStatus: "normal" }, (err) => {
        if (!err) {
          missed = 0;
          return;
        }
        if (err.failure.kind === "timeout" && ++missed >= 2) {
          this.log(`association ${a.id}: no heartbeat answer, closing`);
          a.socket.destroy();
        }
      });
    }, this.cstaOptions.heartbeatMs);
    timer.unref();
    a.timers.push(timer);
  }

  // ---- services --------------------------------------------------------------------------

  private on<A, R>(
    op: OperationSpec<A, R>,
    handler: (a: CstaAssociation, invokeId: number, arg: A) => void,
  ): void {
    const spec = op as OperationSpec<unknown, unknown>;
    this.handlers.set(spec, { run: handler as Handler, quiet: QUIET_SERVICES.has(spec) });
  }

  private onInvoke(
    a: CstaAssociation,
    op: OperationSpec<unknown, unknown>,
    invokeId: number,
    arg: unknown,
  ): void {
    const h = this.handlers.get(op);
    if (!h) {
      a.link.replyError(invokeId, failure("operation", "serviceNotSupported"));
      return;
    }
    const run = h.run;
    try {
      if (h.quiet) run(a, invokeId, arg);
      else this.net.deferEvents(() => run(a, invokeId, arg));
    } catch (err) {
      if (err instanceof ModelError) a.link.replyError(invokeId, FAILURE_FOR[err.code]);
      else {
        this.log(`${op.name} failed: ${(err as Error).stack ?? err}`);
        a.link.replyError(invokeId, failure("operation", "generic"));
      }
    }
  }

  /** A device of this node, named in a request. */
  private localDevice(id: string | undefined): Device {
    if (id === undefined) throw new ModelError("invalidDevice", "no device given");
    const d = this.ownDevices.get(id);
    if (!d) throw new ModelError("invalidDevice", `no device ${id} on this node`);
    return d;
  }

  private resolve(c: ConnectionId): { device: Device; call: Call } {
    if (c.callId === undefined) throw new ModelError("invalidConnection", "connection without a call id");
    const call = this.net.callOnNode(this.cstaOptions.nodeId, c.callId);
    return { device: this.localDevice(c.deviceId), call };
  }

  private cid(call: Call, device: string): ConnectionId {
    return { callId: this.net.callId(call, this.cstaOptions.nodeId), deviceId: device };
  }

  private registerHandlers(): void {
    const net = this.net;
    // The network's RSI points (ccd/rsi.ts), when it has any: routeing services and guides.
    const rsi = registerRsiHandlers({
      rsi: rsiOf(net),
      nodeId: this.cstaOptions.nodeId,
      on: (op, handler) => this.on(op, handler),
      callId: (call) => net.callId(call, this.cstaOptions.nodeId),
    });
    const host = {
      net,
      rsiRequest: rsi.escape,
      textMessages: (req: TextMessageRequest) => answerTextMessage(net, req, (n) => this.localDevice(n)),
      ccdRequest: (req: CcdPrivateRequest) => answerCcdRequest(this.cstaOptions.ccd, req),
      on: <Arg, R>(op: OperationSpec<Arg, R>, handler: (a: CstaAssociation, id: number, arg: Arg) => void) =>
        this.on(op, handler),
      resolve: (c: ConnectionId) => this.resolve(c),
      localDevice: (id: string | undefined) => this.localDevice(id),
      cid: (call: Call, device: string) => this.cid(call, device),
    };
    registerFeatureHandlers(host);
    registerCallbackHandlers(host);
    registerAgentHandlers({
      ccd: this.cstaOptions.ccd,
      on: (op, handler) => this.on(op, handler),
      localDevice: (id) => this.localDevice(id),
    });
    this.on(systemStatus, (a, id) => a.link.reply(id, systemStatus, undefined));
    this.on(monitorStart, (a, id, arg) => {
      const device = this.localDevice(arg.device);
      const m = this.monitors.add(a, device.number);
      if (!m) {
        a.link.replyError(id, failure("systemResourceAvailability", "overallMonitorLimitExceeded"));
        return;
      }
      a.link.reply(id, monitorStart, { crossRefId: m.crossRefId });
    });
    this.on(monitorStop, (a, id, arg) => {
      const m = this.monitors.get(arg.crossRefId);
      if (!m || m.owner !== a) {
        a.link.replyError(id, failure("operation", "invalidMonitorCrossRefID"));
        return;
      }
      this.monitors.remove(m);
      a.link.reply(id, monitorStop, undefined);
    });
    this.on(snapshotDevice, (a, id, arg) => {
      const device = this.localDevice(arg.device);
      if (device.connections.length === 0) {
        a.link.reply(id, snapshotDevice, IDLE_SNAPSHOT);
        return;
      }
      const calls: SnapshotDeviceEntry[] = device.connections.map((c) => ({
        connection: this.cid(c.call, device.number),
        states: [c.state, ...c.call.connections.filter((x) => x !== c).map((x) => x.state)],
      }));
      a.link.reply(id, snapshotDevice, { calls });
    });
    this.on(snapshotCall, (a, id, arg) => {
      if (arg.call.callId === undefined)
        throw new ModelError("invalidConnection", "connection without a call id");
      const call = net.callOnNode(this.cstaOptions.nodeId, arg.call.callId);
      const parties: SnapshotCallEntry[] = call.connections.map((c) => ({
        device: c.device.number,
        connection: this.cid(call, c.device.number),
        state: c.state,
      }));
      a.link.reply(id, snapshotCall, {
        parties,
        callingDevice: call.callingDevice,
        calledDevice: call.calledDevice,
      });
    });
    this.on(makeCall, (a, id, arg) => {
      const caller = this.localDevice(arg.callingDevice);
      // PIN, account code, presented number: checked against the caller's configuration.
      const opts = makeCallOptions(net, caller, arg);
      const c = net.makeCall(arg.callingDevice, arg.calledDirectoryNumber, opts);
      a.link.reply(id, makeCall, { callingDevice: this.cid(c.call, c.device.number) });
    });
    this.on(answerCall, (a, id, arg) => {
      const { device, call } = this.resolve(arg.connection);
      net.answer(device, call);
      a.link.reply(id, answerCall, undefined);
    });
    this.on(clearConnection, (a, id, arg) => {
      const { device, call } = this.resolve(arg.connection);
      net.clearConnection(device, call);
      a.link.reply(id, clearConnection, undefined);
    });
    this.on(clearCall, (a, id, arg) => {
      if (arg.connection.callId === undefined) throw new ModelError("invalidCall", "no call id");
      net.clearCall(net.callOnNode(this.cstaOptions.nodeId, arg.connection.callId));
      a.link.reply(id, clearCall, undefined);
    });
    this.on(holdCall, (a, id, arg) => {
      const { device, call } = this.resolve(arg.connection);
      net.hold(device, call);
      a.link.reply(id, holdCall, undefined);
    });
    this.on(parkCall, (a, id, arg) => {
      const { device, call } = this.resolve(arg.parking);
      const q = net.park(device, call, arg.parkTo);
      a.link.reply(id, parkCall, { parkedTo: this.cid(call, q.device.number) });
    });
    this.on(retrieveCall, (a, id, arg) => {
      const { device, call } = this.resolve(arg.connection);
      net.retrieve(device, call);
      a.link.reply(id, retrieveCall, undefined);
    });
    this.on(consultationCall, (a, id, arg) => {
      const { device, call } = this.resolve(arg.existingCall);
      const c = net.consult(device, call, arg.consultedDevice, arg.options?.callProfile);
      a.link.reply(id, consultationCall, { initiatedCall: this.cid(c.call, device.number) });
    });
    const twoCalls = (arg: { heldCall: ConnectionId; activeCall: ConnectionId }) => {
      const held = this.resolve(arg.heldCall);
      const active = this.resolve(arg.activeCall);
      if (held.device !== active.device)
        throw new ModelError("invalidConnection", "the two calls are on different devices");
      return { device: held.device, held: held.call, active: active.call };
    };
    this.on(transferCall, (a, id, arg) => {
      const { device, held, active } = twoCalls(arg);
      const result = net.transfer(device, held, active);
      const other = result.connections[0]?.device.number ?? device.number;
      a.link.reply(id, transferCall, { call: this.cid(result, other) });
    });
    this.on(conferenceCall, (a, id, arg) => {
      const { device, held, active } = twoCalls(arg);
      const result = net.conference(device, held, active);
      a.link.reply(id, conferenceCall, { call: this.cid(result, device.number) });
    });
    this.on(alternateCall, (a, id, arg) => {
      const { device, held, active } = twoCalls(arg);
      net.alternate(device, held, active);
      a.link.reply(id, alternateCall, undefined);
    });
    this.on(reconnectCall, (a, id, arg) => {
      const { device, held, active } = twoCalls(arg);
      net.reconnect(device, active, held);
      a.link.reply(id, reconnectCall, undefined);
    });
    this.on(deflectCall, (a, id, arg) => {
      const { device, call } = this.resolve(arg.call);
      net.deflect(device, call, arg.destination, arg.options?.anonymous === true);
      a.link.reply(id, deflectCall, undefined);
    });
    this.on(singleStepTransfer, (a, id, arg) => {
      const { device, call } = this.resolve(arg.call);
      const result = net.singleStepTransfer(device, call, arg.destination, arg.options?.anonymous === true);
      a.link.reply(id, singleStepTransfer, { call: this.cid(result, arg.destination) });
    });
    this.on(generateDigits, (a, id, arg) => {
      const { device, call } = this.resolve(arg.connection);
      if (net.connection(device, call).state !== "connected") {
        throw new ModelError("invalidConnectionState", "digits can only be sent on an active call");
      }
      // A caller waiting at an RSI point: the point hears them (its digit collection).
      rsiOf(net)?.digits(call, arg.digits);
      a.link.reply(id, generateDigits, undefined);
    });
    this.on(setDoNotDisturb, (a, id, arg) => {
      net.setDoNotDisturb(this.localDevice(arg.device), arg.doNotDisturbOn);
      a.link.reply(id, setDoNotDisturb, undefined);
    });
    this.on(getDoNotDisturb, (a, id, arg) => {
      a.link.reply(id, getDoNotDisturb, { doNotDisturbOn: this.localDevice(arg.device).doNotDisturb });
    });
    this.on(setForwarding, (a, id, arg) => {
      const device = this.localDevice(arg.device);
      const type = FORWARD_FROM_CSTA[arg.forwardingType];
      if (!type) {
        a.link.replyError(id, failure("operation", "invalidFeature"));
        return;
      }
      if (arg.activateForward && !arg.forwardDN) {
        a.link.replyError(id, failure("operation", "invalidForwardingDestination"));
        return;
      }
      net.setForward(device, { type, destination: arg.forwardDN ?? "" }, arg.activateForward);
      a.link.reply(id, setForwarding, undefined);
    });
    this.on(getForwarding, (a, id, arg) => {
      const device = this.localDevice(arg.device);
      a.link.reply(id, getForwarding, {
        forwards: device.forwards.map((f) => ({
          forwardingType: FORWARD_TYPES[f.type],
          forwardStatus: true,
          forwardDN: f.destination,
        })),
      });
    });
  }

  // ---- events ----------------------------------------------------------------------------

  /**
   * Run `report` eventLagMs from now, in order with the events queued before it. On the
   * monotonic clock: a test that fakes Date (a node started in 2027) while an event was queued
   * made `due - Date.now()` 59 days, which setTimeout turns into 1 ms, and the drain spun at
   * 1 ms for as long as the process lived (two million TimeoutOverflowWarnings in one run).
   */
  private later(report: () => void): void {
    this.lagged.push({ due: performance.now() + this.eventLagMs, report });
    if (this.lagged.length === 1) this.drainLater();
  }

  private drainLater(): void {
    const head = this.lagged[0];
    if (!head) return;
    setTimeout(
      () => {
        const now = performance.now();
        let n = 0;
        while (n < this.lagged.length && this.lagged[n]!.due <= now) n++;
        for (const e of this.lagged.splice(0, n)) e.report();
        this.drainLater();
      },
      Math.max(0, head.due - performance.now()),
    ).unref();
  }

  /** An event that is no call's (an agent's): to the monitors of these sets of this node. */
  private report(devices: readonly string[], event: CstaEvent): void {
    for (const number of devices) {
      if (this.net.devices.get(number)?.nodeId !== this.cstaOptions.nodeId) continue;
      const monitors = this.monitors.forDevice(number);
      if (!monitors) continue;
      for (const m of monitors as Monitor<CstaAssociation>[]) {
        const report = () => m.owner.link.notify(cstaEventReport, { crossRefId: m.crossRefId, event });
        if (this.eventLagMs <= 0 && this.lagged.length === 0) report();
        else this.later(report);
      }
    }
  }

  private onModelEvent(ev: ModelEvent): void {
    if (this.monitors.size === 0) return;
    for (const observer of ev.observers) {
      if (observer.nodeId !== this.cstaOptions.nodeId) continue;
      const monitors = this.monitors.forDevice(observer.number);
      if (!monitors) continue;
      const event = translateEvent(this.net, this.cstaOptions.nodeId, ev, observer);
      for (const m of monitors as Monitor<CstaAssociation>[]) {
        const report = () => m.owner.link.notify(cstaEventReport, { crossRefId: m.crossRefId, event });
        if (this.eventLagMs <= 0 && this.lagged.length === 0) report();
        else this.later(report);
      }
    }
  }
}
