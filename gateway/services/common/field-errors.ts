/**
 * Validation messages in the service's own words for the fields where Ajv's ("must match
 * pattern ^[1-9]...") would tell a client less than the rule does ("is not a node number"). A
 * route passes `schemaErrorFormatter: fieldErrors({...})`; the field is still named first, and
 * every other field keeps Ajv's message.
 */
import type { FastifySchemaValidationError, RouteShorthandOptions } from "fastify";

type SchemaErrorFormatter = NonNullable<RouteShorthandOptions["schemaErrorFormatter"]>;

/** `"params/nodeId": "is not a node number"`: the part of the request, the field, what it must be. */
export type FieldExplanations = Readonly<Record<string, string>>;

function fieldOf(e: FastifySchemaValidationError): { path: string; missing: boolean } {
  const missing = e.keyword === "required" && typeof e.params.missingProperty === "string";
  return missing
    ? { path: `${e.instancePath}/${String(e.params.missingProperty)}`, missing }
    : { path: e.instancePath, missing };
}

export function fieldErrors(explain: FieldExplanations): SchemaErrorFormatter {
  return (errors, dataVar) => {
    const text = errors.map((e) => {
      const { path, missing } = fieldOf(e);
      const own = explain[`${dataVar}${path}`];
      if (own === undefined) return `${dataVar}${e.instancePath} ${e.message ?? "is not valid"}`;
      return `${dataVar}${path} ${own}${missing ? " (it is missing)" : ""}`;
    });
    return new Error(text.join(", "));
  };
}
