import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codePointStrings } from "../../test/support/code-points.js";
import { corruptBytes } from "../../test/support/corrupt-bytes.js";
import { AssociateResult, writeAare } from "../acse/index.js";
import { BerError, BerReader, BerWriter, ctx, ctxC } from "../ber/index.js";
import { encodeFrame } from "../framing/index.js";
import { type InvokeApdu, RoseLink, writeInvoke } from "../rose/index.js";
import {
  type Attribute,
  CMIP_APPLICATION_CONTEXT,
  CMIP_OPERATIONS,
  type CmipError,
  type CmipValue,
  cmipErrorCodec,
  type LinkedReply,
  mGet,
  mLinkedReply,
  readLinkedGetRow,
  readLinkedGetRowInPlace,
  readLinkedGetRowValues,
  writeAttribute,
} from "./index.js";

const encode = (reply: LinkedReply): Buffer => {
  const w = new BerWriter();
  mLinkedReply.encodeArgument!(w, reply);
  return w.toBuffer();
};

/** What scopedGet made of a reply before: the instance and the requested attributes' values. */
function generic(
  bytes: Uint8Array,
  ids: number[],
): { instance: string | undefined; values: unknown[] } | "error" {
  let reply: LinkedReply;
  try {
    reply = mLinkedReply.decodeArgument!(new BerReader(bytes));
  } catch (err) {
    if (err instanceof BerError) return "error";
    throw err;
  }
  if (reply.kind !== "getResult") return { instance: undefined, values: ids.map(() => undefined) };
  const byId = new Map(reply.result.attributes.map((a) => [a.id, a.value]));
  return { instance: reply.result.instance, values: ids.map((id) => byId.get(id)) };
}

function byRow(
  bytes: Uint8Array,
  ids: number[],
): { instance: string | undefined; values: unknown[] } | "error" {
  const values: (CmipValue | undefined)[] = new Array(ids.length).fill("stale");
  try {
    const instance = readLinkedGetRow(new BerReader(bytes), new Map(ids.map((id, i) => [id, i])), values);
    return {
      instance,
      values: instance === undefined && values.includes("stale") ? ids.map(() => undefined) : values,
    };
  } catch (err) {
    if (err instanceof BerError) return "error";
    throw err;
  }
}

const subscriber: LinkedReply = {
  kind: "getResult",
  result: {
    objectClass: 7,
    instance: "Node=1/Subscriber=1000",
    attributes: [
      { id: 1, value: "1000" },
      { id: 2, value: "Martin" },
      { id: 4, value: 3 },
      { id: 9, value: null },
      { id: 5, value: ["a", 1, true] },
    ],
  },
};

describe("readLinkedGetRow", () => {
  it("puts the requested attributes' values where asked, and leaves the others undefined", () => {
    const values: (CmipValue | undefined)[] = ["stale", "stale", "stale", "stale"];
    const instance = readLinkedGetRow(
      new BerReader(encode(subscriber)),
      new Map([
        [2, 0],
        [1, 1],
        [9, 2],
        [42, 3],
      ]),
      values,
    );
    expect(instance).toBe("Node=1/Subscriber=1000");
    expect(values).toEqual(["Martin", "1000", null, undefined]);
  });

  it("gives no instance for a processing failure", () => {
    const failure: LinkedReply = {
      kind: "processingFailure",
      objectClass: 7,
      instance: "Node=1/Subscriber=1000",
      specificErrorInfo: { errorId: "1.2.3", errorInfo: "busy" },
    };
    expect(readLinkedGetRow(new BerReader(encode(failure)), new Map([[1, 0]]), [undefined])).toBeUndefined();
  });

  it("accepts and rejects what the linked reply's own decoder does, with the same values", () => {
    const ids = [1, 2, 4, 5, 9];
    const valid = encode(subscriber);
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { maxLength: 4 }),
        fc.nat(),
        (edits, cut) => {
          const bytes = Uint8Array.from(valid);
          for (const e of edits) bytes[e.at % bytes.length] = e.byte;
          const input = bytes.subarray(0, bytes.length - (cut % 3 === 0 ? cut % 7 : 0));
          expect(byRow(input, ids)).toEqual(generic(input, ids));
        },
      ),
      { numRuns: 3000, seed: 19 },
    );
  });
});

