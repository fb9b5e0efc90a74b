/**
 * Everything the gateway holds open towards one OXE node, and the order things happen in:
 * CMIP up -> object model -> the node's users -> CSTA up -> every user's device monitored and
 * snapshotted -> OnCtiLinkUp. When the CSTA link drops the node's monitors are gone with it
 * (OnCtiLinkDown); when it comes back, on the main or the standby address, every user is
 * monitored and snapshotted again and the call state reconciled.
 *
 * The startup snapshot is the hot path the vendor publishes figures for: monitor and snapshot
 * requests are pipelined with a bounded window, completions are callbacks, and nothing waits
 * on a request it does not need.
 */
import { EventEmitter } from "node:events";
import type {
  CstaFailure,
  EventReport,
  SnapshotCallResult,
  SnapshotDeviceResult,
} from "../../protocols/csta/index.js";
import { isFailure, monitorStart, snapshotCall, snapshotDevice } from "../../protocols/csta/index.js";
import type { RemoteOperationError } from "../../protocols/rose/index.js";
import type { GatewayConfig, NodeConfig } from "../config/index.js";
import type { LoadedSubscriber, UserDirectory } from "../domain/directory.js";
import type { TelephonyEngine } from "../domain/telephony/index.js";
import type { EventPublisher } from "../events/types.js";
import { CmipClient } from "./cmip-client.js";
import { CstaClient, type LinkLog } from "./csta-client.js";

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
}

interface NodeLinkEvents {
  ready: [ms: number, users: number];
  ctiDown: [];
}

export class NodeLink extends EventEmitter<NodeLinkEvents> {
  readonly cmip: CmipClient;
  readonly csta: CstaClient;
  private readonly deviceByCrossRef = new Map<string, string>();
  private loaded = false;
  private ready = false;
  private monitored = 0;
  private unmonitored = 0;
  /** bumped on every CSTA loss, so a monitoring pass that outlives its link stops */
  private generation = 0;
  private nodeName = "";
  private version = "";

  constructor(
    readonly config: NodeConfig,
    private readonly links: GatewayConfig["links"],
    private readonly directory: UserDirectory,
    private readonly telephony: TelephonyEngine,
    private readonly events: EventPublisher,
    private readonly log: LinkLog,
  ) {
    super();
    this.cmip = new CmipClient(config, links, log);
    this.csta = new CstaClient(config, links, log, (report) => this.onEventReport(report));
    this.cmip.rose.on("up", () => void this.onCmipUp());
    this.cmip.rose.on("down", () => this.system("OnPbxLinkDown"));
    this.csta.rose.on("up", () => this.maybeMonitor());
    this.csta.rose.on("down", () => this.onCstaDown());
  }

  get nodeId(): number {
    return this.config.nodeId;
  }

  start(): void {
    this.cmip.start();
    this.csta.start();
  }

