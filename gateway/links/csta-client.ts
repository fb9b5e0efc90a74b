/**
 * The CSTA link to one node: a RoseClient with CSTA's operations, the systemStatus heartbeat
 * (both ways: we invoke it periodically and answer the switch's), event reports handed to one
 * listener, and the call control services as typed methods, so that no caller builds a CSTA
 * argument itself.
 */
import {
  alternateCall,
  answerCall,
  type ConnectionId,
  CSTA_APPLICATION_CONTEXT,
  CSTA_OPERATIONS,
  type CstaFailure,
  clearConnection,
  conferenceCall,
  consultationCall,
  cstaErrorCodec,
  cstaEventReport,
  deflectCall,
  type EventReport,
  type ForwardEntry,
  type ForwardingType,
  generateDigits,
  getDoNotDisturb,
  getForwarding,
  holdCall,
  makeCall,
  parkCall,
  reconnectCall,
  retrieveCall,
  setDoNotDisturb,
  setForwarding,
  singleStepTransfer,
  systemStatus,
  transferCall,
} from "../../protocols/csta/index.js";
import type { GatewayConfig, NodeConfig } from "../config/index.js";
import { RoseClient } from "./rose-client.js";

export type LinkLog = (level: "info" | "warn" | "error", line: string) => void;

export interface MakeCallOptions {
  /** false: the calling set rings first (CSTA autoOriginate prompt); otherwise it goes off-hook */
  autoAnswer?: boolean;
  /** correlator data the call carries to every party */
  correlatorData?: Uint8Array;
}

/** A held call and the active one on the same device, for the services that pair them. */
export interface CallPair {
  held: ConnectionId;
  active: ConnectionId;
}

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

  /** whether the link is associated and can carry a request now */
  get isUp(): boolean {
    return this.rose.isUp;
  }

  // ---- call control: one method per CSTA service, the switch's answer or its refusal ----------

  /** Call `callee` from `device`; the calling device's connection in the new call. */
  async makeCall(device: string, callee: string, options: MakeCallOptions = {}): Promise<ConnectionId> {
    const r = await this.rose.invoke(makeCall, {
      callingDevice: device,
      calledDirectoryNumber: callee,
      autoOriginate: options.autoAnswer === false ? "prompt" : "doNotPrompt",
      ...(options.correlatorData ? { correlatorData: options.correlatorData } : {}),
    });
    return r.callingDevice;
  }

  /** Hold `existing` and call `consulted` from the same device; the new call's connection. */
  async consultationCall(existing: ConnectionId, consulted: string): Promise<ConnectionId> {
    return (await this.rose.invoke(consultationCall, { existingCall: existing, consultedDevice: consulted }))
      .initiatedCall;
  }

  async answerCall(connection: ConnectionId): Promise<void> {
    await this.rose.invoke(answerCall, { connection });
  }

  async clearConnection(connection: ConnectionId): Promise<void> {
    await this.rose.invoke(clearConnection, { connection });
  }

  async holdCall(connection: ConnectionId): Promise<void> {
    await this.rose.invoke(holdCall, { connection });
  }

  async retrieveCall(connection: ConnectionId): Promise<void> {
    await this.rose.invoke(retrieveCall, { connection });
  }

  async transferCall(calls: CallPair): Promise<void> {
    await this.rose.invoke(transferCall, { heldCall: calls.held, activeCall: calls.active });
  }

  async conferenceCall(calls: CallPair): Promise<void> {
    await this.rose.invoke(conferenceCall, { heldCall: calls.held, activeCall: calls.active });
  }

  async alternateCall(calls: CallPair): Promise<void> {
    await this.rose.invoke(alternateCall, { heldCall: calls.held, activeCall: calls.active });
  }

  async reconnectCall(calls: CallPair): Promise<void> {
    await this.rose.invoke(reconnectCall, { heldCall: calls.held, activeCall: calls.active });
  }

  /** Send a ringing (or queued) call elsewhere. */
  async deflectCall(call: ConnectionId, destination: string): Promise<void> {
    await this.rose.invoke(deflectCall, { call, destination });
  }

  /** Transfer a call to `destination` without consulting it first. */
  async singleStepTransfer(call: ConnectionId, destination: string): Promise<void> {
    await this.rose.invoke(singleStepTransfer, { call, destination });
  }

  /** Park the call of `connection` on `parkTo`; the call's connection there, when the switch says. */
  async parkCall(connection: ConnectionId, parkTo: string): Promise<ConnectionId | undefined> {
    return (await this.rose.invoke(parkCall, { parking: connection, parkTo })).parkedTo;
  }

  /**
   * Take back the call parked on the connection's device. ECMA-269 has no unpark service: a
   * parked call waits queued at the park-to device and that device answers it (AnswerCall on
   * the queued connection), which is how the OXE's set takes it back.
   */
  async unparkCall(parked: ConnectionId): Promise<void> {
    await this.rose.invoke(answerCall, { connection: parked });
  }

  async generateDigits(connection: ConnectionId, digits: string): Promise<void> {
    await this.rose.invoke(generateDigits, { connection, digits });
  }

  // ---- the switch's routing of a device (ECMA-269 §22: forwarding and do-not-disturb) ------

  async getForwarding(device: string): Promise<readonly ForwardEntry[]> {
    return (await this.rose.invoke(getForwarding, { device })).forwards;
  }

  /** Activate a forward of `forwardingType` to `destination`, or cancel it (destination null). */
  async setForwarding(
    device: string,
    forwardingType: ForwardingType,
    destination: string | null,
  ): Promise<void> {
    await this.rose.invoke(
      setForwarding,
      destination === null
        ? { device, forwardingType, activateForward: false }
        : { device, forwardingType, activateForward: true, forwardDN: destination },
    );
  }

  async getDoNotDisturb(device: string): Promise<boolean> {
    return (await this.rose.invoke(getDoNotDisturb, { device })).doNotDisturbOn;
  }

  async setDoNotDisturb(device: string, on: boolean): Promise<void> {
    await this.rose.invoke(setDoNotDisturb, { device, doNotDisturbOn: on });
  }

  /** Stop the heartbeat and release the association (see RoseClient.stop). */
  stop(): Promise<void> {
    this.stopHeartbeat();
    return this.rose.stop();
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
