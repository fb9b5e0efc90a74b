/**
 * CSTA routeing services (ECMA-269 §20, ECMA-285 §18 BER) as the OXE's RSI points use them, and
 * the RSI guides (tones, voice guides, digit collection) that ECMA-269 does not model.
 *
 *   routeRegister (248) RouteRegisterArgument ::= SEQUENCE { routeingDevice DeviceID OPTIONAL,
 *       requestedRouteingMediaClass MediaClass OPTIONAL, extensions OPTIONAL }
 *     RouteRegisterResult ::= SEQUENCE { routeRegisterReqID RouteRegisterReqID, ... }
 *   routeRegisterCancel (250) RouteRegisterCancelArgument ::= SEQUENCE { routeRegisterReqID,
 *       extensions OPTIONAL }   result: CHOICE { extensions, noData NULL }
 *   routeRequest (31, SF→CF) RouteRequestArgument ::= SEQUENCE { crossRefIdentifier
 *       RouteingCrossRefID, routeRegisterReqID [0] IMPLICIT OPTIONAL, currentRoute CalledDeviceID,
 *       callingDevice CallingDeviceID OPTIONAL, routeingDevice SubjectDeviceID OPTIONAL,
 *       routedCall ConnectionID OPTIONAL, ..., replyTimeout [3] IMPLICIT INTEGER OPTIONAL, ... }
 *   reRoute (32, SF→CF) ReRouteRequestArgument ::= SEQUENCE { crossRefIdentifier,
 *       routeRegisterReqID [0] IMPLICIT OPTIONAL, replyTimeout [1] IMPLICIT INTEGER OPTIONAL, ... }
 *   routeSelect (33, CF→SF) RouteSelectRequestArgument ::= SEQUENCE { crossRefIdentifier,
 *       routeRegisterReqID [0] IMPLICIT OPTIONAL, routeSelected [1] DeviceID (EXPLICIT), ...,
 *       correlatorData [5] IMPLICIT CorrelatorData OPTIONAL, extensions OPTIONAL }
 *   routeEnd (35, both ways) RouteEndRequestArgument ::= SEQUENCE { crossRefIdentifier,
 *       routeRegisterReqID [0] IMPLICIT OPTIONAL, errorValue [1] OPTIONAL, ... }
 *   RouteingCrossRefID ::= [APPLICATION 24] IMPLICIT OCTET STRING (SIZE(0..4))
 *   RouteRegisterReqID ::= [APPLICATION 25] IMPLICIT OCTET STRING (SIZE(0..4))
 *
 * Both ids are numbers here, written as four octets, most significant first.
 * Ours:
 * - routeRequest, reRoute and a switch's routeEnd are sent without expecting an answer (their
 *   ALWAYS RESPONDS FALSE); routeSelect and an application's routeEnd are answered by the switch,
 *   noData on success (ROSE's returnResult, as most CSTA results here), so that a refused
 *   selection reaches the application as an error at once.
 * - routeSelect's routeToVoiceMail and callingLine (O2G's): privateData
 *   `{"v":1,"routeToVoiceMail":true,"callingLine":"..."}` in the extensions: the call goes to the
 *   selected route's voice mail; the route is shown callingLine instead of the caller.
 * - reRoute's reason: privateData `{"v":1,"reason":"busy"|"notObtainable"}`.
 * - The guides and what they report travel in the escape service (51, feature-services.ts) as
 *   `RsiPrivateRequest`: `{"v":1,"service":"rsi","op":...}` from the application (playTone,
 *   stopTone, playVoiceGuide, collectDigits, stopCollect), and `{"v":1,"service":"rsi","event":...}`
 *   invoked by the switch without an answer (toneStart, toneStop, digitsCollected). A collection
 *   started is answered with its id in the escape result's private data (`{"collCrid":"..."}`).
 */
import { app, BerError, type BerReader, type BerWriter, ctx, ctxC, U } from "../ber/index.js";
import { defineOperation } from "../rose/index.js";
import {
  type ConnectionId,
  type DeviceId,
  readConnectionId,
  readDeviceId,
  readNoData,
  readPartyId,
  skipRest,
  Tags,
  writeConnectionId,
  writeDeviceId,
  writeNoData,
  writePartyId,
} from "./common.js";
import { readPrivateExtension, writePrivateExtension } from "./private-extension.js";

export const RouteTags = {
  crossRefId: app(24),
  registerReqId: app(25),
} as const;

