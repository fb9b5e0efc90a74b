/** Attribute values as the schema allows them, and as a change compares them. */
import type { CmipValue, SchemaAttribute } from "../../protocols/cmip/index.js";

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

/** Whether a change left a value as it was (lists compare by content). */
export function sameValue(a: CmipValue | undefined, b: CmipValue | undefined): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}
