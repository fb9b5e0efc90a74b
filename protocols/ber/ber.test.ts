import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { app, appC, BerError, BerReader, BerWriter, ctx, ctxC, dumpBer, tag, U } from "./index.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("BerWriter", () => {
  it("encodes integers in minimal two's complement (X.690 §8.3)", () => {
    const cases: [number, string][] = [
      [0, "020100"],
      [127, "02017f"],
      [128, "02020080"],
      [256, "02020100"],
      [-1, "0201ff"],
      [-128, "020180"],
      [-129, "0202ff7f"],
      [65535, "020300ffff"],
    ];
    for (const [v, expected] of cases) expect(hex(new BerWriter().integer(v).toBuffer())).toBe(expected);
  });

  it("encodes every safe integer as X.690's minimal two's complement, at each size boundary", () => {
    // The reference: the shortest big-endian two's complement, built with BigInt.
    const reference = (v: number) => {
      let n = 1;
      while (BigInt(v) < -(1n << BigInt(8 * n - 1)) || BigInt(v) >= 1n << BigInt(8 * n - 1)) n++;
      const bytes = Buffer.alloc(n);
      let x = BigInt.asUintN(8 * n, BigInt(v));
      for (let i = n - 1; i >= 0; i--, x >>= 8n) bytes[i] = Number(x & 0xffn);
      return `02${n.toString(16).padStart(2, "0")}${bytes.toString("hex")}`;
    };
    const edges = [7, 15, 23, 31, 39, 47].flatMap((b) =>
      [2 ** b, -(2 ** b)].flatMap((e) => [e - 1, e, e + 1]),
    );
    for (const v of [...edges, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER])
      expect(hex(new BerWriter().integer(v).toBuffer()), String(v)).toBe(reference(v));
    fc.assert(
      fc.property(fc.maxSafeInteger(), (v) => hex(new BerWriter().integer(v).toBuffer()) === reference(v)),
    );
  });

  it("switches to the long length form above 127 bytes and shifts contents", () => {
    const w = new BerWriter(4);
    w.begin(U.SEQUENCE).octets(Buffer.alloc(200, 7)).end();
    const out = w.toBuffer();
    expect(hex(out.subarray(0, 6))).toBe("3081cb0481c8");
    expect(out.length).toBe(3 + 3 + 200);
    const r = new BerReader(out).enter();
    expect(r.octets().length).toBe(200);
  });

  it("encodes high tag numbers in base 128", () => {
    expect(hex(new BerWriter().null(tag(2, 31)).toBuffer())).toBe("9f1f00");
    expect(hex(new BerWriter().null(tag(2, 200)).toBuffer())).toBe("9f814800");
    const r = new BerReader(new BerWriter().null(tag(2, 200)).toBuffer());
    expect(r.peekTag()).toBe(tag(2, 200));
  });

  it("encodes OIDs", () => {
    expect(hex(new BerWriter().oid("1.3.12.0.285").toBuffer())).toBe("06052b0c00821d");
  });
});

