/**
 * A walk over a YAML tree that knows where each node was written: every reader (text, whole
 * number, duration, mapping with allowed keys) fails with a ScenarioSyntaxError that points at
 * the key or value at fault, with a suggestion when a name is nearly right.
 */
import {
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import type { Pos, Template } from "./types.js";

export class ScenarioSyntaxError extends Error {
  override readonly name = "ScenarioSyntaxError";
  constructor(
    readonly pos: Pos,
    readonly detail: string,
  ) {
    super(`${pos.file}:${pos.line}:${pos.col}: ${detail}`);
  }
}

/** The option nearest to `word` (fewer than 3 edits away), for "did you mean" hints. */
export function closest(word: string, options: readonly string[]): string | undefined {
  const dist = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i]![j] = Math.min(
          d[i - 1]![j]! + 1,
          d[i]![j - 1]! + 1,
          d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
      }
    }
    return d[a.length]![b.length]!;
  };
  let best: string | undefined;
  let bestD = 3;
  for (const o of options) {
    const dd = dist(word.toLowerCase(), o.toLowerCase());
    if (dd < bestD) {
      best = o;
      bestD = dd;
    }
  }
  return best;
}

export class Walker {
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  pos(node: Node | null | undefined): Pos {
    const offset = node?.range?.[0] ?? 0;
    const p = this.lines.linePos(offset);
    return { file: this.file, line: p.line, col: p.col };
  }

  fail(node: Node | null | undefined, msg: string): never {
    throw new ScenarioSyntaxError(this.pos(node), msg);
  }

  map(node: Node | null | undefined, what: string): YAMLMap<Scalar, Node> {
    if (!isMap(node)) this.fail(node, `${what} must be a mapping (key: value)`);
    return node as YAMLMap<Scalar, Node>;
  }

  /** The keys of a mapping, each checked against the allowed ones. */
  fields(
    node: Node | null | undefined,
    what: string,
    allowed: readonly string[],
    required: readonly string[] = [],
  ) {
    const m = this.map(node, what);
    const out = new Map<string, { value: Node; key: Scalar }>();
    for (const pair of m.items) {
      const key = pair.key as Scalar;
      const k = String(key?.value);
      if (!allowed.includes(k)) {
        const hint = closest(k, allowed);
        this.fail(
          key,
          `${what}: unknown key "${k}"${hint ? ` (did you mean "${hint}"?)` : ""}; allowed: ${allowed.join(", ")}`,
        );
      }
      if (out.has(k)) this.fail(key, `${what}: "${k}" given twice`);
      out.set(k, { value: pair.value as Node, key });
    }
    for (const r of required) if (!out.has(r)) this.fail(m, `${what}: "${r}" is required`);
    return out;
  }

  str(node: Node | null | undefined, what: string): string {
    if (!isScalar(node) || node.value === null || typeof node.value === "object")
      this.fail(node, `${what} must be a text`);
    return String(node.value);
  }

  int(node: Node | null | undefined, what: string, min = 0): number {
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min)
      this.fail(node, `${what} must be a whole number${min > 0 ? ` of at least ${min}` : ""}`);
    return v;
  }

  bool(node: Node | null | undefined, what: string): boolean {
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v !== "boolean") this.fail(node, `${what} must be true or false`);
    return v;
  }

  /** 500ms, 2s, 1.5s, 1m, or a bare number of milliseconds. */
  duration(node: Node | null | undefined, what: string): number {
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v === "number" && v >= 0) return v;
    const m = typeof v === "string" ? /^(\d+(?:\.\d+)?)\s*(ms|s|m)$/.exec(v.trim()) : null;
    if (!m) this.fail(node, `${what} must be a duration such as 500ms, 2s or 1m`);
    const n = Number(m[1]);
    return Math.round(m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : n * 60_000);
  }

  names(node: Node | null | undefined, what: string): string[] {
    if (isSeq(node)) return (node as YAMLSeq<Node>).items.map((x) => this.str(x, what));
    return [this.str(node, what)];
  }

  template(node: Node | null | undefined): Template {
    if (!node) return null;
    return node.toJSON() as Template;
  }

  /** `variable: path.in.the.object` pairs. */
  captures(node: Node | null | undefined, what: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const pair of this.map(node, what).items) {
      const k = String((pair.key as Scalar).value);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
        this.fail(pair.key as Node, `${what}: variable name "${k}" must be a word`);
      out[k] = this.str(pair.value as Node, `${what}.${k}`);
    }
    return out;
  }
}
