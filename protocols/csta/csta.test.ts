import { describe, expect, it } from "vitest";
import { BerReader, BerWriter } from "../ber/index.js";
import {
  type OperationSpec,
  readRoseApdu,
  writeInvoke,
  writeReject,
  writeReturnError,
  writeReturnResult,
} from "../rose/index.js";
import {
  CSTA_OPERATIONS,
  type CstaEvent,
  cstaErrorCodec,
  cstaEventReport,
  failure,
  makeCall,
  monitorStart,
  parkCall,
} from "./index.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** Encode an argument or result the way it travels, then decode it again. */
function roundTrip<T>(
  encode: ((w: BerWriter, v: T) => void) | undefined,
  decode: ((r: BerReader) => T) | undefined,
  v: T,
): T {
  const w = new BerWriter();
  encode!(w, v);
  const r = new BerReader(w.toBuffer());
  const out = decode!(r);
  expect(r.atEnd()).toBe(true);
  return out;
}

describe("CSTA encodings match ECMA-285 byte for byte", () => {
  // Vectors worked out from the ASN.1 modules (see protocols/csta module notes).
  it("makeCall invoke", () => {
    const w = new BerWriter();
    writeInvoke(w, 1, makeCall.opcode, makeCall.encodeArgument, {
      callingDevice: "1000",
      calledDirectoryNumber: "2000",
    });
    expect(hex(w.toBuffer())).toBe("a11802010102010a301030068004313030303006800432303030");
  });

  it("parkCall invoke: parking ConnectionID (call and device), parkTo DeviceID", () => {
    const w = new BerWriter();
    writeInvoke(w, 3, parkCall.opcode, parkCall.encodeArgument, {
      parking: { callId: "7", deviceId: "10001" },
      parkTo: "10002",
    });
    expect(hex(w.toBuffer())).toBe(
      "a123020103020112301b6b10300e800137a109300780053130303031300780053130303032",
    );
  });

  it("parkCall returnResult with the parkedTo connection", () => {
    const w = new BerWriter();
    writeReturnResult(w, 3, parkCall.opcode, parkCall.encodeResult, {
      parkedTo: { callId: "7", deviceId: "10002" },
    });
    expect(hex(w.toBuffer())).toBe("a21c020103301702011230126b10300e800137a109300780053130303032");
  });

  it("returnError universalFailure operation invalidDeviceID", () => {
    const w = new BerWriter();
    const param = new BerWriter();
    const code = cstaErrorCodec.encode(param, failure("operation", "invalidDeviceID"));
    writeReturnError(w, 5, code, (ww, b: Buffer) => ww.raw(b), param.toBuffer());
    expect(hex(w.toBuffer())).toBe("a30b020105020101a0030a010c");
  });

  it("monitorStart returnResult", () => {
    const w = new BerWriter();
    writeReturnResult(w, 2, monitorStart.opcode, monitorStart.encodeResult, {
      crossRefId: "\x01\x02\x03\x04",
    });
    expect(hex(w.toBuffer())).toBe("a210020102300b0201473006550401020304");
  });

  it("reject invoke unrecognizedOperation", () => {
    const w = new BerWriter();
    writeReject(w, 7, { kind: "invoke", code: 1 });
    expect(hex(w.toBuffer())).toBe("a406020107810101");
  });

  it("delivered event report", () => {
    const w = new BerWriter();
    writeInvoke(w, 9, cstaEventReport.opcode, cstaEventReport.encodeArgument, {
      crossRefId: "\x01\x02\x03\x04",
      event: {
        type: "delivered",
        connection: { callId: "\x00\x01", deviceId: "2000" },
        alertingDevice: "2000",
        callingDevice: "1000",
        calledDevice: "2000",
        lastRedirectionDevice: null,
        localConnectionInfo: "alerting",
        cause: "newCall",
      },
    });
    const expected =
      "a14c0201090201153044550401020304a03ca43a6b10300e80020001a108300680043230303063083006800432303030" +
      "6108300680043130303062083006800432303030640287004e01020a0116";
    expect(hex(w.toBuffer())).toBe(expected);
  });

  it("decodes the systemStatus a real switch sends (Panasonic capture)", () => {
    const apdu = readRoseApdu(Buffer.from("a10c020101020200d330030a0102", "hex"));
    expect(apdu.kind).toBe("invoke");
    if (apdu.kind !== "invoke") return;
    expect(apdu.opcode).toBe(211);
    const op = CSTA_OPERATIONS.byCode.get(211)!;
    expect(op.decodeArgument!(new BerReader(apdu.argument!))).toEqual({ systemStatus: "normal" });
  });

  it("decodes a monitorStart with an empty filter (Panasonic capture)", () => {
    const apdu = readRoseApdu(Buffer.from("a111020178020147300930058003313031a000", "hex"));
    if (apdu.kind !== "invoke") throw new Error("not an invoke");
    expect(monitorStart.decodeArgument!(new BerReader(apdu.argument!))).toEqual({ device: "101" });
  });
});

