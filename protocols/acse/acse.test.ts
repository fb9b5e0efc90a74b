import { describe, expect, it } from "vitest";
import { asn1parse, hasOpenssl } from "../../test/support/asn1parse.js";
import { BerWriter } from "../ber/index.js";
import { type Aarq, PASSWORD_MECHANISM, readAcseApdu, writeAare, writeAarq } from "./index.js";

function encode(aarq: Aarq): Buffer {
  const w = new BerWriter();
  writeAarq(w, aarq);
  return w.toBuffer();
}

const withPassword: Aarq = {
  applicationContext: "2.9.0.0.2",
  credentials: { login: "o2g", password: "secret" },
  userInformation: [{ syntax: "2.9.1.1.4", value: Buffer.from("3004800206c0", "hex") }],
};

describe("ACSE AARQ authentication", () => {
  it("names ACSE's password-1 mechanism, 2.2.3.1, not X.519's directoryAccessAC 2.5.3.1", () => {
    expect(PASSWORD_MECHANISM).toBe("2.2.3.1");
    const der = encode(withPassword);
    // mechanism-name [11] IMPLICIT OBJECT IDENTIFIER: 8b 03 52 03 01
    expect(der.toString("hex")).toContain("8b03520301");
    const back = readAcseApdu(der);
    expect(back.kind === "aarq" && back.aarq.mechanismName).toBe("2.2.3.1");
    expect(back.kind === "aarq" && back.aarq.credentials).toEqual({ login: "o2g", password: "secret" });
  });

  it("reads the mechanism a peer sent, and none when it sent none", () => {
    const other = readAcseApdu(encode({ ...withPassword, mechanismName: "2.5.3.1" }));
    expect(other.kind === "aarq" && other.aarq.mechanismName).toBe("2.5.3.1");
    const none = readAcseApdu(encode({ applicationContext: "2.9.0.0.2" }));
    expect(none.kind === "aarq" && none.aarq.mechanismName).toBeUndefined();
  });

  it("carries user-information EXTERNALs both ways (AARQ and AARE)", () => {
    const back = readAcseApdu(encode(withPassword));
    expect(
      back.kind === "aarq" &&
        back.aarq.userInformation?.map((u) => [u.syntax, Buffer.from(u.value).toString("hex")]),
    ).toEqual([["2.9.1.1.4", "3004800206c0"]]);
    const w = new BerWriter();
    writeAare(w, {
      applicationContext: "2.9.0.0.2",
      result: 0,
      diagnostic: { source: "user", value: 0 },
      userInformation: [{ syntax: "2.9.1.1.4", value: Buffer.from("3000", "hex") }],
    });
    const aare = readAcseApdu(w.toBuffer());
    expect(aare.kind === "aare" && aare.aare.userInformation?.[0]?.syntax).toBe("2.9.1.1.4");
  });

  it.skipIf(!hasOpenssl)("is read by openssl asn1parse as the AARQ X.227 describes", () => {
    const der = encode(withPassword);
    const out = asn1parse(der)!;
    const lines = out.trim().split("\n");
    expect(lines[0]).toMatch(/d=0 .* cons: appl \[ 0 \]/);
    expect(out).toMatch(/d=2 .* OBJECT\s+:2\.9\.0\.0\.2/); // application-context-name
    expect(out).toMatch(/d=1 .* prim: +cont \[ 10 \]/); // sender-acse-requirements
    expect(out).toMatch(/d=1 .* cons: +cont \[ 30 \]/); // user-information
    expect(out).toMatch(/d=2 .* cons: +EXTERNAL/);
    expect(out).toMatch(/d=3 .* OBJECT\s+:2\.9\.1\.1\.4/);
    // The mechanism is IMPLICIT: openssl shows it as cont [ 11 ]; give its content octets the
    // universal OID tag and let openssl name the identifier.
    const m = /^\s*(\d+):d=1\s+hl=(\d+)\s+l=\s*(\d+) prim: +cont \[ 11 \]/m.exec(out);
    expect(m).not.toBeNull();
    const [offset, hl, len] = [Number(m![1]), Number(m![2]), Number(m![3])];
    const contents = der.subarray(offset + hl, offset + hl + len);
    const oid = asn1parse(Buffer.concat([Buffer.from([0x06, contents.length]), contents]))!;
    expect(oid).toMatch(/OBJECT\s+:2\.2\.3\.1\b/);
  });
});
