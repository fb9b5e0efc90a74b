/**
 * Everything the gateway holds open towards one OXE node, and the order things happen in:
 * CMIP up -> object model -> the node's users -> CSTA up -> every user's device monitored and
 * snapshotted -> OnCtiLinkUp (announced once both links are up). When a link drops, on a
 * switchover among other causes, the clients reconnect by themselves (to the standby address
 * first, for a redundant pair); the CSTA link's monitors are gone with it (OnCtiLinkDown), so
 * every user is monitored and snapshotted again and the call state reconciled.
 *
 * The startup snapshot is the hot path the vendor publishes figures for: monitor and snapshot
 * requests are pipelined with a bounded window, completions are callbacks, and nothing waits
 * on a request it does not need.
 */
import { EventEmitter } from "node:events";
import type {
  AgentEvent,
  CallBackEvent,
  CstaFailure,
  DoNotDisturbEvent,
  EventReport,
  ForwardingEvent,
  MessageWaitingEvent,
  MonitorStartResult,
  SnapshotCallResult,
  SnapshotDeviceResult,
} from "../../protocols/csta/index.js";
import {
  isFailure,
  monitorStart,
  monitorStop,
  snapshotCall,
  snapshotDevice,
} from "../../protocols/csta/index.js";
import type { RemoteOperationError } from "../../protocols/rose/index.js";
import type { GatewayConfig, NodeConfig } from "../config/index.js";
import type { NodeAnalytics } from "../domain/analytics/index.js";
import {
  markAcdOperatorNumbers,
  markAcdOperators,
  readAcdOperatorNumbers,
} from "../domain/callcenter/index.js";
import type { LoadedSubscriber, UserDirectory } from "../domain/directory.js";
import { SubscriberSync, subscriberRows, userAttributes } from "../domain/pbx/subscriber-sync.js";
import type { TelephonyEngine } from "../domain/telephony/index.js";
import type { EventPublisher } from "../events/types.js";
import { CmipClient } from "../links/cmip-client.js";
import { CstaClient, type LinkLog } from "../links/csta-client.js";

export type CtiLinkState = "CONNECTED_MAIN" | "CONNECTED_SECONDARY" | "DISCONNECTED";

export interface NodeStatus {
  nodeId: number;
  name: string;
  version: string;
  mainAddress: string;
  secondaryAddress: string | null;
  /** the configuration (CMIP) link is up */
  connected: boolean;
  /** the node's users have been read */
  loaded: boolean;
  ctiLinkState: CtiLinkState;
  monitoredUsers: number;
  /** users the node refused to monitor (its monitor limit) */
  unmonitoredUsers: number;
  /** monitoring and snapshot of every user finished on the current CSTA link */
  ready: boolean;
  /** times the CTI link was lost since start */
  ctiLosses: number;
}

interface NodeLinkEvents {
  /** every user monitored and snapshotted on a new CSTA link (ms taken, users monitored) */
  ready: [ms: number, users: number];
  /** OnCtiLinkUp was announced: both links up and monitoring restored */
  ctiUp: [];
  ctiDown: [];
  /** the node's external contacts were read */
  phoneBook: [contacts: { lastName: string; firstName: string; phoneNumber: string }[]];
  /** a set's forwarding or do-not-disturb changed (from the gateway or from the phone) */
  feature: [device: string, event: DoNotDisturbEvent | ForwardingEvent];
  /** an ACD agent event on a monitored set (a CCD operator's) */
  agent: [device: string, event: AgentEvent];
  /** an event on a monitor the user pass did not start (a CCD pilot's, say) */
  otherMonitor: [report: EventReport];
  /** a callback request the set made or is asked for was set, cancelled or used up */
  callBack: [device: string, event: CallBackEvent];
  /** the set's message lamp was lit or put out (a text message came, or was read) */
  messageWaiting: [device: string, event: MessageWaitingEvent];
}

/**
 * A device's MonitorStart and SnapshotDevice answers, during a monitoring pass; also the
 * argument of both requests (their `device`) and the context their answers come back with.
 */
