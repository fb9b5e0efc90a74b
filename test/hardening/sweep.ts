/**
 * Bad requests made from the OpenAPI document: for every operation, inputs a hostile or careless
 * client sends (wrong types, missing and unknown fields, huge and deeply nested values, bad
 * encodings, path traversal), derived from what the operation declares. A sweep is data: the
 * test sends it and checks every answer; bench tools may send it at a rate.
 */
export interface OpenApiOperation {
  parameters?: { in: string; name: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  "x-o2g-not-built"?: boolean;
}
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  $ref?: string;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export interface BadRequest {
  /** what is wrong with it, for the report */
  what: string;
  method: string;
  /** the path with its parameters filled in, query string included */
  path: string;
  /** a raw body (already serialized), or undefined */
  body?: string;
  contentType?: string;
  operation: string;
}

const METHODS = ["get", "put", "post", "delete", "patch"];

/** Deeply nested JSON, built as text: JSON.stringify of such a value would itself overflow. */
export function nested(depth: number, open = "[", close = "]", leaf = "1"): string {
  return open.repeat(depth) + leaf + close.repeat(depth);
}

const HOSTILE_SEGMENTS: [string, string][] = [
  ["path traversal", "..%2F..%2F..%2Fetc%2Fpasswd"],
  ["a NUL byte", "a%00b"],
  ["quotes and SQL", "%27%20OR%201%3D1--"],
  ["non-ASCII", "%C3%A9t%C3%A9"],
  ["a long segment", "9".repeat(90)],
];

function wrongValueFor(s: JsonSchema | undefined): unknown[] {
  const type = Array.isArray(s?.type) ? s?.type[0] : s?.type;
  switch (type) {
    case "integer":
    case "number":
      return ["twelve", 1e308, -1, 2 ** 53, 1.5];
    case "boolean":
      return ["yes", 0];
    case "array":
      return [{}, "x", Array.from({ length: 5000 }, () => "x")];
    case "object":
      return [[], "x", 7];
    default:
      return [12345, true, "x".repeat(100_000), { nested: true }];
  }
}

function wrongQueryFor(s: JsonSchema | undefined): string[] {
  const type = Array.isArray(s?.type) ? s?.type[0] : s?.type;
  if (type === "integer" || type === "number") return ["abc", "1e308", "-5", "99999999999999999999"];
  if (type === "boolean") return ["maybe"];
  return ["x".repeat(5000), "%FF"];
}

/** The bad requests of one document, each operation given values for its path parameters. */
export function badRequests(doc: OpenApiDocument, pathValues: (name: string) => string): BadRequest[] {
  const out: BadRequest[] = [];
  for (const [template, ops] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = ops[method];
      if (!op) continue;
      const operation = `${method.toUpperCase()} ${template}`;
      const params = op.parameters ?? [];
      const fill = (override?: [string, string]) =>
        template.replace(/\{([^}]+)\}/g, (_m, name: string) =>
          override && override[0] === name ? override[1] : encodeURIComponent(pathValues(name)),
        );
      const add = (what: string, path: string, body?: string, contentType = "application/json") =>
        out.push({
          what,
          method: method.toUpperCase(),
          path,
          operation,
          contentType,
          ...(body === undefined ? {} : { body }),
        });
      const base = fill();
      for (const p of params.filter((x) => x.in === "path"))
        for (const [what, value] of HOSTILE_SEGMENTS) add(`path ${p.name}: ${what}`, fill([p.name, value]));
      for (const q of params.filter((x) => x.in === "query")) {
        for (const v of wrongQueryFor(q.schema))
          add(
            `query ${q.name}=${v.slice(0, 20)}`,
            `${base}?${q.name}=${v.startsWith("%") ? v : encodeURIComponent(v)}`,
          );
        add(`query ${q.name} twice`, `${base}?${q.name}=a&${q.name}=b`);
      }
      add("an unknown query parameter", `${base}?zzz=${"z".repeat(300)}`);
      if (method === "post" || method === "put" || method === "patch" || op.requestBody) {
        const schema = op.requestBody?.content?.["application/json"]?.schema;
        add("invalid JSON", base, '{"a":');
        add("a JSON array nested 5,000 deep", base, nested(5000));
        add("an object nested 5,000 deep", base, nested(5000, '{"a":', "}", "1"));
        add("a 600 kB string", base, JSON.stringify({ x: "x".repeat(600_000) }));
        add(
          "bytes that are not UTF-8",
          base,
          Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]).toString("latin1"),
        );
        add("a body of another media type", base, "<xml/>", "application/xml");
        add("a JSON string instead of an object", base, JSON.stringify("x"));
        for (const [name, prop] of Object.entries(schema?.properties ?? {}))
          for (const v of wrongValueFor(prop))
            add(`body ${name} wrong: ${JSON.stringify(v).slice(0, 20)}`, base, JSON.stringify({ [name]: v }));
        if (schema?.required?.length) add("no field at all", base, "{}");
      }
    }
  }
  return out;
}
