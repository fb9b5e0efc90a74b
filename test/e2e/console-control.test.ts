/**
 * The web console's server side: its page and bundle under /console, and the emulator control
 * API (administrators only) that the sandbox adds to the gateway. Without the console option,
 * a gateway serves none of it.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { O2gEvent } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ users: 20, redundant: true }, {}, { console: true });
});
afterAll(async () => sb?.stop());

const control = (path: string) => `/api/console/emulator${path}`;

describe("the console's page", () => {
  it("serves the page, its script and its style, not in the OpenAPI document", async () => {
    const admin = await sb.loginAdmin();
    const page = await admin.send<string>("GET", `${sb.gateway.url}/console`);
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain('<script type="module" src="/console/main.js">');
    const js = await admin.send<string>("GET", `${sb.gateway.url}/console/main.js`);
    expect(js.status).toBe(200);
    expect(String(js.body).length).toBeGreaterThan(10_000);
    const css = await admin.send<string>("GET", `${sb.gateway.url}/console/main.css`);
    expect(css.status).toBe(200);
    const doc = (
      await admin.send<{ paths: Record<string, unknown> }>("GET", `${sb.gateway.url}/api/rest/openapi.json`)
    ).body;
    expect(Object.keys(doc.paths).filter((p) => p.includes("console"))).toEqual([]);
  });
});

describe("the emulator control API", () => {
  it("refuses a caller without a session (401) and a user (403)", async () => {
    const anon = await request(`${sb.gateway.url}${control("/nodes/1/switchover")}`, {
      method: "POST",
      dispatcher: sb.dispatcher,
    });
    expect(anon.statusCode).toBe(401);
    expect(((await anon.body.json()) as { httpStatus: string }).httpStatus).toBe("UNAUTHORIZED");
    const user = await sb.loginUser("10001");
    const asUser = await user.send<{ httpStatus: string }>(
      "POST",
      `${sb.gateway.url}${control("/devices/10001/offhook")}`,
    );
    expect(asUser.status).toBe(403);
    expect(asUser.body.httpStatus).toBe("FORBIDDEN");
    expect(sb.emulator.network.device("10001").connections).toHaveLength(0);
  });

  it("lists the nodes; dials, answers and hangs up on the sets, as the telephony events show", async () => {
    const admin = await sb.loginAdmin();
    const nodes = await admin.raw<{ nodes: unknown[] }>("GET", `${sb.gateway.url}${control("/nodes")}`);
    expect(nodes.body.nodes).toEqual([{ nodeId: 1, redundant: true, activeMember: 0 }]);
    const b = await sb.loginUser("10003");
    const events = await b.subscribe([{ names: ["telephony"] }]);
    await admin.raw("POST", `${sb.gateway.url}${control("/devices/10002/dial")}`, { number: "10003" });
    await events.next((e: O2gEvent) => e.eventName === "OnCallCreated");
    await admin.raw("POST", `${sb.gateway.url}${control("/devices/10003/offhook")}`);
    await events.next(
      (e: O2gEvent) =>
        e.eventName === "OnCallModified" && (e.callData as { state: string }).state === "ACTIVE",
    );
    await admin.raw("POST", `${sb.gateway.url}${control("/devices/10003/hangup")}`);
    await events.next((e: O2gEvent) => e.eventName === "OnCallRemoved");
  });

  it("answers O2G errors: 404 for an unknown set or node, 409 for what the set cannot do, 400 for a bad number", async () => {
    const admin = await sb.loginAdmin();
    const post = (path: string, body?: unknown) =>
      admin.send<{ httpStatus: string }>("POST", `${sb.gateway.url}${control(path)}`, body);
    expect((await post("/devices/99999/offhook")).status).toBe(404);
    expect((await post("/nodes/7/switchover")).status).toBe(404);
    const idle = await post("/devices/10005/hangup");
    expect(idle.status).toBe(409);
    expect(idle.body.httpStatus).toBe("CONFLICT");
    expect((await post("/devices/10005/dial", { number: "not a number" })).status).toBe(400);
    expect((await post("/devices/10005/dial", {})).status).toBe(400);
  });

  it("switches a redundant node over: the gateway loses its links and comes back on the standby", async () => {
    const admin = await sb.loginAdmin();
    const sys = await admin.subscribe([{ names: ["system"] }]);
    await admin.raw("POST", `${sb.gateway.url}${control("/nodes/1/switchover")}`);
    await sys.next((e: O2gEvent) => e.eventName === "OnCtiLinkDown", 5000);
    await sys.next((e: O2gEvent) => e.eventName === "OnCtiLinkUp", 15000);
    const nodes = await admin.raw<{ nodes: { activeMember: number }[] }>(
      "GET",
      `${sb.gateway.url}${control("/nodes")}`,
    );
    expect(nodes.body.nodes[0]?.activeMember).toBe(1);
  });
});

describe("a gateway without the console", () => {
  it("has no /console and no control API", async () => {
    const plain = await startSandbox({ users: 5 });
    try {
      const admin = await plain.loginAdmin();
      expect((await admin.send("GET", `${plain.gateway.url}/console`)).status).toBe(404);
      expect((await admin.send("POST", `${plain.gateway.url}${control("/nodes/1/switchover")}`)).status).toBe(
        404,
      );
    } finally {
      await plain.stop();
    }
  });
});
