/**
 * The node's CSTA services for pick-up, intrusion, attached data and the OXE private requests
 * carried by the escape service (recording, overflow to voice mail, desk sharing, the
 * microphone / interphony key): each resolves the
 * connections it names on this node and hands them to the model (model/features.ts) or to the
 * call recorder (voicemail/recorder.ts).
 *
 * Every connection named must be this node's (as for the other services): a pick-up of a call
 * ringing a set of another node is refused invalidDeviceID, as the node cannot name it.
 */
import {
  associateData,
  type CcdPrivateRequest,
  type ConnectionId,
  type CstaFailure,
  directedPickupCall,
  type EscapeResult,
  escapeService,
  failure,
  intrudeCall,
  type RsiPrivateRequest,
  type TextMessageRequest,
} from "../../../protocols/csta/index.js";
import type { OperationSpec } from "../../../protocols/rose/index.js";
import { deskSharingOf } from "../../model/desk-sharing.js";
import { intrude, overflowToVoiceMail, pickUp } from "../../model/features.js";
import { type Call, type Device, ModelError, type Network } from "../../model/index.js";
import { ithMicroOf } from "../../model/ith-micro.js";
import { recorderOf } from "../../voicemail/recorder.js";
import type { Association } from "../common/rose-server.js";

type A = Association<CstaFailure>;

export interface FeatureHost {
  net: Network;
  /** the OXE's text messages, the other private requests the escape carries */
  textMessages?: (req: TextMessageRequest) => EscapeResult;
  /** the CCD's supervision requests (agent-handlers.ts): undefined when done, else the refusal */
  ccdRequest?: (req: CcdPrivateRequest) => CstaFailure | undefined;
  /** the RSI points' guides (rsi-handlers.ts): the escape's result, or the refusal */
  rsiRequest?: (a: A, req: RsiPrivateRequest) => { ok: EscapeResult } | { refused: CstaFailure };
  on<Arg, R>(op: OperationSpec<Arg, R>, handler: (a: A, invokeId: number, arg: Arg) => void): void;
  resolve(c: ConnectionId): { device: Device; call: Call };
  localDevice(id: string | undefined): Device;
  cid(call: Call, device: string): ConnectionId;
}

export function registerFeatureHandlers(h: FeatureHost): void {
  const net = h.net;
  h.on(directedPickupCall, (a, id, arg) => {
    const picker = h.localDevice(arg.requestingDevice);
    const { device: ringing, call } = h.resolve(arg.callToBePickedUp);
    pickUp(net, picker, call, ringing, arg.ring === true);
    a.link.reply(id, directedPickupCall, { pickedCall: h.cid(call, picker.number) });
  });
  h.on(intrudeCall, (a, id, arg) => {
    const { device, call } = h.resolve(arg.intrude);
    const joined = intrude(net, device, call);
    a.link.reply(id, intrudeCall, { conferencedCall: h.cid(joined.call, device.number) });
  });
  h.on(associateData, (a, id, arg) => {
    const { device, call } = h.resolve(arg.existingCall);
    net.connection(device, call);
    if (arg.correlatorData) call.correlatorData = arg.correlatorData;
    // The account (business code) the call's ticket is charged to, as MakeCall's accountCode:
    // one of the node's cost centers, else refused as a wrong account code.
    if (arg.accountCode) {
      const code = Buffer.from(arg.accountCode).toString("latin1");
      const known = [...net.devices.values()].some(
        (d) => d.nodeId === device.nodeId && !d.service && String(d.subscriber.costCenter) === code,
      );
      if (!known) throw new ModelError("invalidAccountCode", `no account ${code} on this node`);
      call.accountCode = code;
    }
    // Every party's monitor is told (ECMA-269's Call Information event).
    net.kernel.emit({
      kind: "callInformation",
      call,
      device,
      ...(arg.correlatorData ? { correlatorData: arg.correlatorData } : {}),
      ...(call.accountCode && arg.accountCode ? { accountInfo: call.accountCode } : {}),
      cause: "normal",
      observers: net.kernel.observers(call),
    });
    a.link.reply(id, associateData, undefined);
  });
  h.on(escapeService, (a, id, arg) => {
    const req = arg.privateData;
    if (req.service === "miniMessage") {
      if (!h.textMessages) a.link.replyError(id, failure("operation", "serviceNotSupported"));
      else a.link.reply(id, escapeService, h.textMessages(req));
      return;
    }
    if (req.service === "ccd") {
      const refused = h.ccdRequest ? h.ccdRequest(req) : failure("operation", "serviceNotSupported");
      if (refused) a.link.replyError(id, refused);
      else a.link.reply(id, escapeService, undefined);
      return;
    }
    if (req.service === "rsi") {
      const out = h.rsiRequest
        ? h.rsiRequest(a, req)
        : { refused: failure("operation", "serviceNotSupported") };
      if ("refused" in out) a.link.replyError(id, out.refused);
      else a.link.reply(id, escapeService, out.ok);
      return;
    }
    if (req.service === "ithMicro") {
      ithMicroOf(net).press(h.localDevice(req.device));
      a.link.reply(id, escapeService, undefined);
      return;
    }
    if (req.service === "deskSharing") {
      const user = h.localDevice(req.device);
      if (req.op === "logOn") deskSharingOf(net).logOn(user, req.set);
      else deskSharingOf(net).logOff(user);
      a.link.reply(id, escapeService, undefined);
      return;
    }
    const { device, call } = h.resolve(req.connection);
    switch (req.service) {
      case "recording":
        recorderOf(net).act(device, call, req.action);
        break;
      case "overflowToVoiceMail":
        overflowToVoiceMail(net, device, call);
        break;
    }
    a.link.reply(id, escapeService, undefined);
  });
}