interface DeviceAnswers {
  readonly device: string;
  answers: number;
  refused: boolean;
  snapError: RemoteOperationError<CstaFailure> | null;
  snap: SnapshotDeviceResult | undefined;
}

export class NodeLink extends EventEmitter<NodeLinkEvents> {
  readonly cmip: CmipClient;
  readonly csta: CstaClient;
  /**
   * The monitors of the current CSTA link: the device behind each cross-reference id. No map the
   * other way: only a user change (syncMonitors) asks by device, and a second map of 20,000 was
   * a good part of the startup snapshot's cost per user.
   */
  private readonly deviceByCrossRef = new Map<string, string>();
  private loaded = false;
  private ready = false;
  /** OnCtiLinkUp announced for the current CSTA link */
  private ctiUpAnnounced = false;
  /** a monitoring pass is under way on the current CSTA link */
  private passRunning = false;
  private unmonitored = 0;
  /** devices the node refused to monitor on this link (its limit): not asked again */
  private readonly refused = new Set<string>();
  private ctiLosses = 0;
  /** bumped on every CSTA loss, so a monitoring pass that outlives its link stops */
  private generation = 0;
  /** bumped whenever the node's user list changes: a pass that saw no change has nothing to catch up */
  private usersEpoch = 0;
  private nodeName = "";
  private version = "";
  /** the node's voice mail pilot (the Node object's Voice_Mail_Number), when it has one */
  voiceMailNumber: string | undefined;
  private cmipHeartbeat: NodeJS.Timeout | undefined;
  /** the node's subscribers created, deleted, changed after the startup read (CMIP event reports) */
  readonly subscribers: SubscriberSync;

  constructor(
    readonly config: NodeConfig,
    private readonly links: GatewayConfig["links"],
    private readonly directory: UserDirectory,
    private readonly telephony: TelephonyEngine,
    private readonly events: EventPublisher,
    private readonly log: LinkLog,
    /** incidents and charging over the node's SSH link; undefined when it has no SSH address */
    readonly analytics?: NodeAnalytics,
  ) {
    super();
    this.cmip = new CmipClient(config, links, log);
    this.csta = new CstaClient(config, links, log, (report) => this.onEventReport(report));
    this.subscribers = new SubscriberSync(this.cmip, {
      nodeId: config.nodeId,
      directory,
      events,
      // A pass under way picks the change up when it ends (it calls syncMonitors).
      usersChanged: () => {
        this.usersEpoch++;
        if (this.ready) this.syncMonitors();
        // a user created since may be a CCD operator
        void this.readAcdOperators();
      },
      voiceMailNumber: () => this.voiceMailNumber,
    });
    this.cmip.rose.on("up", () => void this.onCmipUp());
    this.cmip.rose.on("down", () => this.onCmipDown());
    this.csta.rose.on("up", () => this.maybeMonitor());
    this.csta.rose.on("down", () => this.onCstaDown());
  }

  get nodeId(): number {
    return this.config.nodeId;
  }

  start(): void {
    this.cmip.start();
    this.csta.start();
    this.analytics?.start();
  }

  /**
   * Stop: the monitors are stopped (CSTA MonitorStop each) and both associations released (ACSE
   * RLRQ after them on the same connection, so the node has the MonitorStops first). Resolves
   * once both connections are closed.
   */
  stop(): Promise<void> {
    this.generation++;
    clearInterval(this.cmipHeartbeat);
    const link = this.csta.rose.link;
    if (link)
      for (const crossRefId of this.deviceByCrossRef.keys())
        link.invoke(monitorStop, { crossRefId }, () => {});
    this.deviceByCrossRef.clear();
    this.analytics?.stop();
    return Promise.all([this.csta.stop(), this.cmip.stop()]).then(() => undefined);
  }

  get monitoredUsers(): number {
    return this.deviceByCrossRef.size;
  }

