import { BerError } from "./errors.js";
import { describeTag, tag as makeTag, type Tag, U } from "./tags.js";

const MAX_DEPTH = 32;
const INDEFINITE = -1;
/** Strings up to this many octets are decoded in JS (shortLatin1), longer ones by the Buffer API. */
const SHORT_STRING = 12;

const chars = String.fromCharCode;

/**
 * `buf[start, end)`, at most SHORT_STRING octets, as a string of one character per octet
 * (latin-1; ASCII for the callers that checked it): one String.fromCharCode call with the
 * octets as its arguments, so one string made. Cheaper than the Buffer API's native decoders
 * at these lengths, and a string built a character at a time was as many strings as it has
 * characters, each a copy of the last: twice the CPU of this, most of it garbage (a startup
 * read decodes some 700,000 such strings at 100,000 users).
 */
export function shortLatin1(buf: Uint8Array, start: number, end: number): string {
  const b = buf;
  const s = start;
  // biome-ignore format: an octet per argument, a line per length
  switch (end - s) {
    case 0: return "";
    case 1: return chars(b[s]!);
    case 2: return chars(b[s]!, b[s + 1]!);
    case 3: return chars(b[s]!, b[s + 1]!, b[s + 2]!);
    case 4: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!);
    case 5: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!);
    case 6: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!);
    case 7: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!);
    case 8: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!);
    case 9: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!);
    case 10: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!);
    case 11: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!);
    case 12: return chars(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!);
    default: throw new RangeError(`shortLatin1: ${end - s} octets, more than ${SHORT_STRING}`);
  }
}

/** True when `buf[start, end)` is ASCII: its latin-1 and UTF-8 readings are the same string. */
export function isAscii(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i]! >= 0x80) return false;
  return true;
}

/**
 * A cursor over one BER-encoded value, for decoders written as straight-line code that mirrors
 * the ASN.1 type: `enter(SEQUENCE) … integer() … octets(ctx(1)) … leave()`. Nothing is copied:
 * octet strings come back as views into the input. Every malformed input ends in a BerError
 * (truncation, impossible lengths, unexpected tags), never in an exception of another kind.
 *
 * Both definite and indefinite lengths are accepted on input (X.690 §8.1.3); the writer
 * always produces definite lengths.
 */
export class BerReader {
  private pos: number;
  private end: number;
  private readonly ends: number[] = [];

  // The header read by the last peek: kept in fields rather than returned as an object so the
  // hot path allocates nothing.
  private hTag = -1;
  private hValueStart = 0;
  private hValueEnd = 0;
  private hAt = -1;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get offset(): number {
    return this.pos;
  }

  /** Where the current container (or the input) ends, for decoders that read a value in place. */
  get limit(): number {
    return Math.min(this.end, this.buf.length);
  }

  /**
   * Point this reader at another value, as if newly constructed: a link decodes every argument
   * and result with one reader instead of one per APDU (two objects each, 400,000 APDUs in a
   * 100,000-user snapshot).
   */
  reset(buf: Uint8Array, start = 0, end = buf.length): this {
    (this as { buf: Uint8Array }).buf = buf;
    this.pos = start;
    this.end = end;
    // Empty already unless a decoding failed half-way: setting `length` is a call into the runtime.
    if (this.ends.length !== 0) this.ends.length = 0;
    this.hTag = -1;
    this.hValueStart = 0;
    this.hValueEnd = 0;
    this.hAt = -1;
    this.asBuffer = undefined;
    return this;
  }

  /** True when the current container (or the whole input) has no more elements. */
  atEnd(): boolean {
    if (this.pos >= this.end) return true;
    // End-of-contents octets close an indefinite-length container.
    return this.end === Number.MAX_SAFE_INTEGER && this.buf[this.pos] === 0 && this.buf[this.pos + 1] === 0;
  }

  /** Tag of the next element, or -1 at the end of the current container. */
  peekTag(): Tag {
    if (this.atEnd()) return -1;
    this.readHeaderAt(this.pos);
    return this.hTag;
  }

  /** True if the next element has this tag (for OPTIONAL components and CHOICE alternatives). */
  isNext(t: Tag): boolean {
    return this.peekTag() === t;
  }

  private fail(
    code: "truncated" | "badLength" | "unexpectedTag" | "badValue" | "tooDeep",
    msg: string,
    at = this.pos,
  ): never {
    throw new BerError(code, msg, at);
  }

