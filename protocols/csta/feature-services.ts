/**
 * The CSTA services behind O2G's pick-up, intrusion and attached data (ECMA-269 §17.1.13,
 * §17.1.17, §26.1.1; ECMA-285 BER), and the escape service (ECMA-269 §25.1.2) that carries what
 * ECMA-269 does not model: recording a call and overflowing a ringing call to the callee's
 * voice mail.
 *
 *   directedPickupCall (220) DirectedPickupCallArgument ::= SEQUENCE { callToBePickedUp
 *       ConnectionID, requestingDevice DeviceID, correlatorData OPTIONAL, userData OPTIONAL,
 *       extensions OPTIONAL }
 *     DirectedPickupCallResult ::= SEQUENCE { pickedCall ConnectionID OPTIONAL, ... }
 *   intrudeCall (222) IntrudeCallArgument ::= SEQUENCE { intrude ConnectionID,
 *       participationType ParticipationType DEFAULT active, userData, extensions }
 *     IntrudeCallResult ::= SEQUENCE { conferencedCall ConnectionID OPTIONAL, ... }
 *   associateData (230) AssociateDataArgument ::= SEQUENCE { existingCall ConnectionID,
 *       accountCode [0] IMPLICIT AccountInfo OPTIONAL, authCode [1], correlatorData [2] IMPLICIT
 *       CorrelatorData OPTIONAL, ... }   (AccountInfo, CorrelatorData: OCTET STRING (SIZE(0..32)))
 *   escape (51) EscapeArgument ::= SEQUENCE { escapeRegisterID OPTIONAL, security OPTIONAL,
 *       privateData CSTAPrivateData }   CSTAPrivateData ::= CHOICE { string OCTET STRING, ... }
 *
 * Ours: the escape's privateData string is a UTF-8 JSON object, one of `OxePrivateRequest`
 * below, versioned by its `v` member. The OXE's own private encoding is not public; a JSON
 * object keeps the escape readable in a trace and each request's fields typed at both ends.
 */
import { BerError, type BerReader, type BerWriter, ctx, U } from "../ber/index.js";
import { defineOperation } from "../rose/index.js";
import { type CcdPrivateRequest, parseCcdPrivateRequest } from "./ccd-private.js";
import {
  type ConnectionId,
  type DeviceId,
  readConnectionId,
  readDeviceId,
  readNoData,
  skipRest,
  Tags,
  writeConnectionId,
  writeDeviceId,
  writeNoData,
} from "./common.js";
import { readPrivateExtension, writePrivateExtension } from "./private-extension.js";
import { parseRsiPrivate, type RsiPrivateRequest } from "./routing-services.js";
import {
  type EscapeResult,
  escapeResult,
  parseTextMessageRequest,
  type TextMessageRequest,
} from "./text-messages.js";

const noData = { encodeResult: writeNoData, decodeResult: readNoData } as const;

export interface DirectedPickupCallArgument {
  /** the ringing connection of the device the call is taken from */
  callToBePickedUp: ConnectionId;
  /** the device that takes the call */
  requestingDevice: DeviceId;
  /**
   * Ours: the call rings the requesting device, to be answered there, rather than connecting it
   * at once (ECMA-269's pick-up). Sent in the argument's extensions as privateData
   * `{"v":1,"pickUp":"ring"}` (O2G's pickUp with autoAnswer false).
   */
  ring?: boolean;
}
export interface PickedCallResult {
  /** the requesting device's connection in the call (the call id is unchanged) */
  pickedCall: ConnectionId | undefined;
}

const pickedCallResult = {
  encodeResult(w: BerWriter, res: PickedCallResult) {
    w.begin(U.SEQUENCE);
    if (res.pickedCall) writeConnectionId(w, res.pickedCall);
    w.end();
  },
  decodeResult(r: BerReader): PickedCallResult {
    r.enter();
    const pickedCall = r.isNext(Tags.connectionId) ? readConnectionId(r) : undefined;
    skipRest(r);
    r.leave();
    return { pickedCall };
  },
};

/** directedPickupCall (220): the requesting device answers a call ringing another device. */
export const directedPickupCall = defineOperation<DirectedPickupCallArgument, PickedCallResult>({
  name: "directedPickupCall",
  opcode: 220,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeConnectionId(w, a.callToBePickedUp);
    writeDeviceId(w, a.requestingDevice);
    if (a.ring) writePrivateExtension(w, { v: 1, pickUp: "ring" });
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const a: DirectedPickupCallArgument = {
      callToBePickedUp: readConnectionId(r),
      requestingDevice: readDeviceId(r),
    };
    while (!r.atEnd()) {
      if (r.isNext(Tags.commonArguments)) {
        const ext = readPrivateExtension(r);
        if (ext?.v === 1 && ext.pickUp === "ring") a.ring = true;
      } else r.skip();
    }
    r.leave();
    return a;
  },
  ...pickedCallResult,
});

export interface IntrudeCallArgument {
  /** the intruding device's connection in its call to the busy device */
  intrude: ConnectionId;
}
export interface IntrudeCallResult {
  /** the intruder's connection in the busy device's call, which it has joined */
  conferencedCall: ConnectionId | undefined;
}

/** intrudeCall (222): a caller who found the callee busy joins the callee's call. */
export const intrudeCall = defineOperation<IntrudeCallArgument, IntrudeCallResult>({
  name: "intrudeCall",
  opcode: 222,
  encodeArgument(w, a) {
    // participationType DEFAULT active: left out, as DER leaves a default out.
    w.begin(U.SEQUENCE);
    writeConnectionId(w, a.intrude);
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const intrude = readConnectionId(r);
    skipRest(r);
    r.leave();
    return { intrude };
  },
  encodeResult(w, res) {
    w.begin(U.SEQUENCE);
    if (res.conferencedCall) writeConnectionId(w, res.conferencedCall);
    w.end();
  },
  decodeResult(r) {
    r.enter();
    const conferencedCall = r.isNext(Tags.connectionId) ? readConnectionId(r) : undefined;
    skipRest(r);
    r.leave();
    return { conferencedCall };
  },
});