/** Scalar values as the emulator writes them: what a node's subscriber rows hold. */
const scalars: fc.Arbitrary<CmipValue> = fc.oneof(
  fc.stringMatching(/^[0-9A-Za-z .-]{0,14}$/),
  fc.string({ maxLength: 140 }),
  fc.string({ unit: "grapheme", maxLength: 6 }),
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
  fc.constantFrom(null, true, false, 0, -1, 127, 128, -129),
);
const rows: fc.Arbitrary<LinkedReply> = fc
  .record({
    dn: fc.stringMatching(/^[0-9]{1,12}$/),
    attributes: fc.array(fc.record({ id: fc.integer({ min: 0, max: 300 }), value: scalars }), {
      maxLength: 9,
    }),
  })
  .map(({ dn, attributes }) => ({
    kind: "getResult",
    result: { objectClass: 7, instance: `Node=1/Subscriber=${dn}`, attributes },
  }));
const ROW_IDS = [1, 2, 3, 4, 5, 6, 7, 200];

const corrupt = (bytes: Uint8Array) => corruptBytes(bytes);

describe("readLinkedGetRowInPlace", () => {
  it("reads every row of scalar attributes itself, with the values of the generic decoder", () => {
    fc.assert(
      fc.property(rows, fc.uint8Array({ maxLength: 3 }), (row, after) => {
        const bytes = encode(row);
        const buf = Buffer.concat([Buffer.from([0x30, 0x00]), bytes, Buffer.from(after)]);
        const values: (CmipValue | undefined)[] = new Array(ROW_IDS.length).fill("stale");
        const positions = new Map(ROW_IDS.map((id, i) => [id, i]));
        const instance = readLinkedGetRowInPlace(buf, 2, 2 + bytes.length, positions, values);
        expect(typeof instance).toBe("string");
        expect({ instance, values }).toEqual(generic(bytes, ROW_IDS));
      }),
      { numRuns: 2000 },
    );
  });

  it("accepts, refuses and reads corrupted rows as the linked reply's own decoder does", () => {
    const corrupted = rows.chain((row) => corrupt(encode(row)));
    let inPlace = 0;
    fc.assert(
      fc.property(corrupted, (bytes) => {
        const values: (CmipValue | undefined)[] = new Array(ROW_IDS.length).fill("stale");
        const fast = readLinkedGetRowInPlace(
          bytes,
          0,
          bytes.length,
          new Map(ROW_IDS.map((id, i) => [id, i])),
          values,
        );
        if (typeof fast === "string") {
          inPlace++;
          expect({ instance: fast, values }).toEqual(generic(bytes, ROW_IDS));
        }
        expect(byRow(bytes, ROW_IDS)).toEqual(generic(bytes, ROW_IDS));
      }),
      { numRuns: 4000, seed: 19 },
    );
    // the property above is about the rows it read, not only the ones it left alone
    expect(inPlace).toBeGreaterThan(300);
  });
});

/** readLinkedGetRowValues' answer: whether the row names its object, and its values if so. */
function byValues(bytes: Uint8Array, ids: number[]): { named: boolean; values: unknown[] | null } | "error" {
  const values: (CmipValue | undefined)[] = new Array(ids.length).fill("stale");
  try {
    const named = readLinkedGetRowValues(new BerReader(bytes), new Map(ids.map((id, i) => [id, i])), values);
    return { named, values: named ? values : null };
  } catch (err) {
    if (err instanceof BerError) return "error";
    throw err;
  }
}

/** The generic decoder's answer as byValues gives it (scopedRows keeps only the rows named). */
function genericNamed(bytes: Uint8Array, ids: number[]): ReturnType<typeof byValues> {
  const g = generic(bytes, ids);
  if (g === "error") return g;
  return { named: !!g.instance, values: g.instance ? g.values : null };
}