  private readHeaderAt(at: number): void {
    if (this.hAt === at) return;
    const buf = this.buf;
    const limit = Math.min(this.end, buf.length);
    let p = at;
    if (p >= limit) this.fail("truncated", "expected an element", p);
    const first = buf[p++]!;
    let num = first & 0x1f;
    if (num === 0x1f) {
      num = 0;
      let b: number;
      let groups = 0;
      do {
        if (p >= limit) this.fail("truncated", "truncated high tag number", p);
        b = buf[p++]!;
        num = num * 128 + (b & 0x7f);
        if (++groups > 2 || num > 8191) this.fail("badValue", "tag number too large", at);
      } while (b & 0x80);
    }
    const t = makeTag((first >>> 6) as 0 | 1 | 2 | 3, num, (first & 0x20) !== 0);
    if (p >= limit) this.fail("truncated", `truncated length of ${describeTag(t)}`, p);
    const l0 = buf[p++]!;
    let len: number;
    if (l0 < 0x80) {
      len = l0;
    } else if (l0 === 0x80) {
      if ((first & 0x20) === 0)
        this.fail("badLength", `indefinite length on primitive ${describeTag(t)}`, at);
      len = INDEFINITE;
    } else {
      const n = l0 & 0x7f;
      if (n > 4) this.fail("badLength", `length of ${n} octets`, at);
      len = 0;
      for (let i = 0; i < n; i++) {
        if (p >= limit) this.fail("truncated", "truncated long-form length", p);
        len = len * 256 + buf[p++]!;
      }
    }
    this.hTag = t;
    this.hValueStart = p;
    if (len === INDEFINITE) {
      this.hValueEnd = INDEFINITE;
    } else {
      if (p + len > limit) {
        this.fail(
          p + len > buf.length ? "truncated" : "badLength",
          `${describeTag(t)} of ${len} bytes overruns its container`,
          at,
        );
      }
      this.hValueEnd = p + len;
    }
    this.hAt = at;
  }

  /** End offset (exclusive) of the TLV at `at`, including EOC octets of indefinite forms. */
  private elementEnd(at: number, depth: number): number {
    if (depth > MAX_DEPTH) this.fail("tooDeep", "nesting too deep", at);
    this.readHeaderAt(at);
    if (this.hValueEnd !== INDEFINITE) return this.hValueEnd;
    let p = this.hValueStart;
    const limit = this.buf.length;
    for (;;) {
      if (p + 1 >= limit) this.fail("truncated", "missing end-of-contents", p);
      if (this.buf[p] === 0 && this.buf[p + 1] === 0) return p + 2;
      const savedEnd = this.end;
      this.end = limit;
      this.hAt = -1;
      p = this.elementEnd(p, depth + 1);
      this.end = savedEnd;
    }
  }

  private expect(expected: Tag | undefined, what: string): void {
    if (this.atEnd())
      this.fail(
        "truncated",
        `expected ${expected === undefined ? what : describeTag(expected)}, found end of container`,
      );
    this.readHeaderAt(this.pos);
    if (expected !== undefined && this.hTag !== expected) {
      this.fail("unexpectedTag", `expected ${describeTag(expected)}, found ${describeTag(this.hTag)}`);
    }
  }

  /** Step into a constructed element. */
  enter(expected: Tag = U.SEQUENCE): this {
    this.expect(expected, "a constructed element");
    if ((this.hTag & (1 << 13)) === 0)
      this.fail("unexpectedTag", `${describeTag(this.hTag)} is not constructed`);
    if (this.ends.length >= MAX_DEPTH) this.fail("tooDeep", "nesting too deep");
    this.ends.push(this.end);
    if (this.hValueEnd === INDEFINITE) {
      this.end = Number.MAX_SAFE_INTEGER;
    } else {
      this.end = this.hValueEnd;
    }
    this.pos = this.hValueStart;
    return this;
  }

  /**
   * Step out of the current constructed element. Elements not read are skipped: ASN.1 types of
   * CSTA and CMIP are extensible (`...`), and a peer of a later edition may send more than we know.
   */
  leave(): this {
    const outer = this.ends.pop();
    if (outer === undefined) throw new Error("BerReader: leave() without enter()");
    if (this.end === Number.MAX_SAFE_INTEGER) {
      while (!this.atEnd()) this.skip();
      this.pos += 2; // end-of-contents
    } else {
      this.pos = this.end;
    }
    this.end = outer;
    this.hAt = -1;
    return this;
  }

  /** Skip the next element whatever it is. */
  skip(): this {
    this.expect(undefined, "an element");
    const saved = this.end;
    if (saved === Number.MAX_SAFE_INTEGER) this.end = this.buf.length;
    this.pos = this.elementEnd(this.pos, this.ends.length);
    this.end = saved;
    this.hAt = -1;
    return this;
  }

  /** The next element's complete encoding (tag, length, contents), as a view. */
  element(): Uint8Array {
    const start = this.pos;
    this.skip();
    return this.buf.subarray(start, this.pos);
  }

  /** Contents of the next primitive element, as a view; advances past it. */
  private primitive(expected: Tag | undefined, what: string): Uint8Array {
    this.skipPrimitive(expected, what);
    return this.buf.subarray(this.hValueStart, this.hValueEnd);
  }

