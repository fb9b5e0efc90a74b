/**
 * The call profile of O2G's makePilotOrRSICall in MakeCall's and ConsultationCall's
 * CSTACommonArguments ([APPLICATION 30], privateData [1], a UTF-8 JSON string of ours): round
 * trip, what an independent decoder (openssl asn1parse) reads, and profiles that are none.
 */
import { describe, expect, it } from "vitest";
import { asn1parse, hasOpenssl } from "../../test/support/asn1parse.js";
import { BerReader, BerWriter } from "../ber/index.js";
import { type OperationSpec, writeInvoke } from "../rose/index.js";
import { consultationCall, makeCall, readCallOptions, writeCallOptions } from "./index.js";

const profile = [
  { skill: 3, level: 2, mandatory: true },
  { skill: 7, level: 4, mandatory: false },
];

function roundTrip<T, R>(op: OperationSpec<T, R>, a: T): T {
  const w = new BerWriter();
  op.encodeArgument!(w, a);
  return op.decodeArgument!(new BerReader(w.toBuffer()));
}

describe("a call profile", () => {
  it("round-trips in MakeCall and in ConsultationCall", () => {
    const mk = {
      callingDevice: "10030",
      calledDirectoryNumber: "7001",
      autoOriginate: "doNotPrompt" as const,
      options: { callProfile: profile },
    };
    expect(roundTrip(makeCall, mk)).toEqual(mk);
    const cc = {
      existingCall: { callId: "42", deviceId: "10031" },
      consultedDevice: "7001",
      options: { callProfile: profile },
    };
    expect(roundTrip(consultationCall, cc)).toEqual(cc);
    // Without one, the consultation is ECMA-285's plain argument.
    const plain = { existingCall: { callId: "42", deviceId: "10031" }, consultedDevice: "7001" };
    expect(roundTrip(consultationCall, plain)).toEqual(plain);
  });

  it("is none when it is not one: too many skills, a level outside 1..4, a missing flag", () => {
    const read = (callProfile: unknown) => {
      const w = new BerWriter();
      writeCallOptions(w, { callProfile } as never);
      return readCallOptions(new BerReader(w.toBuffer()))?.callProfile;
    };
    expect(read(profile)).toEqual(profile);
    expect(read([{ skill: 3, level: 9, mandatory: true }])).toBeUndefined();
    expect(read([{ skill: 3, level: 1 }])).toBeUndefined();
    expect(read(Array.from({ length: 17 }, () => profile[0]))).toBeUndefined();
    expect(read([{ skill: 0, level: 1, mandatory: false }])).toBeUndefined();
  });

  it.skipIf(!hasOpenssl)(
    "openssl reads ConsultationCall's structure, the profile in its common arguments",
    () => {
      const w = new BerWriter();
      writeInvoke(w, 5, consultationCall.opcode, consultationCall.encodeArgument, {
        existingCall: { callId: "42", deviceId: "10031" },
        consultedDevice: "7001",
        options: { callProfile: profile },
      });
      const out = asn1parse(w.toBuffer())!;
      const lines = out.trim().split("\n");
      const tags = lines.map(
        (l) =>
          `${(l.match(/d=\s*(\d+)/) ?? [])[1]} ${
            l
              .split(/prim:|cons:/)[1]!
              .trim()
              .split(/\s{2,}|:/)[0]
          }`,
      );
      expect(tags).toEqual([
        "0 cont [ 1 ]",
        "1 INTEGER",
        "1 INTEGER",
        "1 SEQUENCE",
        // existingCall [0] (a ConnectionID: callID [0], deviceID [1] { dialingNumber [0] })
        "2 cont [ 0 ]",
        "3 SEQUENCE",
        "4 cont [ 0 ]",
        "4 cont [ 1 ]",
        "5 SEQUENCE",
        "6 cont [ 0 ]",
        // consultedDevice [1] (a DeviceID: dialingNumber [0])
        "2 cont [ 1 ]",
        "3 SEQUENCE",
        "4 cont [ 0 ]",
        // extensions: CSTACommonArguments [APPLICATION 30] { privateData [1] { string } }
        "2 appl [ 30 ]",
        "3 cont [ 1 ]",
        "4 OCTET STRING",
      ]);
      // openssl shows a printable OCTET STRING as text: the JSON of ours, whole.
      const json = JSON.parse(lines.at(-1)!.replace(/^.*OCTET STRING\s*:/, ""));
      expect(json).toEqual({ oxeCall: { callProfile: profile } });
    },
  );
});
