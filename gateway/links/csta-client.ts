/**
 * The CSTA link to one node: a RoseClient with CSTA's operations, the systemStatus heartbeat
 * (both ways: we invoke it periodically and answer the switch's), event reports handed to one
 * listener, and the call control services as typed methods, so that no caller builds a CSTA
 * argument itself.
 */
import {
  alternateCall,
  answerCall,
  associateData,
  type CallBackListEntry,
  type CallPrivateRequest,
  type CallProfileSkill,
  type ConnectionId,
  CSTA_APPLICATION_CONTEXT,
  CSTA_OPERATIONS,
  type CstaFailure,
  callBack,
  callBackNonCallRelated,
  cancelCallBack,
  clearConnection,
  conferenceCall,
  consultationCall,
  cstaErrorCodec,
  cstaEventReport,
  type DeskSharingRequest,
  decodeTextMessageAnswer,
  deflectCall,
  directedPickupCall,
  type EventReport,
  escapeService,
  type ForwardEntry,
  type ForwardingType,
  generateDigits,
  getCallBack,
  getDoNotDisturb,
  getForwarding,
  holdCall,
  type IthMicroRequest,
  intrudeCall,
  makeCall,
  parkCall,
  reconnectCall,
  retrieveCall,
  setDoNotDisturb,
  setForwarding,
  singleStepTransfer,
  systemStatus,
  type TextMessageAnswer,
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
  /** makeBusinessCall: the account code (cost center) the call is charged to */
  accountCode?: string;
  /** makePrivateCall: the caller's PIN, then `#` and the secret code if any */
  authCode?: string;
  /** makeCallEx: the number the callee is shown, and no ringback for the caller */
  callingNumber?: string;
  inhibitProgressTone?: boolean;
  /** makePilotOrRSICall: the skills the pilot's agent is chosen on */
  callProfile?: CallProfileSkill[];
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
      ...(options.accountCode !== undefined ? { accountCode: options.accountCode } : {}),
      ...(options.authCode !== undefined ? { authCode: options.authCode } : {}),
      ...(options.callingNumber !== undefined || options.inhibitProgressTone || options.callProfile
        ? {
            options: {
              ...(options.callingNumber !== undefined ? { callingNumber: options.callingNumber } : {}),
              ...(options.inhibitProgressTone ? { inhibitProgressTone: true } : {}),
              ...(options.callProfile ? { callProfile: options.callProfile } : {}),
            },
          }
        : {}),
    });
    return r.callingDevice;
  }

  /** Hold `existing` and call `consulted` from the same device; the new call's connection. */
  async consultationCall(
    existing: ConnectionId,
    consulted: string,
    callProfile?: CallProfileSkill[],
  ): Promise<ConnectionId> {
    return (
      await this.rose.invoke(consultationCall, {
        existingCall: existing,
        consultedDevice: consulted,
        ...(callProfile ? { options: { callProfile } } : {}),
      })
    ).initiatedCall;
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
  async deflectCall(call: ConnectionId, destination: string, anonymous = false): Promise<void> {
    await this.rose.invoke(deflectCall, {
      call,
      destination,
      ...(anonymous ? { options: { anonymous } } : {}),
    });
  }

  /** Transfer a call to `destination` without consulting it first. */
  async singleStepTransfer(call: ConnectionId, destination: string, anonymous = false): Promise<void> {
    await this.rose.invoke(singleStepTransfer, {
      call,
      destination,
      ...(anonymous ? { options: { anonymous } } : {}),
    });
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

  /**
   * `device` takes the call ringing at `ringing` (directedPickupCall): connected at once, or with
   * `ring` rung on `device` to be answered there. Its connection in the call.
   */
  async pickUpCall(ringing: ConnectionId, device: string, ring = false): Promise<ConnectionId | undefined> {
    return (
      await this.rose.invoke(directedPickupCall, {
        callToBePickedUp: ringing,
        requestingDevice: device,
        ...(ring ? { ring } : {}),
      })
    ).pickedCall;
  }

  /** The caller of `failed`, which found its callee busy, joins the callee's call (intrudeCall). */
  async intrudeCall(failed: ConnectionId): Promise<ConnectionId | undefined> {
    return (await this.rose.invoke(intrudeCall, { intrude: failed })).conferencedCall;
  }

  /** Attach correlator data or account information to the call (associateData). */
  async associateData(
    call: ConnectionId,
    data: { correlatorData?: Uint8Array; accountCode?: Uint8Array },
  ): Promise<void> {
    await this.rose.invoke(associateData, { existingCall: call, ...data });
  }

  /** One of the OXE's private requests on a call or a device, through the escape service. */
  async callPrivateRequest(
    request: CallPrivateRequest | DeskSharingRequest | IthMicroRequest,
  ): Promise<void> {
    await this.rose.invoke(escapeService, { privateData: request });
  }

  // ---- callbacks (ECMA-269 §17.1.4, §22.1) and text messages (the OXE's private requests) ----

  /** Ask to be called back by the busy or ringing callee of the call; the callee, when told. */
  async callBack(connection: ConnectionId): Promise<string | undefined> {
    return (await this.rose.invoke(callBack, { callbackConnection: connection })).targetDevice;
  }

  async callBackNonCallRelated(originatingDevice: string, targetDevice: string): Promise<void> {
    await this.rose.invoke(callBackNonCallRelated, { originatingDevice, targetDevice });
  }

  async cancelCallBack(originatingDevice: string, targetDevice: string): Promise<void> {
    await this.rose.invoke(cancelCallBack, { originatingDevice, targetDevice });
  }

  /** The callbacks the device made or is asked for. */
  async getCallBack(device: string): Promise<CallBackListEntry[]> {
    return (await this.rose.invoke(getCallBack, { device })).callBackList;
  }

  async sendTextMessage(sender: string, recipient: string, text: string): Promise<void> {
    await this.rose.invoke(escapeService, {
      privateData: { v: 1, service: "miniMessage", op: "send", sender, recipient, text },
    });
  }

  /** The device's oldest unread text message, which the OXE then counts as read. */
  async readTextMessage(device: string): Promise<TextMessageAnswer> {
    const res = await this.rose.invoke(escapeService, {
      privateData: { v: 1, service: "miniMessage", op: "read", device },
    });
    return decodeTextMessageAnswer(res?.privateData, "read");
  }

  async countTextMessages(device: string): Promise<{ unread: number; read: number }> {
    const res = await this.rose.invoke(escapeService, {
      privateData: { v: 1, service: "miniMessage", op: "count", device },
    });
    const a = decodeTextMessageAnswer(res?.privateData, "count");
    return a.kind === "counts" ? { unread: a.unread, read: a.read } : { unread: 0, read: 0 };
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
