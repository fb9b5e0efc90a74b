/**
 * Stream framing for ROSE-over-TCP links (CSTA and CMIP): every APDU travels as a two-octet
 * big-endian length followed by exactly that many octets, the APDU's BER encoding. This is the
 * framing CSTA implementations commonly put directly on TCP (ECMA TR/88 style) and the one the
 * OXE uses on its CSTA port; we use it for CMIP too so both links share one decoder.
 *
 * The decoder is fed chunks as they come off the socket, split anywhere, and hands out whole
 * frames as views (no copy when a frame lies inside one chunk).
 *
 * Resynchronization: a length prefix alone cannot tell garbage from data, so each frame is also
 * checked to hold exactly one BER element whose identifier is an APDU the links may carry
 * (ROSE invoke..reject, ACSE AARQ..ABRT) and whose encoded length fills the frame. On a mismatch
 * the decoder reports the bad bytes and slides forward one octet at a time until a header
 * satisfies that check again. A peer that sends only garbage trips `maxGarbage` and the link is
 * closed by the owner.
 *
 * Indefinite lengths (X.690 §8.1.3.6) are valid BER for the constructed APDUs: such a header
 * cannot be checked against the frame length from its first octets, so the frame is taken once
 * complete if its body is exactly one element ending in its end-of-contents octets.
 *
 * A header that looks valid but announces more than the peer ever sends (a 0xFFFF length
 * followed by silence, or a trickle) would hold the decoder forever; the owner calls
 * `expireStalledFrame()` when `partialFrameSince` is too old, which gives up on that header and
 * resynchronizes past it exactly as for garbage.
 */

import { BerError, BerReader } from "../ber/index.js";

export const FRAME_HEADER_BYTES = 2;
export const MAX_FRAME_BYTES = 0xffff;

/**
 * The first identifier octets of the APDUs we frame: ROSE [1]..[4], ACSE [APPLICATION 0..4];
 * a table by octet, looked up once per frame.
 */
const APDU_IDENTIFIERS = new Uint8Array(256);
for (const id of [0xa1, 0xa2, 0xa3, 0xa4, 0x60, 0x61, 0x62, 0x63, 0x64]) APDU_IDENTIFIERS[id] = 1;

export interface FrameSink {
  frame(body: Uint8Array): void;
  /**
   * Takes the frame as `buf[start, end)` instead of `frame` when given: no view is made of it
   * (a view costs an object, and the startup snapshot reads 300,000 frames).
   */
  frameAt?(buf: Uint8Array, start: number, end: number): void;
  /** Bytes skipped while out of sync; `skipped` counts them since the last good frame. */
  garbage(skipped: number, sample: Uint8Array): void;
}

export class FramingError extends Error {
  override readonly name = "FramingError";
}

const YES = 1;
const NO = 0;
const NEED_MORE = -1;
/** An indefinite-length header: judged once the whole frame is there (see `indefiniteFills`). */
const INDEFINITE = 2;

/** Whether `body` holds exactly one BER element, its end-of-contents closing the frame. */
function indefiniteFills(body: Uint8Array): boolean {
  if (body.length < 4 || body[body.length - 1] !== 0 || body[body.length - 2] !== 0) return false;
  try {
    return new BerReader(body).skip().offset === body.length;
  } catch (err) {
    if (err instanceof BerError) return false;
    throw err;
  }
}

/**
 * Whether a frame starts at `at`: the header's length must equal the length of the one BER
 * element that follows, whose identifier must be an APDU's. Needs at most 6 bytes to decide.
 */
function judgeFrameAt(
  buf: Uint8Array,
  at: number,
  end: number,
): typeof YES | typeof NO | typeof NEED_MORE | typeof INDEFINITE {
  if (end - at < FRAME_HEADER_BYTES + 2) return NEED_MORE;
  const len = (buf[at]! << 8) | buf[at + 1]!;
  if (len < 2 || APDU_IDENTIFIERS[buf[at + 2]!] !== 1) return NO;
  const l0 = buf[at + 3]!;
  let inner: number;
  if (l0 < 0x80) {
    inner = 2 + l0;
  } else {
    const n = l0 & 0x7f;
    if (n === 0) return len >= 4 ? INDEFINITE : NO; // tag, 0x80, end-of-contents at the least
    if (n > 2) return NO; // absurd lengths never fill a 64 KiB frame exactly
    if (end - at < FRAME_HEADER_BYTES + 2 + n) return NEED_MORE;
    inner = 2 + n + (n === 1 ? buf[at + 4]! : (buf[at + 4]! << 8) | buf[at + 5]!);
  }
  return inner === len ? YES : NO;
}

