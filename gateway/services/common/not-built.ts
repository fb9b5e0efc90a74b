/**
 * Calls of O2G's catalogue that this gateway does not do yet, declared as the SDKs send them
 * (their *-rest.ts: method, path, parameters) so that the OpenAPI document lists them, marked
 * `x-o2g-not-built`, and a client gets O2G's 501 once its session is checked, rather than a 404
 * that would read as a wrong URL.
 */
import type { FastifyInstance, FastifySchema } from "fastify";
import type { TSchema } from "typebox";
import { notImplemented } from "./errors.js";
import { session } from "./request.js";
import { type ContractSchemaExtras, NoContent } from "./schemas.js";

export interface NotBuiltCall {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  /** the SDK's method, named in the 501 */
  sdk: string;
  summary: string;
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  /** the success answer as the SDK reads it, when it has a body (else 204 with none) */
  answer?: TSchema;
}

/** Registers each call: it checks the session, then answers 501 naming `service` and the SDK's method. */
export function declareNotBuilt(app: FastifyInstance, service: string, calls: readonly NotBuiltCall[]): void {
  const core = app.core;
  for (const r of calls) {
    const schema: FastifySchema & ContractSchemaExtras & { summary: string } = {
      summary: `${r.summary} (${r.sdk}): not built yet`,
      "x-o2g-not-built": true,
      response: r.answer ? { 200: r.answer } : { 204: NoContent },
      ...(r.params ? { params: r.params } : {}),
      ...(r.querystring ? { querystring: r.querystring } : {}),
      ...(r.body ? { body: r.body } : {}),
    };
    app.route({
      method: r.method,
      url: r.url,
      schema,
      handler: async (req) => {
        session(core, req);
        throw notImplemented(`${service} ${r.sdk} (${r.method} ${r.url})`);
      },
    });
  }
}
