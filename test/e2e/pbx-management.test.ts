/**
 * PBX Management end to end, over HTTPS and real CMIP: the node's object model, instances
 * listed with O2G filters, read, modified, created and deleted, each change real on the emulated
 * OXE and announced to applications; every bad input answered with its status and O2G's error.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { O2gClient, type O2gEvent, O2gHttpError } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
let admin: O2gClient;

beforeAll(async () => {
  sb = await startSandbox({ users: 60, nodes: 2 });
  admin = await sb.loginAdmin();
});
afterAll(async () => sb?.stop());

const node1 = () => sb.emulator.directory.byNode.get(1)!;

/** An O2G error answer: the status, and the body every non-2xx carries. */
async function failure(
  c: O2gClient,
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
  query: Record<string, string> = {},
) {
  const r = await c.send<Record<string, unknown>>(method, c.url("pbxmanagement", path, query), body);
  expect(r.status).toBeGreaterThanOrEqual(400);
  expect(r.body).toMatchObject({
    httpStatus: expect.any(String),
    code: r.status,
    helpMessage: expect.any(String),
    type: expect.any(String),
    innerMessage: expect.any(String),
    canRetry: r.status === 503,
  });
  return { status: r.status, ...(r.body as { helpMessage: string; innerMessage: string; type: string }) };
}

const attrs = (o: Record<string, string | number | boolean>) =>
  Object.entries(o).map(([name, v]) => ({ name, value: [String(v)] }));

describe("the service", () => {
  it("is offered to administrators, not to users", async () => {
    const names = (c: O2gClient) => c.session.services.map((s) => s.serviceName.toLowerCase());
    expect(names(admin)).toEqual(
      expect.arrayContaining(["pbxmanagement", "phonesetprogramming", "usermanagement"]),
    );
    const user = await sb.loginUser(node1()[0]!.directoryNumber);
    expect(names(user)).toContain("phonesetprogramming");
    expect(names(user)).not.toContain("pbxmanagement");
    // A user who builds the URL anyway is refused.
    const r = await user.send("GET", admin.url("pbxmanagement", "1/model"));
    expect(r).toMatchObject({ status: 403, body: { httpStatus: "FORBIDDEN", code: 403 } });
  });

  it("lists the nodes and describes one", async () => {
    expect((await admin.get("pbxmanagement")).body).toEqual({ nodeIds: ["1", "2"] });
    expect((await admin.get("pbxmanagement", "2")).body).toEqual({ nodeId: 2, fqdn: "127.0.0.1" });
  });
});

describe("the object model", () => {
  it("shows the node's objects below it, with what each allows", async () => {
    const m = (
      await admin.get<{
        objectName: string;
        objects: { objectName: string; objects: { objectName: string }[] }[];
      }>("pbxmanagement", "1/model")
    ).body;
    expect(m.objectName).toBe("Node");
    expect(m.objects.map((o) => o.objectName).sort()).toEqual([
      "Cost_Center",
      "Entity",
      "Hunt_Group",
      "Phone_Book_Entry",
      "Subscriber",
    ]);
    expect(m.objects.find((o) => o.objectName === "Subscriber")!.objects.map((o) => o.objectName)).toEqual([
      "Prog_Key",
      "Soft_Key",
    ]);
  });

  it("describes an object's attributes as the SDK's Model reads them", async () => {
    const m = (
      await admin.get<{ attributes: Record<string, unknown>[]; create: boolean; otherActions: string[] }>(
        "pbxmanagement",
        "1/model/Subscriber",
      )
    ).body;
    expect(m).toMatchObject({ create: true, otherActions: ["Check_Password"] });
    const byName = Object.fromEntries(m.attributes.map((a) => [a.name, a]));
    expect(byName.Annu_Name).toMatchObject({
      typeValue: "OctetString",
      mandatory: true,
      lengthValue: "1..40",
      filtering: true,
    });
    expect(byName.Station_Type).toMatchObject({
      typeValue: "Enumerated",
      allowedValues: expect.arrayContaining(["ALE-500"]),
    });
    expect(byName.Class_Of_Service).toMatchObject({ typeValue: "Integer", defaultValue: "0" });
    expect(byName.Password).toMatchObject({ filtering: false });
    const key = (
      await admin.get<{ create: boolean; delete: boolean; set: boolean }>(
        "pbxmanagement",
        "1/model/Subscriber/Prog_Key",
      )
    ).body;
    expect(key).toMatchObject({ create: false, delete: false, set: true });
  });
});