  stop(): void {
    this.generation++;
    this.csta.stop();
    this.cmip.stop();
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
      monitoredUsers: this.monitored,
      unmonitoredUsers: this.unmonitored,
      ready: this.ready,
    };
  }

  private system(eventName: string): void {
    this.events.publish("system", null, { eventName, nodeId: String(this.nodeId) });
  }

  private async onCmipUp(): Promise<void> {
    this.system("OnPbxLinkUp");
    try {
      await this.cmip.loadSchema();
      const node = await this.cmip.get("Node", this.cmip.root, ["Node_Name", "Version"]);
      this.nodeName = String(node.Node_Name ?? "");
      this.version = String(node.Version ?? "");
      const users: LoadedSubscriber[] = [];
      await this.cmip.scopedGet(
        "Subscriber",
        ["Directory_Number", "Annu_Name", "Annu_First_Name", "Station_Type", "Login_Name"],
        (_instance, a) => {
          const dn = String(a.Directory_Number ?? "");
          if (!dn) return;
          users.push({
            directoryNumber: dn,
            lastName: String(a.Annu_Name ?? ""),
            firstName: String(a.Annu_First_Name ?? ""),
            stationType: String(a.Station_Type ?? ""),
            loginName: String(a.Login_Name ?? `oxe${dn}`),
          });
        },
      );
      this.directory.replaceNode(this.nodeId, users);
      const first = !this.loaded;
      this.loaded = true;
      this.log("info", `node ${this.nodeId}: ${users.length} users read over CMIP`);
      if (first) this.system("OnPbxLoaded");
      this.maybeMonitor();
    } catch (err) {
      this.log("error", `node ${this.nodeId}: reading the configuration failed: ${(err as Error).message}`);
      this.cmip.rose.reset("configuration read failed");
    }
  }

  private onCstaDown(): void {
    this.generation++;
    const wasReady = this.ready;
    this.ready = false;
    this.monitored = 0;
    this.deviceByCrossRef.clear();
    if (wasReady || this.loaded) this.system("OnCtiLinkDown");
    this.emit("ctiDown");
  }

  private onEventReport(report: EventReport): void {
    const device = this.deviceByCrossRef.get(report.crossRefId);
    if (device === undefined) return; // a monitor from a pass we abandoned
    this.telephony.onCstaEvent(this.nodeId, device, report.event);
  }

  private maybeMonitor(): void {
    if (!this.loaded || !this.csta.rose.isUp || this.ready) return;
    this.monitorAll();
  }

  /** Monitor and snapshot every user's device, `snapshotWindow` requests in flight at most. */
  private monitorAll(): void {
    const gen = ++this.generation;
    const link = this.csta.rose.link;
    if (!link) return;
    const started = performance.now();
    const devices = this.directory.usersOfNode(this.nodeId).flatMap((u) => u.devices.map((d) => d.id));
    this.monitored = 0;
    this.unmonitored = 0;
    this.deviceByCrossRef.clear();
    const total = devices.length;
    const window = Math.max(1, this.links.snapshotWindow);
    let next = 0;
    let inFlight = 0;
    let done = 0;
    let limitReached = false;
    const calls = new Map<string, SnapshotCallResult>();

    const finish = () => {
      if (gen !== this.generation) return;
      this.ready = true;
      const ms = Math.round(performance.now() - started);
      this.log(
        "info",
        `node ${this.nodeId}: snapshot ${this.monitored} users in ${ms} ms` +
          (this.unmonitored ? ` (${this.unmonitored} refused: the node's monitor limit)` : ""),
      );
      this.system("OnCtiLinkUp");
      this.emit("ready", ms, this.monitored);
    };

    const completeOne = () => {
      inFlight--;
      done++;
      if (done === total) finish();
      else pump();
    };

    const snapshotted = (device: string, res: SnapshotDeviceResult) => {
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

    const monitorOne = (device: string) => {
      inFlight++;
      link.invoke(monitorStart, { device }, (err, res) => {
        if (gen !== this.generation) return;
        if (err || !res) {
          this.monitorFailed(device, err, () => {
            limitReached = true;
          });
          completeOne();
          return;
        }
        this.deviceByCrossRef.set(res.crossRefId, device);
        this.monitored++;
        link.invoke(snapshotDevice, { device }, (err2, snap) => {
          if (gen !== this.generation) return;
          if (err2 || !snap) {
            this.log("warn", `node ${this.nodeId}: snapshot of ${device} failed: ${err2?.message}`);
            completeOne();
            return;
          }
          snapshotted(device, snap);
        });
      });
    };

    const pump = () => {
      while (inFlight < window && next < total && gen === this.generation) {
        if (limitReached) {
          // The node said it holds no more monitors: asking again for each remaining user
          // would only collect the same refusal.
          this.unmonitored += total - next;
          done += total - next;
          next = total;
          if (done === total && inFlight === 0) finish();
          return;
        }
        monitorOne(devices[next++]!);
      }
    };

    if (total === 0) finish();
    else pump();
  }

  private monitorFailed(
    device: string,
    err: RemoteOperationError<CstaFailure> | null,
    onLimit: () => void,
  ): void {
    const f = err?.failure;
    if (
      f?.kind === "error" &&
      isFailure(f.error, "systemResourceAvailability", "overallMonitorLimitExceeded")
    ) {
      if (this.unmonitored === 0)
        this.log("warn", `node ${this.nodeId}: the node refuses more monitors (its limit)`);
      this.unmonitored++;
      onLimit();
      return;
    }
    this.unmonitored++;
    this.log("warn", `node ${this.nodeId}: cannot monitor ${device}: ${err?.message ?? "unknown error"}`);
  }
}
