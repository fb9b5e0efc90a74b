/**
 * Variables and matching: `${name}` in a step's values is replaced by a variable (a capture,
 * a `set`, or an actor's `number` / `login`); an expected value matches an actual one when every
 * key it names matches (objects), element by element (lists), or by equality (texts and numbers
 * compare as text, so `callRef: 3` matches "3"). The value "*" matches anything present;
 * `{ $startsWith: "RIFF" }` matches a text (a downloaded body, say) by its beginning.
 */
import type { Template } from "../format/index.js";

export type Vars = ReadonlyMap<string, unknown>;

export class UnknownVariableError extends Error {}

const WHOLE = /^\$\{([A-Za-z_][A-Za-z0-9_.]*)\}$/;
const PART = /\$\{([A-Za-z_][A-Za-z0-9_.]*)\}/g;

function lookup(vars: Vars, name: string): unknown {
  if (vars.has(name)) return vars.get(name);
  throw new UnknownVariableError(
    `no variable \${${name}}${vars.size ? ` (known: ${[...vars.keys()].join(", ")})` : ""}`,
  );
}

export function interpolate(t: Template | undefined, vars: Vars): unknown {
  if (t === undefined || t === null) return t;
  if (typeof t === "string") {
    const whole = WHOLE.exec(t);
    if (whole) return lookup(vars, whole[1]!);
    return t.replace(PART, (_, name: string) => {
      const v = lookup(vars, name);
      // Inside a text, a captured object reads as JSON (a log line, a message), not "[object Object]".
      return typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
    });
  }
  if (Array.isArray(t)) return t.map((x) => interpolate(x, vars));
  if (typeof t === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(t)) out[k] = interpolate(v, vars);
    return out;
  }
  return t;
}

/** Why `actual` does not match `expected`, or null when it does. */
export function mismatch(expected: unknown, actual: unknown, path = ""): string | null {
  if (expected === "*")
    return actual === undefined || actual === null ? `${path || "value"} is missing` : null;
  if (expected === null || expected === undefined)
    return actual === expected ? null : `${path} is ${JSON.stringify(actual)}`;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path} is ${JSON.stringify(actual)}, not a list`;
    if (actual.length !== expected.length)
      return `${path} has ${actual.length} element(s), expected ${expected.length}`;
    for (let i = 0; i < expected.length; i++) {
      const m = mismatch(expected[i], actual[i], `${path}[${i}]`);
      if (m) return m;
    }
    return null;
  }
  if (typeof expected === "object") {
    const prefix = (expected as { $startsWith?: unknown }).$startsWith;
    if (typeof prefix === "string" && Object.keys(expected).length === 1) {
      return typeof actual === "string" && actual.startsWith(prefix)
        ? null
        : `${path || "value"} does not start with ${JSON.stringify(prefix)}: ${JSON.stringify(String(actual).slice(0, 40))}`;
    }
    if (!actual || typeof actual !== "object") return `${path || "value"} is ${JSON.stringify(actual)}`;
    for (const [k, v] of Object.entries(expected)) {
      const m = mismatch(v, (actual as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      if (m) return m;
    }
    return null;
  }
  if (String(expected) === String(actual)) return null;
  return `${path || "value"} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`;
}

/** A value by dotted path: "legs.0.deviceId". */
export function pick(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (cur === null || cur === undefined) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
