/**
 * PBX management's wire shapes (the SDK's pbxmngt types) as schemas: the node's object model,
 * which nests (a Subscriber holds Prog_Keys...), and an object's attributes, every value as text.
 */
import { type Static, Type } from "typebox";

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

/** An object's model and, nested, those of the objects below it. */
export const ObjectModelSchema = Type.Cyclic(
  {
    PbxObjectModel: Type.Object(
      {
        objectName: Type.String(),
        attributes: Type.Array(AttributeModelSchema),
        objects: Type.Array(Type.Ref("PbxObjectModel")),
        hidden: Type.Boolean(),
        create: Type.Boolean(),
        delete: Type.Boolean(),
        set: Type.Boolean(),
        get: Type.Boolean(),
        otherActions: Type.Array(Type.String()),
      },
      { title: "ObjectModel" },
    ),
  },
  "PbxObjectModel",
);
export type ObjectModelJson = Static<typeof ObjectModelSchema>;

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