  status(): NodeStatus {
    const c = this.config;
    const csta = this.csta.rose;
    return {
      nodeId: c.nodeId,
      name: this.nodeName || `node ${c.nodeId}`,
      version: this.version,
      mainAddress: `${c.csta.host}:${c.csta.port}`,
      secondaryAddress: c.cstaSecondary ? `${c.cstaSecondary.host}:${c.cstaSecondary.port}` : null,
      connected: this.cmip.rose.isUp,
      loaded: this.loaded,
      ctiLinkState: !csta.isUp
        ? "DISCONNECTED"
        : csta.endpointIndex === 0
          ? "CONNECTED_MAIN"
          : "CONNECTED_SECONDARY",
      monitoredUsers: this.monitoredUsers,
      unmonitoredUsers: this.unmonitored,
      ready: this.ready,
      ctiLosses: this.ctiLosses,
    };
  }

  private system(eventName: string): void {
    this.events.publish("system", null, { eventName, nodeId: String(this.nodeId) });
  }

  // ---- configuration link ----------------------------------------------------------------

  private async onCmipUp(): Promise<void> {
    this.system("OnPbxLinkUp");
    this.startCmipHeartbeat();
    try {
      await this.cmip.loadSchema();
      const withVoiceMail = this.cmip.schema
        .get("Node")
        ?.attributes.some((a) => a.name === "Voice_Mail_Number");
      // The Node object, the users and the CCD operators asked at once: the node answers them
      // in order on the one association, and the monitoring waits one round trip, not three.
      const nodeRead = this.cmip.get("Node", this.cmip.root, [
        "Node_Name",
        "Version",
        ...(withVoiceMail ? ["Voice_Mail_Number"] : []),
      ]);
      const users: LoadedSubscriber[] = [];
      const attributes = userAttributes(this.cmip);
      const subscriberOf = subscriberRows(attributes);
      const usersRead = this.cmip.scopedRows("Subscriber", attributes, (values) => {
        const s = subscriberOf(values);
        if (s) users.push(s);
      });
      const operatorsRead = this.readAcdOperatorNumbers();
      // all() waits on both, so a failure of either is handled, and the other's too
      const [node] = await Promise.all([nodeRead, usersRead]);
      this.nodeName = String(node.Node_Name ?? "");
      this.version = String(node.Version ?? "");
      this.voiceMailNumber = node.Voice_Mail_Number ? String(node.Voice_Mail_Number) : undefined;
      this.subscribers.load(users);
      this.usersEpoch++;
      const operators = await operatorsRead;
      if (operators) markAcdOperatorNumbers(operators, this.directory, this.nodeId);
      const first = !this.loaded;
      this.loaded = true;
      this.log("info", `node ${this.nodeId}: ${users.length} users read over CMIP`);
      if (first) this.system("OnPbxLoaded");
      // A pass already under way picks the new list up when it ends (syncMonitors below).
      if (this.ready) this.syncMonitors();
      else this.maybeMonitor();
      this.maybeAnnounceUp();
      // Off the startup path: the users are monitored meanwhile.
      void this.readPhoneBook();
    } catch (err) {
      this.log("error", `node ${this.nodeId}: reading the configuration failed: ${(err as Error).message}`);
      this.cmip.rose.reset("configuration read failed");
    }
  }

  /** Which users are CCD operators (Users' logins?onlyACD): not worth dropping the link for. */
  private async readAcdOperators(): Promise<void> {
    if (!this.cmip.rose.isUp) return;
    await markAcdOperators(this.cmip, this.directory, this.nodeId).catch((err: Error) =>
      this.log("warn", `node ${this.nodeId}: reading the CCD operators failed: ${err.message}`),
    );
  }

  /** The numbers of the node's CCD operators; undefined (and a warning) when they cannot be read. */
  private readAcdOperatorNumbers(): Promise<ReadonlySet<string> | undefined> {
    return readAcdOperatorNumbers(this.cmip).catch((err: Error) => {
      // a link that dropped is reported once, as the configuration read's failure
      if (this.cmip.rose.isUp)
        this.log("warn", `node ${this.nodeId}: reading the CCD operators failed: ${err.message}`);
      return undefined;
    });
  }

