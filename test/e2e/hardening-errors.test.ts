/**
 * Requests that used to escape O2G's error shape (hardening issue, item 4): a URL that does not
 * decode, an over-long path parameter, malformed Basic credentials, polls of unknown
 * subscriptions. Each answers in O2G's error JSON with the right status, and the gateway goes on
 * serving a user's call afterwards.
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
let tls: Agent;

beforeAll(async () => {
  sb = await startSandbox({ users: 10 });
  tls = new Agent({ connect: { ca: readFileSync(sb.gateway.caFile) } });
});
afterAll(async () => {
  await tls?.close();
  await sb?.stop();
});

async function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const r = await request(`${sb.gateway.url}${path}`, {
    method: method as "GET",
    headers,
    ...(body === undefined ? {} : { body }),
    dispatcher: tls,
  });
  const text = await r.body.text();
  return { status: r.statusCode, headers: r.headers, body: JSON.parse(text) as Record<string, unknown> };
}

const o2gShape = (status: number) => ({
  httpStatus: expect.any(String),
  code: status,
  helpMessage: expect.any(String),
  type: expect.any(String),
  innerMessage: expect.any(String),
  canRetry: expect.any(Boolean),
});

const basic = (s: string) => ({ authorization: `Basic ${Buffer.from(s).toString("base64")}` });

describe("answers in O2G's shape", () => {
  it.each([
    ["a URL that does not decode", "GET", "/api/rest/1.0/telephony/calls/%FF%FE", 400],
    ["a bad escape outside any service", "GET", "/api/rest/%E0%A4%A", 400],
    [
      "a path parameter over the router's limit",
      "GET",
      `/api/rest/1.0/subscriptions/${"x".repeat(150)}`,
      414,
    ],
    ["a poll of an unknown subscription", "POST", "/api/rest/1.0/subscriptions/nope/chunk", 404],
  ])("%s", async (_what, method, path, status) => {
    const r = await raw(method, path, { "content-type": "application/json" });
    expect(r.status).toBe(status);
    expect(r.body).toEqual(o2gShape(status));
    expect(r.body).not.toHaveProperty("statusCode");
  });

  it.each([
    ["an empty login", basic(":secret")],
    ["no colon", basic("oxe10000")],
    ["a scheme other than Basic", { authorization: "Bearer abc" }],
  ])("malformed credentials (%s) are a 401 with the Basic challenge", async (_what, headers) => {
    const r = await raw("GET", "/api/rest/authenticate?version=1.0", headers);
    expect(r.status).toBe(401);
    expect(r.headers["www-authenticate"]).toMatch(/^Basic /);
    expect(r.body).toEqual(o2gShape(401));
  });
});

it("serves a user's call after all of them", async () => {
  const [a, b] = sb.emulator.directory.subscribers;
  const c = await sb.loginUser(a!.directoryNumber);
  const made = await c.send("POST", c.url("telephony", "calls"), {
    deviceId: a!.directoryNumber,
    callee: b!.directoryNumber,
  });
  expect(made.status).toBe(200);
});

describe("a node link lost in the middle of a login", () => {
  it("is a 503 to retry, not an internal error, and the next login works", async () => {
    const cmip = sb.emulator.node(1).cmip;
    const link = sb.gateway.core.node(1)!;
    const user = [...sb.emulator.directory.byNumber.values()][0]!;
    const credentials = basic(`${user.loginName}:${user.password}`);
    // The node holds its answer to the password check; the link drops meanwhile.
    cmip.faults.delayMs = 5_000;
    const pending = raw("GET", "/api/rest/authenticate?version=1.0", credentials);
    await new Promise((r) => setTimeout(r, 100));
    cmip.faults.refuseUntil = Date.now() + 60_000;
    cmip.dropLinks();
    const r = await pending;
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ ...o2gShape(503), canRetry: true, type: "SERVICE_UNAVAILABLE" });
    cmip.faults.delayMs = 0;
    cmip.faults.refuseUntil = 0;
    for (let i = 0; i < 500 && !(link.cmip.rose.isUp && link.cmip.schema.size > 0); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect((await raw("GET", "/api/rest/authenticate?version=1.0", credentials)).status).toBe(200);
  });
});