describe("instances", () => {
  it("reads the node object and its sub-object names", async () => {
    const n = (
      await admin.get<{
        objectName: string;
        objectId: string;
        attributes: { name: string; value: string[] }[];
        objectNames: string[];
      }>("pbxmanagement", "1/instances")
    ).body;
    expect(n).toMatchObject({ objectName: "Node", objectId: "1" });
    expect(n.attributes).toContainEqual({ name: "Subscriber_Count", value: [String(node1().length)] });
    expect(n.objectNames.sort()).toEqual([
      "Cost_Center",
      "Entity",
      "Hunt_Group",
      "Phone_Book_Entry",
      "Subscriber",
    ]);
  });

  it.each([
    ["Station_Type==ALE-300", (s: { stationType: { name: string } }) => s.stationType.name === "ALE-300"],
    ["Station_Type!=ALE-300", (s: { stationType: { name: string } }) => s.stationType.name !== "ALE-300"],
    ["Class_Of_Service=ge=8", (s: { classOfService: number }) => s.classOfService >= 8],
    [
      "Station_Type==ALE-300 or Station_Type==Analog and Class_Of_Service=le=7",
      (s: { stationType: { name: string }; classOfService: number }) =>
        (s.stationType.name === "ALE-300" || s.stationType.name === "Analog") && s.classOfService <= 7,
    ],
    [
      "Class_Of_Service=le=7 and (Station_Type==ALE-300 or Station_Type==Analog)",
      (s: { stationType: { name: string }; classOfService: number }) =>
        (s.stationType.name === "ALE-300" || s.stationType.name === "Analog") && s.classOfService <= 7,
    ],
  ])("lists the subscribers matching %s", async (filter, keep) => {
    const r = await admin.get<{ objectIds: string[] }>("pbxmanagement", "1/instances/Subscriber", { filter });
    expect(r.body.objectIds).toEqual(
      node1()
        .filter((s) => keep(s as never))
        .map((s) => s.directoryNumber),
    );
  });

  it("matches names by prefix and suffix, case-insensitively", async () => {
    const s = node1()[7]!;
    const prefix = s.lastName.slice(0, 2).toLowerCase();
    const suffix = s.lastName.slice(-2).toUpperCase();
    const r = await admin.get<{ objectIds: string[] }>("pbxmanagement", "1/instances/Subscriber", {
      filter: `Annu_Name==${prefix}* and Annu_Name==*${suffix}`,
    });
    expect(r.body.objectIds).toContain(s.directoryNumber);
    const expected = node1().filter(
      (x) =>
        x.lastName.toLowerCase().startsWith(prefix) &&
        x.lastName.toLowerCase().endsWith(suffix.toLowerCase()),
    );
    expect(r.body.objectIds).toEqual(expected.map((x) => x.directoryNumber));
  });

  it("reads one subscriber, or the attributes asked for, never the password", async () => {
    const s = node1()[2]!;
    const all = (
      await admin.get<{ attributes: { name: string; value: string[] }[] }>(
        "pbxmanagement",
        `1/instances/Subscriber/${s.directoryNumber}`,
      )
    ).body;
    const names = all.attributes.map((a) => a.name);
    expect(names).toContain("Login_Name");
    expect(names).not.toContain("Password");
    const some = (
      await admin.get("pbxmanagement", `1/instances/Subscriber/${s.directoryNumber}`, {
        attributes: "Annu_Name,Station_Type",
      })
    ).body;
    expect(some).toEqual({
      objectName: "Subscriber",
      objectId: s.directoryNumber,
      attributes: [
        { name: "Annu_Name", value: [s.lastName] },
        { name: "Station_Type", value: [s.stationType.name] },
      ],
      objectNames: ["Prog_Key", "Soft_Key"],
    });
  });

  it("modifies a subscriber on the node and tells applications", async () => {
    const events = await admin.subscribe([{ names: ["pbxManagement"] }, { names: ["user"] }]);
    const s = node1()[4]!;
    await admin.put("pbxmanagement", `1/instances/Subscriber/${s.directoryNumber}`, {
      attributes: attrs({ Annu_Name: "Lovelace", Class_Of_Service: 12 }),
    });
    expect(s.lastName).toBe("Lovelace");
    expect(s.classOfService).toBe(12);
    await events.next(
      (e) => e.eventName === "OnPbxObjectInstanceModified" && e.objectId === s.directoryNumber,
    );
    const info = await events.next((e) => e.eventName === "OnUserInfoChanged");
    expect(info).toMatchObject({
      loginName: s.loginName,
      user: { lastName: "Lovelace", companyPhone: s.directoryNumber },
    });
    const user = (await admin.get<{ lastName: string }>("users", s.loginName)).body;
    expect(user.lastName).toBe("Lovelace");
    events.close();
  });

  it("creates a subscriber who can log in and call, then deletes it (not while in a call)", async () => {
    const events = await admin.subscribe([{ names: ["pbxManagement"] }, { names: ["userManagement"] }]);
    const created = await admin.post<{ objectId: string; attributes: { name: string; value: string[] }[] }>(
      "pbxmanagement",
      "1/instances/Subscriber",
      {
        attributes: attrs({
          Directory_Number: "10070",
          Annu_Name: "Hopper",
          Annu_First_Name: "Grace",
          Station_Type: "ALE-500",
          Password: "1906",
        }),
      },
    );
    expect(created.body.objectId).toBe("10070");
    expect(created.body.attributes).toContainEqual({ name: "Login_Name", value: ["oxe10070"] });
    const ev = (name: string) => (e: O2gEvent) => e.eventName === name;
    expect(await events.next(ev("OnPbxObjectInstanceCreated"))).toMatchObject({
      objectName: "Subscriber",
      objectId: "10070",
      nodeId: "1",
    });
    expect(await events.next(ev("OnUserCreated"))).toMatchObject({
      user: {
        loginName: "oxe10070",
        firstName: "Grace",
        lastName: "Hopper",
        devices: [{ id: "10070", subType: "ALE-500" }],
      },
    });
    expect(sb.emulator.directory.byNumber.get("10070")?.nodeId).toBe(1);

    const grace = await O2gClient.login(
      { baseUrl: sb.gateway.url, login: "oxe10070", password: "1906", ca: sb.ca },
      sb.dispatcher,
    );
    const callee = node1()[1]!;
    const calleeClient = await sb.loginUser(callee.directoryNumber);
    const calleeEvents = await calleeClient.subscribe([{ names: ["telephony"] }]);
    const call = await grace.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10070",
      callee: callee.directoryNumber,
    });
    const created2 = await calleeEvents.next(ev("OnCallCreated"));
    expect(created2).toMatchObject({ participants: [{ participantId: "10070" }] });

    const busy = await failure(admin, "DELETE", "1/instances/Subscriber/10070");
    expect(busy.status).toBe(409);
    expect(busy.helpMessage).toMatch(/in a call/);

    await grace.del("telephony", `calls/${call.body.callRef}`);
    await calleeEvents.next(ev("OnCallRemoved"));
    await grace.close();
    await admin.del("pbxmanagement", "1/instances/Subscriber/10070");
    expect(await events.next(ev("OnPbxObjectInstanceDeleted"))).toMatchObject({ objectId: "10070" });
    expect(await events.next(ev("OnUserDeleted"))).toMatchObject({ loginName: "oxe10070" });
    expect(sb.emulator.directory.byNumber.has("10070")).toBe(false);
    const again = await O2gClient.login(
      { baseUrl: sb.gateway.url, login: "oxe10070", password: "1906", ca: sb.ca },
      sb.dispatcher,
    ).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(O2gHttpError);
    expect((again as O2gHttpError).status).toBe(401);
    events.close();
  });

  it("programs a key through the key object, and finds it through the phone set service", async () => {
    const s = node1().find((x) => x.stationType.keys >= 5)!;
    await admin.put("pbxmanagement", `1/instances/Subscriber/${s.directoryNumber}/Prog_Key/5`, {
      attributes: attrs({
        Key_Function: "Supervision",
        Key_Number: node1()[0]!.directoryNumber,
        Key_Mnemonic: "Boss",
      }),
    });
    const keys = await admin.get<{ pkeys: unknown[] }>(
      "phonesetprogramming",
      `${s.loginName}/devices/${s.directoryNumber}/programmedKeys`,
    );
    expect(keys.body.pkeys).toEqual([
      { position: 5, number: node1()[0]!.directoryNumber, mnemonic: "Boss", locked: false },
    ]);
    const ids = await admin.get<{ objectIds: string[] }>(
      "pbxmanagement",
      `1/instances/Subscriber/${s.directoryNumber}/Prog_Key`,
      {
        filter: "Key_Function!=Not_Assigned",
      },
    );
    expect(ids.body.objectIds).toEqual(["5"]);
  });

  it("creates and deletes an entity, and keeps one subscribers use", async () => {
    await admin.post("pbxmanagement", "1/instances/Entity", {
      attributes: attrs({ Entity_Number: 50, Entity_Name: "Lab" }),
    });
    expect((await admin.get("pbxmanagement", "1/instances/Entity/50")).body).toMatchObject({
      attributes: [
        { name: "Entity_Number", value: ["50"] },
        { name: "Entity_Name", value: ["Lab"] },
      ],
    });
    await admin.del("pbxmanagement", "1/instances/Entity/50");
    const used = await failure(admin, "DELETE", `1/instances/Entity/${node1()[0]!.entity}`);
    expect(used.status).toBe(409);
    expect(used.helpMessage).toMatch(/still used/);
  });
});

