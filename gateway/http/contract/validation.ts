/**
 * How requests are checked against their route's schemas. Two Ajv instances, because the parts
 * of a request are not alike: a query string or a path holds text only, so `?top=10` must become
 * the integer the schema declares; a JSON body has types of its own, and a number where the
 * catalogue wants a string is the client's mistake, not something to fix up silently (an SDK
 * that sends `"deviceId": 10001` gets a 400 naming the field).
 */
import { Ajv, type Options } from "ajv";
import addFormats from "ajv-formats";
import type { FastifySchemaCompiler } from "fastify";

const common: Options = {
  allErrors: false,
  removeAdditional: false,
  useDefaults: true,
  // TypeBox and the OpenAPI generator add keywords Ajv does not know (`~kind`, examples...).
  strict: false,
};

function makeAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ ...common, coerceTypes: coerceTypes ? "array" : false });
  addFormats.default(ajv);
  return ajv;
}

export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const text = makeAjv(true);
  const json = makeAjv(false);
  return ({ schema, httpPart }) => (httpPart === "body" ? json : text).compile(schema as object);
}