describe("every CSTA operation round-trips", () => {
  const conn = { callId: "42", deviceId: "10001" };
  const samples: Record<string, { arg?: unknown; result?: unknown }> = {
    systemStatus: { arg: { systemStatus: "normal" } },
    monitorStart: { arg: { device: "10001" }, result: { crossRefId: "m17" } },
    monitorStop: { arg: { crossRefId: "m17" } },
    snapshotDevice: {
      arg: { device: "10001" },
      result: {
        calls: [
          { connection: conn, states: ["connected", "alerting"] },
          { connection: { callId: "43", deviceId: "10001" }, states: ["hold"] },
        ],
      },
    },
    snapshotCall: {
      arg: { call: conn },
      result: {
        parties: [
          { device: "10001", connection: conn, state: "connected" },
          { device: null, connection: { callId: "42", deviceId: "0033123" }, state: "alerting" },
        ],
        callingDevice: "10001",
        calledDevice: null,
      },
    },
    makeCall: {
      arg: {
        callingDevice: "10001",
        calledDirectoryNumber: "10002",
        autoOriginate: "doNotPrompt",
        correlatorData: Uint8Array.of(1, 2),
      },
      result: { callingDevice: conn },
    },
    answerCall: { arg: { connection: conn } },
    clearCall: { arg: { connection: { callId: "42", deviceId: undefined } } },
    clearConnection: { arg: { connection: conn } },
    holdCall: { arg: { connection: conn } },
    retrieveCall: { arg: { connection: conn } },
    consultationCall: {
      arg: { existingCall: conn, consultedDevice: "10003" },
      result: { initiatedCall: { callId: "44", deviceId: "10001" } },
    },
    transferCall: {
      arg: { heldCall: conn, activeCall: { callId: "44", deviceId: "10001" } },
      result: { call: { callId: "44", deviceId: "10002" } },
    },
    conferenceCall: {
      arg: { heldCall: conn, activeCall: { callId: "44", deviceId: "10001" } },
      result: { call: conn },
    },
    alternateCall: { arg: { heldCall: conn, activeCall: { callId: "44", deviceId: "10001" } } },
    reconnectCall: { arg: { heldCall: conn, activeCall: { callId: "44", deviceId: "10001" } } },
    deflectCall: { arg: { call: conn, destination: "10009" } },
    singleStepTransfer: {
      arg: { call: conn, destination: "10009" },
      result: { call: { callId: "45", deviceId: "10009" } },
    },
    generateDigits: { arg: { connection: conn, digits: "12#*" } },
    parkCall: {
      arg: { parking: conn, parkTo: "10002" },
      result: { parkedTo: { callId: "42", deviceId: "10002" } },
    },
    setForwarding: {
      arg: {
        device: "10001",
        forwardingType: "forwardBusy",
        activateForward: true,
        forwardDN: "10005",
        ringCount: 3,
      },
    },
    getForwarding: {
      arg: { device: "10001" },
      result: {
        forwards: [
          { forwardingType: "forwardImmediate", forwardStatus: true, forwardDN: "10007" },
          { forwardingType: "forwardNoAns", forwardStatus: false },
        ],
      },
    },
    setDoNotDisturb: { arg: { device: "10001", doNotDisturbOn: true } },
    getDoNotDisturb: { arg: { device: "10001" }, result: { doNotDisturbOn: true } },
    callBack: { arg: { callbackConnection: conn }, result: { targetDevice: "10002" } },
    callBackNonCallRelated: { arg: { originatingDevice: "10001", targetDevice: "10002" } },
    cancelCallBack: { arg: { originatingDevice: "10001", targetDevice: "10002" } },
    getCallBack: {
      arg: { device: "10002" },
      result: {
        callBackList: [
          { originatingDevice: "10001", targetDevice: "10002" },
          { originatingDevice: "10003", targetDevice: "10002", callBackMessageIndicator: true },
        ],
      },
    },
    directedPickupCall: {
      arg: { callToBePickedUp: conn, requestingDevice: "10003" },
      result: { pickedCall: { callId: "42", deviceId: "10003" } },
    },
    intrudeCall: { arg: { intrude: conn }, result: { conferencedCall: { callId: "40", deviceId: "10001" } } },
    associateData: {
      arg: {
        existingCall: conn,
        accountCode: Uint8Array.of(0x31, 0x32),
        correlatorData: Uint8Array.of(0xc0),
      },
    },
    escape: {
      arg: { privateData: { v: 1, service: "recording", connection: conn, action: "pause" } },
      result: undefined,
    },
    setAgentState: {
      arg: {
        device: "10001",
        requestedAgentState: "notReady",
        agentID: "10001",
        group: "6001",
        private: { subState: "WITHDRAW", withdrawReason: 2 },
      },
    },
    getAgentState: {
      arg: { device: "10001", agentID: "10002" },
      result: {
        agentStateList: [
          {
            agentID: "10001",
            loggedOnState: true,
            agentInfo: [{ acdGroup: "6001", agentState: "agentBusy" }],
          },
        ],
        private: { mainState: "LOG_ON", subState: "BUSY", pgNumber: "6001", proAcdDeviceNumber: "10001" },
      },
    },
    // The routeing services of the RSI points (routing-services.ts).
    routeRegister: { arg: { routeingDevice: "4001" }, result: { registerReqId: 3 } },
    routeRegisterCancel: { arg: { registerReqId: 3 }, result: undefined },
    routeRequest: {
      arg: {
        crossRefId: 12,
        registerReqId: 3,
        currentRoute: "4001",
        callingDevice: "10001",
        routeingDevice: "4001",
        routedCall: { callId: "7", deviceId: "4001" },
        replyTimeout: 30,
      },
      result: undefined,
    },
    reRoute: { arg: { crossRefId: 12, registerReqId: 3, reason: "busy" }, result: undefined },
    routeSelect: {
      arg: { crossRefId: 12, routeSelected: "7001", routeToVoiceMail: true, callingLine: "5555" },
      result: undefined,
    },
    routeEnd: { arg: { crossRefId: 12 }, result: undefined },
  };

  for (const [name, op] of Object.entries(CSTA_OPERATIONS.ops) as [
    string,
    OperationSpec<unknown, unknown>,
  ][]) {
    if (name === "cstaEventReport") continue;
    it(name, () => {
      const s = samples[name];
      expect(s, `a sample for ${name}`).toBeDefined();
      if (s!.arg !== undefined)
        expect(roundTrip(op.encodeArgument, op.decodeArgument, s!.arg)).toEqual(s!.arg);
      if (s!.result !== undefined)
        expect(roundTrip(op.encodeResult, op.decodeResult, s!.result)).toEqual(s!.result);
    });
  }
});

