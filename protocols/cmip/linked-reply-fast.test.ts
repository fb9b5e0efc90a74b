/**
 * A node answers a scoped read with a linked reply per object, written in one pass (mLinkedReply's
 * `encodeArgumentFast`, the invoke around it by writeInvokeFast with its linked id): the bytes
 * must be those of the general encoders (writeObjectResult, writeInvoke), long forms included,
 * and what the fast encoder does not take it must leave unwritten.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codePointStrings } from "../../test/support/code-points.js";
import { BerWriter } from "../ber/index.js";
import { writeInvoke, writeInvokeFast } from "../rose/index.js";
import { type CmipValue, type LinkedReply, mLinkedReply } from "./index.js";

const fast = mLinkedReply.encodeArgumentFast!;

/** Every kind of value writeValue writes, the scalars at the edges of their encodings. */
const values: fc.Arbitrary<CmipValue> = fc.letrec<{ v: CmipValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    fc.stringMatching(/^[0-9A-Za-z .@_-]{0,20}$/),
    fc.string({ maxLength: 300 }),
    fc.string({ unit: "grapheme", maxLength: 6 }),
    codePointStrings({ maxLength: 4 }),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
    fc.maxSafeInteger(),
    fc.maxSafeNat().map((n) => -n),
    fc.constantFrom(
      0,
      -0,
      -1,
      127,
      128,
      -128,
      -129,
      255,
      256,
      32767,
      32768,
      2 ** 31,
      2 ** 53,
      0.5,
      Number.NaN,
    ),
    fc.constantFrom(null, true, false),
    fc.array(tie("v"), { maxLength: 3 }),
  ),
})).v;

const replies: fc.Arbitrary<LinkedReply> = fc.oneof(
  fc.record({
    kind: fc.constant("getResult" as const),
    result: fc.record(
      {
        objectClass: fc.oneof(fc.integer({ min: -200, max: 70000 }), fc.constant(2 ** 53)),
        instance: fc.oneof(
          fc.stringMatching(/^Node=[0-9]{1,3}\/Subscriber=[0-9]{1,12}$/),
          fc.string({ maxLength: 200 }),
        ),
        attributes: fc.array(fc.record({ id: fc.integer({ min: -300, max: 70000 }), value: values }), {
          maxLength: 12,
        }),
      },
      { requiredKeys: ["attributes"] },
    ),
  }),
  fc.record({
    kind: fc.constant("processingFailure" as const),
    objectClass: fc.nat(300),
    instance: fc.string({ maxLength: 20 }),
    specificErrorInfo: fc.record({
      errorId: fc.constant("1.3.12.2"),
      errorInfo: fc.string({ maxLength: 20 }),
    }),
  }),
);

/** The general encoder's bytes, or its error. */
function general(reply: LinkedReply, before: Uint8Array): string {
  const w = new BerWriter(4).raw(before);
  try {
    mLinkedReply.encodeArgument!(w, reply);
  } catch (err) {
    return `throws ${(err as Error).name}`;
  }
  return w.toBuffer().toString("hex");
}

const isAscii = (s: string) => [...s].every((c) => c.charCodeAt(0) < 0x80);
const scalarAscii = (v: CmipValue) =>
  v === null ||
  typeof v === "boolean" ||
  (typeof v === "number" && Number.isSafeInteger(v)) ||
  (typeof v === "string" && isAscii(v));

describe("mLinkedReply.encodeArgumentFast", () => {
  it("writes what encodeArgument writes, or nothing, and takes every row of ASCII scalars", () => {
    fc.assert(
      fc.property(replies, fc.uint8Array({ maxLength: 4 }), (reply, before) => {
        // a small writer, so that the reserve grows it half-way through
        const w = new BerWriter(4).raw(before);
        const wrote = fast(w, reply);
        const bytes = w.toBuffer().toString("hex");
        if (wrote) expect(bytes).toBe(general(reply, before));
        else expect(bytes).toBe(Buffer.from(before).toString("hex"));
        const takes =
          reply.kind === "getResult" &&
          reply.result.objectClass !== undefined &&
          Number.isSafeInteger(reply.result.objectClass) &&
          reply.result.instance !== undefined &&
          isAscii(reply.result.instance) &&
          reply.result.attributes.every((a) => Number.isSafeInteger(a.id) && scalarAscii(a.value));
        expect(wrote).toBe(takes);
      }),
      { numRuns: 4000 },
    );
  });

  it("writes rows whose lengths take every form: short, one, two and four octets", () => {
    for (const size of [0, 1, 100, 120, 121, 127, 128, 200, 255, 256, 1000, 65535, 65536, 70000]) {
      const reply: LinkedReply = {
        kind: "getResult",
        result: {
          objectClass: 2,
          instance: "Node=1/Subscriber=10001",
          attributes: [
            { id: 1, value: "10001" },
            { id: 2, value: "x".repeat(size) },
            { id: 5, value: size },
            { id: 14, value: true },
            { id: 16, value: null },
          ],
        },
      };
      const w = new BerWriter(4);
      expect(fast(w, reply)).toBe(true);
      expect(w.toBuffer().toString("hex")).toBe(general(reply, new Uint8Array(0)));
    }
  });
});

describe("writeInvokeFast with a linked id", () => {
  it("writes what writeInvoke writes, the invoke's length in whichever form it needs", () => {
    const ids = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constantFrom(0x7f, 0x80, 0xffff, 0x7fffffff));
    fc.assert(
      fc.property(ids, fc.option(ids, { nil: undefined }), replies, (id, linkedId, reply) => {
        const expected = new BerWriter(4);
        let general: string;
        try {
          writeInvoke(expected, id, mLinkedReply.opcode, mLinkedReply.encodeArgument, reply, linkedId);
          general = expected.toBuffer().toString("hex");
        } catch {
          general = "throws";
        }
        const w = new BerWriter(4);
        if (writeInvokeFast(w, id, mLinkedReply.opcode, fast, reply, linkedId))
          expect(w.toBuffer().toString("hex")).toBe(general);
        else expect(w.length).toBe(0);
      }),
      { numRuns: 3000 },
    );
  });

  it("declines ids out of its range, having written nothing", () => {
    const reply: LinkedReply = {
      kind: "getResult",
      result: { objectClass: 2, instance: "N", attributes: [] },
    };
    for (const [id, linkedId] of [
      [-1, 1],
      [1, -1],
      [1, 2 ** 31],
      [2 ** 31, 1],
    ] as const) {
      const w = new BerWriter(4);
      expect(writeInvokeFast(w, id, 2, fast, reply, linkedId)).toBe(false);
      expect(w.length).toBe(0);
    }
  });
});
