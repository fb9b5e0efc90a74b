/**
 * O2G's instance filters, as the SDK's InstanceFilter writes them, turned into CMIS filters the
 * node evaluates (X.711 CMISFilter):
 *
 *   Station_Type==ALE-300          equality        Annu_Name==Dup*     initial substring
 *   Annu_Name==*ont                final substring Annu_Name==*on*     any substring
 *   Station_Type!=Analog           not equality    Cost_Center=ge=10   greaterOrEqual (=le=: lessOrEqual)
 *   a and b or c                   combinations; parentheses group
 *   Annu_Name=="Rock and Roll"      a value with a connective or a closing parenthesis, quoted
 *
 * Without parentheses, combinations read left to right: `a or b and c` is `(a or b) and c`. The
 * SDK joins nested combinations without parentheses and nests them as the first operand
 * (InstanceFilter.and(InstanceFilter.or(a, b), c) becomes that very text), so reading left to
 * right gives what the application meant; usual precedence would not.
 */
import type { Filter, SchemaAttribute, SchemaClass } from "../../../protocols/cmip/index.js";
import { invalid } from "../errors.js";
import { scalar } from "./values.js";

class FilterSyntaxError extends Error {}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const OPERATOR = /==|!=|=ge=|=le=/y;
const CONNECTIVE = /\s+(and|or)(?:\s+|$)/iy;

export function parseInstanceFilter(text: string, cls: SchemaClass): Filter {
  let pos = 0;
  let depth = 0;

  const skipWs = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const at = (re: RegExp): RegExpExecArray | null => {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (m) pos = re.lastIndex;
    return m;
  };
  const fail = (what: string): never => {
    throw new FilterSyntaxError(`${what} at character ${pos + 1} of "${text}"`);
  };

  function value(): string {
    skipWs();
    if (text[pos] === '"') {
      let out = "";
      pos++;
      while (pos < text.length && text[pos] !== '"') {
        if (text[pos] === "\\" && pos + 1 < text.length) pos++;
        out += text[pos++];
      }
      if (text[pos] !== '"') fail("unterminated quoted value");
      pos++;
      return out;
    }
    const start = pos;
    while (pos < text.length) {
      if (depth > 0 && text[pos] === ")") break;
      CONNECTIVE.lastIndex = pos;
      if (/\s/.test(text[pos]!) && CONNECTIVE.exec(text)) break;
      pos++;
    }
    return text.slice(start, pos).trim();
  }

  function comparison(): Filter {
    skipWs();
    const name = at(NAME)?.[0] ?? fail("an attribute name is expected");
    skipWs();
    const op = at(OPERATOR)?.[0] ?? fail(`an operator (==, !=, =ge=, =le=) is expected after ${name}`);
    const v = value();
    return item(cls, name, op, v);
  }

  function term(): Filter {
    skipWs();
    if (text[pos] === "(") {
      pos++;
      depth++;
      const e = expr();
      skipWs();
      if (text[pos] !== ")") fail("')' is expected");
      pos++;
      depth--;
      return e;
    }
    return comparison();
  }

  function expr(): Filter {
    let left = term();
    for (;;) {
      const m = at(CONNECTIVE);
      if (!m) return left;
      const right = term();
      const op = m[1]!.toLowerCase() as "and" | "or";
      // Same connective twice in a row: one list, not a nest.
      if (op === "and") left = "and" in left ? { and: [...left.and, right] } : { and: [left, right] };
      else left = "or" in left ? { or: [...left.or, right] } : { or: [left, right] };
    }
  }

  if (text.trim() === "") throw invalid("the filter is empty", "INVALID_FILTER");
  try {
    const f = expr();
    skipWs();
    if (pos < text.length) fail("unexpected text");
    return f;
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw invalid(`invalid filter: ${err.message}`, "INVALID_FILTER");
    throw err;
  }
}

function item(cls: SchemaClass, name: string, op: string, raw: string): Filter {
  const def = cls.attributes.find((a) => a.name === name);
  if (!def) throw invalid(`invalid filter: ${cls.name} has no attribute ${name}`, "INVALID_FILTER");
  if (def.writeOnly)
    throw invalid(`invalid filter: ${name} cannot be read, nor filtered on`, "INVALID_FILTER");
  if (op === "=ge=" || op === "=le=") {
    const value = typed(def, raw);
    return op === "=ge=" ? { greaterOrEqual: { id: def.id, value } } : { lessOrEqual: { id: def.id, value } };
  }
  let f: Filter;
  if (raw.includes("*")) {
    if (def.type !== "string" && def.type !== "enum")
      throw invalid(`invalid filter: wildcards apply to text attributes, not to ${name}`, "INVALID_FILTER");
    const parts = raw.split("*");
    const initial = parts[0] || undefined;
    const final = parts.length > 1 ? parts[parts.length - 1] || undefined : undefined;
    const any = parts.slice(1, -1).filter(Boolean);
    if (initial === undefined && final === undefined && any.length === 0) f = { present: def.id };
    else
      f = {
        substrings: {
          id: def.id,
          ...(initial !== undefined ? { initial } : {}),
          ...(any.length ? { any } : {}),
          ...(final !== undefined ? { final } : {}),
        },
      };
  } else {
    f = { equality: { id: def.id, value: typed(def, raw) } };
  }
  return op === "!=" ? { not: f } : f;
}

function typed(def: SchemaAttribute, raw: string) {
  const v = scalar(def, raw);
  if (def.type === "integer" && typeof v !== "number")
    throw invalid(`invalid filter: ${def.name} is an integer, not "${raw}"`, "INVALID_FILTER");
  if (def.type === "boolean" && typeof v !== "boolean")
    throw invalid(`invalid filter: ${def.name} is true or false, not "${raw}"`, "INVALID_FILTER");
  return v;
}