/** Nothing held: one shared empty buffer rather than a new one per chunk (never written to). */
const NOTHING = Buffer.alloc(0);

export class FrameDecoder {
  private pending: Buffer = NOTHING;
  private outOfSync = false;
  private skipped = 0;
  private partialSince: number | undefined;
  /** Set by `expireStalledFrame()`: the header at the start of `pending` is not to be trusted. */
  private distrustHead = false;

  constructor(
    private readonly sink: FrameSink,
    private readonly maxGarbage = 64 * 1024,
  ) {}

  /** True while bytes are being skipped in search of a frame boundary. */
  get resyncing(): boolean {
    return this.outOfSync;
  }

  /**
   * performance.now() when the incomplete frame (or header) held at the end of the input began
   * to arrive, or undefined when nothing is held. The monotonic clock: with Date.now(), a wall
   * clock stepped back (or faked by a test) kept the link's stall timer firing every 1 ms.
   */
  get partialFrameSince(): number | undefined {
    return this.partialSince;
  }

  /** Bytes held while waiting for the rest of a frame. */
  get buffered(): number {
    return this.pending.length;
  }

  /**
   * Give up on the incomplete frame held now: its header is treated as garbage and the bytes
   * after it are searched for the next frame. Throws FramingError like `push` when that makes
   * too much garbage.
   */
  expireStalledFrame(): void {
    if (this.pending.length === 0) return;
    this.distrustHead = true;
    this.push(new Uint8Array(0));
  }

  push(chunk: Uint8Array): void {
    const wasHolding = this.pending.length > 0;
    const buf: Uint8Array = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const end = buf.length;
    let p = 0;
    while (p < end) {
      let verdict = judgeFrameAt(buf, p, end);
      if (this.distrustHead) {
        this.distrustHead = false;
        verdict = NO;
      }
      if (verdict === NEED_MORE) break;
      if (verdict === INDEFINITE) {
        const len = (buf[p]! << 8) | buf[p + 1]!;
        if (end - p - FRAME_HEADER_BYTES < len) break;
        if (!indefiniteFills(buf.subarray(p + FRAME_HEADER_BYTES, p + FRAME_HEADER_BYTES + len)))
          verdict = NO;
      }
      if (verdict === NO) {
        const start = p;
        this.outOfSync = true;
        do p++;
        while (p < end && judgeFrameAt(buf, p, end) === NO);
        this.skipped += p - start;
        this.sink.garbage(this.skipped, buf.subarray(start, Math.min(p, start + 32)));
        if (this.skipped > this.maxGarbage) throw new FramingError(`no valid frame in ${this.skipped} bytes`);
        continue;
      }
      const len = (buf[p]! << 8) | buf[p + 1]!;
      if (end - p - FRAME_HEADER_BYTES < len) break;
      this.outOfSync = false;
      this.skipped = 0;
      const bodyStart = p + FRAME_HEADER_BYTES;
      p = bodyStart + len;
      if (this.sink.frameAt) this.sink.frameAt(buf, bodyStart, p);
      else this.sink.frame(buf.subarray(bodyStart, p));
    }
    this.pending = p < end ? Buffer.from(buf.subarray(p)) : NOTHING;
    // A frame still held from before keeps its start time; anything else starts the clock now.
    if (p >= end) this.partialSince = undefined;
    else if (p > 0 || !wasHolding || this.partialSince === undefined) this.partialSince = performance.now();
  }
}

/** Prefix a body with its frame header. Bodies above 64 KiB cannot be framed. */
export function encodeFrame(body: Uint8Array): Buffer {
  if (body.length > MAX_FRAME_BYTES)
    throw new FramingError(`frame of ${body.length} bytes exceeds ${MAX_FRAME_BYTES}`);
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.length);
  out.writeUInt16BE(body.length, 0);
  out.set(body, FRAME_HEADER_BYTES);
  return out;
}
