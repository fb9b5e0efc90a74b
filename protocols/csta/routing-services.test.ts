import { describe, expect, it } from "vitest";
import { asn1parse, hasOpenssl } from "../../test/support/asn1parse.js";
import { BerReader, BerWriter } from "../ber/index.js";
import { type OperationSpec, writeInvoke } from "../rose/index.js";
import {
  CSTA_OPERATIONS,
  escapeService,
  parseRsiPrivate,
  reRoute,
  routeEnd,
  routeRegister,
  routeRegisterCancel,
  routeRequest,
  routeSelect,
} from "./index.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const arg = <A, R>(op: OperationSpec<A, R>, a: NoInfer<A>) => {
  const w = new BerWriter();
  op.encodeArgument!(w, a);
  return w.toBuffer();
};
const back = <A, R>(op: OperationSpec<A, R>, b: Buffer) => op.decodeArgument!(new BerReader(b));

describe("routeing services: ECMA-285 byte for byte", () => {
  // Vectors worked out by hand from the ASN.1 quoted in routing-services.ts.
  it("uses ECMA-285's operation codes, in the CSTA operation table", () => {
    expect(
      [routeRequest, reRoute, routeSelect, routeEnd, routeRegister, routeRegisterCancel].map((o) => o.opcode),
    ).toEqual([31, 32, 33, 35, 248, 250]);
    for (const op of [routeRequest, reRoute, routeSelect, routeEnd, routeRegister, routeRegisterCancel])
      expect(CSTA_OPERATIONS.byCode.get(op.opcode)).toBe(op);
  });

  it("routeRegister: routeingDevice DeviceID; result RouteRegisterReqID [APPLICATION 25] of 4 octets", () => {
    expect(hex(arg(routeRegister, { routeingDevice: "4001" }))).toBe("30083006800434303031");
    const w = new BerWriter();
    routeRegister.encodeResult!(w, { registerReqId: 7 });
    expect(hex(w.toBuffer())).toBe("30065904" + "00000007");
    expect(routeRegister.decodeResult!(new BerReader(w.toBuffer()))).toEqual({ registerReqId: 7 });
    expect(hex(arg(routeRegisterCancel, { registerReqId: 7 }))).toBe("300659040000" + "0007");
  });

  it("routeRequest: crossRef [APPLICATION 24], [0] regId, currentRoute, callingDevice, routeingDevice, routedCall, [3] replyTimeout", () => {
    const b = arg(routeRequest, {
      crossRefId: 0x0102,
      registerReqId: 1,
      currentRoute: "4001",
      callingDevice: "10030",
      routeingDevice: "4001",
      routedCall: { callId: "7", deviceId: "4001" },
      replyTimeout: 30,
    });
    expect(hex(b)).toBe(
      "303f" + // 6 + 6 + 10 + 11 + 10 + 17 + 3 octets
        "580400000102" + // RouteingCrossRefID
        "800400000001" + // [0] IMPLICIT RouteRegisterReqID
        "62083006800434303031" + // CalledDeviceID [APPLICATION 2] { DeviceID }
        "61093007800531303033" +
        "30" + // CallingDeviceID [APPLICATION 1]
        "63083006800434303031" + // SubjectDeviceID [APPLICATION 3]
        "6b0f300d800137a1083006800434303031" + // ConnectionID both
        "83011e", // [3] IMPLICIT INTEGER 30
    );
    expect(back(routeRequest, b)).toEqual({
      crossRefId: 0x0102,
      registerReqId: 1,
      currentRoute: "4001",
      callingDevice: "10030",
      routeingDevice: "4001",
      routedCall: { callId: "7", deviceId: "4001" },
      replyTimeout: 30,
    });
  });

  it("routeSelect: routeSelected [1] EXPLICIT DeviceID, correlatorData [5], O2G's extras as privateData", () => {
    const plain = arg(routeSelect, { crossRefId: 5, routeSelected: "10031" });
    expect(hex(plain)).toBe("3011" + "580400000005" + "a1093007800531303033" + "31");
    expect(back(routeSelect, plain)).toEqual({ crossRefId: 5, routeSelected: "10031" });
    const full = arg(routeSelect, {
      crossRefId: 5,
      routeSelected: "7001",
      correlatorData: Buffer.from("gold"),
      routeToVoiceMail: true,
      callingLine: "5555",
    });
    expect(back(routeSelect, full)).toEqual({
      crossRefId: 5,
      routeSelected: "7001",
      correlatorData: Uint8Array.from(Buffer.from("gold")),
      routeToVoiceMail: true,
      callingLine: "5555",
    });
  });

  it("routeEnd and reRoute: crossRef, [0] regId; reRoute's reason in privateData", () => {
    expect(hex(arg(routeEnd, { crossRefId: 9, registerReqId: 2 }))).toBe("300c580400000009800400000002");
    expect(back(reRoute, arg(reRoute, { crossRefId: 9, reason: "busy" }))).toEqual({
      crossRefId: 9,
      reason: "busy",
    });
    expect(back(reRoute, arg(reRoute, { crossRefId: 9 }))).toEqual({ crossRefId: 9 });
  });

  it.skipIf(!hasOpenssl)("is read by openssl asn1parse as the modules' structure", () => {
    const w = new BerWriter();
    writeInvoke(w, 3, routeRequest.opcode, routeRequest.encodeArgument, {
      crossRefId: 1,
      currentRoute: "4001",
      callingDevice: null,
      routedCall: { callId: "7", deviceId: "4001" },
    });
    const out = asn1parse(w.toBuffer())!;
    expect(out).toContain("cont [ 1 ]"); // ROSE invoke
    expect(out).toContain("appl [ 24 ]"); // RouteingCrossRefID
    expect(out).toContain("appl [ 2 ]"); // currentRoute
    expect(out).toContain("appl [ 1 ]"); // callingDevice notKnown
    expect(out).toContain("appl [ 11 ]"); // routedCall
    const sel = new BerWriter();
    writeInvoke(sel, 4, routeSelect.opcode, routeSelect.encodeArgument, {
      crossRefId: 1,
      routeSelected: "10031",
      routeToVoiceMail: true,
    });
    const s = asn1parse(sel.toBuffer())!;
    expect(s).toContain("cont [ 1 ]");
    expect(s).toContain("appl [ 30 ]"); // CSTACommonArguments
    expect(s).toContain("OCTET STRING");
  });
});

