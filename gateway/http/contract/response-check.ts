/**
 * A check that the response schemas lose nothing. fastify serializes a response with its route's
 * schema (fast-json-stringify): a field the schema does not list is silently dropped, a value of
 * another type coerced. An SDK reading that field would then see nothing, and no test of the
 * route's status would notice. With the check on (the test suites turn it on), each response is
 * compared with the object the handler returned, and a difference answers 500 naming the path of
 * the first field lost or changed, so that every end-to-end test doubles as a contract test.
 */
import { isDeepStrictEqual } from "node:util";
import type { FastifyInstance } from "fastify";

const RETURNED = Symbol("returned payload");

export function checkResponsesAgainstSchemas(app: FastifyInstance): void {
  app.addHook("preSerialization", async (req, _reply, payload) => {
    (req as unknown as Record<symbol, unknown>)[RETURNED] = payload;
    return payload;
  });
  app.addHook("onSend", async (req, reply, payload) => {
    const returned = (req as unknown as Record<symbol, unknown>)[RETURNED];
    if (returned === undefined || typeof payload !== "string") return payload;
    const expected: unknown = JSON.parse(JSON.stringify(returned));
    const sent: unknown = JSON.parse(payload);
    if (isDeepStrictEqual(expected, sent)) return payload;
    const where = firstDifference(expected, sent, "") ?? "(somewhere)";
    reply.code(500);
    return JSON.stringify({
      httpStatus: "INTERNAL_SERVER_ERROR",
      code: 500,
      helpMessage: `the response schema of ${req.method} ${req.routeOptions.url} loses or changes ${where}`,
      type: "CONTRACT",
      innerMessage: "",
      canRetry: false,
    });
  });
}

function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return path || "/";
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      `${path}/${k}`,
    );
    if (d !== undefined) return d;
  }
  return path || "/";
}
