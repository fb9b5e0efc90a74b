/**
 * The CSTA services the gateway invokes and the emulated OXE serves, with their ECMA-285
 * operation codes and argument/result codecs. One declaration serves both ends.
 * Optional components we neither send nor use (media characteristics, call linkage, private
 * data ...) are skipped on input, as the types' extensibility allows.
 */
import { type BerReader, type BerWriter, ctx, ctxC, isAscii, shortLatin1, U } from "../ber/index.js";
import { defineOperation } from "../rose/index.js";
import { type OxeCallOptions, readCallOptions, writeCallOptions } from "./call-options.js";
import {
  type ConnectionId,
  type DeviceId,
  readConnectionId,
  readCrossRefId,
  readDeviceId,
  readLocalConnectionState,
  readNoData,
  readPartyId,
  skipRest,
  Tags,
  writeConnectionId,
  writeCrossRefId,
  writeDeviceId,
  writeLocalConnectionState,
  writeNoData,
  writePartyId,
} from "./common.js";
import {
  AutoOriginate,
  ForwardingType,
  forwardingTypeName,
  type LocalConnectionState,
  SystemStatus,
  systemStatusName,
} from "./enums.js";

const noData = { encodeResult: writeNoData, decodeResult: readNoData } as const;

// ---- association keep-alive ----------------------------------------------------------------

export interface SystemStatusArgument {
  systemStatus: SystemStatus;
}

/** systemStatus (211): bidirectional; each end uses it as the link heartbeat. */
export const systemStatus = defineOperation<SystemStatusArgument, undefined>({
  name: "systemStatus",
  opcode: 211,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE).enumerated(SystemStatus[a.systemStatus]).end();
  },
  decodeArgument(r) {
    r.enter();
    if (r.isNext(U.OCTET_STRING)) r.skip(); // sysStatRegisterID
    const v = r.enumerated();
    r.leave();
    return { systemStatus: systemStatusName[v] ?? "normal" };
  },
  ...noData,
});

// ---- monitoring ----------------------------------------------------------------------------

/**
 * `SEQUENCE { DeviceID, <tail> }`, the DeviceID a short ASCII number as writeDeviceId writes it,
 * written in place with `tail` bytes left for the caller after it: their offset, or -1 when the
 * number is not short ASCII (what was written is then to be discarded).
 */
function writeShortDeviceArgument(w: BerWriter, device: DeviceId, tail: number): number {
  const n = device.length;
  if (n > 100) return -1;
  const at = w.reserve(6 + n + tail);
  const b = w.buffer;
  b[at] = 0x30;
  b[at + 1] = 4 + n + tail;
  b[at + 2] = 0x30;
  b[at + 3] = 2 + n;
  b[at + 4] = 0x80; // [0] dialingNumber
  b[at + 5] = n;
  let seen = 0;
  for (let i = 0; i < n; i++) {
    const c = device.charCodeAt(i);
    seen |= c;
    b[at + 6 + i] = c;
  }
  return seen < 0x80 ? at + 6 + n : -1;
}

/**
 * The device of writeShortDeviceArgument's bytes, `buf[start, end)`: SEQUENCE { SEQUENCE { [0]
 * up to 12 ASCII digits } } and then, when `tail`, nothing or MonitorStart's ENUMERATED (what
 * its decoder skips); undefined for anything else.
 */
function readShortDeviceArgument(
  buf: Uint8Array,
  start: number,
  end: number,
  tail: boolean,
): string | undefined {
  if (start + 6 > end || buf[start] !== 0x30 || buf[start + 1] !== end - start - 2) return undefined;
  const n = buf[start + 5]!;
  if (buf[start + 2] !== 0x30 || buf[start + 3] !== n + 2 || buf[start + 4] !== 0x80 || n > 12)
    return undefined;
  const deviceEnd = start + 6 + n;
  if (
    deviceEnd !== end &&
    !(tail && deviceEnd + 3 === end && buf[deviceEnd] === 0x0a && buf[deviceEnd + 1] === 1)
  )
    return undefined;
  return isAscii(buf, start + 6, deviceEnd) ? shortLatin1(buf, start + 6, deviceEnd) : undefined;
}

export interface MonitorStartArgument {
  device: DeviceId;
}
export interface MonitorStartResult {
  crossRefId: string;
}

