import { describe, expect, it } from "vitest";
import { asn1parse, hasOpenssl } from "../../test/support/asn1parse.js";
import { BerReader, BerWriter } from "../ber/index.js";
import { writeInvoke, writeReturnResult } from "../rose/index.js";
import {
  callBack,
  callBackNonCallRelated,
  cancelCallBack,
  cstaEventReport,
  decodeTextMessageAnswer,
  encodeTextMessageAnswer,
  escapeResult,
  getCallBack,
  parseTextMessageRequest,
} from "./index.js";

const structure = (out: string) =>
  out
    .trim()
    .split("\n")
    .map((l) => {
      const m = /d=(\d+).*(?:prim|cons):\s+([^:]+?)\s*(?::|$)/.exec(l);
      return m ? `${m[1]} ${m[2]}` : l;
    });
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
// ConnectionID [APPLICATION 11] both { callID [0] "7", deviceID [1] { dialingNumber [0] "10001" } }
const CONN = "6b10300e800137a109300780053130303031";
const DEV1 = "300780053130303031"; // DeviceID { dialingNumber [0] "10001" }
const DEV2 = "300780053130303032";

describe("callbacks: ECMA-285 byte for byte", () => {
  // Vectors worked out by hand from the ASN.1 quoted in callbacks.ts.
  it("callBack invoke: callbackConnection ConnectionID (opcode 215, two octets)", () => {
    const w = new BerWriter();
    writeInvoke(w, 6, callBack.opcode, callBack.encodeArgument, {
      callbackConnection: { callId: "7", deviceId: "10001" },
    });
    expect(hex(w.toBuffer())).toBe(`a11b020106020200d73012${CONN}`);
  });

  it("callBack result: the targetDevice", () => {
    const w = new BerWriter();
    writeReturnResult(w, 6, callBack.opcode, callBack.encodeResult, { targetDevice: "10002" });
    expect(hex(w.toBuffer())).toBe(`a214020106300f020200d73009${DEV2}`);
  });

  it("callBackNonCallRelated and cancelCallBack invokes: originatingDevice, targetDevice", () => {
    for (const [op, code] of [
      [callBackNonCallRelated, "012c"],
      [cancelCallBack, "012e"],
    ] as const) {
      const w = new BerWriter();
      writeInvoke(w, 7, op.opcode, op.encodeArgument, { originatingDevice: "10001", targetDevice: "10002" });
      expect(hex(w.toBuffer())).toBe(`a11b0201070202${code}3012${DEV1}${DEV2}`);
      const r = new BerWriter();
      writeReturnResult(r, 7, op.opcode, op.encodeResult, undefined);
      expect(hex(r.toBuffer())).toBe(`a20b02010730060202${code}0500`); // noData NULL
    }
  });

  it("getCallBack result: callBackList SEQUENCE OF { originatingDevice, targetDevice }", () => {
    const w = new BerWriter();
    writeReturnResult(w, 8, getCallBack.opcode, getCallBack.encodeResult, {
      callBackList: [{ originatingDevice: "10001", targetDevice: "10002" }],
    });
    expect(hex(w.toBuffer())).toBe(`a221020108301c0202017a301630143012${DEV1}${DEV2}`);
  });

  it.skipIf(!hasOpenssl)("openssl reads the same structure", () => {
    const w = new BerWriter();
    writeReturnResult(w, 8, getCallBack.opcode, getCallBack.encodeResult, {
      callBackList: [
        { originatingDevice: "10001", targetDevice: "10002", callBackMessageIndicator: false },
        { originatingDevice: "10003", targetDevice: "10002" },
      ],
    });
    expect(structure(asn1parse(w.toBuffer())!)).toEqual([
      "0 cont [ 2 ]",
      "1 INTEGER",
      "1 SEQUENCE",
      "2 INTEGER",
      "2 SEQUENCE",
      "3 SEQUENCE",
      "4 SEQUENCE",
      "5 SEQUENCE",
      "6 cont [ 0 ]",
      "5 SEQUENCE",
      "6 cont [ 0 ]",
      "5 BOOLEAN",
      "4 SEQUENCE",
      "5 SEQUENCE",
      "6 cont [ 0 ]",
      "5 SEQUENCE",
      "6 cont [ 0 ]",
    ]);
  });

  it("decodes what it encodes, and skips the optional components it does not model", () => {
    // callBack argument with a trailing extensions [APPLICATION 30] { }
    const arg = Buffer.from(`3014${CONN}7e00`, "hex");
    expect(callBack.decodeArgument!(new BerReader(arg))).toEqual({
      callbackConnection: { callId: "7", deviceId: "10001" },
    });
    const list = new BerWriter();
    getCallBack.encodeResult!(list, { callBackList: [{ originatingDevice: "1", targetDevice: "2" }] });
    expect(getCallBack.decodeResult!(new BerReader(list.toBuffer()))).toEqual({
      callBackList: [{ originatingDevice: "1", targetDevice: "2" }],
    });
  });
});

