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

/** The contents octets of an id of 0 to 2^31-1 in minimal two's complement, as BerWriter.integer writes it. */
function idOctets(id: number): number {
  return id < 0x80 ? 1 : id < 0x8000 ? 2 : id < 0x800000 ? 3 : 4;
}

/** Writes `tag`, `k` and the id's `k` octets (idOctets) at `p`; the position after them. */
function putId(b: Buffer, p: number, tag: number, id: number, k: number): number {
  b[p] = tag;
  b[p + 1] = k;
  for (let i = k - 1, v = id; i >= 0; i--, v >>>= 8) b[p + 2 + i] = v & 0xff;
  return p + 2 + k;
}

/**
 * What writeInvoke writes, without its element-by-element pass: an invoke id (and a linked id,
 * if any) of 0 to 2^31-1, an opcode under 128, the argument by its operation's fast encoder.
 * False, the writer as it was, when the APDU does not have that shape (writeInvoke then writes
 * it). A startup snapshot writes two invokes per user; a node's scoped read answers with a
 * linked reply per object, most of them over 127 bytes: the invoke's length then takes the long
 * form, its contents moved once, as BerWriter.end moves them.
 */
export function writeInvokeFast<T>(
  w: BerWriter,
  invokeId: number,
  opcode: number,
  encode: (w: BerWriter, argument: T) => boolean,
  argument: T,
  linkedId?: number,
): boolean {
  if (!(invokeId >= 0 && invokeId <= 0x7fffffff && opcode >= 0 && opcode < 0x80)) return false;
  if (linkedId !== undefined && !(linkedId >= 0 && linkedId <= 0x7fffffff)) return false;
  const start = w.length;
  const k = idOctets(invokeId);
  const kl = linkedId === undefined ? 0 : idOctets(linkedId);
  const at = w.reserve(7 + k + (kl === 0 ? 0 : 2 + kl));
  const b = w.buffer;
  b[at] = 0xa1; // [1] invoke; its length at + 1, once the argument is written
  let p = putId(b, at + 2, 0x02, invokeId, k);
  if (kl !== 0) p = putId(b, p, 0x80, linkedId!, kl); // [0] IMPLICIT INTEGER linkedId
  b[p] = 0x02;
  b[p + 1] = 1;
  b[p + 2] = opcode;
  if (!encode(w, argument)) {
    w.truncate(start);
    return false;
  }
  const contents = at + 2;
  const len = w.length - contents;
  if (len < 0x80) {
    w.buffer[at + 1] = len;
    return true;
  }
  // the long form, as BerWriter.end writes it
  const extra = len < 0x100 ? 1 : len < 0x10000 ? 2 : 4;
  w.reserve(extra);
  const bb = w.buffer;
  bb.copyWithin(contents + extra, contents, contents + len);
  bb[at + 1] = 0x80 | extra;
  if (extra === 1) bb[at + 2] = len;
  else if (extra === 2) bb.writeUInt16BE(len, at + 2);
  else bb.writeUInt32BE(len, at + 2);
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

/**
 * What writeReturnResult writes, without its element-by-element pass: an invoke id of 0 to
 * 2^31-1, an opcode under 128, the result by its operation's fast encoder, every length in short
 * form. False, the writer as it was, for any other answer (writeReturnResult then writes it).
 * A node answers two requests per user in a startup snapshot.
 */
export function writeReturnResultFast<T>(
  w: BerWriter,
  invokeId: number,
  opcode: number,
  encode: (w: BerWriter, result: T) => boolean,
  result: T,
): boolean {
  if (!(invokeId >= 0 && invokeId <= 0x7fffffff && opcode >= 0 && opcode < 0x80)) return false;
  const start = w.length;
  const k = idOctets(invokeId);
  const at = w.reserve(9 + k);
  const b = w.buffer;
  b[at] = 0xa2; // [2] returnResult; its length at + 1, once the result is written
  const seq = putId(b, at + 2, 0x02, invokeId, k);
  b[seq] = 0x30; // SEQUENCE { opcode, result }; its length at seq + 1
  b[seq + 2] = 0x02;
  b[seq + 3] = 1;
  b[seq + 4] = opcode;
  const len = encode(w, result) ? w.length - at - 2 : 0x80;
  if (len >= 0x80) {
    w.truncate(start);
    return false;
  }
  const bb = w.buffer;
  bb[at + 1] = len;
  bb[seq + 1] = w.length - seq - 2;
  return true;
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