function writeId(w: BerWriter, id: number, t: number): void {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(id >>> 0);
  w.octets(b, t);
}

function readId(r: BerReader, t: number): number {
  const at = r.offset;
  const b = r.octets(t);
  if (b.length > 4) throw new BerError("badValue", "a routeing id is at most 4 octets", at);
  let n = 0;
  for (const x of b) n = n * 256 + x;
  return n;
}

const noData = { encodeResult: writeNoData, decodeResult: readNoData } as const;

export interface RouteRegisterArgument {
  /** the RSI point the application serves */
  routeingDevice: DeviceId;
}
export interface RouteRegisterResult {
  registerReqId: number;
}

/** routeRegister (248): the application serves the routeing device's route requests. */
export const routeRegister = defineOperation<RouteRegisterArgument, RouteRegisterResult>({
  name: "routeRegister",
  opcode: 248,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeDeviceId(w, a.routeingDevice);
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    if (!r.isNext(U.SEQUENCE))
      throw new BerError("unexpectedTag", "routeRegister without a routeing device", r.offset);
    const routeingDevice = readDeviceId(r);
    skipRest(r);
    r.leave();
    return { routeingDevice };
  },
  encodeResult(w, res) {
    w.begin(U.SEQUENCE);
    writeId(w, res.registerReqId, RouteTags.registerReqId);
    w.end();
  },
  decodeResult(r) {
    r.enter();
    const registerReqId = readId(r, RouteTags.registerReqId);
    skipRest(r);
    r.leave();
    return { registerReqId };
  },
});

export interface RouteRegisterCancelArgument {
  registerReqId: number;
}

/** routeRegisterCancel (250): the application no longer serves that registration's device. */
export const routeRegisterCancel = defineOperation<RouteRegisterCancelArgument, undefined>({
  name: "routeRegisterCancel",
  opcode: 250,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeId(w, a.registerReqId, RouteTags.registerReqId);
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const registerReqId = readId(r, RouteTags.registerReqId);
    skipRest(r);
    r.leave();
    return { registerReqId };
  },
  ...noData,
});

export interface RouteRequestArgument {
  crossRefId: number;
  registerReqId?: number;
  /** where the call is headed now: the RSI point */
  currentRoute: DeviceId;
  callingDevice: DeviceId | null;
  routeingDevice?: DeviceId;
  routedCall?: ConnectionId;
  /** seconds the switch waits for a routeSelect before its default treatment */
  replyTimeout?: number;
}

/** routeRequest (31): the switch asks the registered application where the call goes. */
export const routeRequest = defineOperation<RouteRequestArgument, undefined>({
  name: "routeRequest",
  opcode: 31,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeId(w, a.crossRefId, RouteTags.crossRefId);
    if (a.registerReqId !== undefined) writeId(w, a.registerReqId, ctx(0));
    writePartyId(w, a.currentRoute, Tags.calledDevice);
    writePartyId(w, a.callingDevice, Tags.callingDevice);
    if (a.routeingDevice !== undefined) writePartyId(w, a.routeingDevice, Tags.subjectDevice);
    if (a.routedCall) writeConnectionId(w, a.routedCall);
    if (a.replyTimeout !== undefined) w.integer(a.replyTimeout, ctx(3));
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const a: RouteRequestArgument = {
      crossRefId: readId(r, RouteTags.crossRefId),
      currentRoute: "",
      callingDevice: null,
    };
    if (r.isNext(ctx(0))) a.registerReqId = readId(r, ctx(0));
    a.currentRoute = readPartyId(r, Tags.calledDevice) ?? "";
    while (!r.atEnd()) {
      const t = r.peekTag();
      if (t === Tags.callingDevice) a.callingDevice = readPartyId(r, t);
      else if (t === Tags.subjectDevice) a.routeingDevice = readPartyId(r, t) ?? undefined;
      else if (t === Tags.connectionId) a.routedCall = readConnectionId(r);
      else if (t === ctx(3)) a.replyTimeout = r.integer(t);
      else r.skip();
    }
    r.leave();
    return a;
  },
  ...noData,
});

export interface ReRouteArgument {
  crossRefId: number;
  registerReqId?: number;
  /** ours (privateData `{"v":1,"reason":...}`): why the selected route did not take the call */
  reason?: "busy" | "notObtainable";
}

