/**
 * The bad-input sweep (hardening issue): every operation of the OpenAPI document the gateway
 * serves, sent the bad requests of sweep.ts, as a user and, where the user is refused, as an
 * administrator. Every answer must be a 4xx in O2G's error shape (501 for the calls not built),
 * never a 500, never fastify's own shape, within a few seconds; and afterwards the gateway still
 * serves another user's call.
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "undici";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { O2gClient } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";
import { type BadRequest, badRequests, type JsonSchema, type OpenApiDocument } from "./sweep.js";

let sb: Sandbox;
let tls: Agent;
let user: O2gClient;
let admin: O2gClient;

beforeAll(async () => {
  sb = await startSandbox({ users: 20 });
  tls = new Agent({ connect: { ca: readFileSync(sb.gateway.caFile) }, connections: 4 });
  user = await sb.loginUser(sb.emulator.directory.subscribers[0]!.directoryNumber);
  admin = await sb.loginAdmin();
});
afterAll(async () => {
  await tls?.close();
  await sb?.stop();
});

/** Inline the document's `$ref`s to components, so the sweep sees the bodies' properties. */
function resolveRefs<T>(doc: T): T {
  const components =
    (doc as { components?: { schemas?: Record<string, JsonSchema> } }).components?.schemas ?? {};
  const seen = new Set<unknown>();
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (typeof x !== "object" || x === null) return x;
    const ref = (x as JsonSchema).$ref;
    if (ref?.startsWith("#/components/schemas/")) {
      const target = components[ref.slice("#/components/schemas/".length)];
      if (target && !seen.has(target)) {
        seen.add(target);
        const r = walk(target);
        seen.delete(target);
        return r;
      }
    }
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, walk(v)]));
  };
  return walk(doc) as T;
}

async function send(r: BadRequest, cookie: string) {
  const started = Date.now();
  const res = await request(`${sb.gateway.url}${r.path}`, {
    method: r.method as "GET",
    headers: {
      cookie,
      ...(r.body === undefined ? {} : { "content-type": r.contentType ?? "application/json" }),
    },
    ...(r.body === undefined ? {} : { body: r.body }),
    dispatcher: tls,
    headersTimeout: 15_000,
    bodyTimeout: 15_000,
  });
  const text = await res.body.text();
  return { status: res.statusCode, text, ms: Date.now() - started };
}

it("answers every bad request of every operation with a 4xx in O2G's shape", {
  timeout: 240_000,
}, async () => {
  const res = await request(`${sb.gateway.url}/api/rest/openapi.json`, { dispatcher: tls });
  const doc = resolveRefs((await res.body.json()) as OpenApiDocument);
  const me = sb.emulator.directory.subscribers[0]!;
  const values: Record<string, string> = {
    loginName: me.loginName,
    deviceId: me.directoryNumber,
    nodeId: "1",
    callRef: "1",
  };
  // Operations that end the sweep's own session are swept last, once.
  const requests = badRequests(doc, (name) => values[name] ?? "x").sort(
    (a, b) =>
      Number(a.operation.startsWith("DELETE /api/rest/1.0/sessions")) -
      Number(b.operation.startsWith("DELETE /api/rest/1.0/sessions")),
  );
  expect(requests.length).toBeGreaterThan(500);
  const byStatus = new Map<number, number>();
  const wrong: string[] = [];
  let slowest = 0;
  for (const r of requests) {
    let a = await send(r, user.cookieHeader);
    if (a.status === 403) a = await send(r, admin.cookieHeader);
    slowest = Math.max(slowest, a.ms);
    byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
    const where = `${r.operation} [${r.what}] -> ${a.status}`;
    if (a.status >= 500 && a.status !== 501 && a.status !== 503)
      wrong.push(`${where}: ${a.text.slice(0, 200)}`);
    if (a.status >= 400) {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(a.text) as Record<string, unknown>;
      } catch {
        wrong.push(`${where}: not JSON: ${a.text.slice(0, 100)}`);
        continue;
      }
      if (body.code !== a.status || typeof body.helpMessage !== "string" || "statusCode" in body)
        wrong.push(`${where}: not O2G's error shape: ${a.text.slice(0, 200)}`);
    }
  }
  const table = [...byStatus]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}: ${n}`)
    .join(", ");
  console.log(
    `sweep: ${requests.length} bad requests over ${Object.keys(doc.paths).length} paths; by status ${table}; slowest ${slowest} ms`,
  );
  expect(wrong).toEqual([]);

  // And the gateway still serves another user's call.
  const [, b, c] = sb.emulator.directory.subscribers;
  const other = await sb.loginUser(b!.directoryNumber);
  const made = await other.send("POST", other.url("telephony", "calls"), {
    deviceId: b!.directoryNumber,
    callee: c!.directoryNumber,
  });
  expect(made.status).toBe(200);
});