describe("readLinkedGetRowValues", () => {
  // rows whose instance may be empty: a row without a name is dropped, and the instance is not
  // decoded to tell
  const maybeUnnamed: fc.Arbitrary<LinkedReply> = fc
    .tuple(rows, fc.constantFrom("", "x", "Node=1/Subscriber=1"))
    .map(([row, instance]) =>
      row.kind === "getResult" ? { ...row, result: { ...row.result, instance } } : row,
    );

  it("reads the values of every named row as the generic decoder does", () => {
    fc.assert(
      fc.property(fc.oneof(rows, maybeUnnamed), (row) => {
        const bytes = encode(row);
        expect(byValues(bytes, ROW_IDS)).toEqual(genericNamed(bytes, ROW_IDS));
      }),
      { numRuns: 2000 },
    );
  });

  it("accepts, refuses and reads corrupted rows as the linked reply's own decoder does", () => {
    const corrupted = fc.oneof(rows, maybeUnnamed).chain((row) => corrupt(encode(row)));
    let named = 0;
    let unnamed = 0;
    fc.assert(
      fc.property(corrupted, (bytes) => {
        const got = byValues(bytes, ROW_IDS);
        if (got !== "error") got.named ? named++ : unnamed++;
        expect(got).toEqual(genericNamed(bytes, ROW_IDS));
      }),
      { numRuns: 4000, seed: 19 },
    );
    expect(named).toBeGreaterThan(300);
    expect(unnamed).toBeGreaterThan(50);
  });

  it("tells a processing failure from a row", () => {
    const failure: LinkedReply = {
      kind: "processingFailure",
      objectClass: 7,
      instance: "Node=1/Subscriber=1000",
      specificErrorInfo: { errorId: "1.2.3", errorInfo: "busy" },
    };
    expect(byValues(encode(failure), [1])).toEqual({ named: false, values: null });
    expect(byValues(encode(subscriber), [2, 1])).toEqual({ named: true, values: ["Martin", "1000"] });
  });
});

/**
 * A CMIP client link associated with no one, a scoped M-GET (invoke id 1) pending with
 * `readLinkedGetRow` as its decodeLinked; without the shortcut, the link reads every frame the
 * general way (readRoseApdu, a view of the argument, decodeLinked on that), as before it.
 */
function cmipClient(shortcut: boolean) {
  const log: string[] = [];
  const out: Buffer[] = [];
  const link = new RoseLink<CmipError>(
    { operations: CMIP_OPERATIONS.byCode, errors: cmipErrorCodec },
    {
      output: (b) => out.push(b),
      protocolError: (m, fatal) => log.push(`${fatal ? "fatal" : "error"}: ${m}`),
    },
  );
  link.associate({
    applicationContext: CMIP_APPLICATION_CONTEXT,
    credentials: { login: "o2g", password: "x" },
  });
  const w = new BerWriter();
  writeAare(w, {
    applicationContext: CMIP_APPLICATION_CONTEXT,
    result: AssociateResult.accepted,
    diagnostic: { source: "user", value: 0 },
  });
  link.feed(encodeFrame(w.toBuffer()));
  link.flush();
  out.length = 0;
  if (!shortcut) (link as unknown as { fastLinkedInvoke: () => boolean }).fastLinkedInvoke = () => false;
  const seen: unknown[] = [];
  const positions = new Map(ROW_IDS.map((id, i) => [id, i]));
  const values: (CmipValue | undefined)[] = new Array(ROW_IDS.length);
  const record = (apdu: InvokeApdu, instance: unknown) =>
    seen.push({
      apdu: [
        apdu.kind,
        apdu.invokeId,
        apdu.linkedId,
        apdu.opcode,
        Buffer.from(apdu.argument!).toString("hex"),
      ],
      instance,
      values: [...values],
    });
  link.invoke(
    mGet,
    { objectClass: 7, instance: "Node=1", scope: "firstLevelOnly", attributeIds: ROW_IDS },
    (err) => seen.push(err ? `${err.failure.kind}` : "done"),
    record,
    (r) => readLinkedGetRow(r, positions, values),
  );
  link.flush();
  out.length = 0;
  return { link, log, out, seen };
}