describe("the CallBack and MessageWaiting events", () => {
  it.skipIf(!hasOpenssl)(
    "physicalDeviceFeatureEvents [3] messageWaiting [5], logicalDeviceFeatureEvents [4] callBack [8]",
    () => {
      const report = (event: Parameters<NonNullable<typeof cstaEventReport.encodeArgument>>[1]["event"]) => {
        const w = new BerWriter();
        cstaEventReport.encodeArgument!(w, { crossRefId: "1", event });
        return structure(asn1parse(w.toBuffer())!);
      };
      expect(report({ type: "messageWaiting", targetDevice: "10002", messageWaitingOn: true })).toEqual([
        "0 SEQUENCE",
        "1 appl [ 21 ]",
        "1 cont [ 3 ]",
        "2 cont [ 5 ]",
        "3 appl [ 3 ]",
        "4 SEQUENCE",
        "5 cont [ 0 ]",
        "3 BOOLEAN",
      ]);
      expect(
        report({
          type: "callBack",
          originatingDevice: "10001",
          targetDevice: "10002",
          callBackSetCanceled: true,
        }),
      ).toEqual([
        "0 SEQUENCE",
        "1 appl [ 21 ]",
        "1 cont [ 4 ]",
        "2 cont [ 8 ]",
        "3 appl [ 3 ]",
        "4 SEQUENCE",
        "5 cont [ 0 ]",
        "3 appl [ 3 ]",
        "4 SEQUENCE",
        "5 cont [ 0 ]",
        "3 BOOLEAN",
      ]);
    },
  );
});

describe("text messages in the escape's private data", () => {
  it("the escape result carries the answer in CSTACommonArguments' privateData [1]", () => {
    const answer = encodeTextMessageAnswer({ kind: "counts", unread: 2, read: 1 });
    const w = new BerWriter();
    escapeResult.encodeResult(w, { privateData: answer });
    const bytes = w.toBuffer();
    // [APPLICATION 30] { [1] { OCTET STRING } }
    expect(hex(bytes.subarray(0, 6))).toBe(
      `7e${(answer.length + 4).toString(16)}a1${(answer.length + 2).toString(16)}04${answer.length.toString(16)}`,
    );
    const back = escapeResult.decodeResult(new BerReader(bytes));
    expect(decodeTextMessageAnswer(back?.privateData, "count")).toEqual({
      kind: "counts",
      unread: 2,
      read: 1,
    });
    const none = new BerWriter();
    escapeResult.encodeResult(none, undefined);
    expect(hex(none.toBuffer())).toBe("0500");
    expect(escapeResult.decodeResult(new BerReader(none.toBuffer()))).toBeUndefined();
  });

  it("a message answer keeps its date; nothing unread reads as none", () => {
    const sentAt = new Date("2026-12-02T04:00:00.123Z");
    const bytes = encodeTextMessageAnswer({ kind: "message", sender: "10001", sentAt, text: "héllo" });
    expect(decodeTextMessageAnswer(bytes, "read")).toEqual({
      kind: "message",
      sender: "10001",
      sentAt,
      text: "héllo",
    });
    expect(decodeTextMessageAnswer(encodeTextMessageAnswer({ kind: "none" }), "read")).toEqual({
      kind: "none",
    });
  });

  it("refuses a malformed request", () => {
    expect(() =>
      parseTextMessageRequest({ v: 1, service: "miniMessage", op: "send", sender: "1" }),
    ).toThrow();
    expect(() =>
      parseTextMessageRequest({ v: 1, service: "miniMessage", op: "drop", device: "1" }),
    ).toThrow();
    expect(parseTextMessageRequest({ v: 1, service: "miniMessage", op: "count", device: "1" })).toEqual({
      v: 1,
      service: "miniMessage",
      op: "count",
      device: "1",
    });
  });
});