describe("BerReader", () => {
  it("reads what the writer wrote, skipping unknown trailing elements", () => {
    const w = new BerWriter();
    w.begin(appC(11)).begin(ctxC(2)).string("12345", ctx(0)).integer(42, ctx(1)).boolean(true).end().end();
    const r = new BerReader(w.toBuffer());
    r.enter(appC(11)).enter(ctxC(2));
    expect(r.string(ctx(0))).toBe("12345");
    r.leave().leave();
    expect(r.atEnd()).toBe(true);
  });

  it("accepts indefinite lengths on input", () => {
    // SEQUENCE (indefinite) { INTEGER 5, [0] (indefinite) { NULL } } EOC
    const buf = Buffer.from("3080020105a080050000000000", "hex");
    const r = new BerReader(buf).enter();
    expect(r.integer()).toBe(5);
    r.enter(ctxC(0));
    r.null();
    r.leave();
    r.leave();
    expect(r.atEnd()).toBe(true);
  });

  it("skips indefinite elements as a whole", () => {
    const buf = Buffer.from("3080a08005000000020107", "hex");
    const r = new BerReader(buf).enter();
    r.skip();
    expect(r.integer()).toBe(7);
  });

  it("decodes negative and large integers", () => {
    for (const v of [-1, -128, -129, -65536, 2 ** 40, -(2 ** 40), 123456789]) {
      expect(new BerReader(new BerWriter().integer(v).toBuffer()).integer()).toBe(v);
    }
  });

  it("reads strings and integers in place from a plain Uint8Array inside a larger buffer", () => {
    const pdu = new BerWriter()
      .begin(U.SEQUENCE)
      .string("Müller-Lüdenscheid ☎", U.UTF8String)
      .string("")
      .integer(-300)
      .string("100123")
      .end()
      .toBuffer();
    // Not a Buffer, and not at offset 0 of its memory: what a frame decoder may hand over.
    const memory = new ArrayBuffer(pdu.length + 7);
    const view = new Uint8Array(memory, 5, pdu.length);
    view.set(pdu);
    const r = new BerReader(view).enter();
    expect(r.string(U.UTF8String)).toBe("Müller-Lüdenscheid ☎");
    expect(r.string()).toBe("");
    expect(r.integer()).toBe(-300);
    expect(r.string()).toBe("100123");
    expect(r.atEnd()).toBe(true);
  });

  it("round-trips GeneralizedTime", () => {
    const d = new Date("2026-11-25T12:03:54.120Z");
    expect(new BerReader(new BerWriter().generalizedTime(d).toBuffer()).generalizedTime().toISOString()).toBe(
      d.toISOString(),
    );
  });

  it("round-trips OIDs", () => {
    for (const oid of ["1.3.12.0.285.200", "2.9.0.0.2", "1.2.840.113549.1.1.11", "2.100.3"]) {
      expect(new BerReader(new BerWriter().oid(oid).toBuffer()).oid()).toBe(oid);
    }
  });

  const bad: [string, string, string][] = [
    ["truncated contents", "3005020101", "truncated"],
    ["length overruns container", "3003020501020304050607", "badLength"],
    ["five-octet length", "30850000000001", "badLength"],
    ["indefinite primitive", "0280", "badLength"],
    ["unterminated indefinite", "3080020101", "truncated"],
    ["empty", "", "truncated"],
  ];
  for (const [name, input, code] of bad) {
    it(`rejects ${name} with a BerError(${code})`, () => {
      const r = new BerReader(Buffer.from(input, "hex"));
      let err: unknown;
      try {
        r.enter();
        r.integer();
        r.integer();
        r.leave();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BerError);
      expect((err as BerError).code).toBe(code);
    });
  }

  it("reports an unexpected tag", () => {
    const r = new BerReader(new BerWriter().integer(1).toBuffer());
    expect(() => r.octets()).toThrowError(/expected \[UNIVERSAL 4\], found \[UNIVERSAL 2\]/);
  });

  it("refuses hostile nesting", () => {
    const deep = Buffer.concat([Buffer.from("3080".repeat(100), "hex"), Buffer.alloc(200)]);
    const r = new BerReader(deep);
    expect(() => r.skip()).toThrowError(BerError);
  });

  it("never throws anything but BerError on random input (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          dumpBer(bytes);
          const r = new BerReader(bytes);
          while (!r.atEnd()) r.skip();
        } catch (e) {
          if (!(e instanceof BerError)) throw e;
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("round-trips arbitrary trees (property)", () => {
    type Node =
      | { kind: "int"; v: number }
      | { kind: "str"; v: string }
      | { kind: "seq"; t: number; kids: Node[] };
    const leaf: fc.Arbitrary<Node> = fc.oneof(
      fc.record({ kind: fc.constant("int" as const), v: fc.integer() }),
      fc.record({ kind: fc.constant("str" as const), v: fc.string({ maxLength: 300 }) }),
    );
    const node: fc.Memo<Node> = fc.memo(
      (n): fc.Arbitrary<Node> =>
        n <= 1
          ? leaf
          : fc.oneof(
              fc.record({ kind: fc.constant("int" as const), v: fc.integer() }),
              fc.record({
                kind: fc.constant("seq" as const),
                t: fc.integer({ min: 0, max: 40 }),
                kids: fc.array(node(n - 1), { maxLength: 5 }),
              }),
            ),
    );
    const write = (w: BerWriter, n: Node): void => {
      if (n.kind === "int") w.integer(n.v);
      else if (n.kind === "str") w.string(n.v, U.UTF8String);
      else {
        w.begin(ctxC(n.t));
        for (const k of n.kids) write(w, k);
        w.end();
      }
    };
    const read = (r: BerReader, n: Node): void => {
      if (n.kind === "int") expect(r.integer()).toBe(n.v);
      else if (n.kind === "str") expect(r.string(U.UTF8String)).toBe(n.v);
      else {
        r.enter(ctxC(n.t));
        for (const k of n.kids) read(r, k);
        r.leave();
      }
    };
    fc.assert(
      fc.property(node(4), (n) => {
        const w = new BerWriter(8);
        write(w, n);
        const r = new BerReader(w.toBuffer());
        read(r, n);
        expect(r.atEnd()).toBe(true);
      }),
    );
  });

  it("dumps an outline", () => {
    const w = new BerWriter();
    w.begin(appC(0)).integer(1).string("ab", app(3)).end();
    expect(dumpBer(w.toBuffer())).toBe("[APPLICATION 0]{}\n  [UNIVERSAL 2] 01\n  [APPLICATION 3] 6162");
  });
});
