import { describe, expect, it } from "vitest";
import { BerReader, BerWriter } from "../ber/index.js";
import type { OperationSpec } from "../rose/index.js";
import {
  CMIP_OPERATIONS,
  type CmipError,
  cmipErrorCodec,
  type Filter,
  readFilter,
  writeFilter,
} from "./index.js";

function rt<T>(
  enc: ((w: BerWriter, v: T) => void) | undefined,
  dec: ((r: BerReader) => T) | undefined,
  v: T,
): T {
  const w = new BerWriter();
  enc!(w, v);
  const r = new BerReader(w.toBuffer());
  const out = dec!(r);
  expect(r.atEnd()).toBe(true);
  return out;
}

describe("CMIP operations round-trip", () => {
  const samples: Record<string, { arg?: unknown; result?: unknown }> = {
    mEventReport: {
      arg: {
        objectClass: 2,
        instance: "Node=1/Subscriber=10001",
        eventTime: new Date("2026-11-25T10:00:00.000Z"),
        eventType: 1,
        info: ["a", 1, true],
      },
    },
    mLinkedReply: {
      arg: {
        kind: "getResult",
        result: {
          objectClass: 2,
          instance: "Node=1/Subscriber=10001",
          attributes: [
            { id: 1, value: "10001" },
            { id: 2, value: "Doe" },
          ],
        },
      },
    },
    mGet: {
      arg: {
        objectClass: 1,
        instance: "Node=1",
        scope: "firstLevelOnly",
        filter: { and: [{ equality: { id: 3, value: "x" } }, { not: { present: 4 } }] },
        attributeIds: [1, 2, 3],
      },
      result: { objectClass: 1, instance: "Node=1", attributes: [{ id: 7, value: [1, 2, null] }] },
    },
    mSetConfirmed: {
      arg: {
        objectClass: 2,
        instance: "Node=1/Subscriber=10001",
        modifications: [
          { operator: "replace", id: 2, value: "Smith" },
          { operator: "setToDefault", id: 9 },
        ],
      },
      result: {
        objectClass: 2,
        instance: "Node=1/Subscriber=10001",
        attributes: [{ id: 2, value: "Smith" }],
      },
    },
    mActionConfirmed: {
      arg: { objectClass: 2, instance: "Node=1/Subscriber=10001", actionType: 1, info: "0000" },
      result: { objectClass: 2, instance: "Node=1/Subscriber=10001", actionType: 1, reply: true },
    },
    mCreate: {
      arg: { objectClass: 2, superiorInstance: "Node=1", attributes: [{ id: 1, value: "10500" }] },
      result: { objectClass: 2, instance: "Node=1/Subscriber=10500", attributes: [] },
    },
    mDelete: { arg: { objectClass: 2, instance: "Node=1/Subscriber=10500" }, result: { attributes: [] } },
  };
  for (const [name, op] of Object.entries(CMIP_OPERATIONS.ops) as [
    string,
    OperationSpec<unknown, unknown>,
  ][]) {
    it(name, () => {
      const s = samples[name]!;
      if (s.arg !== undefined) expect(rt(op.encodeArgument, op.decodeArgument, s.arg)).toEqual(s.arg);
      if (s.result !== undefined) expect(rt(op.encodeResult, op.decodeResult, s.result)).toEqual(s.result);
    });
  }

  it("filters of every kind", () => {
    const f: Filter = {
      or: [
        { substrings: { id: 2, initial: "Du", any: ["a", "b"], final: "z" } },
        { greaterOrEqual: { id: 5, value: 3 } },
        { lessOrEqual: { id: 5, value: 9 } },
        { and: [] },
      ],
    };
    expect(rt(writeFilter, readFilter, f)).toEqual(f);
  });

  it("errors with their parameters", () => {
    const e: CmipError = { error: "invalidAttributeValue", attributeId: 4, value: "x", text: "too long" };
    const w = new BerWriter();
    const code = cmipErrorCodec.encode(w, e);
    expect(code).toBe(6);
    expect(cmipErrorCodec.decode(code, new BerReader(w.toBuffer()))).toEqual(e);
  });
});