export const monitorStart = defineOperation<MonitorStartArgument, MonitorStartResult>({
  name: "monitorStart",
  opcode: 71,
  encodeArgument(w, a) {
    // monitorObject CSTAObject = deviceObject DeviceID; monitorType device(1)
    w.begin(U.SEQUENCE);
    writeDeviceId(w, a.device);
    w.enumerated(1);
    w.end();
  },
  encodeArgumentFast(w, a) {
    // SEQUENCE { SEQUENCE { [0] digits }, ENUMERATED 1 }
    const at = writeShortDeviceArgument(w, a.device, 3);
    if (at < 0) return false;
    const b = w.buffer;
    b[at] = 0x0a;
    b[at + 1] = 1;
    b[at + 2] = 1;
    return true;
  },
  decodeArgument(r) {
    r.enter();
    const device = readDeviceId(r);
    skipRest(r);
    r.leave();
    return { device };
  },
  decodeArgumentFast(buf, start, end) {
    const device = readShortDeviceArgument(buf, start, end, true);
    return device === undefined ? undefined : { device };
  },
  encodeResult(w, res) {
    w.begin(U.SEQUENCE);
    writeCrossRefId(w, res.crossRefId);
    w.end();
  },
  encodeResultFast(w, res) {
    // SEQUENCE { [APPLICATION 21] crossRefId }, its octets as BerWriter.latin1 writes them
    const id = res.crossRefId;
    const n = id.length;
    if (n > 100) return false;
    const at = w.reserve(4 + n);
    const b = w.buffer;
    b[at] = 0x30;
    b[at + 1] = 2 + n;
    b[at + 2] = 0x55;
    b[at + 3] = n;
    for (let i = 0; i < n; i++) b[at + 4 + i] = id.charCodeAt(i) & 0xff;
    return true;
  },
  decodeResult(r) {
    r.enter();
    const crossRefId = readCrossRefId(r);
    r.leave();
    return { crossRefId };
  },
  decodeResultFast(buf, start, end) {
    // SEQUENCE { [APPLICATION 21] crossRefId } and nothing else, up to 12 octets of id
    const n = end - start - 4;
    if (n < 0 || n > 12 || buf[start] !== 0x30 || buf[start + 1] !== n + 2) return undefined;
    if (buf[start + 2] !== 0x55 || buf[start + 3] !== n) return undefined;
    return { crossRefId: shortLatin1(buf, start + 4, end) };
  },
});

export interface MonitorStopArgument {
  crossRefId: string;
}

export const monitorStop = defineOperation<MonitorStopArgument, undefined>({
  name: "monitorStop",
  opcode: 73,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeCrossRefId(w, a.crossRefId);
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const crossRefId = readCrossRefId(r);
    r.leave();
    return { crossRefId };
  },
  ...noData,
});

// ---- snapshots -----------------------------------------------------------------------------

export interface SnapshotDeviceArgument {
  device: DeviceId;
}
/** One call the device is in: its connection and the states of the call's connections, its own first. */
export interface SnapshotDeviceEntry {
  connection: ConnectionId;
  states: LocalConnectionState[];
}
export interface SnapshotDeviceResult {
  calls: SnapshotDeviceEntry[];
}

export const snapshotDevice = defineOperation<SnapshotDeviceArgument, SnapshotDeviceResult>({
  name: "snapshotDevice",
  opcode: 74,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeDeviceId(w, a.device);
    w.end();
  },
  encodeArgumentFast(w, a) {
    return writeShortDeviceArgument(w, a.device, 0) >= 0;
  },
  decodeArgument(r) {
    r.enter();
    const device = readDeviceId(r);
    r.leave();
    return { device };
  },
  decodeArgumentFast(buf, start, end) {
    const device = readShortDeviceArgument(buf, start, end, false);
    return device === undefined ? undefined : { device };
  },
  encodeResult(w, res) {
    w.begin(U.SEQUENCE).begin(Tags.snapshotDeviceData);
    for (const c of res.calls) {
      w.begin(U.SEQUENCE);
      writeConnectionId(w, c.connection);
      // localCallState: compoundCallState [0] IMPLICIT SEQUENCE OF LocalConnectionState
      w.begin(ctxC(0));
      for (const s of c.states) writeLocalConnectionState(w, s);
      w.end();
      w.end();
    }
    w.end().end();
  },
  encodeResultFast(w, res) {
    // an idle device: SEQUENCE { [APPLICATION 22] {} }
    if (res.calls.length !== 0) return false;
    const at = w.reserve(4);
    const b = w.buffer;
    b[at] = 0x30;
    b[at + 1] = 2;
    b[at + 2] = 0x76;
    b[at + 3] = 0;
    return true;
  },
  decodeResult(r) {
    r.enter();
    const calls: SnapshotDeviceEntry[] = [];
    if (r.isNext(Tags.snapshotDeviceData)) {
      r.enter(Tags.snapshotDeviceData);
      while (!r.atEnd()) {
        r.enter();
        const connection = readConnectionId(r);
        if (r.isNext(ctxC(3))) r.skip(); // endpointDevice
        const states: LocalConnectionState[] = [];
        const t = r.peekTag();
        if (t === ctxC(0)) {
          r.enter(t);
          while (!r.atEnd()) states.push(readLocalConnectionState(r));
          r.leave();
        } else {
          r.skip(); // simpleCallState / unknown: we cannot split it per connection
        }
        r.leave();
        calls.push({ connection, states });
      }
      r.leave();
    } else {
      r.skip(); // serviceCrossRefID: segmented snapshots are not used by our switch
    }
    r.leave();
    return { calls };
  },
  decodeResultFast(buf, start, end) {
    // an idle device: SEQUENCE { [APPLICATION 22] {} }, nothing else
    if (end - start !== 4 || buf[start] !== 0x30 || buf[start + 1] !== 2) return undefined;
    if (buf[start + 2] !== 0x76 || buf[start + 3] !== 0) return undefined;
    return { calls: [] };
  },
});

