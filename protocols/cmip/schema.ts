/**
 * How a node describes its managed-object model over CMIP: the "Classes" attribute of the
 * ObjectModel object holds one entry per class. Both ends share this shape; a node serves its
 * model, the gateway reads it once per link and resolves names to local ids from it.
 *
 *   class     ::= [ id, name, parent ("" for the root), namingAttribute, [attribute...], [action...],
 *                   [create, delete, set, hidden]? ]
 *   attribute ::= [ id, name, type, min|null, max|null, [value...], mandatory, readOnly, writeOnly, pattern|null,
 *                   default|null?, note|null? ]
 *   action    ::= [ id, name ]
 *
 * The trailing elements marked `?` came later: a reader of the older shape ignores them, and
 * this reader takes their absence for "operations allowed, not hidden, no default", which is
 * what a node serving the older shape meant.
 */
import type { CmipValue } from "./pdus.js";

export type SchemaAttributeType = "string" | "integer" | "enum" | "boolean";

export interface SchemaAttribute {
  id: number;
  name: string;
  type: SchemaAttributeType;
  min?: number;
  max?: number;
  values?: string[];
  mandatory: boolean;
  readOnly: boolean;
  /** set but never read back (passwords, PINs) */
  writeOnly: boolean;
  /** regular expression source the value must match */
  pattern?: string;
  /** the value an object takes when created without it (and after setToDefault) */
  defaultValue?: CmipValue;
  /**
   * What the node also requires of a value, in words, beyond what type, range, pattern and
   * enumeration say (a reference to another object, a rule between attributes). X.711's
   * invalidAttributeValue carries only the attribute and value refused: a manager explains
   * the refusal with this.
   */
  note?: string;
}

export interface SchemaAction {
  id: number;
  name: string;
}

export interface SchemaClass {
  id: number;
  name: string;
  parent: string | null;
  namingAttribute: string;
  attributes: SchemaAttribute[];
  actions: SchemaAction[];
  /** M-CREATE allowed (default true) */
  create?: boolean;
  /** M-DELETE allowed (default true) */
  delete?: boolean;
  /** M-SET allowed (default true) */
  set?: boolean;
  /** internal to the node: not offered to applications browsing the model */
  hidden?: boolean;
}

/** What a class allows, with the defaults of a schema that does not say. */
export function classCapabilities(c: SchemaClass): {
  create: boolean;
  delete: boolean;
  set: boolean;
  hidden: boolean;
} {
  return {
    create: c.create ?? true,
    delete: c.delete ?? true,
    set: c.set ?? true,
    hidden: c.hidden ?? false,
  };
}

/** Class id and instance of the object that carries the model on every node. */
export const OBJECT_MODEL_CLASS_ID = 0;
export const OBJECT_MODEL_CLASSES_ATTRIBUTE = 2;

export function encodeSchema(classes: readonly SchemaClass[]): CmipValue {
  return classes.map((c) => [
    c.id,
    c.name,
    c.parent ?? "",
    c.namingAttribute,
    c.attributes.map((a) => [
      a.id,
      a.name,
      a.type,
      a.min ?? null,
      a.max ?? null,
      a.values ?? [],
      a.mandatory,
      a.readOnly,
      a.writeOnly,
      a.pattern ?? null,
      a.defaultValue ?? null,
      a.note ?? null,
    ]),
    c.actions.map((x) => [x.id, x.name]),
    (({ create, delete: del, set, hidden }) => [create, del, set, hidden])(classCapabilities(c)),
  ]);
}

function fail(what: string): never {
  throw new Error(`malformed object model: ${what}`);
}

const num = (v: CmipValue | undefined, what: string): number => (typeof v === "number" ? v : fail(what));
const str = (v: CmipValue | undefined, what: string): string => (typeof v === "string" ? v : fail(what));
const bool = (v: CmipValue | undefined, what: string): boolean => (typeof v === "boolean" ? v : fail(what));
const list = (v: CmipValue | undefined, what: string): CmipValue[] => (Array.isArray(v) ? v : fail(what));

export function decodeSchema(v: CmipValue): SchemaClass[] {
  return list(v, "classes").map((cv) => {
    const c = list(cv, "class");
    const name = str(c[1], "class name");
    const cls: SchemaClass = {
      id: num(c[0], "class id"),
      name,
      parent: str(c[2], `${name} parent`) || null,
      namingAttribute: str(c[3], `${name} naming attribute`),
      attributes: list(c[4], `${name} attributes`).map((av) => {
        const x = list(av, "attribute");
        const type = str(x[2], "attribute type");
        if (type !== "string" && type !== "integer" && type !== "enum" && type !== "boolean")
          fail(`type ${type}`);
        const attr: SchemaAttribute = {
          id: num(x[0], "attribute id"),
          name: str(x[1], "attribute name"),
          type,
          mandatory: bool(x[6], "mandatory"),
          readOnly: bool(x[7], "readOnly"),
          writeOnly: bool(x[8], "writeOnly"),
        };
        if (typeof x[3] === "number") attr.min = x[3];
        if (typeof x[4] === "number") attr.max = x[4];
        const values = list(x[5], "values").map((s) => str(s, "enum value"));
        if (values.length) attr.values = values;
        if (typeof x[9] === "string") attr.pattern = x[9];
        if (x[10] !== undefined && x[10] !== null) attr.defaultValue = x[10];
        if (typeof x[11] === "string") attr.note = x[11];
        return attr;
      }),
      actions: list(c[5], `${name} actions`).map((xv) => {
        const x = list(xv, "action");
        return { id: num(x[0], "action id"), name: str(x[1], "action name") };
      }),
    };
    if (c[6] !== undefined) {
      const f = list(c[6], `${name} capabilities`);
      cls.create = bool(f[0], "create");
      cls.delete = bool(f[1], "delete");
      cls.set = bool(f[2], "set");
      cls.hidden = bool(f[3], "hidden");
    }
    return cls;
  });
}

const patterns = new WeakMap<SchemaAttribute, RegExp>();

/** Why `v` is not a valid value of `def` (type, length, range, pattern, enumeration), or null. */
export function valueProblem(def: SchemaAttribute, v: CmipValue): string | null {
  switch (def.type) {
    case "string": {
      if (typeof v !== "string") return `${def.name} must be a string, not ${describe(v)}`;
      if (def.min !== undefined && v.length < def.min)
        return `${def.name} must have at least ${def.min} character(s)`;
      if (def.max !== undefined && v.length > def.max)
        return `${def.name} must have at most ${def.max} character(s)`;
      if (def.pattern) {
        let re = patterns.get(def);
        if (!re) {
          re = new RegExp(def.pattern);
          patterns.set(def, re);
        }
        if (!re.test(v)) return `${def.name} "${v}" does not match ${def.pattern}`;
      }
      return null;
    }
    case "integer":
      if (typeof v !== "number" || !Number.isSafeInteger(v))
        return `${def.name} must be an integer, not ${describe(v)}`;
      if (def.min !== undefined && v < def.min) return `${def.name} ${v} is below ${def.min}`;
      if (def.max !== undefined && v > def.max) return `${def.name} ${v} is above ${def.max}`;
      return null;
    case "boolean":
      return typeof v === "boolean" ? null : `${def.name} must be a boolean, not ${describe(v)}`;
    case "enum":
      if (typeof v !== "string") return `${def.name} must be one of its names, not ${describe(v)}`;
      return def.values?.includes(v)
        ? null
        : `${def.name} "${v}" is not one of ${(def.values ?? []).join(", ")}`;
  }
}

function describe(v: CmipValue): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return `${typeof v} ${JSON.stringify(v)}`;
}
