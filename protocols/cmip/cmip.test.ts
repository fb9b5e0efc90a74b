import { describe, expect, it } from "vitest";
import { BerReader, BerWriter } from "../ber/index.js";
import type { OperationSpec } from "../rose/index.js";
import {
  CMIP_OPERATIONS,
  type CmipError,
  type CmipValue,
  classCapabilities,
  cmipErrorCodec,
  decodeEventAttributes,
  decodeSchema,
  encodeEventAttributes,
  encodeSchema,
  eventName,
  type Filter,
  readFilter,
  readValue,
  type SchemaClass,
  writeFilter,
  writeValue,
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
    const e: CmipError = { error: "invalidAttributeValue", attribute: { id: 4, value: "x" } };
    const w = new BerWriter();
    const code = cmipErrorCodec.encode(w, e);
    expect(code).toBe(6);
    expect(cmipErrorCodec.decode(code, new BerReader(w.toBuffer()))).toEqual(e);
  });
});

describe("the object model a node serves", () => {
  const classes: SchemaClass[] = [
    {
      id: 2,
      name: "Subscriber",
      parent: "Node",
      namingAttribute: "Directory_Number",
      attributes: [
        {
          id: 1,
          name: "Directory_Number",
          type: "string",
          min: 1,
          max: 8,
          pattern: "^[0-9]+$",
          mandatory: true,
          readOnly: false,
          writeOnly: false,
        },
        {
          id: 5,
          name: "Class_Of_Service",
          type: "integer",
          min: 0,
          max: 63,
          mandatory: false,
          readOnly: false,
          writeOnly: false,
          defaultValue: 0,
        },
        {
          id: 9,
          name: "Mode",
          type: "enum",
          values: ["a", "b"],
          mandatory: false,
          readOnly: true,
          writeOnly: false,
        },
      ],
      actions: [{ id: 1, name: "Check_Password" }],
    },
    {
      id: 3,
      name: "Prog_Key",
      parent: "Subscriber",
      namingAttribute: "Key_Position",
      attributes: [],
      actions: [],
      create: false,
      delete: false,
      set: true,
      hidden: false,
    },
  ];

  it("round-trips through BER, capabilities and defaults included", () => {
    const w = new BerWriter();
    writeValue(w, encodeSchema(classes));
    const decoded = decodeSchema(readValue(new BerReader(w.toBuffer())));
    expect(decoded[0]).toEqual({ ...classes[0], create: true, delete: true, set: true, hidden: false });
    expect(decoded[1]).toEqual(classes[1]);
  });

  it("reads the older shape (no capabilities, no defaults) as everything allowed", () => {
    const old = (encodeSchema(classes) as CmipValue[][]).map((c) => [
      ...c.slice(0, 4),
      (c[4] as CmipValue[][]).map((a) => a.slice(0, 10)),
      c[5]!,
    ]);
    const decoded = decodeSchema(old);
    expect(classCapabilities(decoded[1]!)).toEqual({ create: true, delete: true, set: true, hidden: false });
    expect(decoded[0]!.attributes[1]!.defaultValue).toBeUndefined();
  });

  it("refuses a malformed model", () => {
    expect(() => decodeSchema([[1, "X", "", "Y", [], [], [true]]])).toThrow(/malformed object model/);
  });
});

describe("change notifications", () => {
  it("name their X.721 event types and carry attributes", () => {
    expect([1, 2, 3, 9].map(eventName)).toEqual([
      "objectCreation",
      "objectDeletion",
      "attributeValueChange",
      undefined,
    ]);
    const attrs = [
      { id: 1, value: "10001" },
      { id: 5, value: 3 },
    ];
    expect(decodeEventAttributes(encodeEventAttributes(attrs))).toEqual(attrs);
    expect(decodeEventAttributes([[1, "x"], "junk", [2], [3, true]])).toEqual([
      { id: 1, value: "x" },
      { id: 3, value: true },
    ]);
    expect(decodeEventAttributes(undefined)).toEqual([]);
  });
});