export interface SnapshotCallArgument {
  call: ConnectionId;
}
export interface SnapshotCallEntry {
  device: DeviceId | null;
  connection: ConnectionId | undefined;
  state: LocalConnectionState | undefined;
}
export interface SnapshotCallResult {
  parties: SnapshotCallEntry[];
  callingDevice: DeviceId | null;
  calledDevice: DeviceId | null;
}

export const snapshotCall = defineOperation<SnapshotCallArgument, SnapshotCallResult>({
  name: "snapshotCall",
  opcode: 75,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeConnectionId(w, a.call);
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const call = readConnectionId(r);
    r.leave();
    return { call };
  },
  encodeResult(w, res) {
    w.begin(U.SEQUENCE).begin(Tags.snapshotCallData);
    for (const p of res.parties) {
      w.begin(U.SEQUENCE);
      writePartyId(w, p.device, Tags.subjectDevice);
      if (p.connection) writeConnectionId(w, p.connection);
      if (p.state) writeLocalConnectionState(w, p.state);
      w.end();
    }
    w.end();
    writePartyId(w, res.callingDevice, Tags.callingDevice);
    writePartyId(w, res.calledDevice, Tags.calledDevice);
    w.end();
  },
  decodeResult(r) {
    r.enter();
    const parties: SnapshotCallEntry[] = [];
    let callingDevice: DeviceId | null = null;
    let calledDevice: DeviceId | null = null;
    if (r.isNext(Tags.snapshotCallData)) {
      r.enter(Tags.snapshotCallData);
      while (!r.atEnd()) {
        r.enter();
        const device = readPartyId(r, Tags.subjectDevice);
        const connection = r.isNext(Tags.connectionId) ? readConnectionId(r) : undefined;
        const state = r.isNext(Tags.localConnectionState) ? readLocalConnectionState(r) : undefined;
        r.leave();
        parties.push({ device, connection, state });
      }
      r.leave();
    } else {
      r.skip();
    }
    while (!r.atEnd()) {
      const t = r.peekTag();
      if (t === Tags.callingDevice) callingDevice = readPartyId(r, t);
      else if (t === Tags.calledDevice) calledDevice = readPartyId(r, t);
      else r.skip();
    }
    r.leave();
    return { parties, callingDevice, calledDevice };
  },
});

// ---- call control --------------------------------------------------------------------------

export interface MakeCallArgument {
  callingDevice: DeviceId;
  calledDirectoryNumber: DeviceId;
  /** accountCode [0]: O2G's business call, the code the call is charged to */
  accountCode?: string;
  /** authCode [1]: O2G's private call, the caller's PIN (then `#` and the secret code, if any) */
  authCode?: string;
  /** doNotPrompt: the calling set goes off-hook by itself (hands-free), as O2G's autoAnswer asks */
  autoOriginate?: AutoOriginate;
  correlatorData?: Uint8Array;
  /** what ECMA-269 has no field for (see call-options.ts) */
  options?: OxeCallOptions;
}
export interface MakeCallResult {
  callingDevice: ConnectionId;
}

