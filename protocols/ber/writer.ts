import { isConstructed, type Tag, tagClass, tagNumber, U } from "./tags.js";

export interface WriterMark {
  readonly pos: number;
  readonly depth: number;
}

/**
 * A BER encoder that writes definite lengths in one pass: `begin(tag)` reserves one length octet,
 * `end()` fills it in and, in the rare case the contents exceed 127 bytes, shifts them right to make
 * room for the long form. CSTA/CMIP PDUs are almost all short, so the shift is seldom paid, and
 * no intermediate buffers or closures are allocated per element (this is the snapshot hot path).
 */
export class BerWriter {
  private buf: Buffer;
  private pos = 0;
  private readonly stack: number[] = [];

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Forget what was written, keep the buffer: writers are reused per connection. */
  reset(): this {
    this.pos = 0;
    // Empty already but after a failed encoding: setting `length` is a call into the runtime.
    if (this.stack.length !== 0) this.stack.length = 0;
    return this;
  }

  get length(): number {
    return this.pos;
  }

  /** Where a rollback returns to: the length and the number of open elements. */
  mark(): WriterMark {
    return { pos: this.pos, depth: this.stack.length };
  }

  /**
   * Forget everything written since `mark`, open elements included: an APDU whose encoding
   * failed half-way must not stay in a writer shared by every later APDU of the connection.
   */
  rollback(mark: WriterMark): this {
    this.pos = mark.pos;
    this.stack.length = mark.depth;
    return this;
  }