describe("every CSTA event round-trips", () => {
  const a = { callId: "7", deviceId: "10001" };
  const b = { callId: "7", deviceId: "10002" };
  const events: CstaEvent[] = [
    {
      type: "serviceInitiated",
      initiatedConnection: a,
      initiatingDevice: "10001",
      localConnectionInfo: "initiated",
      cause: "makeCall",
    },
    {
      type: "originated",
      originatedConnection: a,
      callingDevice: "10001",
      calledDevice: "10002",
      localConnectionInfo: "connected",
      cause: "makeCall",
    },
    {
      type: "delivered",
      connection: b,
      alertingDevice: "10002",
      callingDevice: "10001",
      calledDevice: "10002",
      lastRedirectionDevice: null,
      localConnectionInfo: "connected",
      cause: "newCall",
      correlatorData: Uint8Array.of(9),
    },
    {
      type: "established",
      establishedConnection: b,
      answeringDevice: "10002",
      callingDevice: "10001",
      calledDevice: "10002",
      lastRedirectionDevice: "10009",
      cause: "newCall",
    },
    { type: "held", heldConnection: a, holdingDevice: "10001", localConnectionInfo: "hold", cause: "normal" },
    { type: "retrieved", retrievedConnection: a, retrievingDevice: "10001", cause: "normal" },
    {
      type: "diverted",
      connection: b,
      divertingDevice: "10002",
      newDestination: "10003",
      callingDevice: "10001",
      calledDevice: "10002",
      lastRedirectionDevice: "10002",
      cause: "redirected",
    },
    {
      type: "transferred",
      primaryOldCall: a,
      secondaryOldCall: { callId: "8", deviceId: "10001" },
      transferringDevice: "10001",
      transferredToDevice: "10003",
      transferredConnections: [
        { newConnection: { callId: "8", deviceId: "10002" }, oldConnection: b, endpoint: "10002" },
        {
          newConnection: { callId: "8", deviceId: "10003" },
          oldConnection: { callId: "8", deviceId: "10003" },
          endpoint: null,
        },
      ],
      localConnectionInfo: "null",
      cause: "transfer",
    },
    {
      type: "conferenced",
      primaryOldCall: a,
      secondaryOldCall: { callId: "8", deviceId: "10001" },
      conferencingDevice: "10001",
      addedParty: "10003",
      conferenceConnections: [{ newConnection: a, oldConnection: a, endpoint: "10001" }],
      localConnectionInfo: "connected",
      cause: "conference",
    },
    {
      type: "connectionCleared",
      droppedConnection: a,
      releasingDevice: "10001",
      localConnectionInfo: "null",
      cause: "normalClearing",
    },
    { type: "callCleared", clearedCall: { callId: "7", deviceId: undefined }, cause: "normalClearing" },
    {
      type: "failed",
      failedConnection: b,
      failingDevice: "10002",
      callingDevice: "10001",
      calledDevice: "10002",
      lastRedirectionDevice: null,
      localConnectionInfo: "connected",
      cause: "busy",
    },
    {
      type: "queued",
      queuedConnection: b,
      queue: "30000",
      callingDevice: "10001",
      calledDevice: "30000",
      lastRedirectionDevice: null,
      numberQueued: 2,
      cause: "enteringDistribution",
    },
    { type: "doNotDisturb", device: "10001", doNotDisturbOn: true },
    { type: "callBack", originatingDevice: "10003", targetDevice: "10001", callBackSetCanceled: false },
    { type: "messageWaiting", targetDevice: "10001", messageWaitingOn: true },
    {
      type: "forwarding",
      device: "10001",
      forwardingType: "forwardImmediate",
      forwardStatus: true,
      forwardTo: "10004",
    },
    { type: "forwarding", device: "10001", forwardStatus: false },
    {
      type: "agentNotReady",
      agentDevice: "10001",
      agentID: "10001",
      acdGroup: "6001",
      private: { mainState: "LOG_ON", subState: "WITHDRAW", withdrawReason: 3 },
    },
    { type: "agentLoggedOff", agentDevice: "10001" },
  ];
  for (const event of events) {
    it(`${event.type}${event.type === "forwarding" && !event.forwardStatus ? " (off)" : ""}`, () => {
      const report = { crossRefId: "x1", event };
      expect(roundTrip(cstaEventReport.encodeArgument, cstaEventReport.decodeArgument, report)).toEqual(
        report,
      );
    });
  }

  it("skips components from later editions it does not model", () => {
    // A held event with mediaCallCharacteristics [2] and an unknown [29] component before the cause.
    const w = new BerWriter();
    const report = { crossRefId: "x", event: events[4]! };
    cstaEventReport.encodeArgument!(w, report);
    const bytes = Buffer.from(w.toBuffer());
    // Insert "9d 01 00" ([29] primitive) just before the cause (last 3 bytes: 0a 01 4e).
    const patched = Buffer.concat([
      bytes.subarray(0, bytes.length - 3),
      Buffer.from("9d0100", "hex"),
      bytes.subarray(bytes.length - 3),
    ]);
    // Fix the three enclosing lengths (SEQUENCE, [0], [9]) by +3.
    patched[1]! += 3;
    const groupAt = 2 + 2 + patched[3]!;
    patched[groupAt + 1]! += 3;
    patched[groupAt + 3]! += 3;
    expect(cstaEventReport.decodeArgument!(new BerReader(patched))).toEqual(report);
  });
});
