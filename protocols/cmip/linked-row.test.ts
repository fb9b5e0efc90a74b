import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BerError, BerReader, BerWriter } from "../ber/index.js";
import { type CmipValue, type LinkedReply, mLinkedReply, readLinkedGetRow } from "./index.js";

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

describe("readLinkedGetRow", () => {
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
