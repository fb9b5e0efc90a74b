/**
 * How the gateway reads a JSON body. The SDKs send Content-Type: application/json on POSTs
 * without a body (keepalive, chunk polling, actions): an empty body is no body, not a syntax
 * error; a body that is not JSON is O2G's 400.
 */
import type { FastifyInstance } from "fastify";
import { O2gError } from "../services/common/errors.js";

export function useO2gJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === "") {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(
        new O2gError(400, "the body is not valid JSON", {
          type: "BAD_REQUEST",
          innerMessage: (err as Error).message,
        }),
        undefined,
      );
    }
  });
}
