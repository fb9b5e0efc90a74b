/**
 * Codecs of the CSTA common types (ECMA-285 CSTA-device-identifiers, CSTA-call-connection-
 * identifiers, CSTA-connection-states, CSTA-status-reporting). Tags per the modules, which are
 * EXPLICIT by default: `[APPLICATION n] CHOICE` wraps its alternative.
 *
 *   DeviceID ::= SEQUENCE { deviceIdentifier CHOICE { dialingNumber [0] IMPLICIT NumberDigits,
 *                  deviceNumber [1] IMPLICIT INTEGER, implicitPublic [2], explicitPublic [3],
 *                  implicitPrivate [4], explicitPrivate [5], other [6] }, ... }
 *   ConnectionID ::= [APPLICATION 11] CHOICE { callID [0] IMPLICIT OCTET STRING,
 *                  deviceID [1] LocalDeviceID, both SEQUENCE { callID [0], deviceID [1] } }
 *   Calling/Called/Subject/...DeviceID ::= [APPLICATION n] CHOICE { deviceIdentifier DeviceID,
 *                  notKnown [7] IMPLICIT NULL, restricted [8] IMPLICIT NULL }
 *   RedirectionDeviceID ::= [APPLICATION 4] CHOICE { numberdialed DeviceID, notKnown [7],
 *                  notRequired [8], notSpecified [9], restricted [10] }
 *
 * We always send dialingNumber digits; on input every numbering form is accepted and turned
 * into its digit string (deviceNumber as decimal).
 */
import {
  app,
  appC,
  BerError,
  type BerReader,
  type BerWriter,
  ctx,
  ctxC,
  isConstructed,
  U,
} from "../ber/index.js";
import { LocalConnectionState, localConnectionStateName } from "./enums.js";

/** A device's identifier as a string of dialed digits. */
export type DeviceId = string;

/** ConnectionID: a device's presence in a call. The call id is kept binary-safe as latin-1. */
export interface ConnectionId {
  callId: string | undefined;
  deviceId: DeviceId | undefined;
}

/** A party in an event: its device, or null when the switch does not know or may not tell. */
export type PartyId = DeviceId | null;

export const Tags = {
  callingDevice: appC(1),
  calledDevice: appC(2),
  subjectDevice: appC(3),
  redirectionDevice: appC(4),
  associatedCallingDevice: appC(5),
  associatedCalledDevice: appC(6),
  connectionId: appC(11),
  localConnectionState: app(14),
  monitorCrossRefId: app(21),
  snapshotDeviceData: appC(22),
  snapshotCallData: appC(23),
  userData: appC(29),
  commonArguments: appC(30),
} as const;

const DIGIT_ALTERNATIVES = [ctx(0), ctx(2), ctx(4)];

export function writeDeviceId(w: BerWriter, id: DeviceId, outer = U.SEQUENCE): void {
  w.begin(outer).string(id, ctx(0)).end();
}

/** DeviceID, positioned on its SEQUENCE (or on `outer` when IMPLICITly retagged). */
export function readDeviceId(r: BerReader, outer = U.SEQUENCE): DeviceId {
  r.enter(outer);
  const t = r.peekTag();
  let id: string;
  if (DIGIT_ALTERNATIVES.includes(t) || t === ctx(6)) {
    id = r.string(t);
  } else if (t === ctx(1)) {
    id = String(r.integer(t));
  } else if (t === ctxC(3) || t === ctxC(5)) {
    r.enter(t);
    id = r.string(r.peekTag());
    r.leave();
  } else {
    throw new BerError("unexpectedTag", "DeviceID without a known deviceIdentifier", r.offset);
  }
  r.leave();
  return id;
}

export function writeConnectionId(w: BerWriter, c: ConnectionId, outer = Tags.connectionId): void {
  w.begin(outer);
  if (c.callId !== undefined && c.deviceId !== undefined) {
    w.begin(U.SEQUENCE);
    w.latin1(c.callId, ctx(0));
    w.begin(ctxC(1));
    writeDeviceId(w, c.deviceId);
    w.end();
    w.end();
  } else if (c.callId !== undefined) {
    w.latin1(c.callId, ctx(0));
  } else if (c.deviceId !== undefined) {
    w.begin(ctxC(1));
    writeDeviceId(w, c.deviceId);
    w.end();
  } else {
    throw new Error("ConnectionID needs a call id or a device id");
  }
  w.end();
}

function readLocalDeviceId(r: BerReader): DeviceId {
  r.enter(ctxC(1));
  let id: string;
  if (r.isNext(ctx(3))) id = r.latin1(ctx(3));
  else id = readDeviceId(r);
  r.leave();
  return id;
}

export function readConnectionId(r: BerReader, outer = Tags.connectionId): ConnectionId {
  r.enter(outer);
  const t = r.peekTag();
  const c: ConnectionId = { callId: undefined, deviceId: undefined };
  if (t === ctx(0)) {
    c.callId = r.latin1(t);
  } else if (t === ctxC(1)) {
    c.deviceId = readLocalDeviceId(r);
  } else if (t === U.SEQUENCE) {
    r.enter(t);
    if (r.isNext(ctx(0))) c.callId = r.latin1(ctx(0));
    if (r.isNext(ctxC(1))) c.deviceId = readLocalDeviceId(r);
    r.leave();
  } else {
    throw new BerError("unexpectedTag", "ConnectionID without a known alternative", r.offset);
  }
  r.leave();
  return c;
}

/** One of the `[APPLICATION n] CHOICE { DeviceID, notKnown [7], restricted [8] }` party types. */
export function writePartyId(w: BerWriter, party: PartyId, outer: number): void {
  w.begin(outer);
  if (party === null) w.null(ctx(7));
  else writeDeviceId(w, party);
  w.end();
}

export function readPartyId(r: BerReader, outer: number): PartyId {
  r.enter(outer);
  let party: PartyId = null;
  const t = r.peekTag();
  if (t === U.SEQUENCE) party = readDeviceId(r);
  else if (t !== -1 && !isConstructed(t))
    r.skip(); // notKnown / restricted / notRequired / notSpecified
  else throw new BerError("unexpectedTag", "party without a known alternative", r.offset);
  r.leave();
  return party;
}

export function writeLocalConnectionState(w: BerWriter, s: LocalConnectionState): void {
  w.enumerated(LocalConnectionState[s], Tags.localConnectionState);
}

export function readLocalConnectionState(r: BerReader, t = Tags.localConnectionState): LocalConnectionState {
  const v = r.enumerated(t);
  const name = localConnectionStateName[v];
  if (!name) throw new BerError("badValue", `LocalConnectionState ${v}`, r.offset);
  return name;
}

/** MonitorCrossRefID ::= [APPLICATION 21] IMPLICIT OCTET STRING. Kept binary-safe as latin-1. */
export function writeCrossRefId(w: BerWriter, id: string): void {
  w.latin1(id, Tags.monitorCrossRefId);
}

export function readCrossRefId(r: BerReader): string {
  return r.latin1(Tags.monitorCrossRefId);
}

/** Skip the optional trailing components a peer may send and we do not use. */
export function skipRest(r: BerReader): void {
  while (!r.atEnd()) r.skip();
}

/** `CHOICE { extensions CSTACommonArguments, noData NULL }`: the result of most services. */
export function writeNoData(w: BerWriter): void {
  w.null();
}

export function readNoData(r: BerReader): undefined {
  r.skip();
  return undefined;
}