  /** The node's external contacts (its Phone_Book_Entry objects), for directory searches. */
  private async readPhoneBook(): Promise<void> {
    if (!this.cmip.schema.has("Phone_Book_Entry")) return;
    try {
      const contacts: { lastName: string; firstName: string; phoneNumber: string }[] = [];
      await this.cmip.scopedGet(
        "Phone_Book_Entry",
        ["Entry_Name", "Entry_First_Name", "Entry_Number"],
        (_i, a) => {
          const phoneNumber = String(a.Entry_Number ?? "");
          if (phoneNumber)
            contacts.push({
              lastName: String(a.Entry_Name ?? ""),
              firstName: String(a.Entry_First_Name ?? ""),
              phoneNumber,
            });
        },
      );
      this.emit("phoneBook", contacts);
    } catch (err) {
      this.log("warn", `node ${this.nodeId}: reading the phone book failed: ${(err as Error).message}`);
    }
  }

  private onCmipDown(): void {
    clearInterval(this.cmipHeartbeat);
    this.system("OnPbxLinkDown");
  }

  /**
   * CMIP has no heartbeat operation of its own: a small read of the Node object stands in for
   * one, so a configuration link to a call server that went silent is noticed like the CSTA one.
   */
  private startCmipHeartbeat(): void {
    clearInterval(this.cmipHeartbeat);
    if (this.links.heartbeatMs <= 0) return;
    let missed = 0;
    this.cmipHeartbeat = setInterval(() => {
      if (!this.cmip.rose.isUp) return;
      let answered = false;
      const timer = setTimeout(() => {
        if (answered) return;
        if (++missed >= this.links.heartbeatMisses) {
          missed = 0;
          this.cmip.rose.reset(`no heartbeat answer for ${this.links.heartbeatMisses} periods`);
        }
      }, this.links.heartbeatMs);
      timer.unref();
      this.cmip.get("Node", this.cmip.root, ["Node_Number"]).then(
        () => {
          answered = true;
          missed = 0;
          clearTimeout(timer);
        },
        () => {
          answered = true;
          clearTimeout(timer);
        },
      );
    }, this.links.heartbeatMs);
    this.cmipHeartbeat.unref();
  }

  // ---- CTI link ----------------------------------------------------------------------------

  private onCstaDown(): void {
    this.generation++;
    const wasUp = this.ctiUpAnnounced;
    this.ready = false;
    this.ctiUpAnnounced = false;
    this.passRunning = false;
    this.refused.clear();
    this.deviceByCrossRef.clear();
    this.ctiLosses++;
    if (wasUp || this.loaded) this.system("OnCtiLinkDown");
    if (wasUp) this.devicesState("OUT_OF_SERVICE");
    this.emit("ctiDown");
  }

  /**
   * OnDeviceStateModified to every user of the node: without the CTI link their sets are out
   * of O2G's service (getDeviceState says the same), back in service with it.
   */
  private devicesState(state: "IN_SERVICE" | "OUT_OF_SERVICE"): void {
    for (const u of this.directory.usersOfNode(this.nodeId))
      this.events.publish("telephony", u.loginName, {
        eventName: "OnDeviceStateModified",
        loginName: u.loginName,
        deviceStates: u.devices.map((d) => ({ deviceId: d.id, state })),
      });
  }

  /** OnCtiLinkUp: once the CSTA link is monitoring everyone again and the CMIP link is up too. */
  private maybeAnnounceUp(): void {
    if (this.ctiUpAnnounced || !this.ready || !this.cmip.rose.isUp || !this.csta.rose.isUp) return;
    this.ctiUpAnnounced = true;
    this.system("OnCtiLinkUp");
    // The first time, nothing was out of service: only a link that comes back is news.
    if (this.ctiLosses > 0) this.devicesState("IN_SERVICE");
    this.emit("ctiUp");
  }