/** reRoute (32): the selected route could not take the call; another one is asked for. */
export const reRoute = defineOperation<ReRouteArgument, undefined>({
  name: "reRoute",
  opcode: 32,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeId(w, a.crossRefId, RouteTags.crossRefId);
    if (a.registerReqId !== undefined) writeId(w, a.registerReqId, ctx(0));
    if (a.reason) writePrivateExtension(w, { v: 1, reason: a.reason });
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const a: ReRouteArgument = { crossRefId: readId(r, RouteTags.crossRefId) };
    if (r.isNext(ctx(0))) a.registerReqId = readId(r, ctx(0));
    while (!r.atEnd()) {
      if (!r.isNext(Tags.commonArguments)) {
        r.skip();
        continue;
      }
      const p = readPrivateExtension(r);
      if (p?.v === 1 && (p.reason === "busy" || p.reason === "notObtainable")) a.reason = p.reason;
    }
    r.leave();
    return a;
  },
  ...noData,
});

export interface RouteSelectArgument {
  crossRefId: number;
  registerReqId?: number;
  routeSelected: DeviceId;
  correlatorData?: Uint8Array;
  /** ours (privateData): the call goes to the selected route's voice mail */
  routeToVoiceMail?: boolean;
  /** ours (privateData): the number the selected route is shown instead of the caller's */
  callingLine?: string;
}

/** routeSelect (33): the application's answer to a route request. */
export const routeSelect = defineOperation<RouteSelectArgument, undefined>({
  name: "routeSelect",
  opcode: 33,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeId(w, a.crossRefId, RouteTags.crossRefId);
    if (a.registerReqId !== undefined) writeId(w, a.registerReqId, ctx(0));
    w.begin(ctxC(1));
    writeDeviceId(w, a.routeSelected);
    w.end();
    if (a.correlatorData) w.octets(a.correlatorData, ctx(5));
    if (a.routeToVoiceMail || a.callingLine !== undefined)
      writePrivateExtension(w, {
        v: 1,
        ...(a.routeToVoiceMail ? { routeToVoiceMail: true } : {}),
        ...(a.callingLine !== undefined ? { callingLine: a.callingLine } : {}),
      });
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const a: RouteSelectArgument = { crossRefId: readId(r, RouteTags.crossRefId), routeSelected: "" };
    if (r.isNext(ctx(0))) a.registerReqId = readId(r, ctx(0));
    r.enter(ctxC(1));
    a.routeSelected = readDeviceId(r);
    r.leave();
    while (!r.atEnd()) {
      const t = r.peekTag();
      if (t === ctx(5)) a.correlatorData = Uint8Array.from(r.octets(t));
      else if (t === Tags.commonArguments) {
        const p = readPrivateExtension(r);
        if (p?.v === 1 && p.routeToVoiceMail === true) a.routeToVoiceMail = true;
        if (p?.v === 1 && typeof p.callingLine === "string" && NUMBER.test(p.callingLine))
          a.callingLine = p.callingLine;
      } else r.skip();
    }
    r.leave();
    return a;
  },
  ...noData,
});

export interface RouteEndArgument {
  crossRefId: number;
  registerReqId?: number;
}

/** routeEnd (35): the routeing dialogue is over, from either side; the call is not cleared. */
export const routeEnd = defineOperation<RouteEndArgument, undefined>({
  name: "routeEnd",
  opcode: 35,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeId(w, a.crossRefId, RouteTags.crossRefId);
    if (a.registerReqId !== undefined) writeId(w, a.registerReqId, ctx(0));
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const a: RouteEndArgument = { crossRefId: readId(r, RouteTags.crossRefId) };
    if (r.isNext(ctx(0))) a.registerReqId = readId(r, ctx(0));
    skipRest(r);
    r.leave();
    return a;
  },
  ...noData,
});

// ---- the RSI guides: escape private requests and events (ours) ------------------------------

/** The SDK's Tones. */
export type RsiTone = "BUSY" | "RINGBACK" | "SILENCE" | "MUSIC" | "ANNOUNCEMENT";
export const RSI_TONES: readonly RsiTone[] = ["BUSY", "RINGBACK", "SILENCE", "MUSIC", "ANNOUNCEMENT"];

/** The SDK's CollectionCause. */
export type RsiCollectionCause = "FLUSCHAR_RECEIVED" | "CHAR_COUNT_REACHED" | "TIMEOUT" | "SF_TERMINATED";

/** A call at an RSI point: the point and the call's id on the point's node. */
export interface RsiCallRef {
  point: DeviceId;
  callId: string;
}

