/** Why a BER buffer could not be read: every decoder failure is one of these, never a TypeError. */
export type BerErrorCode =
  | "truncated" // the buffer ends inside a TLV
  | "badLength" // a length form X.690 forbids, or longer than its container
  | "unexpectedTag" // a different element than the type definition allows here
  | "badValue" // a well-formed TLV whose contents are invalid for its type
  | "tooDeep"; // nesting beyond what any of our protocols uses: treated as hostile

export class BerError extends Error {
  override readonly name = "BerError";
  constructor(
    readonly code: BerErrorCode,
    message: string,
    readonly offset: number,
  ) {
    // A malformed frame is the peer's data, not a fault of ours: a stack trace would only point
    // into the decoder. Capturing one is what made an error costly: under tsx (source maps on)
    // the short fuzz run's 10,500 malformed inputs took 4.0 s with stacks, 1.1-1.9 s without, a
    // price a peer that sends garbage would have us pay per frame.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${message} (at byte ${offset})`);
    Error.stackTraceLimit = limit;
  }
}