  private onEventReport(report: EventReport): void {
    const device = this.deviceByCrossRef.get(report.crossRefId);
    if (device === undefined) {
      // a monitor another part of the gateway started (pilots), or one from a pass we abandoned
      this.emit("otherMonitor", report);
      return;
    }
    const ev = report.event;
    if (ev.type === "doNotDisturb" || ev.type === "forwarding") {
      this.emit("feature", device, ev);
      return;
    }
    if (ev.type.startsWith("agent")) {
      this.emit("agent", device, ev as AgentEvent);
      return;
    }
    if (ev.type === "callBack") {
      this.emit("callBack", device, ev);
      return;
    }
    if (ev.type === "messageWaiting") {
      this.emit("messageWaiting", device, ev);
      return;
    }
    this.telephony.onCstaEvent(this.nodeId, device, ev);
  }

  private maybeMonitor(): void {
    if (!this.loaded || !this.csta.rose.isUp || this.ready || this.passRunning) return;
    this.passRunning = true;
    const started = performance.now();
    const gen = ++this.generation;
    this.unmonitored = 0;
    const epoch = this.usersEpoch;
    const devices: string[] = [];
    for (const u of this.directory.usersOfNode(this.nodeId)) for (const d of u.devices) devices.push(d.id);
    this.monitorDevices(devices, gen, () => {
      this.passRunning = false;
      this.ready = true;
      const ms = Math.round(performance.now() - started);
      this.log(
        "info",
        `node ${this.nodeId}: snapshot ${this.monitoredUsers} users in ${ms} ms` +
          (this.unmonitored ? ` (${this.unmonitored} refused: the node's monitor limit)` : ""),
      );
      this.emit("ready", ms, this.monitoredUsers);
      // Users read while the pass ran (a CMIP reload) are caught up now; with no change there
      // is nothing to catch up (comparing 20,000 devices to find so was a cost of every start).
      if (this.usersEpoch !== epoch) this.syncMonitors();
      this.maybeAnnounceUp();
    });
  }

  /**
   * After the user list changed on a link that is already monitoring: monitor who is new, stop
   * monitoring who is gone.
   */
  private syncMonitors(): void {
    const link = this.csta.rose.link;
    if (!link) return;
    const wanted = new Set(
      this.directory.usersOfNode(this.nodeId).flatMap((u) => u.devices.map((d) => d.id)),
    );
    const monitored = new Set<string>();
    for (const [crossRefId, device] of [...this.deviceByCrossRef]) {
      if (wanted.has(device)) {
        monitored.add(device);
        continue;
      }
      this.deviceByCrossRef.delete(crossRefId);
      link.invoke(monitorStop, { crossRefId }, () => {});
    }
    const missing = [...wanted].filter((d) => !monitored.has(d) && !this.refused.has(d));
    if (missing.length) this.monitorDevices(missing, this.generation, () => {});
  }

