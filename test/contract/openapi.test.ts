/**
 * The contract as code, checked: the OpenAPI document the gateway serves is valid OpenAPI 3.1 (by
 * an independent validator), lists every route of the REST API and nothing else, and each route
 * declares its schemas; validation errors come out in O2G's error shape, naming the field.
 */
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Agent, fetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cachedSerializerCompiler,
  type LazySerializer,
  type LazyValidator,
  O2gErrorSchema,
  validatorCompiler,
} from "../../gateway/http/contract/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
let tls: Agent;
let doc: { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };

const METHODS = ["get", "put", "post", "delete", "patch", "options"] as const;
/**
 * fastify's `/users/:loginName` is OpenAPI's `/users/{loginName}`, its wildcard `{*}`; a route
 * at a plugin's root is registered with and without the trailing slash, documented once.
 */
const openApiPath = (url: string) =>
  url
    .replace(/:([A-Za-z0-9_]+)/g, "{$1}")
    .replace(/\*$/, "{*}")
    .replace(/(.)\/$/, "$1");

beforeAll(async () => {
  sb = await startSandbox({ users: 10 });
  tls = new Agent({ connect: { ca: readFileSync(sb.gateway.caFile) } });
  const r = await fetch(`${sb.gateway.url}/api/rest/openapi.json`, { dispatcher: tls });
  expect(r.status).toBe(200);
  doc = (await r.json()) as typeof doc;
});
afterAll(async () => {
  await tls?.close();
  await sb?.stop();
});

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("lists every route of the REST API, and only those", () => {
    const routes = new Set(
      sb.gateway.routes.filter((r) => !r.schema.hide).map((r) => `${r.method} ${openApiPath(r.url)}`),
    );
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        METHODS.filter((m) => ops[m]).map((m) => `${m.toUpperCase()} ${openApiPath(path)}`),
      ),
    );
    expect([...routes].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((d) => !routes.has(d))).toEqual([]);
    expect(routes.size).toBeGreaterThan(60);
  });

  it("gives every route its success answer, its path parameters and O2G's error answer", () => {
    const missing: string[] = [];
    for (const r of sb.gateway.routes) {
      if (r.schema.hide) continue;
      const responses = Object.keys((r.schema.response as object | undefined) ?? {});
      const what = `${r.method} ${r.url}`;
      if (!responses.some((s) => /^2\d\d$|^2xx$/.test(s))) missing.push(`${what}: no success response`);
      if (!responses.includes("4xx") || !responses.includes("5xx"))
        missing.push(`${what}: no error response`);
      if (r.url.includes(":") && !r.schema.params) missing.push(`${what}: no params schema`);
    }
    expect(missing).toEqual([]);
  });

  it("has the services as tags, the two security schemes and the event payloads", () => {
    const d = doc as unknown as {
      tags: { name: string }[];
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
    };
    expect(d.tags.map((t) => t.name)).toEqual(expect.arrayContaining(["Telephony", "Routing", "Sessions"]));
    expect(Object.keys(d.components.securitySchemes).sort()).toEqual(["basic", "cookie"]);
    expect(d.components.schemas).toHaveProperty("O2gError");
    expect(d.components.schemas).toHaveProperty("EventOnCallCreated");
    expect(d.components.schemas).toHaveProperty("EventOnChannelInformation");
  });
});

describe("the route schemas", () => {
  // The gateway compiles a schema on its route's first use (gateway/http/contract/validation.ts):
  // here every one of them is compiled, by the same compilers, so a broken one fails this test
  // and not a client's first request.
  it("all compile, for validation and for serialization", () => {
    const validators = validatorCompiler();
    const serializers = cachedSerializerCompiler({ O2gError: O2gErrorSchema });
    const failed: string[] = [];
    let compiled = 0;
    for (const r of sb.gateway.routes) {
      const where = `${r.method} ${r.url}`;
      for (const httpPart of ["params", "querystring", "body", "headers"] as const) {
        const schema = r.schema[httpPart];
        if (!schema) continue;
        try {
          (validators({ schema, httpPart, method: r.method, url: r.url }) as LazyValidator).compile();
          compiled++;
        } catch (err) {
          failed.push(`${where} ${httpPart}: ${(err as Error).message}`);
        }
      }
      for (const [status, schema] of Object.entries((r.schema.response ?? {}) as Record<string, object>)) {
        try {
          (
            serializers({ schema, method: r.method, url: r.url, httpStatus: status }) as LazySerializer
          ).compile();
          compiled++;
        } catch (err) {
          failed.push(`${where} response ${status}: ${(err as Error).message}`);
        }
      }
    }
    expect(failed).toEqual([]);
    expect(compiled).toBeGreaterThan(300);
  });
});

describe("the explorer", () => {
  it("is served at /api/rest/docs", async () => {
    const r = await fetch(`${sb.gateway.url}/api/rest/docs/`, { dispatcher: tls });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/text\/html/);
    expect(await r.text()).toMatch(/swagger/i);
  });
});

describe("validation errors", () => {
  it("come out in O2G's shape, naming the field", async () => {
    const c = await sb.loginUser(sb.emulator.directory.subscribers[0]!.directoryNumber);
    const r = await c.send<Record<string, unknown>>(
      "GET",
      c.url("eventsummary", "", { loginName: "x".repeat(65) }),
    );
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      httpStatus: "BAD_REQUEST",
      code: 400,
      canRetry: false,
      type: "BAD_REQUEST",
    });
    expect(String(r.body.helpMessage)).toMatch(/loginName/);
  });
});
