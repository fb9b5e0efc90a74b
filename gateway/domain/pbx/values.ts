/**
 * O2G carries every PBX attribute value as a list of strings (`value: ["5"]`, `["true"]`); the
 * node's CMIP values are typed. These convert between the two following the node's schema. A
 * string that does not convert (an integer attribute given "seven") is sent as it is: the node
 * validates configuration, and its refusal names the attribute and the reason.
 */
import type { CmipValue, SchemaAttribute } from "../../../protocols/cmip/index.js";
import { invalid } from "../errors.js";

const INTEGER = /^-?[0-9]{1,15}$/;

export function toCmipValue(def: SchemaAttribute, value: readonly string[]): CmipValue {
  if (value.length !== 1)
    throw invalid(`${def.name} takes exactly one value, not ${value.length}`, "INVALID_ATTRIBUTE_VALUE");
  return scalar(def, value[0]!);
}

/** One value as the attribute's type wants it (for filters too). */
export function scalar(def: SchemaAttribute, s: string): CmipValue {
  switch (def.type) {
    case "integer":
      return INTEGER.test(s) ? Number(s) : s;
    case "boolean":
      return s === "true" ? true : s === "false" ? false : s;
    default:
      return s;
  }
}

export function toRestValue(v: CmipValue): string[] {
  if (Array.isArray(v)) return v.flatMap(toRestValue);
  if (v === null) return [];
  return [String(v)];
}
