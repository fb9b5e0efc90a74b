import { beforeEach, describe, expect, it } from "vitest";
import { BerReader, BerWriter } from "../../protocols/ber/index.js";
import {
  encodeSchema,
  mGet,
  OBJECT_MODEL_CLASS_ID,
  OBJECT_MODEL_CLASSES_ATTRIBUTE,
  type SchemaClass,
} from "../../protocols/cmip/index.js";
import { forgetObjectModels, objectModelRead } from "./object-model.js";

const subscriber = (extra: string[] = []): SchemaClass[] => [
  {
    id: 7,
    name: "Subscriber",
    parent: "Node",
    namingAttribute: "Directory_Number",
    attributes: ["Directory_Number", "Annu_Name", ...extra].map((name, i) => ({
      id: i + 1,
      name,
      type: "string",
      mandatory: i === 0,
      readOnly: false,
      writeOnly: false,
    })),
    actions: [],
  },
];

/** The node's answer to the model's M-GET, as its bytes. */
function answer(classes: SchemaClass[], nodeId = 1): Buffer {
  const w = new BerWriter(256);
  mGet.encodeResult!(w, {
    objectClass: OBJECT_MODEL_CLASS_ID,
    instance: `Node=${nodeId}/ObjectModel=OXE`,
    attributes: [{ id: OBJECT_MODEL_CLASSES_ATTRIBUTE, value: encodeSchema(classes) }],
  });
  return w.toBuffer();
}

const read = (nodeId: number, bytes: Uint8Array) =>
  objectModelRead(nodeId, `Node=${nodeId}`).op.decodeResult!(new BerReader(bytes));

describe("the object model read", () => {
  beforeEach(() => forgetObjectModels());

  it("asks what mGet asks, in the same bytes", () => {
    const { op, argument } = objectModelRead(3, "Node=3");
    const ours = new BerWriter(64);
    op.encodeArgument!(ours, argument);
    const plain = new BerWriter(64);
    mGet.encodeArgument!(plain, argument);
    expect(ours.toBuffer()).toEqual(plain.toBuffer());
    expect(op.opcode).toBe(mGet.opcode);
    expect(argument).toEqual({
      objectClass: OBJECT_MODEL_CLASS_ID,
      instance: "Node=3/ObjectModel=OXE",
      attributeIds: [OBJECT_MODEL_CLASSES_ATTRIBUTE],
    });
  });

  it("decodes the model, and shares it between nodes that send the same bytes", () => {
    const first = read(1, answer(subscriber()));
    expect(first).toEqual(
      subscriber().map((c) => ({ ...c, create: true, delete: true, set: true, hidden: false })),
    );
    // another node (its own instance in the answer), the same model: the same decoded classes
    const second = read(2, answer(subscriber(), 2));
    expect(second).toBe(first);
  });

  it("decodes a model that differs by one attribute on its own", () => {
    const older = read(1, answer(subscriber()));
    const newer = read(2, answer(subscriber(["Voice_Mail_Number"])));
    expect(newer).not.toBe(older);
    expect(newer[0]!.attributes.map((a) => a.name)).toEqual([
      "Directory_Number",
      "Annu_Name",
      "Voice_Mail_Number",
    ]);
    expect(read(3, answer(subscriber()))).toBe(older);
  });

  it("keeps a few models, the least recently seen going first", () => {
    const models = [0, 1, 2, 3, 4].map((n) => answer(subscriber([`Extra_${n}`])));
    const decoded = models.map((m, i) => read(i + 1, m));
    // model 0 was pushed out by the fifth; 4 (the newest) is still kept
    expect(read(9, models[4]!)).toBe(decoded[4]);
    const again = read(9, models[0]!);
    expect(again).not.toBe(decoded[0]);
    expect(again).toEqual(decoded[0]);
  });

  it("refuses an answer without the model, naming the node", () => {
    const w = new BerWriter(64);
    mGet.encodeResult!(w, {
      objectClass: OBJECT_MODEL_CLASS_ID,
      instance: "Node=5/ObjectModel=OXE",
      attributes: [],
    });
    expect(() => read(5, w.toBuffer())).toThrow(/node 5 sent no object model/);
  });
});
