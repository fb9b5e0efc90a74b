/** The CMIS filter evaluator: which managed objects a scoped or filtered operation keeps. */
import type { CmipValue, Filter } from "../../protocols/cmip/index.js";
import type { ManagedObject } from "./types.js";

function compare(a: CmipValue | undefined, b: CmipValue): number | undefined {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a.localeCompare(b);
  return undefined;
}

/** Whether the filter looks at attribute `id`. */
export function mentions(f: Filter, id: number): boolean {
  if ("and" in f) return f.and.some((x) => mentions(x, id));
  if ("or" in f) return f.or.some((x) => mentions(x, id));
  if ("not" in f) return mentions(f.not, id);
  if ("present" in f) return f.present === id;
  if ("equality" in f) return f.equality.id === id;
  if ("greaterOrEqual" in f) return f.greaterOrEqual.id === id;
  if ("lessOrEqual" in f) return f.lessOrEqual.id === id;
  return f.substrings.id === id;
}

/** CMIS filter evaluation (X.711 §8.1.1.2 semantics; string matches are case-insensitive, as the OXE's are). */
export function matches(o: ManagedObject, f: Filter): boolean {
  if ("and" in f) return f.and.every((x) => matches(o, x));
  if ("or" in f) return f.or.some((x) => matches(o, x));
  if ("not" in f) return !matches(o, f.not);
  if ("present" in f) return o.value(f.present) !== undefined;
  if ("equality" in f) {
    const v = o.value(f.equality.id);
    const w = f.equality.value;
    if (typeof v === "string" && typeof w === "string") return v.toLowerCase() === w.toLowerCase();
    return v === w;
  }
  if ("greaterOrEqual" in f) {
    const c = compare(o.value(f.greaterOrEqual.id), f.greaterOrEqual.value);
    return c !== undefined && c >= 0;
  }
  if ("lessOrEqual" in f) {
    const c = compare(o.value(f.lessOrEqual.id), f.lessOrEqual.value);
    return c !== undefined && c <= 0;
  }
  const s = f.substrings;
  const v = o.value(s.id);
  if (typeof v !== "string") return false;
  const text = v.toLowerCase();
  let pos = 0;
  if (s.initial !== undefined) {
    if (!text.startsWith(s.initial.toLowerCase())) return false;
    pos = s.initial.length;
  }
  for (const part of s.any ?? []) {
    const i = text.indexOf(part.toLowerCase(), pos);
    if (i < 0) return false;
    pos = i + part.length;
  }
  return (
    s.final === undefined || (text.endsWith(s.final.toLowerCase()) && text.length - s.final.length >= pos)
  );
}
