/**
 * Requests checked against the route schemas the gateway declares, with TypeBox's own checker
 * (no Ajv: nothing here may need Node or eval in a service worker). A refusal is the gateway's
 * 400, the first failing field named in helpMessage as fastify's validator would name it.
 */
import type { TSchema } from "typebox";
import { Value } from "typebox/value";
import { MockError } from "./errors.js";

export function check<T>(schema: TSchema, value: unknown, part: "body" | "querystring" | "params"): T {
  // A query string or a path holds text only: `?limit=10` is the integer the schema declares, as
  // fastify coerces it. A JSON body has types of its own, taken as they come.
  if (part !== "body") value = Value.Convert(schema, value);
  if (Value.Check(schema, value)) return value as T;
  const first = [...Value.Errors(schema, value)][0];
  const message = first ? `${part}${first.instancePath} ${first.message}` : `${part} is not valid`;
  throw new MockError(400, message, { type: "BAD_REQUEST" });
}

/** The query string as an object of its first values (what the schemas describe). */
export function queryOf(url: URL): Record<string, string> {
  const q: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!(k in q)) q[k] = v;
  return q;
}
