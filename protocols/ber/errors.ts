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
    super(`${message} (at byte ${offset})`);
  }
}