function linkedOutcome(shortcut: boolean, apdu: Uint8Array) {
  const c = cmipClient(shortcut);
  c.link.feed(encodeFrame(apdu));
  c.link.flush();
  return {
    seen: c.seen,
    log: c.log,
    out: Buffer.concat(c.out).toString("hex"),
    inFlight: c.link.inFlight,
    state: c.link.state,
  };
}

function linkedReply(invokeId: number, linkedId: number, reply: LinkedReply): Buffer {
  const w = new BerWriter();
  writeInvoke(w, invokeId, mLinkedReply.opcode, mLinkedReply.encodeArgument, reply, linkedId);
  return w.toBuffer();
}

describe("RoseLink's linked reply shortcut", () => {
  it("reads canonical rows where they lie in the frame", () => {
    const c = cmipClient(true);
    const offsets: number[] = [];
    const decode = c.link as unknown as { reader: BerReader };
    c.link.feed(
      encodeFrame(
        linkedReply(5, 1, {
          kind: "getResult",
          result: {
            objectClass: 7,
            instance: "Node=1/Subscriber=1000",
            attributes: [{ id: 1, value: "1000" }],
          },
        }),
      ),
    );
    offsets.push(decode.reader.offset);
    expect(c.seen).toEqual([
      {
        apdu: ["invoke", 5, 1, mLinkedReply.opcode, expect.any(String)],
        instance: "Node=1/Subscriber=1000",
        values: ["1000", undefined, undefined, undefined, undefined, undefined, undefined, undefined],
      },
    ]);
    // the general path reads a view of the argument from its start; the shortcut, the frame
    expect(offsets[0]).toBeGreaterThan(0);
  });

  it("ends every linked reply, valid or corrupted, as the general path does", () => {
    const frames = fc
      .record({
        id: fc.constantFrom(2, 300, -1),
        linkedId: fc.constantFrom(1, 1, 1, 2),
        reply: fc.oneof({ weight: 4, arbitrary: rows }, { weight: 1, arbitrary: fc.constant(subscriber) }),
      })
      .map(({ id, linkedId, reply }) => linkedReply(id, linkedId, reply))
      .chain(corrupt);
    fc.assert(
      fc.property(frames, (apdu) => {
        expect(linkedOutcome(true, apdu)).toEqual(linkedOutcome(false, apdu));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("the attribute list's writer", () => {
  /** writeObjectResult as it was: every attribute through writeAttribute. */
  function attributeByAttribute(reply: { objectClass: number; instance: string; attributes: Attribute[] }) {
    const w = new BerWriter(4);
    w.begin(ctxC(0)).integer(reply.objectClass, ctx(1)).string(reply.instance, ctx(3));
    if (reply.attributes.length) {
      w.begin(ctxC(6));
      for (const a of reply.attributes) writeAttribute(w, a);
      w.end();
    }
    return w.end().toBuffer().toString("hex");
  }

  it("writes what writeAttribute writes, short ASCII strings or anything else", () => {
    const values: fc.Arbitrary<CmipValue> = fc.oneof(
      scalars,
      codePointStrings({ maxLength: 8 }),
      fc.string({ minLength: 118, maxLength: 124 }),
      fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxLength: 3 }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.integer({ min: -3, max: 300 }), value: values }), { maxLength: 9 }),
        (attributes) => {
          const reply = { objectClass: 7, instance: "Node=1/Subscriber=1000", attributes };
          // a small writer, so that the in-place attributes grow it half-way through
          const w = new BerWriter(4);
          mLinkedReply.encodeArgument!(w, { kind: "getResult", result: reply });
          expect(w.toBuffer().toString("hex")).toBe(attributeByAttribute(reply));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
