/**
 * ROSE APDUs (ITU-T X.880 §9 / the ROS module used by ECMA-285 and X.711), with IMPLICIT tags:
 *
 *   ROS ::= CHOICE { invoke [1] Invoke, returnResult [2] ReturnResult,
 *                    returnError [3] ReturnError, reject [4] Reject }
 *   Invoke       ::= SEQUENCE { invokeId INTEGER, linkedId [0] IMPLICIT INTEGER OPTIONAL,
 *                               opcode Code, argument ANY OPTIONAL }
 *   ReturnResult ::= SEQUENCE { invokeId INTEGER,
 *                               result SEQUENCE { opcode Code, result ANY } OPTIONAL }
 *   ReturnError  ::= SEQUENCE { invokeId INTEGER, errcode Code, parameter ANY OPTIONAL }
 *   Reject       ::= SEQUENCE { invokeId CHOICE { INTEGER, NULL },
 *                               problem CHOICE { general [0], invoke [1],
 *                                                returnResult [2], returnError [3] } }
 *
 * `Code` is the local INTEGER form: CSTA and CMIP use local operation and error codes only.
 * Arguments, results and error parameters are left as raw BER views; the CSTA and CMIP catalogs
 * decode them, so this layer knows no operation.
 */
import { BerError, BerReader, type BerWriter, ctx, ctxC, U } from "../ber/index.js";

export const RoseTag = {
  invoke: ctxC(1),
  returnResult: ctxC(2),
  returnError: ctxC(3),
  reject: ctxC(4),
  linkedId: ctx(0),
} as const;

export const GeneralProblem = { unrecognizedPDU: 0, mistypedPDU: 1, badlyStructuredPDU: 2 } as const;
export const InvokeProblem = {
  duplicateInvocation: 0,
  unrecognizedOperation: 1,
  mistypedArgument: 2,
  resourceLimitation: 3,
  releaseInProgress: 4,
  unrecognizedLinkedId: 5,
  linkedResponseUnexpected: 6,
  unexpectedLinkedOperation: 7,
} as const;
export const ReturnResultProblem = {
  unrecognizedInvocation: 0,
  resultResponseUnexpected: 1,
  mistypedResult: 2,
} as const;
export const ReturnErrorProblem = {
  unrecognizedInvocation: 0,
  errorResponseUnexpected: 1,
  unrecognizedError: 2,
  unexpectedError: 3,
  mistypedParameter: 4,
} as const;

export type RejectProblem =
  | { kind: "general"; code: number }
  | { kind: "invoke"; code: number }
  | { kind: "returnResult"; code: number }
  | { kind: "returnError"; code: number };

const PROBLEM_KINDS = ["general", "invoke", "returnResult", "returnError"] as const;

export interface InvokeApdu {
  kind: "invoke";
  invokeId: number;
  linkedId: number | undefined;
  opcode: number;
  argument: Uint8Array | undefined;
}
export interface ReturnResultApdu {
  kind: "returnResult";
  invokeId: number;
  opcode: number | undefined;
  result: Uint8Array | undefined;
}
export interface ReturnErrorApdu {
  kind: "returnError";
  invokeId: number;
  errcode: number;
  parameter: Uint8Array | undefined;
}
export interface RejectApdu {
  kind: "reject";
  invokeId: number | null;
  problem: RejectProblem;
}
export type RoseApdu = InvokeApdu | ReturnResultApdu | ReturnErrorApdu | RejectApdu;

/** Writes the value of an argument, result or error parameter as one BER element. */
export type ValueEncoder<T> = (w: BerWriter, value: T) => void;

export function writeInvoke<T>(
  w: BerWriter,
  invokeId: number,
  opcode: number,
  encode: ValueEncoder<T> | undefined,
  argument: T,
  linkedId?: number,
): void {
  w.begin(RoseTag.invoke).integer(invokeId);
  if (linkedId !== undefined) w.integer(linkedId, RoseTag.linkedId);
  w.integer(opcode);
  if (encode) encode(w, argument);
  w.end();
}

/**
 * What writeInvoke writes, without its element-by-element pass: an invoke id of 0 to 2^31-1, an
 * opcode under 128 and no linked id, the argument by its operation's fast encoder, every length
 * in short form. False, the writer as it was, when the APDU does not have that shape (writeInvoke
 * then writes it). A startup snapshot writes two invokes per user.
 */