  /**
   * Monitor and snapshot `devices`, `snapshotWindow` requests in flight at most. A device's
   * MonitorStart and SnapshotDevice go out together: the node handles them in order on the one
   * association, so the snapshot still sees the monitor running (no event falls between them),
   * and a user costs one round trip instead of two.
   */
  private monitorDevices(devices: string[], gen: number, done: () => void): void {
    const link = this.csta.rose.link;
    if (!link) return;
    const total = devices.length;
    // The window counts requests: two per device in flight (one device at least).
    const window = Math.max(1, this.links.snapshotWindow >> 1);
    let next = 0;
    let inFlight = 0;
    let finished = 0;
    let limitReached = false;
    const calls = new Map<string, SnapshotCallResult>();

    const completeOne = () => {
      inFlight--;
      finished++;
      if (finished === total) {
        if (gen === this.generation) done();
      } else pump();
    };

    const snapshotted = (device: string, res: SnapshotDeviceResult) => {
      if (res.calls.length === 0) {
        // An idle device (nearly every one at startup): no call to read first.
        this.telephony.onSnapshot(this.nodeId, device, [], calls);
        completeOne();
        return;
      }
      const entries = res.calls.flatMap((c) =>
        c.connection.callId !== undefined
          ? [{ callId: c.connection.callId, state: c.states[0] ?? "connected" }]
          : [],
      );
      const missing = entries.filter((e) => !calls.has(e.callId));
      if (missing.length === 0) {
        this.telephony.onSnapshot(this.nodeId, device, entries, calls);
        completeOne();
        return;
      }
      // The device is in calls we have not read yet: read them, then apply.
      let pending = missing.length;
      for (const e of missing) {
        link.invoke(snapshotCall, { call: { callId: e.callId, deviceId: device } }, (err, r) => {
          if (gen !== this.generation) return;
          if (!err && r) calls.set(e.callId, r);
          if (--pending === 0) {
            this.telephony.onSnapshot(this.nodeId, device, entries, calls);
            completeOne();
          }
        });
      }
    };

    // Once per pass, not per device (as the answers' callbacks below): a closure per request
    // was a good part of what a user cost the startup snapshot, in CPU and in garbage.
    const answered = (d: DeviceAnswers) => {
      if (++d.answers < 2) return;
      if (d.refused) completeOne();
      else if (d.snapError || !d.snap) {
        this.log("warn", `node ${this.nodeId}: snapshot of ${d.device} failed: ${d.snapError?.message}`);
        completeOne();
      } else snapshotted(d.device, d.snap);
    };

    const monitorAnswered = (
      err: RemoteOperationError<CstaFailure> | null,
      res: MonitorStartResult | undefined,
      d: DeviceAnswers,
    ) => {
      // A link that closed fails its pending requests before it says it is down: the pass is
      // over either way, and the next link's pass asks again.
      if (gen !== this.generation || err?.failure.kind === "closed") return;
      if (err || !res) {
        if (this.monitorFailed(d.device, err)) limitReached = true;
        d.refused = true;
      } else {
        this.deviceByCrossRef.set(res.crossRefId, d.device);
      }
      answered(d);
    };

    const snapshotAnswered = (
      err: RemoteOperationError<CstaFailure> | null,
      res: SnapshotDeviceResult | undefined,
      d: DeviceAnswers,
    ) => {
      if (gen !== this.generation || err?.failure.kind === "closed") return;
      d.snapError = err;
      d.snap = res;
      answered(d);
    };

    const monitorOne = (device: string) => {
      inFlight++;
      // The two answers, in whichever order they come; the device is done once both are in.
      const d: DeviceAnswers = { device, answers: 0, refused: false, snapError: null, snap: undefined };
      link.invokeWith(monitorStart, d, d, monitorAnswered);
      link.invokeWith(snapshotDevice, d, d, snapshotAnswered);
    };

    const pump = () => {
      while (inFlight < window && next < total && gen === this.generation) {
        if (limitReached) {
          // The node said it holds no more monitors: asking again for each remaining user
          // would only collect the same refusal.
          this.unmonitored += total - next;
          for (let i = next; i < total; i++) this.refused.add(devices[i]!);
          finished += total - next;
          next = total;
          if (finished === total && inFlight === 0 && gen === this.generation) done();
          return;
        }
        monitorOne(devices[next++]!);
      }
    };

    if (total === 0) done();
    else pump();
  }

  /** Counts a refused monitor; true when the refusal is the node's monitor limit. */
  private monitorFailed(device: string, err: RemoteOperationError<CstaFailure> | null): boolean {
    this.unmonitored++;
    const f = err?.failure;
    this.refused.add(device);
    if (
      f?.kind === "error" &&
      isFailure(f.error, "systemResourceAvailability", "overallMonitorLimitExceeded")
    ) {
      if (this.unmonitored === 1)
        this.log("warn", `node ${this.nodeId}: the node refuses more monitors (its limit)`);
      return true;
    }
    this.log("warn", `node ${this.nodeId}: cannot monitor ${device}: ${err?.message ?? "unknown error"}`);
    return false;
  }
}