export type RsiPrivateRequest =
  | ({ v: 1; service: "rsi"; op: "playTone"; tone: RsiTone; durationMs: number } & RsiCallRef)
  | ({ v: 1; service: "rsi"; op: "stopTone" } & RsiCallRef)
  | ({ v: 1; service: "rsi"; op: "playVoiceGuide"; guide: number; durationMs?: number } & RsiCallRef)
  | ({
      v: 1;
      service: "rsi";
      op: "collectDigits";
      numChars: number;
      flushChar?: string;
      timeoutMs?: number;
    } & RsiCallRef)
  | { v: 1; service: "rsi"; op: "stopCollect"; point: DeviceId; collCrid: string }
  | ({ v: 1; service: "rsi"; event: "toneStart"; tone: RsiTone } & RsiCallRef)
  | ({ v: 1; service: "rsi"; event: "toneStop" } & RsiCallRef)
  | ({
      v: 1;
      service: "rsi";
      event: "digitsCollected";
      collCrid: string;
      digits: string;
      cause: RsiCollectionCause;
    } & RsiCallRef);

const NUMBER = /^[0-9*#+]{1,32}$/;
const DIGITS = /^[0-9*#A-D]{0,64}$/;
const CAUSES: ReadonlySet<string> = new Set([
  "FLUSCHAR_RECEIVED",
  "CHAR_COUNT_REACHED",
  "TIMEOUT",
  "SF_TERMINATED",
]);
const int = (v: unknown, min: number, max: number): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;

/** A `service: "rsi"` private request or event, checked member by member. */
export function parseRsiPrivate(o: Record<string, unknown>): RsiPrivateRequest {
  if (typeof o.point !== "string" || !NUMBER.test(o.point))
    throw new Error("malformed rsi request: no point");
  const point = o.point;
  if (o.op === "stopCollect" && typeof o.collCrid === "string" && o.collCrid.length <= 32)
    return { v: 1, service: "rsi", op: "stopCollect", point, collCrid: o.collCrid };
  if (typeof o.callId !== "string" || o.callId.length === 0 || o.callId.length > 64)
    throw new Error("malformed rsi request: no call");
  const ref = { point, callId: o.callId };
  const tone = typeof o.tone === "string" && (RSI_TONES as readonly string[]).includes(o.tone);
  switch (o.op ?? o.event) {
    case "playTone":
      if (tone && int(o.durationMs, 0, 3_600_000))
        return {
          v: 1,
          service: "rsi",
          op: "playTone",
          tone: o.tone as RsiTone,
          durationMs: o.durationMs,
          ...ref,
        };
      break;
    case "stopTone":
      return { v: 1, service: "rsi", op: "stopTone", ...ref };
    case "playVoiceGuide":
      if (int(o.guide, 0, 9999) && (o.durationMs === undefined || int(o.durationMs, 0, 3_600_000)))
        return {
          v: 1,
          service: "rsi",
          op: "playVoiceGuide",
          guide: o.guide,
          ...(o.durationMs !== undefined ? { durationMs: o.durationMs as number } : {}),
          ...ref,
        };
      break;
    case "collectDigits":
      if (
        int(o.numChars, 0, 64) &&
        (o.flushChar === undefined || (typeof o.flushChar === "string" && /^[0-9*#]$/.test(o.flushChar))) &&
        (o.timeoutMs === undefined || int(o.timeoutMs, 0, 3_600_000))
      )
        return {
          v: 1,
          service: "rsi",
          op: "collectDigits",
          numChars: o.numChars,
          ...(o.flushChar !== undefined ? { flushChar: o.flushChar as string } : {}),
          ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs as number } : {}),
          ...ref,
        };
      break;
    case "toneStart":
      if (tone) return { v: 1, service: "rsi", event: "toneStart", tone: o.tone as RsiTone, ...ref };
      break;
    case "toneStop":
      return { v: 1, service: "rsi", event: "toneStop", ...ref };
    case "digitsCollected":
      if (
        typeof o.collCrid === "string" &&
        typeof o.digits === "string" &&
        DIGITS.test(o.digits) &&
        typeof o.cause === "string" &&
        CAUSES.has(o.cause)
      )
        return {
          v: 1,
          service: "rsi",
          event: "digitsCollected",
          collCrid: o.collCrid,
          digits: o.digits,
          cause: o.cause as RsiCollectionCause,
          ...ref,
        };
      break;
  }
  throw new Error(`malformed rsi request ${String(o.op ?? o.event)}`);
}