export function writeInvokeFast<T>(
  w: BerWriter,
  invokeId: number,
  opcode: number,
  encode: (w: BerWriter, argument: T) => boolean,
  argument: T,
): boolean {
  if (!(invokeId >= 0 && invokeId <= 0x7fffffff && opcode >= 0 && opcode < 0x80)) return false;
  const start = w.length;
  // minimal two's complement, as BerWriter.integer
  const k = invokeId < 0x80 ? 1 : invokeId < 0x8000 ? 2 : invokeId < 0x800000 ? 3 : 4;
  const at = w.reserve(7 + k);
  const b = w.buffer;
  b[at] = 0xa1; // [1] invoke; its length at + 1, once the argument is written
  b[at + 2] = 0x02;
  b[at + 3] = k;
  for (let i = k - 1, v = invokeId; i >= 0; i--, v >>>= 8) b[at + 4 + i] = v & 0xff;
  b[at + 4 + k] = 0x02;
  b[at + 5 + k] = 1;
  b[at + 6 + k] = opcode;
  const len = encode(w, argument) ? w.length - at - 2 : 0x80;
  if (len >= 0x80) {
    w.truncate(start);
    return false;
  }
  w.buffer[at + 1] = len;
  return true;
}

export function writeReturnResult<T>(
  w: BerWriter,
  invokeId: number,
  opcode: number,
  encode: ValueEncoder<T> | undefined,
  result: T,
): void {
  w.begin(RoseTag.returnResult).integer(invokeId);
  w.begin(U.SEQUENCE).integer(opcode);
  // X.880 makes `result` mandatory inside the optional SEQUENCE; operations with no result
  // (most CSTA call-control services) answer with a NULL.
  if (encode) encode(w, result);
  else w.null();
  w.end().end();
}

export function writeReturnError<T>(
  w: BerWriter,
  invokeId: number,
  errcode: number,
  encode: ValueEncoder<T> | undefined,
  parameter: T,
): void {
  w.begin(RoseTag.returnError).integer(invokeId).integer(errcode);
  if (encode) encode(w, parameter);
  w.end();
}

export function writeReject(w: BerWriter, invokeId: number | null, problem: RejectProblem): void {
  w.begin(RoseTag.reject);
  if (invokeId === null) w.null();
  else w.integer(invokeId);
  w.integer(problem.code, ctx(PROBLEM_KINDS.indexOf(problem.kind)));
  w.end();
}

/**
 * Decode one ROSE APDU; throws BerError if it is not one. `r`: a reader already over the APDU
 * (a link reuses one for every frame); what is returned keeps no reference to it.
 */
export function readRoseApdu(buf: Uint8Array, r: BerReader = new BerReader(buf)): RoseApdu {
  const t = r.peekTag();
  switch (t) {
    case RoseTag.invoke: {
      r.enter(t);
      const invokeId = r.integer();
      const linkedId = r.isNext(RoseTag.linkedId) ? r.integer(RoseTag.linkedId) : undefined;
      const opcode = r.integer();
      const argument = r.atEnd() ? undefined : r.element();
      r.leave();
      return { kind: "invoke", invokeId, linkedId, opcode, argument };
    }
    case RoseTag.returnResult: {
      r.enter(t);
      const invokeId = r.integer();
      let opcode: number | undefined;
      let result: Uint8Array | undefined;
      if (!r.atEnd()) {
        r.enter(U.SEQUENCE);
        opcode = r.integer();
        result = r.atEnd() ? undefined : r.element();
        r.leave();
      }
      r.leave();
      return { kind: "returnResult", invokeId, opcode, result };
    }
    case RoseTag.returnError: {
      r.enter(t);
      const invokeId = r.integer();
      const errcode = r.integer();
      const parameter = r.atEnd() ? undefined : r.element();
      r.leave();
      return { kind: "returnError", invokeId, errcode, parameter };
    }
    case RoseTag.reject: {
      r.enter(t);
      const invokeId = r.isNext(U.NULL) ? r.null() : r.integer();
      const pt = r.peekTag();
      const idx = pt === -1 ? -1 : PROBLEM_KINDS.findIndex((_, i) => ctx(i) === pt);
      if (idx < 0) throw new BerError("unexpectedTag", "reject without a known problem", r.offset);
      const code = r.integer(pt);
      r.leave();
      return { kind: "reject", invokeId, problem: { kind: PROBLEM_KINDS[idx]!, code } };
    }
    default:
      throw new BerError("unexpectedTag", "not a ROSE APDU", 0);
  }
}

/**
 * The invoke id of a malformed APDU, if one can be salvaged, so the reject can name the
 * invocation (X.880 §9.6.4: reject with the invokeId when it is known, NULL otherwise).
 */
export function salvageInvokeId(buf: Uint8Array): number | null {
  try {
    const r = new BerReader(buf);
    const t = r.peekTag();
    if (t !== RoseTag.invoke && t !== RoseTag.returnResult && t !== RoseTag.returnError) return null;
    r.enter(t);
    return r.integer();
  } catch {
    return null;
  }
}
