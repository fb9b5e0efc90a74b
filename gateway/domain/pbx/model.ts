/**
 * The node's object model as O2G's PBX management service shows it (the SDK's ObjectModelJson
 * and PbxObjectJson), and the REST paths that name objects:
 *
 *   instances/Subscriber                      the Subscribers of the node (a list)
 *   instances/Subscriber/10001                one Subscriber
 *   instances/Subscriber/10001/Prog_Key       the keys of that set (a list)
 *   instances/Subscriber/10001/Prog_Key/3     one key
 *
 * which become CMIP instance names ("Node=1/Subscriber=10001/Prog_Key=3") and classes.
 */
import {
  type CmipValue,
  classCapabilities,
  type SchemaAttribute,
  type SchemaClass,
} from "../../../protocols/cmip/index.js";
import { invalid, notFound } from "../errors.js";
import { type AttributeModelJson, MODEL_DEPTH, type ObjectModelJson, type PbxObjectJson } from "./schema.js";
import { toRestValue } from "./values.js";

export type { AttributeModelJson, ObjectModelJson, PbxAttributeJson, PbxObjectJson } from "./schema.js";

const TYPE_NAMES = {
  string: "OctetString",
  integer: "Integer",
  enum: "Enumerated",
  boolean: "Boolean",
} as const;

function attributeModel(a: SchemaAttribute): AttributeModelJson {
  const out: AttributeModelJson = {
    name: a.name,
    mandatory: a.mandatory,
    typeValue: TYPE_NAMES[a.type],
    multiValue: false,
    filtering: !a.writeOnly,
  };
  if (a.values) out.allowedValues = [...a.values];
  // The SDK reads lengthValue as "min..max" (OctetStringLength): string sizes only.
  if (a.type === "string" && (a.min !== undefined || a.max !== undefined))
    out.lengthValue = `${a.min ?? 0}..${a.max ?? 65535}`;
  if (a.defaultValue !== undefined) out.defaultValue = toRestValue(a.defaultValue).join(",");
  return out;
}

/** The classes directly below `parent` that an application may see. */
export function childClasses(schema: ReadonlyMap<string, SchemaClass>, parent: string): SchemaClass[] {
  return [...schema.values()].filter((c) => c.parent === parent && !classCapabilities(c).hidden);
}

export function objectModelJson(
  schema: ReadonlyMap<string, SchemaClass>,
  cls: SchemaClass,
  depth = MODEL_DEPTH,
): ObjectModelJson {
  const caps = classCapabilities(cls);
  return {
    objectName: cls.name,
    attributes: cls.attributes.map(attributeModel),
    objects:
      depth > 0 ? childClasses(schema, cls.name).map((c) => objectModelJson(schema, c, depth - 1)) : [],
    hidden: caps.hidden,
    create: caps.create,
    delete: caps.delete,
    set: caps.set,
    get: true,
    otherActions: cls.actions.map((a) => a.name),
  };
}

export function pbxObjectJson(
  schema: ReadonlyMap<string, SchemaClass>,
  cls: SchemaClass,
  objectId: string,
  attributes: Record<string, CmipValue>,
): PbxObjectJson {
  return {
    objectName: cls.name,
    objectId,
    attributes: cls.attributes
      .filter((a) => attributes[a.name] !== undefined)
      .map((a) => ({ name: a.name, value: toRestValue(attributes[a.name]!) })),
    objectNames: childClasses(schema, cls.name).map((c) => c.name),
  };
}

export interface InstancePath {
  cls: SchemaClass;
  /** the CMIP instance of the object the path ends on, or of the list's superior */
  superior: string;
  /** the object's CMIP instance (undefined: the path names a list of `cls` below `superior`) */
  instance?: string;
  objectId?: string;
}

/**
 * `segments` (object name, id, object name, id, ...) below node `nodeId`, checked against the
 * node's classes: an odd count names a list, an even one an object.
 */
export function resolveInstancePath(
  schema: ReadonlyMap<string, SchemaClass>,
  nodeId: number,
  segments: readonly string[],
): InstancePath {
  if (segments.length === 0) throw invalid("name an object (e.g. Subscriber)");
  let superior = `Node=${nodeId}`;
  let parent = "Node";
  let cls: SchemaClass | undefined;
  for (let i = 0; i < segments.length; i += 2) {
    const name = segments[i]!;
    cls = schema.get(name);
    if (!cls || classCapabilities(cls).hidden)
      throw notFound(`node ${nodeId} has no object ${name} in its model`);
    if (cls.parent !== parent)
      throw notFound(`a ${name} is not below a ${parent} (it is below a ${cls.parent ?? "nothing"})`);
    const id = segments[i + 1];
    if (id === undefined) return { cls, superior };
    if (id === "" || id.includes("=")) throw invalid(`"${id}" is not a ${name} id`);
    const instance = `${superior}/${name}=${id}`;
    if (i + 2 === segments.length) return { cls, superior, instance, objectId: id };
    superior = instance;
    parent = name;
  }
  throw invalid("malformed object path");
}

/** The REST id of an object from its CMIP instance ("Node=1/Subscriber=10001" -> "10001"). */
export function objectIdOf(instance: string): string {
  return instance.slice(instance.lastIndexOf("=") + 1);
}
