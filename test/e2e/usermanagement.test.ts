/**
 * Users Management end to end: which subscribers are O2G users, a user deleted (its subscriber
 * stays on the OXE, and the deletion survives a re-read of the node) and created again, with
 * the userManagement events; every bad input answered with its status and O2G's error.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { O2gClient, O2gHttpError } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
let admin: O2gClient;

beforeAll(async () => {
  sb = await startSandbox({ users: 30, nodes: 2 });
  admin = await sb.loginAdmin();
});
afterAll(async () => sb?.stop());

const logins = (nodeId: number) => sb.emulator.directory.byNode.get(nodeId)!.map((s) => s.loginName);

async function failure(
  method: "GET" | "POST" | "DELETE",
  path: string,
  body?: unknown,
  query: Record<string, string> = {},
) {
  const r = await admin.send<Record<string, unknown>>(method, admin.url("usermanagement", path, query), body);
  expect(r.body).toMatchObject({
    httpStatus: expect.any(String),
    code: r.status,
    helpMessage: expect.any(String),
  });
  return { status: r.status, helpMessage: String(r.body.helpMessage) };
}

async function canLogIn(login: string): Promise<boolean> {
  try {
    const c = await O2gClient.login(
      { baseUrl: sb.gateway.url, login, password: "0000", ca: sb.ca },
      sb.dispatcher,
    );
    await c.close();
    return true;
  } catch (err) {
    if (err instanceof O2gHttpError && err.status === 401) return false;
    throw err;
  }
}

describe("reading", () => {
  it("lists the logins, of every node or of some", async () => {
    expect((await admin.get("usermanagement")).body).toEqual({ loginNames: [...logins(1), ...logins(2)] });
    expect((await admin.get("usermanagement", "", { nodeIds: "2" })).body).toEqual({ loginNames: logins(2) });
    expect((await admin.get("usermanagement", "", { nodeIds: "1;2" })).body).toEqual({
      loginNames: [...logins(1), ...logins(2)],
    });
  });

  it("finds a user by device number and by login", async () => {
    const s = sb.emulator.directory.byNode.get(2)![3]!;
    expect((await admin.get("usermanagement", "", { deviceNumber: s.directoryNumber })).body).toEqual({
      loginNames: [s.loginName],
    });
    expect((await admin.get("usermanagement", s.loginName)).body).toMatchObject({
      loginName: s.loginName,
      companyPhone: s.directoryNumber,
      lastName: s.lastName,
      nodeId: "2",
      devices: [{ id: s.directoryNumber, subType: s.stationType.name }],
    });
  });
});

describe("deleting and creating users", () => {
  it("deletes an O2G user, keeping the subscriber, and creates it again", async () => {
    const events = await admin.subscribe([{ names: ["userManagement"] }]);
    const s = sb.emulator.directory.byNode.get(1)![2]!;
    await admin.del("usermanagement", s.loginName);
    expect(await events.next((e) => e.eventName === "OnUserDeleted")).toMatchObject({
      loginName: s.loginName,
    });
    expect((await failure("GET", s.loginName)).status).toBe(404);
    expect(await canLogIn(s.loginName)).toBe(false);
    // Still a subscriber of the node.
    expect((await admin.get("pbxmanagement", `1/instances/Subscriber/${s.directoryNumber}`)).status).toBe(
      200,
    );

    // The node read again (its configuration link came back): the user stays deleted.
    const link = sb.gateway.core.node(1)!;
    sb.emulator.node(1).cmip.dropLinks();
    for (let i = 0; i < 200 && link.cmip.rose.isUp; i++) await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 300 && !(link.cmip.rose.isUp && link.status().loaded); i++)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    expect(
      (await admin.get<{ loginNames: string[] }>("usermanagement", "", { nodeIds: "1" })).body.loginNames,
    ).not.toContain(s.loginName);

    const made = await admin.post<{ users: { loginName: string }[] }>("usermanagement", "", {
      nodeId: 1,
      deviceNumbers: [s.directoryNumber],
    });
    expect(made.body.users).toEqual([
      expect.objectContaining({ loginName: s.loginName, companyPhone: s.directoryNumber }),
    ]);
    expect(await events.next((e) => e.eventName === "OnUserCreated")).toMatchObject({
      user: { loginName: s.loginName },
    });
    expect(await canLogIn(s.loginName)).toBe(true);
    // Creating an existing user creates nobody.
    expect(
      (await admin.post("usermanagement", "", { nodeId: 1, deviceNumbers: [s.directoryNumber] })).body,
    ).toEqual({ users: [] });
    events.close();
  });

  it("creates every missing user of a node", async () => {
    const [a, b] = sb.emulator.directory.byNode.get(2)!;
    await admin.del("usermanagement", a!.loginName);
    await admin.del("usermanagement", b!.loginName);
    const made = await admin.post<{ users: { loginName: string }[] }>("usermanagement", "", {
      nodeId: 2,
      all: true,
    });
    expect(made.body.users.map((u) => u.loginName)).toEqual([a!.loginName, b!.loginName]);
    expect((await admin.get("usermanagement", "", { nodeIds: "2" })).body).toEqual({ loginNames: logins(2) });
  });
});

describe("changes the gateway did not hear of", () => {
  it("are announced once the node is read again", async () => {
    const events = await admin.subscribe([{ names: ["userManagement"] }]);
    // Made on the node without a report (as if while the configuration link was down) ...
    const mib = sb.emulator.node(2).cmip.mib;
    mib.create({
      objectClass: 2,
      superiorInstance: "Node=2",
      attributes: [
        { id: 1, value: "10031" },
        { id: 2, value: "Quiet" },
        { id: 4, value: "ALE-300" },
      ],
    });
    const gone = sb.emulator.directory.byNode.get(2)!.at(-2)!;
    mib.delete({ objectClass: 2, instance: `Node=2/Subscriber=${gone.directoryNumber}` });
    expect(sb.gateway.core.directory.users.has("oxe10031")).toBe(false);
    // ... and the link comes back: the node is read again, the differences announced.
    const link = sb.gateway.core.node(2)!;
    sb.emulator.node(2).cmip.dropLinks();
    for (let i = 0; i < 200 && link.cmip.rose.isUp; i++) await new Promise((r) => setTimeout(r, 5));
    const created = await events.next((e) => e.eventName === "OnUserCreated", 5000);
    expect(created).toMatchObject({ user: { loginName: "oxe10031", lastName: "Quiet" } });
    expect(await events.next((e) => e.eventName === "OnUserDeleted")).toMatchObject({
      loginName: gone.loginName,
    });
    expect(await canLogIn("oxe10031")).toBe(true);
    events.close();
  });
});

describe("bad input", () => {
  it.each([
    ["an unknown login", "GET", "oxe99999", undefined, {}, 404, /no user oxe99999/],
    ["an unknown device", "GET", "", undefined, { deviceNumber: "99999" }, 404, /no user has the device/],
    ["node ids that are not numbers", "GET", "", undefined, { nodeIds: "one;two" }, 400, /node numbers/],
    [
      "deviceNumber and nodeIds together",
      "GET",
      "",
      undefined,
      { nodeIds: "1", deviceNumber: "10001" },
      400,
      /not both/,
    ],
    ["deleting an unknown user", "DELETE", "oxe99999", undefined, {}, 404, /no user/],
    ["a node id that is a string", "POST", "", { nodeId: "1", all: true }, {}, 400, /must be integer/],
    ["no node id", "POST", "", { all: true }, {}, 400, /nodeId/],
    ["an unknown node", "POST", "", { nodeId: 9, all: true }, {}, 404, /no OXE node 9/],
    ["neither numbers nor all", "POST", "", { nodeId: 1 }, {}, 400, /give deviceNumbers/],
    [
      "numbers and all together",
      "POST",
      "",
      { nodeId: 1, all: true, deviceNumbers: ["10001"] },
      {},
      400,
      /not both/,
    ],
    ["a number that is not a number", "POST", "", { nodeId: 1, deviceNumbers: ["ten"] }, {}, 400, /pattern/],
    [
      "a number that is no subscriber of the node",
      "POST",
      "",
      { nodeId: 1, deviceNumbers: ["10001", "10029"] },
      {},
      404,
      /no Subscriber 10029 on OXE node 1/,
    ],
  ])("answers %s with its status", async (_what, method, path, body, query, status, message) => {
    const before = sb.gateway.core.directory.users.size;
    const e = await failure(method as "GET", path, body, query as Record<string, string>);
    expect(e.status).toBe(status);
    expect(e.helpMessage).toMatch(message);
    expect(sb.gateway.core.directory.users.size).toBe(before);
  });

  it("refuses a user session", async () => {
    const u = await sb.loginUser(sb.emulator.directory.subscribers[0]!.directoryNumber);
    const r = await u.send("GET", admin.url("usermanagement"));
    expect(r).toMatchObject({ status: 403, body: { httpStatus: "FORBIDDEN", code: 403 } });
  });
});

describe("the Users service", () => {
  const usersUrl = () => admin.url("users");
  const loginsUrl = (query = "") => `${usersUrl().replace(/\/users$/, "/logins")}${query}`;
  const gatewayLogins = (nodeId?: number) =>
    [...sb.gateway.core.directory.users.values()]
      .filter((u) => nodeId === undefined || u.nodeId === nodeId)
      .map((u) => u.loginName);

  it("shows a user by login and by company phone, as the SDK's UserJson", async () => {
    const s = sb.emulator.directory.byNode.get(2)![0]!;
    const byLogin = await admin.get("users", s.loginName);
    expect(byLogin).toMatchObject({ status: 200 });
    expect(byLogin.body).toEqual({
      companyPhone: s.directoryNumber,
      firstName: expect.any(String),
      lastName: expect.any(String),
      loginName: s.loginName,
      devices: [{ type: expect.any(String), id: s.directoryNumber, subType: s.stationType.name }],
      nodeId: "2",
      voicemail: { number: "8002", type: "VM_4645" },
    });
    const byPhone = await admin.get("users", "", { companyPhone: s.directoryNumber });
    expect(byPhone.body).toEqual(byLogin.body);
  });

  it("lists the logins, of some nodes, and none of the call-centre agents", async () => {
    const every = await admin.send<{ loginNames: string[] }>("GET", loginsUrl());
    expect(every.body.loginNames.sort()).toEqual(gatewayLogins().sort());
    const node2 = await admin.send<{ loginNames: string[] }>("GET", loginsUrl("?nodeIds=2"));
    expect(node2.body.loginNames.sort()).toEqual(gatewayLogins(2).sort());
    // The SDK sends these flags bare.
    expect((await admin.send("GET", loginsUrl("?onlyACD"))).body).toEqual({ loginNames: [] });
    expect((await admin.send("GET", loginsUrl("?onlyWithExtLogin=true"))).body).toEqual({ loginNames: [] });
    const notOnly = await admin.send<{ loginNames: string[] }>("GET", loginsUrl("?onlyACD=false"));
    expect(notOnly.body.loginNames).toHaveLength(gatewayLogins().length);
  });

  it.each([
    ["neither a company phone nor a login", () => usersUrl(), 400, /companyPhone/],
    ["a company phone with letters", () => `${usersUrl()}?companyPhone=ten`, 400, /companyPhone/],
    ["an unknown company phone", () => `${usersUrl()}?companyPhone=19999`, 404, /no user has the number/],
    ["a login name too long", () => `${usersUrl()}/${"x".repeat(65)}`, 400, /loginName/],
    ["a flag that is no boolean", () => loginsUrl("?onlyACD=maybe"), 400, /onlyACD/],
    ["node ids that are not numbers", () => loginsUrl("?nodeIds=one;two"), 400, /node numbers/],
  ])("answers %s with its status, naming what is wrong", async (_what, url, status, message) => {
    const r = await admin.send<Record<string, unknown>>("GET", url());
    expect(r.body).toMatchObject({ code: status, httpStatus: expect.any(String), canRetry: false });
    expect(String(r.body.helpMessage)).toMatch(message);
  });

  it("lets a user session look anybody up, and list its own login only", async () => {
    const [mine, other] = sb.emulator.directory.byNode.get(1)!;
    const u = await sb.loginUser(mine!.directoryNumber);
    expect((await u.send("GET", `${usersUrl()}?companyPhone=${mine!.directoryNumber}`)).status).toBe(200);
    // A user's public information is anybody's to read, as the SDK documents.
    expect((await u.send("GET", `${usersUrl()}?companyPhone=${other!.directoryNumber}`)).body).toMatchObject({
      loginName: other!.loginName,
    });
    expect((await u.send("GET", loginsUrl())).body).toEqual({ loginNames: [mine!.loginName] });
    expect((await u.send("GET", loginsUrl("?onlyACD=maybe"))).status).toBe(400);
  });

  it("answers 401 before it looks at the query", async () => {
    const r = await request(`${usersUrl()}?companyPhone=ten`, { dispatcher: sb.dispatcher });
    expect(r.statusCode).toBe(401);
    expect(await r.body.json()).toMatchObject({ httpStatus: "UNAUTHORIZED", code: 401 });
  });
});
