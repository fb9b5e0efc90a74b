/**
 * CMIP errors (X.711 CMIP-1: local error codes). The parameters of some are structured in the
 * standard; we carry the attribute id, the offending value or a text when they help, in one
 * generic shape, and the standard code.
 */
import { type BerReader, type BerWriter, ctx, ctxC, U } from "../ber/index.js";
import type { ErrorCodec } from "../rose/index.js";
import { type CmipValue, readValue, writeValue } from "./pdus.js";

export const CmipErrorCode = {
  noSuchObjectClass: 0,
  noSuchObjectInstance: 1,
  accessDenied: 2,
  syncNotSupported: 3,
  invalidFilter: 4,
  noSuchAttribute: 5,
  invalidAttributeValue: 6,
  getListError: 7,
  setListError: 8,
  noSuchAction: 9,
  processingFailure: 10,
  duplicateManagedObjectInstance: 11,
  noSuchReferenceObject: 12,
  noSuchEventType: 13,
  noSuchArgument: 14,
  invalidArgumentValue: 15,
  invalidScope: 16,
  invalidObjectInstance: 17,
  missingAttributeValue: 18,
  classInstanceConflict: 19,
  complexityLimitation: 20,
  mistypedOperation: 21,
  noSuchInvokeId: 22,
  operationCancelled: 23,
} as const;
export type CmipErrorName = keyof typeof CmipErrorCode;
const NAMES = Object.fromEntries(Object.entries(CmipErrorCode).map(([k, v]) => [v, k])) as Record<
  number,
  CmipErrorName
>;

export interface CmipError {
  error: CmipErrorName;
  attributeId?: number;
  value?: CmipValue;
  /** why, in words: carried for the gateway's error message (an OXE sends a diagnostic text too) */
  text?: string;
}

/** Parameter: SEQUENCE { attributeId [1] INTEGER OPTIONAL, value [0] EXPLICIT ANY OPTIONAL, text UTF8String OPTIONAL } */
export const cmipErrorCodec: ErrorCodec<CmipError> = {
  encode(w: BerWriter, e: CmipError): number {
    w.begin(U.SEQUENCE);
    if (e.attributeId !== undefined) w.integer(e.attributeId, ctx(1));
    if (e.value !== undefined) {
      w.begin(ctxC(0));
      writeValue(w, e.value);
      w.end();
    }
    if (e.text) w.string(e.text, U.UTF8String);
    w.end();
    return CmipErrorCode[e.error];
  },
  decode(errcode: number, r: BerReader | undefined): CmipError {
    const out: CmipError = { error: NAMES[errcode] ?? "processingFailure" };
    if (!r) return out;
    r.enter();
    while (!r.atEnd()) {
      const t = r.peekTag();
      if (t === ctx(1)) out.attributeId = r.integer(t);
      else if (t === ctxC(0)) {
        r.enter(t);
        out.value = readValue(r);
        r.leave();
      } else if (t === U.UTF8String) out.text = r.string(t);
      else r.skip();
    }
    r.leave();
    return out;
  },
};
