/**
 * PBX management's wire shapes (the SDK's pbxmngt types) as schemas: the node's object model,
 * which nests (a Subscriber holds Prog_Keys...), and an object's attributes, every value as text.
 */
import { type Static, type TSchema, Type } from "typebox";

export const AttributeModelSchema = Type.Object(
  {
    name: Type.String(),
    mandatory: Type.Boolean(),
    typeValue: Type.Union([
      Type.Literal("Enumerated"),
      Type.Literal("OctetString"),
      Type.Literal("Integer"),
      Type.Literal("Boolean"),
    ]),
    multiValue: Type.Boolean(),
    allowedValues: Type.Optional(Type.Array(Type.String(), { description: "an enumeration's values" })),
    lengthValue: Type.Optional(Type.String({ description: "a string's size, min..max" })),
    defaultValue: Type.Optional(Type.String()),
    filtering: Type.Boolean({ description: "whether a filter may name it" }),
  },
  { title: "AttributeModel" },
);
export type AttributeModelJson = Static<typeof AttributeModelSchema>;

/** How deep an object model nests the models of the objects below it (Node > Subscriber > ...). */
export const MODEL_DEPTH = 8;

const objectModelFields = {
  objectName: Type.String(),
  attributes: Type.Array(AttributeModelSchema),
  hidden: Type.Boolean(),
  create: Type.Boolean(),
  delete: Type.Boolean(),
  set: Type.Boolean(),
  get: Type.Boolean(),
  otherActions: Type.Array(Type.String()),
};

/** An object's model and, nested, those of the objects below it: the type, at any depth. */
const ObjectModelCyclic = Type.Cyclic(
  {
    PbxObjectModel: Type.Object({ ...objectModelFields, objects: Type.Array(Type.Ref("PbxObjectModel")) }),
  },
  "PbxObjectModel",
);
export type ObjectModelJson = Static<typeof ObjectModelCyclic>;

/**
 * The same, unrolled to MODEL_DEPTH levels for the wire: the OpenAPI generator leaves a
 * recursive reference unresolved (it lists no component for a schema's own $defs), and the
 * gateway never nests deeper than MODEL_DEPTH anyway.
 */
function objectModelSchema(depth: number): TSchema {
  const objects =
    depth === 0
      ? Type.Array(Type.Object({}), { maxItems: 0, description: `empty below ${MODEL_DEPTH} levels` })
      : Type.Array(objectModelSchema(depth - 1));
  return Type.Object({ ...objectModelFields, objects }, { title: "ObjectModel" });
}
export const ObjectModelSchema = Type.Unsafe<ObjectModelJson>(objectModelSchema(MODEL_DEPTH));

export const PbxAttributeSchema = Type.Object(
  { name: Type.String(), value: Type.Array(Type.String()) },
  { title: "PbxAttribute" },
);
export type PbxAttributeJson = Static<typeof PbxAttributeSchema>;

export const PbxObjectSchema = Type.Object(
  {
    objectName: Type.String(),
    objectId: Type.String(),
    attributes: Type.Array(PbxAttributeSchema),
    objectNames: Type.Array(Type.String(), { description: "the objects that may be below it" }),
  },
  { title: "PbxObject" },
);
export type PbxObjectJson = Static<typeof PbxObjectSchema>;

export const PbxObjectIdsSchema = Type.Object(
  { objectIds: Type.Array(Type.String()) },
  { title: "PbxObjectIds" },
);
