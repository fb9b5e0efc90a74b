import { describe, expect, it } from "vitest";
import { asn1parse, hasOpenssl } from "../../test/support/asn1parse.js";
import { BerReader, BerWriter, U } from "../ber/index.js";
import { writeInvoke, writeReturnResult } from "../rose/index.js";
import { associateData, cstaEventReport, directedPickupCall, escapeService, intrudeCall } from "./index.js";

/** "depth tag" of each line of asn1parse's output. */
const structure = (out: string) =>
  out
    .trim()
    .split("\n")
    .map((l) => {
      const m = /d=(\d+).*(?:prim|cons):\s+([^:]+?)\s*(?::|$)/.exec(l);
      return m ? `${m[1]} ${m[2]}` : l;
    });
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const conn = { callId: "7", deviceId: "10001" };
// ConnectionID [APPLICATION 11] both { callID [0] "7", deviceID [1] { dialingNumber [0] "10001" } }
const CONN = "6b10300e800137a109300780053130303031";

describe("pick-up, intrusion, associate data, escape: ECMA-285 byte for byte", () => {
  // Vectors worked out by hand from the ASN.1 in feature-services.ts.
  it("directedPickupCall invoke: callToBePickedUp ConnectionID, requestingDevice DeviceID", () => {
    const w = new BerWriter();
    writeInvoke(w, 4, directedPickupCall.opcode, directedPickupCall.encodeArgument, {
      callToBePickedUp: conn,
      requestingDevice: "10003",
    });
    // invokeId 4, opcode local 220 (two octets: 00 dc), SEQUENCE { CONN, DeviceID "10003" }
    expect(hex(w.toBuffer())).toBe(`a124020104020200dc301b${CONN}300780053130303033`);
  });

  it("directedPickupCall with ring: our private data in the argument's extensions, read back", () => {
    const w = new BerWriter();
    const arg = { callToBePickedUp: conn, requestingDevice: "10003", ring: true };
    directedPickupCall.encodeArgument!(w, arg);
    const json = hex(Buffer.from('{"v":1,"pickUp":"ring"}'));
    // ... DeviceID, then [APPLICATION 30] { [1] { OCTET STRING } }
    expect(hex(w.toBuffer())).toBe(`3038${CONN}300780053130303033 7e1ba1190417${json}`.replace(" ", ""));
    expect(directedPickupCall.decodeArgument!(new BerReader(w.toBuffer()))).toEqual(arg);
    // someone else's private data there is skipped
    const other = new BerWriter();
    other.begin(U.SEQUENCE);
    other.raw(Buffer.from(`${CONN}300780053130303033`, "hex"));
    other.begin(0x7e).begin(0xa1).octets(Buffer.from("\x00binary")).end().end();
    other.end();
    expect(directedPickupCall.decodeArgument!(new BerReader(other.toBuffer()))).toEqual({
      callToBePickedUp: conn,
      requestingDevice: "10003",
    });
  });

  it("directedPickupCall result: the picked call's connection at the requesting device", () => {
    const w = new BerWriter();
    writeReturnResult(w, 4, directedPickupCall.opcode, directedPickupCall.encodeResult, {
      pickedCall: { callId: "7", deviceId: "10003" },
    });
    // returnResult { invokeId 4, SEQUENCE { opcode 220, SEQUENCE { pickedCall } } }
    expect(hex(w.toBuffer())).toBe("a21d0201043018020200dc30126b10300e800137a109300780053130303033");
  });

  it("intrudeCall invoke: intrude ConnectionID, participationType left at its default", () => {
    const w = new BerWriter();
    writeInvoke(w, 5, intrudeCall.opcode, intrudeCall.encodeArgument, { intrude: conn });
    expect(hex(w.toBuffer())).toBe(`a11b020105020200de3012${CONN}`);
  });

  it("associateData invoke: accountCode [0] and correlatorData [2], IMPLICIT OCTET STRINGs", () => {
    const w = new BerWriter();
    writeInvoke(w, 6, associateData.opcode, associateData.encodeArgument, {
      existingCall: conn,
      accountCode: Buffer.from("12"),
      correlatorData: Uint8Array.of(0xc0),
    });
    expect(hex(w.toBuffer())).toBe(`a122020106020200e63019${CONN}800231328201c0`);
  });

  it("escape invoke: the private request as privateData's OCTET STRING, read back", () => {
    const w = new BerWriter();
    const privateData = { v: 1, service: "overflowToVoiceMail", connection: conn } as const;
    writeInvoke(w, 7, escapeService.opcode, escapeService.encodeArgument, { privateData });
    const der = w.toBuffer();
    const json = Buffer.from(JSON.stringify(privateData));
    expect(hex(der.subarray(0, 8))).toBe(`a1${(json.length + 10).toString(16)}020107020133`);
    const r = new BerReader(der.subarray(der.length - json.length - 4));
    expect(escapeService.decodeArgument!(r)).toEqual({ privateData });
  });

  it("escape refuses a private request it does not know", () => {
    const w = new BerWriter();
    w.begin(U.SEQUENCE)
      .octets(Buffer.from('{"v":1,"service":"selfDestruct","connection":{"callId":"1","deviceId":"2"}}'))
      .end();
    expect(() => escapeService.decodeArgument!(new BerReader(w.toBuffer()))).toThrow(/selfDestruct/);
  });

  it("callInformation event: callAssociatedEvents [1], callInformation [0], read back", () => {
    const report = {
      crossRefId: "x1",
      event: {
        type: "callInformation" as const,
        connection: conn,
        device: "10001",
        callingDevice: "10002",
        accountInfo: "12",
        correlatorData: Uint8Array.of(0xc0, 0xff),
      },
    };
    const w = new BerWriter();
    cstaEventReport.encodeArgument!(w, report);
    const der = w.toBuffer();
    // SEQUENCE { crossRefId [APPLICATION 21] "x1", [1] { [0] { CONN, subject [APPLICATION 3] { DeviceID
    // { "10001" } }, calling [APPLICATION 1] { DeviceID { "10002" } }, [0] "12", [2] c0ff } } }
    expect(hex(der)).toBe(
      `303855027831a132a030${CONN}63093007800531303030316109300780053130303032800231328202c0ff`,
    );
    expect(cstaEventReport.decodeArgument!(new BerReader(der))).toEqual(report);
  });

  it.skipIf(!hasOpenssl)("openssl asn1parse reads each invoke as the ASN.1 says", () => {
    const invoke = (f: (w: BerWriter) => void) => {
      const w = new BerWriter();
      f(w);
      return asn1parse(w.toBuffer())!;
    };
    const pickup = invoke((w) =>
      writeInvoke(w, 4, directedPickupCall.opcode, directedPickupCall.encodeArgument, {
        callToBePickedUp: conn,
        requestingDevice: "10003",
      }),
    );
    // ROSE invoke { id, opcode 220, SEQUENCE { ConnectionID { both { callID [0], deviceID [1]
    // { dialingNumber [0] } } }, DeviceID { dialingNumber [0] } } }, depth by depth
    expect(structure(pickup)).toEqual([
      "0 cont [ 1 ]",
      "1 INTEGER",
      "1 INTEGER",
      "1 SEQUENCE",
      "2 appl [ 11 ]",
      "3 SEQUENCE",
      "4 cont [ 0 ]",
      "4 cont [ 1 ]",
      "5 SEQUENCE",
      "6 cont [ 0 ]",
      "2 SEQUENCE",
      "3 cont [ 0 ]",
    ]);
    const assoc = invoke((w) =>
      writeInvoke(w, 6, associateData.opcode, associateData.encodeArgument, {
        existingCall: conn,
        correlatorData: Uint8Array.of(0xc0),
      }),
    );
    expect(assoc).toMatch(/prim:\s+cont \[ 2 \]\s*$/m);
    const esc = invoke((w) =>
      writeInvoke(w, 7, escapeService.opcode, escapeService.encodeArgument, {
        privateData: { v: 1, service: "recording", connection: conn, action: "start" },
      }),
    );
    expect(esc).toMatch(/OCTET STRING\s+:\{"v":1,"service":"recording"/);
  });
});