export const makeCall = defineOperation<MakeCallArgument, MakeCallResult>({
  name: "makeCall",
  opcode: 10,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeDeviceId(w, a.callingDevice);
    writeDeviceId(w, a.calledDirectoryNumber);
    if (a.accountCode !== undefined) w.string(a.accountCode, ctx(0));
    if (a.authCode !== undefined) w.string(a.authCode, ctx(1));
    if (a.correlatorData) w.octets(a.correlatorData, ctx(2));
    if (a.autoOriginate && a.autoOriginate !== "prompt") w.enumerated(AutoOriginate[a.autoOriginate], ctx(3));
    if (a.options) writeCallOptions(w, a.options);
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const a: MakeCallArgument = { callingDevice: readDeviceId(r), calledDirectoryNumber: readDeviceId(r) };
    while (!r.atEnd()) {
      const t = r.peekTag();
      if (t === ctx(3)) a.autoOriginate = r.enumerated(t) === 1 ? "doNotPrompt" : "prompt";
      else if (t === ctx(2)) a.correlatorData = Uint8Array.from(r.octets(t));
      else if (t === ctx(0)) a.accountCode = r.string(t);
      else if (t === ctx(1)) a.authCode = r.string(t);
      else if (t === Tags.commonArguments) {
        const o = readCallOptions(r);
        if (o) a.options = o;
      } else r.skip();
    }
    r.leave();
    return a;
  },
  encodeResult(w, res) {
    w.begin(U.SEQUENCE);
    writeConnectionId(w, res.callingDevice);
    w.end();
  },
  decodeResult(r) {
    r.enter();
    const callingDevice = readConnectionId(r);
    r.leave();
    return { callingDevice };
  },
});

/** The services whose argument is one ConnectionID followed by optional components we ignore. */
function connectionService(name: string, opcode: number) {
  return defineOperation<{ connection: ConnectionId }, undefined>({
    name,
    opcode,
    encodeArgument(w, a) {
      w.begin(U.SEQUENCE);
      writeConnectionId(w, a.connection);
      w.end();
    },
    decodeArgument(r) {
      r.enter();
      const connection = readConnectionId(r);
      r.leave();
      return { connection };
    },
    ...noData,
  });
}

export const answerCall = connectionService("answerCall", 2);
export const clearCall = connectionService("clearCall", 4);
export const clearConnection = connectionService("clearConnection", 5);
export const holdCall = connectionService("holdCall", 9);
export const retrieveCall = connectionService("retrieveCall", 14);

export interface ConsultationCallArgument {
  existingCall: ConnectionId;
  consultedDevice: DeviceId;
  /** in the argument's CSTACommonArguments (see call-options.ts): a pilot call's profile */
  options?: OxeCallOptions;
}
export interface InitiatedCallResult {
  initiatedCall: ConnectionId;
}

export const consultationCall = defineOperation<ConsultationCallArgument, InitiatedCallResult>({
  name: "consultationCall",
  opcode: 7,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeConnectionId(w, a.existingCall, ctxC(0)); // [0] IMPLICIT ConnectionID
    w.begin(ctxC(1));
    writeDeviceId(w, a.consultedDevice);
    w.end();
    if (a.options) writeCallOptions(w, a.options);
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const existingCall = readConnectionId(r, ctxC(0));
    r.enter(ctxC(1));
    const consultedDevice = readDeviceId(r);
    r.leave();
    const a: ConsultationCallArgument = { existingCall, consultedDevice };
    while (!r.atEnd()) {
      if (r.peekTag() !== Tags.commonArguments) {
        r.skip();
        continue;
      }
      const o = readCallOptions(r);
      if (o) a.options = o;
    }
    r.leave();
    return a;
  },
  encodeResult(w, res) {
    w.begin(U.SEQUENCE);
    writeConnectionId(w, res.initiatedCall);
    w.end();
  },
  decodeResult(r) {
    r.enter();
    const initiatedCall = readConnectionId(r);
    r.leave();
    return { initiatedCall };
  },
});

/** heldCall + activeCall: transferCall, conferenceCall, alternateCall (reconnectCall is active first). */
export interface TwoCallsArgument {
  heldCall: ConnectionId;
  activeCall: ConnectionId;
}
export interface ResultingCall {
  call: ConnectionId;
}

