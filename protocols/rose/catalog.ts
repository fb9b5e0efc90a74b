import type { BerReader, BerWriter } from "../ber/index.js";
import type { ValueEncoder } from "./apdu.js";

/** Reads one value (argument, result, error parameter) from a reader positioned on it. */
export type ValueDecoder<T> = (r: BerReader) => T;

/**
 * One remote operation as both ends of a link see it: its local code and the codecs of its
 * argument and result. A protocol (CSTA, CMIP) is a table of these, declared once in
 * protocols/ and used by the emulator's servers and the gateway's links alike.
 */
export interface OperationSpec<A, R> {
  readonly name: string;
  readonly opcode: number;
  readonly encodeArgument?: ValueEncoder<A>;
  /**
   * The argument's encoding, written in place into bytes it reserves (`w.reserve`, `w.buffer`),
   * when the argument has the shape nearly every one has (a short ASCII device number, say);
   * false when it has not, the caller then discarding what was written and using
   * `encodeArgument`. For arguments it writes it must write what `encodeArgument` writes.
   */
  readonly encodeArgumentFast?: (w: BerWriter, argument: A) => boolean;
  readonly decodeArgument?: ValueDecoder<A>;
  /**
   * As `decodeResultFast`, for the argument: read in place from `buf[start, end)` when those
   * bytes are exactly the shape nearly every request has, else undefined and `decodeArgument`
   * reads them. It gives what `decodeArgument` gives for the bytes it accepts, and never throws.
   */
  readonly decodeArgumentFast?: (buf: Uint8Array, start: number, end: number) => A | undefined;
  readonly encodeResult?: ValueEncoder<R>;
  readonly decodeResult?: ValueDecoder<R>;
  /**
   * As `encodeArgumentFast`, for the result: written in place when it has the shape nearly
   * every one has (an idle device's snapshot, say), else false and `encodeResult` writes it.
   */
  readonly encodeResultFast?: (w: BerWriter, result: R) => boolean;
  /**
   * The result read in place from `buf[start, end)` when those bytes are exactly the shape
   * nearly every answer has (an idle device's snapshot, say), else undefined and `decodeResult`
   * reads them, errors included. For bytes it accepts it must give what `decodeResult` gives,
   * and it never throws. A startup snapshot reads two results per user: no view, no reader.
   */
  readonly decodeResultFast?: (buf: Uint8Array, start: number, end: number) => R | undefined;
}

/** The types an operation spec carries, for typed invoke/reply helpers. */
export type ArgOf<S> = S extends OperationSpec<infer A, unknown> ? A : never;
export type ResultOf<S> = S extends OperationSpec<unknown, infer R> ? R : never;

/** How a protocol encodes the parameter of its returnError APDUs. */
export interface ErrorCodec<E> {
  encode(w: Parameters<ValueEncoder<E>>[0], error: E): number; // returns the errcode
  decode(errcode: number, r: BerReader | undefined): E;
}

export function operationTable<
  Ops extends Record<string, { readonly name: string; readonly opcode: number }>,
>(ops: Ops): { ops: Ops; byCode: ReadonlyMap<number, OperationSpec<unknown, unknown>> } {
  const byCode = new Map<number, OperationSpec<unknown, unknown>>();
  for (const op of Object.values(ops)) {
    if (byCode.has(op.opcode)) throw new Error(`duplicate opcode ${op.opcode} (${op.name})`);
    byCode.set(op.opcode, op as unknown as OperationSpec<unknown, unknown>);
  }
  return { ops, byCode };
}

export function defineOperation<A, R>(spec: OperationSpec<A, R>): OperationSpec<A, R> {
  return spec;
}
