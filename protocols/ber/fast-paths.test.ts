/**
 * The codec's hot-path shortcuts (ASCII strings copied in JS, latin-1 octet strings without a
 * Buffer, one reader reset per value) must give exactly what the general paths give: Node's own
 * UTF-8 and latin-1 codecs are the reference, over arbitrary strings and octets.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codePointStrings } from "../../test/support/code-points.js";
import { BerError, BerReader, BerWriter, ctx, isAscii, shortLatin1, U } from "./index.js";

/** TLV of a primitive element with these contents, built by hand (short or long form length). */
function tlv(tagOctet: number, contents: Buffer): Buffer {
  const n = contents.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tagOctet, ...len]), contents]);
}

describe("BER string fast paths", () => {
  it("writes any string as its UTF-8 octets, ASCII or not, short or long", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (s) => {
        const out = new BerWriter(4).string(s).toBuffer();
        expect(out.equals(tlv(0x16, Buffer.from(s, "utf8")))).toBe(true);
      }),
    );
    for (const s of ["", "1", "30001", "123456789012", "1234567890123", "é", "abcé", "a".repeat(300)])
      expect(
        new BerWriter(4)
          .string(s)
          .toBuffer()
          .equals(tlv(0x16, Buffer.from(s, "utf8"))),
      ).toBe(true);
  });

  it("rewrites a string found not to be ASCII in place, after what precedes it, inside open elements", () => {
    // The ASCII copy is a bet checked at the end: a loser (é last, ☎ past latin-1) is written
    // again from its tag, the buffer having grown meanwhile, and the SEQUENCE closes over it.
    for (const s of [`${"a".repeat(200)}é`, "☎", `x${"☎".repeat(50)}`, "é".repeat(70)]) {
      const out = new BerWriter(4)
        .begin(U.SEQUENCE)
        .integer(7)
        .string(s, U.UTF8String)
        .null()
        .end()
        .toBuffer();
      const body = Buffer.concat([
        Buffer.from([0x02, 0x01, 0x07]),
        tlv(0x0c, Buffer.from(s, "utf8")),
        Buffer.from([0x05, 0x00]),
      ]);
      expect(out.equals(tlv(0x30, body))).toBe(true);
    }
  });

  it("reads any octets as Node's UTF-8 decoder does, at and around the short-string length", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const b = Buffer.from(bytes);
        expect(new BerReader(tlv(0x16, b)).string()).toBe(b.toString("utf8"));
      }),
    );
    for (const s of ["", "7", "123456789012", "1234567890123", "Zoë", "日本"]) {
      const b = Buffer.from(s, "utf8");
      expect(new BerReader(tlv(0x16, b)).string()).toBe(s);
    }
  });

  it("writes latin-1 strings as Buffer.from(s, 'latin1') does (low 8 bits of each character)", () => {
    fc.assert(
      fc.property(codePointStrings({ maxLength: 40 }), (s) => {
        const out = new BerWriter(4).latin1(s, ctx(0)).toBuffer();
        expect(out.equals(tlv(0x80, Buffer.from(s, "latin1")))).toBe(true);
      }),
    );
  });

  it("reads octets as latin-1 strings that write back to the same octets", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const b = Buffer.from(bytes);
        const s = new BerReader(tlv(0x04, b)).latin1();
        expect(s).toBe(b.toString("latin1"));
        expect(new BerWriter().latin1(s).toBuffer().equals(tlv(0x04, b))).toBe(true);
      }),
    );
  });

  it("refuses a latin-1 read of another tag, as octets() does", () => {
    expect(() => new BerReader(tlv(0x16, Buffer.from("ab"))).latin1()).toThrow(BerError);
  });
});

describe("BerReader.reset", () => {
  it("reads a new value as a fresh reader would, even after a decode that failed half-way", () => {
    const reader = new BerReader(new Uint8Array(0));
    const seq = new BerWriter().begin(U.SEQUENCE).integer(5).string("30001").latin1("\x00\x00\x01\xff").end();
    const good = seq.toBuffer();
    const decode = (r: BerReader) => {
      r.enter();
      const n = r.integer();
      const s = r.string();
      const x = r.latin1();
      r.leave();
      return { n, s, x };
    };
    const expected = decode(new BerReader(good));
    expect(decode(reader.reset(good))).toEqual(expected);
    // A truncated copy throws inside the SEQUENCE, leaving the reader mid-way.
    expect(() => decode(reader.reset(good.subarray(0, good.length - 3)))).toThrow(BerError);
    expect(decode(reader.reset(good))).toEqual(expected);
    // A view with its own bounds, and a non-Buffer Uint8Array.
    const padded = Buffer.concat([Buffer.from([0xff, 0xff]), good]);
    expect(decode(reader.reset(padded, 2))).toEqual(expected);
    expect(decode(reader.reset(new Uint8Array(good)))).toEqual(expected);
  });
});

describe("shortLatin1", () => {
  it("reads up to 12 octets anywhere in a buffer as Node's latin-1 decoder does, and no more", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), fc.uint8Array({ maxLength: 3 }), (octets, before) => {
        const buf = Buffer.concat([Buffer.from(before), Buffer.from(octets), Buffer.from([0x41])]);
        const end = before.length + octets.length;
        expect(shortLatin1(buf, before.length, end)).toBe(buf.toString("latin1", before.length, end));
        expect(isAscii(buf, before.length, end)).toBe(octets.every((o) => o < 0x80));
      }),
    );
    expect(() => shortLatin1(new Uint8Array(13), 0, 13)).toThrow(RangeError);
  });
});
