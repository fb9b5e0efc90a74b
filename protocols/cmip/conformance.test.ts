/** CMIP encodings checked against X.711's ASN.1 (CMIP-1, CMIP-A-ASSOCIATE-Information). */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BerError, BerReader, BerWriter } from "../ber/index.js";
import { writeReturnError } from "../rose/index.js";
import {
  CMIP_ABSTRACT_SYNTAX,
  type CmipError,
  cmipErrorCodec,
  decodeCmipUserInfo,
  encodeCmipUserInfo,
  findCmipUserInfo,
  type LinkedReply,
  mActionConfirmed,
  mLinkedReply,
  negotiateCmipUserInfo,
} from "./index.js";

function opensslAsn1parse(der: Uint8Array): string | undefined {
  try {
    return execFileSync("openssl", ["asn1parse", "-inform", "DER", "-i"], { input: der, encoding: "utf8" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}
const hasOpenssl = opensslAsn1parse(Buffer.from("0500", "hex")) !== undefined;

describe("CMIPUserInfo", () => {
  it("encodes version and functional units as DER named bit strings", () => {
    const der = encodeCmipUserInfo({
      protocolVersions: ["version1", "version2"],
      functionalUnits: ["multipleObjectSelection", "filter", "multipleReply"],
    });
    // SEQUENCE { [0] 06 c0 (version1, version2), [1] 05 e0 (bits 0..2) }
    expect(Buffer.from(der).toString("hex")).toBe("3008800206c0810205e0");
    expect(decodeCmipUserInfo(der)).toEqual({
      protocolVersions: ["version1", "version2"],
      functionalUnits: ["multipleObjectSelection", "filter", "multipleReply"],
    });
  });

  it("leaves DEFAULT values out and reads their absence as the defaults", () => {
    const der = encodeCmipUserInfo({ protocolVersions: ["version1"], functionalUnits: [] });
    expect(Buffer.from(der).toString("hex")).toBe("3000");
    expect(decodeCmipUserInfo(der)).toEqual({ protocolVersions: ["version1"], functionalUnits: [] });
  });

  it("agrees on the highest common version and the common functional units", () => {
    expect(
      negotiateCmipUserInfo(
        {
          protocolVersions: ["version1", "version2"],
          functionalUnits: ["filter", "cancelGet", "multipleReply"],
        },
        {
          protocolVersions: ["version1", "version2"],
          functionalUnits: ["multipleObjectSelection", "filter", "multipleReply"],
        },
      ),
    ).toEqual({ protocolVersions: ["version2"], functionalUnits: ["filter", "multipleReply"] });
  });

  it("is found in user-information by CMIP's abstract syntax, 2.9.1.1.4", () => {
    expect(CMIP_ABSTRACT_SYNTAX).toBe("2.9.1.1.4");
    const value = encodeCmipUserInfo({ protocolVersions: ["version2"], functionalUnits: ["filter"] });
    expect(
      findCmipUserInfo([
        { syntax: "1.2.3", value: Uint8Array.of(5, 0) },
        { syntax: "2.9.1.1.4", value },
      ]),
    ).toEqual({
      protocolVersions: ["version2"],
      functionalUnits: ["filter"],
    });
    expect(findCmipUserInfo(undefined)).toBeUndefined();
  });

  it("refuses a malformed bit string with a BerError", () => {
    expect(() => decodeCmipUserInfo(Buffer.from("30038001ff", "hex"))).toThrow(BerError);
  });
});

describe("CMIP results and linked replies as X.711 defines them", () => {
  it("always sends ActionReply's actionReplyInfo (NULL when the action says nothing)", () => {
    const w = new BerWriter();
    mActionConfirmed.encodeResult!(w, { objectClass: 2, instance: "Node=1", actionType: 7 });
    const der = w.toBuffer();
    // actionReply [6] IMPLICIT { actionType [3] 7, actionReplyInfo [4] { NULL } }
    expect(der.toString("hex")).toContain("a607830107a4020500");
    expect(mActionConfirmed.decodeResult!(new BerReader(der))).toMatchObject({ actionType: 7, reply: null });
  });

  it("refuses an ActionReply without actionReplyInfo", () => {
    // SEQUENCE { [6] { actionType [3] 7 } }
    expect(() => mActionConfirmed.decodeResult!(new BerReader(Buffer.from("3005a603830107", "hex")))).toThrow(
      BerError,
    );
  });

  const failure: LinkedReply = {
    kind: "processingFailure",
    objectClass: 2,
    instance: "Node=1/Subscriber=10001",
    specificErrorInfo: { errorId: "2.9.3.2.7.1", errorInfo: "busy" },
  };

  it("carries managedObjectClass and specificErrorInfo in a processingFailure linked reply", () => {
    const w = new BerWriter();
    mLinkedReply.encodeArgument!(w, failure);
    const der = w.toBuffer();
    expect(mLinkedReply.decodeArgument!(new BerReader(der))).toEqual(failure);
  });

  it.skipIf(!hasOpenssl)("is read by openssl asn1parse as ProcessingFailure's structure", () => {
    const w = new BerWriter();
    mLinkedReply.encodeArgument!(w, failure);
    const out = opensslAsn1parse(w.toBuffer())!;
    const lines = out
      .trim()
      .split("\n")
      .map((l) => l.replace(/^\s*\d+:/, "").replace(/\s+$/, ""));
    expect(lines).toEqual([
      expect.stringMatching(/^d=0 .* cons: cont \[ 5 \]$/), // processingFailure [5] IMPLICIT ProcessingFailure
      expect.stringMatching(/^d=1 .* prim: {2}cont \[ 1 \]$/), // managedObjectClass localForm
      expect.stringMatching(/^d=1 .* prim: {2}cont \[ 3 \]$/), // managedObjectInstance nonSpecificForm
      expect.stringMatching(/^d=1 .* cons: {2}cont \[ 5 \]$/), // specificErrorInfo [5] (EXPLICIT)
      expect.stringMatching(/^d=2 .* cons: {3}SEQUENCE$/),
      expect.stringMatching(/^d=3 .* prim: {4}OBJECT +:2\.9\.3\.2\.7\.1$/), // errorId
      expect.stringMatching(/^d=3 .* prim: {4}UTF8STRING +:busy$/), // errorInfo
    ]);
  });
});

describe("CMIP errors as X.711 defines their parameters", () => {
  /** A whole ROSE returnError APDU, as RoseLink.replyError puts it on the wire. */
  function returnError(invokeId: number, e: CmipError): Buffer {
    const param = new BerWriter();
    const code = cmipErrorCodec.encode(param, e);
    const w = new BerWriter();
    writeReturnError(w, invokeId, code, (ww: BerWriter, bytes: Buffer) => ww.raw(bytes), param.toBuffer());
    return w.toBuffer();
  }
  const parsed = (der: Buffer) =>
    opensslAsn1parse(der)!
      .trim()
      .split("\n")
      .map((l) => l.replace(/^\s*\d+:/, "").replace(/\s+$/, ""));

  it.skipIf(!hasOpenssl)("noSuchObjectInstance carries the ObjectInstance, nothing else", () => {
    const lines = parsed(
      returnError(7, { error: "noSuchObjectInstance", instance: "Node=1/Subscriber=19999" }),
    );
    expect(lines).toEqual([
      expect.stringMatching(/^d=0 .* cons: cont \[ 3 \]$/), // returnError [3]
      expect.stringMatching(/^d=1 .* prim: {2}INTEGER +:07$/), // invokeId
      expect.stringMatching(/^d=1 .* prim: {2}INTEGER +:01$/), // errcode local:1 noSuchObjectInstance
      expect.stringMatching(/^d=1 .* prim: {2}cont \[ 3 \]$/), // parameter: nonSpecificForm [3] IMPLICIT OCTET STRING
    ]);
  });

  it.skipIf(!hasOpenssl)("accessDenied has no parameter at all", () => {
    expect(parsed(returnError(8, { error: "accessDenied" }))).toEqual([
      expect.stringMatching(/^d=0 .* cons: cont \[ 3 \]$/),
      expect.stringMatching(/^d=1 .* prim: {2}INTEGER +:08$/),
      expect.stringMatching(/^d=1 .* prim: {2}INTEGER +:02$/),
    ]);
  });

  it.skipIf(!hasOpenssl)("setListError is a SetListError with its AttributeErrors", () => {
    const lines = parsed(
      returnError(9, {
        error: "setListError",
        objectClass: 2,
        instance: "Node=1/Subscriber=10001",
        setInfoList: [
          { attributeError: { errorStatus: "invalidAttributeValue", attributeId: 5, attributeValue: 99 } },
        ],
      }),
    );
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(/^d=1 .* prim: {2}INTEGER +:08$/), // errcode local:8
      expect.stringMatching(/^d=1 .* cons: {2}SEQUENCE$/), // SetListError
      expect.stringMatching(/^d=2 .* prim: {3}cont \[ 1 \]$/), // managedObjectClass localForm
      expect.stringMatching(/^d=2 .* prim: {3}cont \[ 3 \]$/), // managedObjectInstance nonSpecificForm
      expect.stringMatching(/^d=2 .* cons: {3}cont \[ 6 \]$/), // setInfoList [6] IMPLICIT SET OF
      expect.stringMatching(/^d=3 .* cons: {4}cont \[ 0 \]$/), // attributeError [0] IMPLICIT AttributeError
      expect.stringMatching(/^d=4 .* prim: {5}ENUMERATED +:06$/), // errorStatus invalidAttributeValue(6)
      expect.stringMatching(/^d=4 .* prim: {5}cont \[ 1 \]$/), // attributeId localForm
      expect.stringMatching(/^d=4 .* prim: {5}INTEGER +:63$/), // attributeValue 99
    ]);
  });
});
