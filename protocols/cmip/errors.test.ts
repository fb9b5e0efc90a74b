/** Every CMIP error with the parameter X.711's CMIP-1 module gives it, and nothing else. */
import { describe, expect, it } from "vitest";
import { BerError, BerReader, BerWriter } from "../ber/index.js";
import {
  type CmipError,
  CmipErrorCode,
  cmipErrorCodec,
  NODE_DIAGNOSTIC_ERROR_ID,
  nodeDiagnostic,
} from "./index.js";

function encode(e: CmipError): { code: number; hex: string } {
  const w = new BerWriter();
  const code = cmipErrorCodec.encode(w, e);
  return { code, hex: w.toBuffer().toString("hex") };
}

function decode(code: number, hex: string): CmipError {
  return cmipErrorCodec.decode(code, hex ? new BerReader(Buffer.from(hex, "hex")) : undefined);
}

const hexOf = (s: string) => Buffer.from(s).toString("hex");
const len = (s: string) => Buffer.from(s).length.toString(16).padStart(2, "0");

const EVERY: CmipError[] = [
  { error: "noSuchObjectClass", objectClass: 7 },
  { error: "noSuchObjectInstance", instance: "Node=1/Subscriber=19999" },
  { error: "accessDenied" },
  { error: "syncNotSupported", sync: "atomic" },
  { error: "invalidFilter", filter: { or: [{ present: 3 }, { not: { equality: { id: 2, value: "x" } } }] } },
  { error: "noSuchAttribute", attributeId: 44 },
  { error: "invalidAttributeValue", attribute: { id: 5, value: 99 } },
  {
    error: "getListError",
    objectClass: 2,
    instance: "Node=1/Subscriber=10001",
    getInfoList: [
      { attribute: { id: 2, value: "Smith" } },
      { attributeIdError: { errorStatus: "noSuchAttribute", attributeId: 99 } },
    ],
  },
  {
    error: "setListError",
    objectClass: 2,
    instance: "Node=1/Subscriber=10001",
    setInfoList: [
      { attributeError: { errorStatus: "invalidAttributeValue", attributeId: 5, attributeValue: 99 } },
      { attributeError: { errorStatus: "invalidOperation", modifyOperator: "setToDefault", attributeId: 2 } },
      { attribute: { id: 3, value: "Ada" } },
    ],
  },
  { error: "noSuchAction", objectClass: 2, actionType: 9 },
  {
    error: "processingFailure",
    failure: {
      objectClass: 2,
      instance: "Node=1/Subscriber=10001",
      specificErrorInfo: { errorId: NODE_DIAGNOSTIC_ERROR_ID, errorInfo: "in a call" },
    },
  },
  { error: "processingFailure" },
  { error: "duplicateManagedObjectInstance", instance: "Node=1/Entity=5" },
  { error: "noSuchReferenceObject", instance: "Node=1/Subscriber=1" },
  { error: "noSuchEventType", objectClass: 2, eventType: 12 },
  { error: "noSuchArgument", argument: { actionId: { objectClass: 2, actionType: 1 } } },
  { error: "noSuchArgument", argument: { eventId: { eventType: 4 } } },
  { error: "invalidArgumentValue", argument: { actionValue: { actionType: 1, info: "1234" } } },
  { error: "invalidArgumentValue", argument: { eventValue: { eventType: 4 } } },
  { error: "invalidScope", scope: "wholeSubtree" },
  { error: "invalidObjectInstance", instance: "garbage" },
  { error: "missingAttributeValue", attributeIds: [2, 4] },
  { error: "classInstanceConflict", objectClass: 2, instance: "Node=1" },
  { error: "complexityLimitation", limitation: { scope: "firstLevelOnly", sync: "bestEffort" } },
  { error: "complexityLimitation" },
  { error: "mistypedOperation" },
  { error: "noSuchInvokeId", invokeId: 17 },
  { error: "noSuchInvokeId", invokeId: null },
  { error: "operationCancelled" },
];

describe("CMIP errors", () => {
  it("cover every X.711 error code", () => {
    expect(new Set(EVERY.map((e) => e.error))).toEqual(new Set(Object.keys(CmipErrorCode)));
  });

  it.each(EVERY.map((e) => [e.error, e] as const))("%s goes and comes back with its parameter", (_n, e) => {
    const { code, hex } = encode(e);
    expect(code).toBe(CmipErrorCode[e.error]);
    expect(decode(code, hex)).toEqual(e);
  });

  it("send no parameter where X.711 defines none, and ignore one that comes anyway", () => {
    for (const error of ["accessDenied", "mistypedOperation", "operationCancelled"] as const) {
      expect(encode({ error }).hex).toBe("");
      expect(decode(CmipErrorCode[error], "0c0474657874")).toEqual({ error }); // a stray UTF8String
    }
  });

  it("send ObjectInstance bare: nonSpecificForm [3] IMPLICIT OCTET STRING", () => {
    const inst = "Node=1/Subscriber=19999";
    expect(encode({ error: "noSuchObjectInstance", instance: inst })).toEqual({
      code: 1,
      hex: `83${len(inst)}${hexOf(inst)}`,
    });
  });

  it("send AttributeId, Attribute and SET OF AttributeId in their local forms", () => {
    expect(encode({ error: "noSuchAttribute", attributeId: 5 }).hex).toBe("810105");
    // Attribute ::= SEQUENCE { id localForm [1] 5, value INTEGER 99 }
    expect(encode({ error: "invalidAttributeValue", attribute: { id: 5, value: 99 } }).hex).toBe(
      "3006810105020163",
    );
    expect(encode({ error: "missingAttributeValue", attributeIds: [2, 4] }).hex).toBe("3106810102810104");
  });

  it("tag ComplexityLimitation's components explicitly, as CMIP-1's default wants", () => {
    // SET { scope [0] { INTEGER 1 }, sync [2] { ENUMERATED 1 } }
    expect(
      encode({ error: "complexityLimitation", limitation: { scope: "firstLevelOnly", sync: "atomic" } }).hex,
    ).toBe("310aa003020101a2030a0101");
  });

  it("refuse an error whose mandatory parameter is missing or malformed, with a BerError", () => {
    expect(() => decode(1, "")).toThrow(BerError);
    expect(() => decode(6, "810105")).toThrow(BerError); // an AttributeId where an Attribute is due
    expect(() => decode(8, "3000")).toThrow(BerError); // a SetListError without its setInfoList
  });

  it("take an error code X.711 does not define for a processing failure", () => {
    expect(decode(99, "")).toEqual({ error: "processingFailure" });
  });

  it("give the node's diagnostic from a processingFailure only", () => {
    expect(nodeDiagnostic(EVERY.find((e) => e.error === "processingFailure")!)).toBe("in a call");
    expect(nodeDiagnostic({ error: "processingFailure" })).toBeUndefined();
    expect(nodeDiagnostic({ error: "accessDenied" })).toBeUndefined();
  });
});
