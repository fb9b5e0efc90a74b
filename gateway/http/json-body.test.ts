import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { O2gError } from "../services/common/errors.js";
import { useO2gJsonBodies } from "./json-body.js";

describe("JSON bodies", () => {
  const app = Fastify();
  useO2gJsonBodies(app);
  app.setErrorHandler((err, _req, reply) => {
    reply.code(err instanceof O2gError ? err.status : 500).send({ o2g: err instanceof O2gError });
  });
  app.post("/echo", async (req) => ({ body: req.body ?? null }));
  const post = (payload: string) =>
    app.inject({ method: "POST", url: "/echo", headers: { "content-type": "application/json" }, payload });

  it("reads JSON, and an empty body as none (the SDKs' POSTs without one)", async () => {
    expect((await post('{"a":1}')).json()).toEqual({ body: { a: 1 } });
    expect((await post("")).json()).toEqual({ body: null });
    expect((await post("  \n")).json()).toEqual({ body: null });
  });

  it("answers O2G's 400 to a body that is not JSON", async () => {
    const res = await post("{not json");
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ o2g: true });
  });
});
