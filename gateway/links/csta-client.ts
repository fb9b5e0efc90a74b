/**
 * The CSTA link to one node: a RoseClient with CSTA's operations, the systemStatus heartbeat
 * (both ways: we invoke it periodically and answer the switch's), and event reports handed to
 * one listener.
 */
import {
  CSTA_APPLICATION_CONTEXT,
  CSTA_OPERATIONS,
  type CstaFailure,
  cstaErrorCodec,
  cstaEventReport,
  type EventReport,
  systemStatus,
} from "../../protocols/csta/index.js";
import type { GatewayConfig, NodeConfig } from "../config/index.js";
import { RoseClient } from "./rose-client.js";

export type LinkLog = (level: "info" | "warn" | "error", line: string) => void;

export class CstaClient {
  readonly rose: RoseClient<CstaFailure>;
  private heartbeat: NodeJS.Timeout | undefined;
  private missed = 0;

  constructor(
    node: NodeConfig,
    private readonly links: GatewayConfig["links"],
    log: LinkLog,
    private readonly onEvent: (report: EventReport) => void,
  ) {
    const endpoints = [node.csta, ...(node.cstaSecondary ? [node.cstaSecondary] : [])];
    this.rose = new RoseClient<CstaFailure>({
      name: `node ${node.nodeId} CSTA`,
      endpoints,
      applicationContext: CSTA_APPLICATION_CONTEXT,
      login: node.login,
      password: node.password,
      operations: CSTA_OPERATIONS.byCode,
      errors: cstaErrorCodec,
      invokeTimeoutMs: links.invokeTimeoutMs,
      connectTimeoutMs: links.connectTimeoutMs,
      reconnectMinMs: links.reconnectMinMs,
      reconnectMaxMs: links.reconnectMaxMs,
      highWaterMark: links.snapshotWindow,
      log,
    });
    this.rose.on("invoked", (op, invokeId, arg) => {
      if (op === cstaEventReport) this.onEvent(arg as EventReport);
      else if (op === systemStatus) this.rose.link?.reply(invokeId, systemStatus, undefined);
    });
    this.rose.on("up", () => this.startHeartbeat());
    this.rose.on("down", () => this.stopHeartbeat());
  }

  start(): void {
    this.rose.start();
  }

  stop(): void {
    this.stopHeartbeat();
    this.rose.stop();
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.missed = 0;
    if (this.links.heartbeatMs <= 0) return;
    this.heartbeat = setInterval(() => {
      const link = this.rose.link;
      if (!link) return;
      // A heartbeat older than one period counts as missed: the link to a silent switch is
      // declared dead after `heartbeatMisses` periods, whatever the invoke timeout.
      let answered = false;
      const timer = setTimeout(() => {
        if (answered) return;
        if (++this.missed >= this.links.heartbeatMisses) {
          this.rose.reset(`no heartbeat answer for ${this.missed} periods`);
          this.missed = 0;
        }
      }, this.links.heartbeatMs);
      timer.unref();
      link.invoke(systemStatus, { systemStatus: "normal" }, (err) => {
        answered = true;
        clearTimeout(timer);
        if (!err || err.failure.kind === "error") this.missed = 0;
      });
    }, this.links.heartbeatMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
