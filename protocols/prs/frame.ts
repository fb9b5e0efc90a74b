/**
 * Framing of the PRS link (ours, see ./index.ts): every message is the two magic octets "PR",
 * a four-octet big-endian body length, then that many octets of UTF-8 JSON.
 *
 * Why a magic and not a bare length prefix: a length alone cannot tell garbage from data, so a
 * stray byte would make the reader wait for (or skip) gigabytes. With the magic, a header that
 * does not start with "PR", or announces more than MAX_PRS_BODY_BYTES, is reported and the
 * reader slides one octet forward until a plausible header again: the link survives garbage.
 * A well-framed body that is not a message (bad JSON, unknown type, bad field) is reported by
 * the message layer (./messages.ts) and skipped whole, as its length is trustworthy.
 */

export const PRS_MAGIC_0 = 0x50; // "P"
export const PRS_MAGIC_1 = 0x52; // "R"
export const PRS_HEADER_BYTES = 6;
/** a page of the XML subset fits well within this; more is refused */
export const MAX_PRS_BODY_BYTES = 256 * 1024;

export class PrsFrameError extends Error {
  override readonly name = "PrsFrameError";
}

/** One frame around `body` (JSON text). Throws when the body is over the limit. */
export function encodePrsFrame(body: string): Buffer {
  const bytes = Buffer.from(body, "utf8");
  if (bytes.length > MAX_PRS_BODY_BYTES)
    throw new PrsFrameError(`a PRS frame body is ${MAX_PRS_BODY_BYTES} bytes at most (${bytes.length})`);
  const out = Buffer.allocUnsafe(PRS_HEADER_BYTES + bytes.length);
  out[0] = PRS_MAGIC_0;
  out[1] = PRS_MAGIC_1;
  out.writeUInt32BE(bytes.length, 2);
  bytes.copy(out, PRS_HEADER_BYTES);
  return out;
}

export interface PrsFrameSink {
  frame(body: string): void;
  /** octets skipped while out of sync (`why` says what was wrong with the header) */
  garbage(skipped: number, why: string): void;
}

/**
 * Reads frames off a stream fed in chunks split anywhere. `pendingBytes` and `partialSince`
 * let the owner give up on a header whose body never comes (`expirePartial`).
 */
export class PrsFrameDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private skipped = 0;
  private skipReason = "";
  /** when the current incomplete frame started waiting (ms since epoch), or 0 */
  partialSince = 0;

  constructor(private readonly sink: PrsFrameSink) {}

  get pendingBytes(): number {
    return this.buf.length;
  }

  feed(chunk: Uint8Array): void {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    let at = 0;
    while (this.buf.length - at >= PRS_HEADER_BYTES) {
      const bad = this.headerProblem(at);
      if (bad) {
        this.skip(bad);
        at++;
        continue;
      }
      const len = this.buf.readUInt32BE(at + 2);
      if (this.buf.length - at < PRS_HEADER_BYTES + len) break;
      this.flushSkipped();
      const body = this.buf.toString("utf8", at + PRS_HEADER_BYTES, at + PRS_HEADER_BYTES + len);
      at += PRS_HEADER_BYTES + len;
      this.sink.frame(body);
    }
    // Garbage shorter than a header at the end: keep it, a header may start in it.
    this.buf = this.buf.subarray(at);
    this.flushSkipped();
    if (this.buf.length === 0) {
      this.partialSince = 0;
    } else if (at > 0 || this.partialSince === 0) this.partialSince = performance.now();
  }

  /** The peer announced a frame it never finished: drop its header and resynchronize. */
  expirePartial(): void {
    if (this.buf.length === 0) return;
    const rest = this.buf.subarray(1);
    this.buf = Buffer.alloc(0);
    this.skip("a frame that never completed");
    this.partialSince = 0;
    this.feed(rest);
  }

  private headerProblem(at: number): string | null {
    if (this.buf[at] !== PRS_MAGIC_0 || this.buf[at + 1] !== PRS_MAGIC_1) return "no PRS magic";
    const len = this.buf.readUInt32BE(at + 2);
    if (len > MAX_PRS_BODY_BYTES) return `a body of ${len} bytes announced (over ${MAX_PRS_BODY_BYTES})`;
    return null;
  }

  private skip(why: string): void {
    if (this.skipped === 0) this.skipReason = why;
    this.skipped++;
  }

  private flushSkipped(): void {
    if (this.skipped === 0) return;
    const n = this.skipped;
    this.skipped = 0;
    this.sink.garbage(n, this.skipReason);
  }
}