function twoCallsService<R>(
  name: string,
  opcode: number,
  activeFirst: boolean,
  result: {
    encodeResult: (w: BerWriter, r: R) => void;
    decodeResult: (r: BerReader) => R;
  },
) {
  return defineOperation<TwoCallsArgument, R>({
    name,
    opcode,
    encodeArgument(w, a) {
      w.begin(U.SEQUENCE);
      writeConnectionId(w, activeFirst ? a.activeCall : a.heldCall);
      writeConnectionId(w, activeFirst ? a.heldCall : a.activeCall);
      w.end();
    },
    decodeArgument(r) {
      r.enter();
      const first = readConnectionId(r);
      const second = readConnectionId(r);
      r.leave();
      return activeFirst ? { activeCall: first, heldCall: second } : { heldCall: first, activeCall: second };
    },
    ...result,
  });
}

const resultingCall = {
  encodeResult(w: BerWriter, res: ResultingCall) {
    w.begin(U.SEQUENCE);
    writeConnectionId(w, res.call);
    w.end();
  },
  decodeResult(r: BerReader): ResultingCall {
    r.enter();
    const call = readConnectionId(r);
    r.leave();
    return { call };
  },
};

export const transferCall = twoCallsService("transferCall", 16, false, resultingCall);
export const conferenceCall = twoCallsService("conferenceCall", 6, false, resultingCall);
export const alternateCall = twoCallsService("alternateCall", 1, false, noData);
export const reconnectCall = twoCallsService("reconnectCall", 13, true, noData);

export interface RedirectArgument {
  call: ConnectionId;
  destination: DeviceId;
  /** `anonymous`: the new destination is not told who the call comes from (call-options.ts) */
  options?: OxeCallOptions;
}

function writeRedirect(w: BerWriter, a: RedirectArgument): void {
  w.begin(U.SEQUENCE);
  writeConnectionId(w, a.call);
  writeDeviceId(w, a.destination);
  if (a.options) writeCallOptions(w, a.options);
  w.end();
}

function readRedirect(r: BerReader): RedirectArgument {
  r.enter();
  const a: RedirectArgument = { call: readConnectionId(r), destination: readDeviceId(r) };
  while (!r.atEnd()) {
    if (r.peekTag() !== Tags.commonArguments) {
      r.skip();
      continue;
    }
    const o = readCallOptions(r);
    if (o) a.options = o;
  }
  r.leave();
  return a;
}

/** deflectCall (218): divert an alerting (or, on the OXE, a connected) call elsewhere. */
export const deflectCall = defineOperation<RedirectArgument, undefined>({
  name: "deflectCall",
  opcode: 218,
  encodeArgument: writeRedirect,
  decodeArgument: readRedirect,
  ...noData,
});

/** singleStepTransfer (50): O2G's blind transfer. */
export const singleStepTransfer = defineOperation<RedirectArgument, ResultingCall>({
  name: "singleStepTransfer",
  opcode: 50,
  encodeArgument: writeRedirect,
  decodeArgument: readRedirect,
  ...resultingCall,
});

export interface ParkCallArgument {
  /** the parking device's connection in the call */
  parking: ConnectionId;
  /** where the call waits, queued, until it is taken back */
  parkTo: DeviceId;
}
export interface ParkCallResult {
  /** the call's (queued) connection at the park-to device; the call id is unchanged */
  parkedTo: ConnectionId | undefined;
}

/**
 * parkCall (18, ECMA-269 §17.1.21): the parking device leaves and the call waits, queued, at
 * `parkTo` (possibly the parking device itself), keeping its call id.
 *   ParkCallArgument ::= SEQUENCE { parking ConnectionID, parkTo DeviceID, correlatorData
 *                          OPTIONAL, subjectOfCall [0], languagePreferences [1], extensions }
 *   ParkCallResult ::= SEQUENCE { parkedTo ConnectionID OPTIONAL, callLinkageData [1], extensions }
 */
export const parkCall = defineOperation<ParkCallArgument, ParkCallResult>({
  name: "parkCall",
  opcode: 18,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeConnectionId(w, a.parking);
    writeDeviceId(w, a.parkTo);
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const parking = readConnectionId(r);
    const parkTo = readDeviceId(r);
    skipRest(r);
    r.leave();
    return { parking, parkTo };
  },
  encodeResult(w, res) {
    w.begin(U.SEQUENCE);
    if (res.parkedTo) writeConnectionId(w, res.parkedTo);
    w.end();
  },
  decodeResult(r) {
    r.enter();
    const parkedTo = r.isNext(Tags.connectionId) ? readConnectionId(r) : undefined;
    skipRest(r);
    r.leave();
    return { parkedTo };
  },
});

export interface GenerateDigitsArgument {
  connection: ConnectionId;
  digits: string;
}

