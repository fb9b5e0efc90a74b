/**
 * The Management license over the management services: counted on the users of the connected
 * nodes; above 110% of the licensed count PBX management, phone set programming and users
 * management answer GETs only (403 for the rest, saying why); without the license they are
 * neither offered nor answered.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_GATEWAY_CONFIG } from "../../gateway/index.js";
import { CmipClient } from "../../gateway/links/index.js";
import type { GatewayOverrides } from "../../scenarios/environment.js";
import type { O2gClient } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

/** A gateway whose Management license covers `users` (config `licenses.management`, over the test license's). */
function licensed(users: number): GatewayOverrides {
  return { licenses: { management: users } };
}

async function status(
  c: O2gClient,
  method: "GET" | "POST" | "PUT" | "DELETE",
  service: string,
  path: string,
  body?: unknown,
) {
  const r = await c.send<Record<string, unknown>>(method, c.url(service, path), body);
  return { status: r.status, body: r.body };
}

describe("50 users on a license for 46 (limit 50)", () => {
  let sb: Sandbox;
  let admin: O2gClient;
  beforeAll(async () => {
    sb = await startSandbox({ users: 50 }, licensed(46));
    admin = await sb.loginAdmin();
  });
  afterAll(async () => sb?.stop());

  it("allows changes up to 110%, then only reads once the node outgrows it", async () => {
    const s = sb.emulator.directory.subscribers[0]!;
    const key = `${s.loginName}/devices/${s.directoryNumber}/programmeableKeys/1`;
    const setKey = () => status(admin, "PUT", "phonesetprogramming", key, { number: "1234" });
    expect((await setKey()).status).toBe(204);
    const created = await status(admin, "POST", "pbxmanagement", "1/instances/Subscriber", {
      attributes: [
        { name: "Directory_Number", value: ["10050"] },
        { name: "Annu_Name", value: ["One too many"] },
        { name: "Station_Type", value: ["ALE-300"] },
      ],
    });
    expect(created.status).toBe(200);

    const sys = await admin.get<{ license: { lics: { name: string }[] } }>("maintenance", "status");
    expect(sys.body.license.lics).toContainEqual(
      expect.objectContaining({ name: "MANAGEMENT", total: 46, currentUsed: 51 }),
    );

    const refused = await setKey();
    expect(refused).toMatchObject({
      status: 403,
      body: { httpStatus: "FORBIDDEN", code: 403, innerMessage: "MANAGEMENT_LICENSE_EXCEEDED" },
    });
    expect(String(refused.body.helpMessage)).toMatch(/51 users, more than 110% of the 46/);
    expect((await status(admin, "DELETE", "usermanagement", s.loginName)).status).toBe(403);
    expect(
      (
        await status(
          admin,
          "GET",
          "phonesetprogramming",
          `${s.loginName}/devices/${s.directoryNumber}/programmedKeys`,
        )
      ).status,
    ).toBe(200);
    expect((await status(admin, "GET", "usermanagement", s.loginName)).status).toBe(200);
    // The subscriber that made the difference cannot even be deleted over REST now ...
    expect((await status(admin, "DELETE", "pbxmanagement", "1/instances/Subscriber/10050")).status).toBe(403);
    // ... but once the node shrinks (its own management tool, on another association), writing
    // is allowed again.
    const node = sb.emulator.node(1);
    const mgr = new CmipClient(
      { nodeId: 1, csta: node.cstaEndpoint, cmip: node.cmipEndpoint, login: "o2g", password: "o2g-link" },
      DEFAULT_GATEWAY_CONFIG.links,
      () => {},
    );
    const up = new Promise<void>((r) => mgr.rose.once("up", () => r()));
    mgr.start();
    await up;
    await mgr.loadSchema();
    await mgr.delete("Subscriber", "Node=1/Subscriber=10050");
    mgr.stop();
    for (let i = 0; i < 100 && sb.gateway.core.directory.users.has("oxe10050"); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect((await setKey()).status).toBe(204);
  });
});

describe("50 users on a license for 40", () => {
  let sb: Sandbox;
  let admin: O2gClient;
  let user: O2gClient;
  beforeAll(async () => {
    sb = await startSandbox({ users: 50 }, licensed(40));
    admin = await sb.loginAdmin();
    user = await sb.loginUser("10001");
  });
  afterAll(async () => sb?.stop());

  it.each([
    [
      "PUT",
      "pbxmanagement",
      "1/instances/Subscriber/10001",
      { attributes: [{ name: "Annu_Name", value: ["X"] }] },
    ],
    [
      "POST",
      "pbxmanagement",
      "1/instances/Entity",
      { attributes: [{ name: "Entity_Number", value: ["9"] }] },
    ],
    ["DELETE", "pbxmanagement", "1/instances/Entity/1", undefined],
    ["PUT", "phonesetprogramming", "oxe10001/devices/10001/lock?activate=true", undefined],
    ["POST", "usermanagement", "", { nodeId: 1, all: true }],
    ["DELETE", "usermanagement", "oxe10002", undefined],
  ])("refuses %s %s/%s", async (method, service, path, body) => {
    const r = await status(admin, method as "PUT", service, path, body);
    expect(r).toMatchObject({
      status: 403,
      body: { code: 403, type: "FORBIDDEN", innerMessage: "MANAGEMENT_LICENSE_EXCEEDED" },
    });
  });

  it("refuses a user's own programming too, and still answers reads", async () => {
    const r = await status(user, "PUT", "phonesetprogramming", "oxe10001/devices/10001/programmeableKeys/1", {
      number: "1",
    });
    expect(r.status).toBe(403);
    expect(
      (await status(user, "GET", "phonesetprogramming", "oxe10001/devices/10001/programmeableKeys")).status,
    ).toBe(200);
    expect((await status(admin, "GET", "pbxmanagement", "1/instances/Subscriber/10001")).status).toBe(200);
    expect((await status(admin, "GET", "usermanagement", "")).status).toBe(200);
  });
});

describe("no Management license", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ users: 10 }, licensed(0));
  });
  afterAll(async () => sb?.stop());

  it("offers none of the services, and refuses them even to read", async () => {
    const admin = await sb.loginAdmin();
    const names = admin.session.services.map((s) => s.serviceName.toLowerCase());
    expect(names).not.toContain("pbxmanagement");
    expect(names).not.toContain("phonesetprogramming");
    const r = await admin.send<Record<string, unknown>>(
      "GET",
      `${admin.session.privateBaseUrl}/pbxmanagement/1/model`,
    );
    expect(r).toMatchObject({ status: 403, body: { innerMessage: "NO_MANAGEMENT_LICENSE" } });
  });
});