export interface AssociateDataArgument {
  existingCall: ConnectionId;
  /** account information (a business code) the call is charged to */
  accountCode?: Uint8Array;
  /** correlator data every party of the call sees */
  correlatorData?: Uint8Array;
}

/** associateData (230): attach account information or correlator data to a call. */
export const associateData = defineOperation<AssociateDataArgument, undefined>({
  name: "associateData",
  opcode: 230,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeConnectionId(w, a.existingCall);
    if (a.accountCode) w.octets(a.accountCode, ctx(0));
    if (a.correlatorData) w.octets(a.correlatorData, ctx(2));
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const a: AssociateDataArgument = { existingCall: readConnectionId(r) };
    while (!r.atEnd()) {
      const t = r.peekTag();
      if (t === ctx(0)) a.accountCode = Uint8Array.from(r.octets(t));
      else if (t === ctx(2)) a.correlatorData = Uint8Array.from(r.octets(t));
      else r.skip();
    }
    r.leave();
    return a;
  },
  ...noData,
});

/** What the OXE does on request that ECMA-269 has no service for (see the module header). */
export type OxePrivateRequest =
  | CallPrivateRequest
  | CcdPrivateRequest
  | DeskSharingRequest
  | IthMicroRequest
  | RsiPrivateRequest
  | TextMessageRequest;

/** The set's microphone / interphony key is pressed (O2G's ithmicro). */
export type IthMicroRequest = { v: 1; service: "ithMicro"; device: DeviceId };

/** A user logs on a desk sharing set with their number (`device`), or off the one they are on. */
export type DeskSharingRequest =
  | { v: 1; service: "deskSharing"; op: "logOn"; device: DeviceId; set: DeviceId }
  | { v: 1; service: "deskSharing"; op: "logOff"; device: DeviceId };

/** The private requests on a call: recording it, sending it to the callee's voice mail. */
export type CallPrivateRequest =
  | {
      v: 1;
      service: "recording";
      /** the requesting user's connection in the call to record */
      connection: ConnectionId;
      action: "start" | "stop" | "pause" | "resume";
    }
  | {
      v: 1;
      service: "overflowToVoiceMail";
      /** the caller's connection in the call ringing the callee */
      connection: ConnectionId;
    };

export interface EscapeArgument {
  privateData: OxePrivateRequest;
}

/** escape (51): one OXE private request in the privateData string. */
export const escapeService = defineOperation<EscapeArgument, EscapeResult>({
  name: "escape",
  opcode: 51,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    w.octets(Buffer.from(JSON.stringify(a.privateData), "utf8"));
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    // escapeRegisterID and security come first when present: skip to the private data.
    while (!r.atEnd() && !r.isNext(U.OCTET_STRING)) r.skip();
    const at = r.offset;
    const raw = Buffer.from(r.octets()).toString("utf8");
    skipRest(r);
    r.leave();
    try {
      return { privateData: parsePrivateRequest(raw) };
    } catch (err) {
      // Not JSON, or no request of ours: a malformed argument like any other (the decoders' contract).
      throw new BerError("badValue", `escape private data: ${(err as Error).message}`, at);
    }
  },
  // noData, or a private answer (text-messages.ts)
  ...escapeResult,
});

const ACTIONS = new Set(["start", "stop", "pause", "resume"]);

/** The private request in an escape, checked member by member; a malformed one is thrown out. */
function parsePrivateRequest(raw: string): OxePrivateRequest {
  const o = JSON.parse(raw) as Record<string, unknown>;
  if (o.v === 1 && o.service === "miniMessage") return parseTextMessageRequest(o);
  if (o.v === 1 && o.service === "deskSharing") return parseDeskSharingRequest(o);
  if (o.v === 1 && o.service === "ccd") return parseCcdPrivateRequest(o);
  if (o.v === 1 && o.service === "rsi") return parseRsiPrivate(o);
  if (o.v === 1 && o.service === "ithMicro" && typeof o.device === "string" && NUMBER.test(o.device))
    return { v: 1, service: "ithMicro", device: o.device };
  const conn = o.connection as Record<string, unknown> | undefined;
  if (o.v !== 1 || !conn || typeof conn.callId !== "string" || typeof conn.deviceId !== "string")
    throw new Error("unknown private request");
  const connection: ConnectionId = { callId: conn.callId, deviceId: conn.deviceId };
  if (o.service === "recording" && typeof o.action === "string" && ACTIONS.has(o.action))
    return { v: 1, service: "recording", connection, action: o.action as "start" };
  if (o.service === "overflowToVoiceMail") return { v: 1, service: "overflowToVoiceMail", connection };
  throw new Error(`unknown private service ${String(o.service)}`);
}

const NUMBER = /^[0-9*#+]{1,32}$/;

function parseDeskSharingRequest(o: Record<string, unknown>): DeskSharingRequest {
  const device = typeof o.device === "string" && NUMBER.test(o.device) ? o.device : undefined;
  if (device && o.op === "logOff") return { v: 1, service: "deskSharing", op: "logOff", device };
  if (device && o.op === "logOn" && typeof o.set === "string" && NUMBER.test(o.set))
    return { v: 1, service: "deskSharing", op: "logOn", device, set: o.set };
  throw new Error("malformed deskSharing request");
}