  /**
   * Advances past the next primitive element, leaving its contents' bounds in hValueStart and
   * hValueEnd: integers and strings read them in place, without a view object per value (at
   * 100,000 users a snapshot decodes millions of them, and the views were most of its garbage).
   */
  private skipPrimitive(expected: Tag | undefined, what: string): void {
    this.expect(expected, what);
    if (this.hValueEnd === INDEFINITE) this.fail("badLength", "indefinite length on a primitive");
    this.pos = this.hValueEnd;
    this.hAt = -1;
  }

  /** `buf` as a Buffer sharing its memory, for in-place UTF-8 decoding. */
  private asBuffer: Buffer | undefined;

  integer(expected: Tag = U.INTEGER): number {
    const at = this.pos;
    this.skipPrimitive(expected, "an INTEGER");
    const buf = this.buf;
    const start = this.hValueStart;
    const length = this.hValueEnd - start;
    if (length === 0) this.fail("badValue", "empty INTEGER", at);
    if (length > 6) this.fail("badValue", `INTEGER of ${length} octets is beyond what we accept`, at);
    let n = buf[start]! & 0x80 ? buf[start]! - 256 : buf[start]!;
    for (let i = start + 1; i < start + length; i++) n = n * 256 + buf[i]!;
    return n;
  }

  enumerated(expected: Tag = U.ENUMERATED): number {
    return this.integer(expected);
  }

  boolean(expected: Tag = U.BOOLEAN): boolean {
    const at = this.pos;
    const v = this.primitive(expected, "a BOOLEAN");
    if (v.length !== 1) this.fail("badValue", "BOOLEAN must be one octet", at);
    return v[0] !== 0;
  }

  null(expected: Tag = U.NULL): null {
    const at = this.pos;
    const v = this.primitive(expected, "a NULL");
    if (v.length !== 0) this.fail("badValue", "NULL must be empty", at);
    return null;
  }

  octets(expected: Tag = U.OCTET_STRING): Uint8Array {
    return this.primitive(expected, "an OCTET STRING");
  }

  /** A character string, decoded as UTF-8 (a superset of the IA5/Numeric strings CSTA uses). */
  string(expected: Tag = U.IA5String): string {
    this.skipPrimitive(expected, "a character string");
    const start = this.hValueStart;
    const end = this.hValueEnd;
    // Short ASCII (device numbers, call ids) is built here: cheaper than a call into the
    // Buffer API's native decoder.
    if (end - start <= SHORT_STRING && isAscii(this.buf, start, end))
      return shortLatin1(this.buf, start, end);
    this.asBuffer ??= Buffer.isBuffer(this.buf)
      ? this.buf
      : Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return this.asBuffer.toString("utf8", this.hValueStart, this.hValueEnd);
  }

  /**
   * An OCTET STRING's contents as a latin-1 string (one character per octet): opaque ids such as
   * CSTA's monitor cross-references, read in place rather than through a view and a copy each.
   */
  latin1(expected: Tag = U.OCTET_STRING): string {
    this.skipPrimitive(expected, "an OCTET STRING");
    const start = this.hValueStart;
    const end = this.hValueEnd;
    // As in string(): a cross-reference is 4 octets, cheaper built here than in native code.
    if (end - start <= SHORT_STRING) return shortLatin1(this.buf, start, end);
    this.asBuffer ??= Buffer.isBuffer(this.buf)
      ? this.buf
      : Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return this.asBuffer.toString("latin1", this.hValueStart, this.hValueEnd);
  }

  oid(expected: Tag = U.OBJECT_IDENTIFIER): string {
    const at = this.pos;
    const v = this.primitive(expected, "an OBJECT IDENTIFIER");
    if (v.length === 0 || (v[v.length - 1]! & 0x80) !== 0)
      this.fail("badValue", "malformed OBJECT IDENTIFIER", at);
    const arcs: number[] = [];
    let acc = 0;
    for (let i = 0; i < v.length; i++) {
      acc = acc * 128 + (v[i]! & 0x7f);
      if ((v[i]! & 0x80) === 0) {
        if (arcs.length === 0) {
          const first = acc < 40 ? 0 : acc < 80 ? 1 : 2;
          arcs.push(first, acc - first * 40);
        } else {
          arcs.push(acc);
        }
        acc = 0;
      }
    }
    return arcs.join(".");
  }

  generalizedTime(expected: Tag = U.GeneralizedTime): Date {
    const at = this.pos;
    const s = this.string(expected);
    const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d{1,3}))?Z?$/.exec(s);
    if (!m) this.fail("badValue", `malformed GeneralizedTime "${s}"`, at);
    const ms = m[7] ? Number(m[7].padEnd(3, "0")) : 0;
    return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, ms));
  }
}