describe("bad input", () => {
  const s = () => node1()[3]!;
  const sub = () => `1/instances/Subscriber/${s().directoryNumber}`;

  it.each([
    ["an unknown node", "GET", "9/model", undefined, 404, /no OXE node 9/],
    ["a node id that is not a number", "GET", "one/model", undefined, 400, /not a node number/],
    ["an unknown object", "GET", "1/instances/Trunk", undefined, 404, /no object Trunk/],
    ["an unknown model", "GET", "1/model/Trunk", undefined, 404, /no object Trunk/],
    [
      "a sub-object under the wrong parent",
      "GET",
      "1/instances/Prog_Key",
      undefined,
      404,
      /not below a Node/,
    ],
    ["an unknown subscriber", "GET", "1/instances/Subscriber/19999", undefined, 404, /no Subscriber 19999/],
    [
      "a key position the set does not have",
      "GET",
      "1/instances/Subscriber/10003/Prog_Key/77",
      undefined,
      404,
      /no Prog_Key 77/,
    ],
    [
      "an object below a key",
      "GET",
      "1/instances/Subscriber/10003/Prog_Key/1/x",
      undefined,
      404,
      /no object x/,
    ],
    [
      "an unknown attribute",
      "PUT",
      "SUB",
      { attributes: [{ name: "Shoe_Size", value: ["44"] }] },
      400,
      /no attribute Shoe_Size/,
    ],
    [
      "a value of the wrong type",
      "PUT",
      "SUB",
      { attributes: [{ name: "Class_Of_Service", value: ["high"] }] },
      400,
      /must be an integer/,
    ],
    [
      "a value out of range",
      "PUT",
      "SUB",
      { attributes: [{ name: "Class_Of_Service", value: ["99"] }] },
      400,
      /above 63/,
    ],
    [
      "a value too long",
      "PUT",
      "SUB",
      { attributes: [{ name: "Annu_Name", value: ["x".repeat(50)] }] },
      400,
      /at most 40/,
    ],
    [
      "a value not in the enumeration",
      "PUT",
      "SUB",
      { attributes: [{ name: "Station_Type", value: ["Rotary"] }] },
      400,
      /not one of/,
    ],
    [
      "a read-only attribute",
      "PUT",
      "SUB",
      { attributes: [{ name: "Login_Name", value: ["me"] }] },
      400,
      /read-only/,
    ],
    [
      "two values for a single-valued attribute",
      "PUT",
      "SUB",
      { attributes: [{ name: "Annu_Name", value: ["a", "b"] }] },
      400,
      /exactly one value/,
    ],
    [
      "a value that is not a string",
      "PUT",
      "SUB",
      { attributes: [{ name: "Class_Of_Service", value: [5] }] },
      400,
      /must be string/,
    ],
    ["no attributes", "PUT", "SUB", {}, 400, /attributes/],
    ["nothing to change", "PUT", "SUB", { attributes: [] }, 400, /at least one attribute/],
    [
      "a PUT on a list",
      "PUT",
      "1/instances/Subscriber",
      { attributes: attrs({ Annu_Name: "x" }) },
      400,
      /name the Subscriber's id/,
    ],
    [
      "a missing mandatory attribute",
      "POST",
      "1/instances/Subscriber",
      { attributes: attrs({ Directory_Number: "10071", Annu_Name: "X" }) },
      400,
      /Station_Type is mandatory/,
    ],
    [
      "a duplicate directory number",
      "POST",
      "1/instances/Subscriber",
      { attributes: attrs({ Directory_Number: "10001", Annu_Name: "X", Station_Type: "ALE-300" }) },
      409,
      /already a Subscriber 10001/,
    ],
    [
      "a number outside the numbering plan",
      "POST",
      "1/instances/Subscriber",
      { attributes: attrs({ Directory_Number: "123", Annu_Name: "X", Station_Type: "ALE-300" }) },
      400,
      /numbering plan/,
    ],
    [
      "a reference to a missing entity",
      "POST",
      "1/instances/Subscriber",
      {
        attributes: attrs({
          Directory_Number: "10071",
          Annu_Name: "X",
          Station_Type: "ALE-300",
          Entity_Number: 88,
        }),
      },
      400,
      // X.711 carries the attribute and value refused; the object model's note says the rule
      /Entity_Number 88 is refused by OXE node 1: the number of an existing Entity/,
    ],
    [
      "creating a key",
      "POST",
      "1/instances/Subscriber/10003/Prog_Key",
      { attributes: attrs({ Key_Number: "1" }) },
      403,
      /cannot be created/,
    ],
    [
      "deleting a key",
      "DELETE",
      "1/instances/Subscriber/10003/Prog_Key/1",
      undefined,
      403,
      /cannot be deleted/,
    ],
    ["deleting the node", "DELETE", "1/instances/Node/1", undefined, 404, /not below a Node/],
    [
      "an unknown subscriber to delete",
      "DELETE",
      "1/instances/Subscriber/19999",
      undefined,
      404,
      /no Subscriber 19999/,
    ],
  ])("answers %s with its status", async (_what, method, path, body, status, message) => {
    const e = await failure(admin, method as "GET", path === "SUB" ? sub() : path, body);
    expect(e.status).toBe(status);
    expect(e.helpMessage).toMatch(message);
  });

  it.each([
    ["a syntax error", "Annu_Name=Smith", /operator/],
    ["an unknown attribute", "Shoe_Size==44", /no attribute Shoe_Size/],
    ["a write-only attribute", "Password==0000", /cannot be read/],
    ["a wrong type", "Class_Of_Service=ge=high", /is an integer/],
    ["an unclosed parenthesis", "(Station_Type==ALE-300", /'\)' is expected/],
    ["wildcards on an integer", "Class_Of_Service==1*", /wildcards/],
  ])("refuses a filter with %s", async (_what, filter, message) => {
    const e = await failure(admin, "GET", "1/instances/Subscriber", undefined, { filter });
    expect(e).toMatchObject({ status: 400, innerMessage: "INVALID_FILTER" });
    expect(e.helpMessage).toMatch(message);
  });

  it("names the attribute at fault in the inner message", async () => {
    const e = await failure(admin, "PUT", sub(), { attributes: attrs({ Entity_Number: 77 }) });
    expect(e).toMatchObject({ status: 400, innerMessage: "invalidAttributeValue (Entity_Number)" });
  });

  it("answers 401 without a session", async () => {
    const r = await request(admin.url("pbxmanagement", "1/model"), {
      headers: { cookie: "AlcUserId=nobody" },
      dispatcher: sb.dispatcher,
    });
    expect(r.statusCode).toBe(401);
    expect(await r.body.json()).toMatchObject({ httpStatus: "UNAUTHORIZED", code: 401 });
  });

  it("answers 503, to retry, while the node's configuration link is down", async () => {
    const cmip = sb.emulator.node(2).cmip;
    cmip.faults.refuseUntil = Date.now() + 60_000;
    cmip.dropLinks();
    const link = sb.gateway.core.node(2)!;
    for (let i = 0; i < 100 && link.cmip.rose.isUp; i++) await new Promise((r) => setTimeout(r, 10));
    const e = await failure(admin, "GET", "2/instances");
    expect(e).toMatchObject({ status: 503, canRetry: true, type: "SERVICE_UNAVAILABLE" });
    cmip.faults.refuseUntil = 0;
    for (let i = 0; i < 300 && !(link.cmip.rose.isUp && link.cmip.schema.size > 0); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect((await admin.get("pbxmanagement", "2/instances")).status).toBe(200);
  });
});