export const generateDigits = defineOperation<GenerateDigitsArgument, undefined>({
  name: "generateDigits",
  opcode: 232,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeConnectionId(w, a.connection);
    w.enumerated(1); // digitMode dTMF
    w.string(a.digits, U.IA5String);
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const connection = readConnectionId(r);
    if (r.isNext(U.ENUMERATED)) r.skip();
    const digits = r.string(U.IA5String);
    r.leave();
    return { connection, digits };
  },
  ...noData,
});

// ---- logical device features (routing) -------------------------------------------------------

export interface SetForwardingArgument {
  device: DeviceId;
  forwardingType: ForwardingType;
  activateForward: boolean;
  forwardDN?: DeviceId;
  ringCount?: number;
}

export const setForwarding = defineOperation<SetForwardingArgument, undefined>({
  name: "setForwarding",
  opcode: 317,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeDeviceId(w, a.device);
    w.enumerated(ForwardingType[a.forwardingType]);
    w.boolean(a.activateForward);
    if (a.forwardDN !== undefined) writeDeviceId(w, a.forwardDN);
    if (a.ringCount !== undefined) w.integer(a.ringCount);
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const device = readDeviceId(r);
    const type = r.isNext(U.ENUMERATED) ? forwardingTypeName[r.enumerated()] : undefined;
    const a: SetForwardingArgument = {
      device,
      forwardingType: type ?? "forwardImmediate",
      activateForward: r.boolean(),
    };
    if (r.isNext(U.SEQUENCE)) a.forwardDN = readDeviceId(r);
    if (r.isNext(U.INTEGER)) a.ringCount = r.integer();
    skipRest(r);
    r.leave();
    return a;
  },
  ...noData,
});

export interface ForwardEntry {
  forwardingType: ForwardingType;
  forwardStatus: boolean;
  forwardDN?: DeviceId;
  ringCount?: number;
}

export const getForwarding = defineOperation<{ device: DeviceId }, { forwards: ForwardEntry[] }>({
  name: "getForwarding",
  opcode: 309,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeDeviceId(w, a.device);
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const device = readDeviceId(r);
    r.leave();
    return { device };
  },
  encodeResult(w, res) {
    w.begin(U.SEQUENCE).begin(U.SEQUENCE);
    for (const f of res.forwards) {
      w.begin(U.SEQUENCE);
      w.enumerated(ForwardingType[f.forwardingType]);
      w.boolean(f.forwardStatus);
      if (f.forwardDN !== undefined) writeDeviceId(w, f.forwardDN);
      if (f.ringCount !== undefined) w.integer(f.ringCount);
      w.end();
    }
    w.end().end();
  },
  decodeResult(r) {
    r.enter().enter();
    const forwards: ForwardEntry[] = [];
    while (!r.atEnd()) {
      r.enter();
      const type = r.isNext(U.ENUMERATED) ? forwardingTypeName[r.enumerated()] : undefined;
      const f: ForwardEntry = { forwardingType: type ?? "forwardImmediate", forwardStatus: r.boolean() };
      if (r.isNext(U.SEQUENCE)) f.forwardDN = readDeviceId(r);
      if (r.isNext(U.ENUMERATED)) r.skip(); // forwardDefault
      if (r.isNext(ctx(0))) r.skip(); // ringDuration
      if (r.isNext(U.INTEGER)) f.ringCount = r.integer();
      r.leave();
      forwards.push(f);
    }
    r.leave().leave();
    return { forwards };
  },
});

export const setDoNotDisturb = defineOperation<{ device: DeviceId; doNotDisturbOn: boolean }, undefined>({
  name: "setDoNotDisturb",
  opcode: 316,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeDeviceId(w, a.device);
    w.boolean(a.doNotDisturbOn);
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const device = readDeviceId(r);
    const doNotDisturbOn = r.boolean();
    r.leave();
    return { device, doNotDisturbOn };
  },
  ...noData,
});

export const getDoNotDisturb = defineOperation<{ device: DeviceId }, { doNotDisturbOn: boolean }>({
  name: "getDoNotDisturb",
  opcode: 308,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeDeviceId(w, a.device);
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const device = readDeviceId(r);
    r.leave();
    return { device };
  },
  encodeResult(w, res) {
    w.begin(U.SEQUENCE).boolean(res.doNotDisturbOn).end();
  },
  decodeResult(r) {
    r.enter();
    const doNotDisturbOn = r.boolean();
    r.leave();
    return { doNotDisturbOn };
  },
});