describe("RSI guides: escape private requests", () => {
  it("round-trips each request and event through the escape service", () => {
    const reqs = [
      { v: 1, service: "rsi", op: "playTone", tone: "MUSIC", durationMs: 2000, point: "4001", callId: "7" },
      { v: 1, service: "rsi", op: "stopTone", point: "4001", callId: "7" },
      { v: 1, service: "rsi", op: "playVoiceGuide", guide: 3, point: "4001", callId: "7" },
      {
        v: 1,
        service: "rsi",
        op: "collectDigits",
        numChars: 4,
        flushChar: "#",
        timeoutMs: 5000,
        point: "4001",
        callId: "7",
      },
      { v: 1, service: "rsi", op: "stopCollect", point: "4001", collCrid: "12" },
      { v: 1, service: "rsi", event: "toneStart", tone: "ANNOUNCEMENT", point: "4001", callId: "7" },
      {
        v: 1,
        service: "rsi",
        event: "digitsCollected",
        collCrid: "12",
        digits: "42",
        cause: "FLUSCHAR_RECEIVED",
        point: "4001",
        callId: "7",
      },
    ] as const;
    for (const privateData of reqs) {
      const b = arg(escapeService, { privateData });
      expect(back(escapeService, b).privateData).toEqual(privateData);
    }
  });

  it("throws a malformed one out", () => {
    const bad = [
      { v: 1, service: "rsi", op: "playTone", tone: "LOUD", durationMs: 1, point: "4001", callId: "7" },
      { v: 1, service: "rsi", op: "collectDigits", numChars: -1, point: "4001", callId: "7" },
      { v: 1, service: "rsi", op: "collectDigits", numChars: 1, flushChar: "ab", point: "4001", callId: "7" },
      { v: 1, service: "rsi", op: "stopTone", point: "40x1", callId: "7" },
      { v: 1, service: "rsi", op: "stopTone", point: "4001" },
      {
        v: 1,
        service: "rsi",
        event: "digitsCollected",
        collCrid: "1",
        digits: "x",
        cause: "TIMEOUT",
        point: "4001",
        callId: "7",
      },
    ];
    for (const o of bad) expect(() => parseRsiPrivate(o)).toThrow();
  });
});