  /** A copy of the bytes written so far (the writer may be reused after this). */
  toBuffer(): Buffer {
    if (this.stack.length !== 0) throw new Error(`BerWriter: ${this.stack.length} element(s) still open`);
    // Not Buffer.from(view): past 4 KiB that zero-fills a new buffer before copying into it
    // (a link's every flush: 30 MB of answers in a 100,000-user startup snapshot).
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  private ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private writeTag(t: Tag): void {
    const cls = tagClass(t);
    const num = tagNumber(t);
    const first = (cls << 6) | (isConstructed(t) ? 0x20 : 0);
    if (num < 31) {
      this.ensure(1);
      this.buf[this.pos++] = first | num;
      return;
    }
    // High tag number form (X.690 §8.1.2.4): base-128, most significant group first.
    this.ensure(4);
    this.buf[this.pos++] = first | 0x1f;
    if (num >= 1 << 14) this.buf[this.pos++] = 0x80 | ((num >>> 14) & 0x7f);
    if (num >= 1 << 7) this.buf[this.pos++] = 0x80 | ((num >>> 7) & 0x7f);
    this.buf[this.pos++] = num & 0x7f;
  }

  private writeLength(len: number): void {
    this.ensure(5);
    if (len < 0x80) {
      this.buf[this.pos++] = len;
    } else if (len < 0x100) {
      this.buf[this.pos++] = 0x81;
      this.buf[this.pos++] = len;
    } else if (len < 0x10000) {
      this.buf[this.pos++] = 0x82;
      this.buf[this.pos++] = len >>> 8;
      this.buf[this.pos++] = len & 0xff;
    } else {
      this.buf[this.pos++] = 0x84;
      this.buf.writeUInt32BE(len, this.pos);
      this.pos += 4;
    }
  }

  /** Open a constructed element; close it with `end()`. */
  begin(t: Tag): this {
    this.writeTag(t);
    this.ensure(1);
    this.stack.push(this.pos);
    this.buf[this.pos++] = 0; // short-form length placeholder
    return this;
  }

  end(): this {
    const lenPos = this.stack.pop();
    if (lenPos === undefined) throw new Error("BerWriter: end() without begin()");
    const contentStart = lenPos + 1;
    const len = this.pos - contentStart;
    if (len < 0x80) {
      this.buf[lenPos] = len;
      return this;
    }
    const extra = len < 0x100 ? 1 : len < 0x10000 ? 2 : 4;
    this.ensure(extra);
    this.buf.copyWithin(contentStart + extra, contentStart, this.pos);
    this.pos += extra;
    this.buf[lenPos] = 0x80 | extra;
    if (extra === 1) this.buf[lenPos + 1] = len;
    else if (extra === 2) this.buf.writeUInt16BE(len, lenPos + 1);
    else this.buf.writeUInt32BE(len, lenPos + 1);
    return this;
  }

  /**
   * The bytes written so far and room after them, for an encoder that fills what it reserved in
   * place (a fixed shape with a value spliced in). Valid until the next write: a write may grow
   * the writer into a new buffer.
   */
  get buffer(): Buffer {
    return this.buf;
  }

  /** Forget what was written past `length`, when no element was opened since (see rollback). */
  truncate(length: number): this {
    if (length < this.pos) this.pos = length;
    return this;
  }

  /** Reserve `n` bytes to be filled later with `patchUInt16` (a frame header, say). */
  reserve(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  patchUInt16(at: number, value: number): this {
    this.buf.writeUInt16BE(value, at);
    return this;
  }

  /** Append an already encoded TLV (or several) verbatim. */
  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  integer(value: number, t: Tag = U.INTEGER): this {
    if (!Number.isSafeInteger(value)) throw new RangeError(`BER integer ${value} is not a safe integer`);
    // Minimal two's complement length (X.690 §8.3.2). Invoke ids, cross-references and
    // attribute ids are small: they are sized by comparison and written with 32-bit shifts.
    let n: number;
    if (value >= -0x80 && value < 0x80) n = 1;
    else if (value >= -0x8000 && value < 0x8000) n = 2;
    else if (value >= -0x800000 && value < 0x800000) n = 3;
    else if (value >= -0x80000000 && value < 0x80000000) n = 4;
    else {
      n = 5;
      if (value >= 0) while (n < 7 && value >= 2 ** (8 * n - 1)) n++;
      else while (n < 7 && value < -(2 ** (8 * n - 1))) n++;
    }
    this.writeTag(t);
    this.writeLength(n);
    this.ensure(n);
    const buf = this.buf;
    const at = this.pos;
    if (n <= 4) {
      for (let i = n - 1, v = value; i >= 0; i--, v >>= 8) buf[at + i] = v & 0xff;
    } else {
      let v = value;
      for (let i = n - 1; i >= 0; i--) {
        buf[at + i] = v & 0xff;
        v = Math.floor(v / 256);
      }
    }
    this.pos += n;
    return this;
  }

  enumerated(value: number, t: Tag = U.ENUMERATED): this {
    return this.integer(value, t);
  }

  boolean(value: boolean, t: Tag = U.BOOLEAN): this {
    this.writeTag(t);
    this.writeLength(1);
    this.ensure(1);
    this.buf[this.pos++] = value ? 0xff : 0x00;
    return this;
  }

  null(t: Tag = U.NULL): this {
    this.writeTag(t);
    this.writeLength(0);
    return this;
  }

  octets(value: Uint8Array, t: Tag = U.OCTET_STRING): this {
    this.writeTag(t);
    this.writeLength(value.length);
    return this.raw(value);
  }

  /**
   * A character string. CSTA's NumericString/IA5String and CMIP's GraphicString are 7/8-bit;
   * names from the directory may carry accents, so non-ASCII text goes out as UTF-8 (the OXE's
   * own practice for names is latin-1; UTF-8 is what both our sides agree on: see module notes).
   */
  string(value: string, t: Tag = U.IA5String): this {
    // ASCII (device numbers, most names) is copied by a loop here: two calls into the Buffer
    // API's native code per string cost more than the copy (~1M strings in a 100,000-user start).
    // One pass, on the bet that the text is ASCII: each character is read once, and the bet is
    // checked at the end (half the reads of checking first and copying after).
    const n = value.length;
    const start = this.pos;
    this.writeTag(t);
    this.writeLength(n);
    this.ensure(n);
    const buf = this.buf;
    let at = this.pos;
    let seen = 0;
    for (let j = 0; j < n; j++) {
      const c = value.charCodeAt(j);
      seen |= c;
      buf[at++] = c;
    }
    if (seen < 0x80) {
      this.pos = at;
      return this;
    }
    // Not ASCII after all: written again from the tag, in UTF-8.
    this.pos = start;
    const len = Buffer.byteLength(value, "utf8");
    this.writeTag(t);
    this.writeLength(len);
    this.ensure(len);
    this.pos += this.buf.write(value, this.pos, len, "utf8");
    return this;
  }

  /**
   * An OCTET STRING from a latin-1 string, one octet per character (its low 8 bits, as
   * Buffer.from(value, "latin1") takes them): the reverse of BerReader.latin1, with no Buffer
   * per value.
   */
  latin1(value: string, t: Tag = U.OCTET_STRING): this {
    const len = value.length;
    this.writeTag(t);
    this.writeLength(len);
    this.ensure(len);
    const buf = this.buf;
    let at = this.pos;
    for (let i = 0; i < len; i++) buf[at++] = value.charCodeAt(i) & 0xff;
    this.pos = at;
    return this;
  }

  /** OBJECT IDENTIFIER from dotted form, e.g. "1.3.12.0.285.200". */
  oid(dotted: string, t: Tag = U.OBJECT_IDENTIFIER): this {
    const arcs = dotted.split(".").map((s) => Number(s));
    if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0)) {
      throw new RangeError(`bad OID ${dotted}`);
    }
    const bytes: number[] = [];
    const pushArc = (arc: number) => {
      const groups: number[] = [arc & 0x7f];
      let v = Math.floor(arc / 128);
      while (v > 0) {
        groups.unshift(0x80 | (v & 0x7f));
        v = Math.floor(v / 128);
      }
      bytes.push(...groups);
    };
    pushArc(arcs[0]! * 40 + arcs[1]!);
    for (let i = 2; i < arcs.length; i++) pushArc(arcs[i]!);
    return this.octets(Uint8Array.from(bytes), t);
  }

  /** GeneralizedTime (X.680 §46) in UTC: "YYYYMMDDHHMMSS.sssZ". */
  generalizedTime(date: Date, t: Tag = U.GeneralizedTime): this {
    const iso = date.toISOString(); // 2026-11-25T12:03:54.123Z
    const s = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 23)}Z`;
    return this.string(s, t);
  }
}
