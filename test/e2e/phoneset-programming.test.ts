/**
 * Phone Set Programming end to end, over HTTPS and real CMIP, as a user programs their own set
 * and as an administrator programs anyone's: keys, soft keys, PIN, lock, camp-on, associate,
 * remote extension; and every bad input answered with its status and O2G's error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Subscriber } from "../../oxe-emulator/index.js";
import type { O2gClient } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
let admin: O2gClient;
let me: Subscriber;
let user: O2gClient;
let other: Subscriber;

beforeAll(async () => {
  sb = await startSandbox({ users: 40 });
  const subs = sb.emulator.directory.subscribers;
  me = subs.find((s) => s.stationType.name === "ALE-500")!;
  other = subs.find((s) => s !== me && s.stationType.keys > 0)!;
  admin = await sb.loginAdmin();
  user = await sb.loginUser(me.directoryNumber);
});
afterAll(async () => sb?.stop());

const dev = (s: Subscriber, rest = "") => `${s.loginName}/devices/${s.directoryNumber}${rest}`;

async function failure(
  c: O2gClient,
  method: "GET" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
  query: Record<string, string> = {},
) {
  const r = await c.send<Record<string, unknown>>(method, c.url("phonesetprogramming", path, query), body);
  expect(r.body).toMatchObject({
    httpStatus: expect.any(String),
    code: r.status,
    helpMessage: expect.any(String),
    canRetry: false,
  });
  return { status: r.status, helpMessage: String(r.body.helpMessage) };
}

describe("devices", () => {
  it("lists the user's devices and one of them", async () => {
    const d = { type: "DESKPHONE", id: me.directoryNumber, subType: "ALE-500" };
    expect((await user.get("phonesetprogramming", `${me.loginName}/devices`)).body).toEqual({ devices: [d] });
    expect((await user.get("phonesetprogramming", dev(me))).body).toEqual(d);
  });
});

describe("programmable keys", () => {
  it("lists every position of the set, then the programmed ones only", async () => {
    const all = (await user.get<{ pkeys: unknown[] }>("phonesetprogramming", dev(me, "/programmeableKeys")))
      .body.pkeys;
    expect(all).toHaveLength(40);
    expect(all[0]).toEqual({ position: 1, locked: false });
    expect((await user.get("phonesetprogramming", dev(me, "/programmedKeys"))).body).toEqual({ pkeys: [] });
  });

  it("programs a key and reads it back, then clears it", async () => {
    await user.put("phonesetprogramming", dev(me, "/programmeableKeys/3"), {
      position: 3,
      number: "0612345678",
      mnemonic: "Mum",
    });
    const key = { position: 3, number: "0612345678", mnemonic: "Mum", locked: false };
    expect((await user.get("phonesetprogramming", dev(me, "/programmedKeys"))).body).toEqual({
      pkeys: [key],
    });
    const all = (await user.get<{ pkeys: unknown[] }>("phonesetprogramming", dev(me, "/programmeableKeys")))
      .body.pkeys;
    expect(all[2]).toEqual(key);
    // The node holds it: its Prog_Key object says so.
    const obj = await admin.get<{ attributes: { name: string; value: string[] }[] }>(
      "pbxmanagement",
      `1/instances/Subscriber/${me.directoryNumber}/Prog_Key/3`,
    );
    expect(obj.body.attributes).toContainEqual({ name: "Key_Function", value: ["Speed_Dial"] });
    await user.del("phonesetprogramming", dev(me, "/programmeableKeys/3"));
    expect((await user.get("phonesetprogramming", dev(me, "/programmedKeys"))).body).toEqual({ pkeys: [] });
  });

  it("lets an administrator lock a key the user then cannot change", async () => {
    await admin.put("phonesetprogramming", dev(me, "/programmeableKeys/1"), {
      number: "112",
      mnemonic: "Help",
      locked: true,
    });
    const e = await failure(user, "PUT", dev(me, "/programmeableKeys/1"), { number: "113" });
    expect(e).toEqual({ status: 403, helpMessage: "this key is locked by the administrator" });
    expect((await failure(user, "DELETE", dev(me, "/programmeableKeys/1"))).status).toBe(403);
    expect(
      (await failure(user, "PUT", dev(me, "/programmeableKeys/2"), { number: "1", locked: true }))
        .helpMessage,
    ).toMatch(/only an administrator/);
    await admin.put("phonesetprogramming", dev(me, "/programmeableKeys/1"), { locked: false });
    await user.del("phonesetprogramming", dev(me, "/programmeableKeys/1"));
  });

  it.each([
    [
      "another user's keys",
      "GET",
      () => dev(other, "/programmeableKeys"),
      undefined,
      403,
      /may act only for/,
    ],
    [
      "another user's device",
      "GET",
      () => `${me.loginName}/devices/${other.directoryNumber}/programmeableKeys`,
      undefined,
      403,
      /does not belong/,
    ],
    [
      "an unknown device",
      "GET",
      () => `${me.loginName}/devices/99999/programmeableKeys`,
      undefined,
      404,
      /no device 99999/,
    ],
    [
      "a position the set does not have",
      "PUT",
      () => dev(me, "/programmeableKeys/41"),
      { number: "1" },
      404,
      // noSuchObjectInstance names the key position only (X.711's ObjectInstance), not the set's count
      /no Prog_Key 41 on OXE node 1/,
    ],
    [
      "a position that is not a number",
      "PUT",
      () => dev(me, "/programmeableKeys/first"),
      { number: "1" },
      400,
      /not a key position/,
    ],
    [
      "a body position that is not the path's",
      "PUT",
      () => dev(me, "/programmeableKeys/4"),
      { position: 5, number: "1" },
      400,
      /not the position in the path/,
    ],
    [
      "a number with letters",
      "PUT",
      () => dev(me, "/programmeableKeys/4"),
      { number: "12ab" },
      400,
      /does not match/,
    ],
    [
      "a number of the wrong type",
      "PUT",
      () => dev(me, "/programmeableKeys/4"),
      { number: 1234 },
      400,
      /must be string/,
    ],
    [
      "a mnemonic too long",
      "PUT",
      () => dev(me, "/programmeableKeys/4"),
      { number: "1", mnemonic: "x".repeat(20) },
      400,
      /at most 16/,
    ],
    [
      "a mnemonic without a number",
      "PUT",
      () => dev(me, "/programmeableKeys/4"),
      { mnemonic: "x" },
      400,
      /unassigned|Not_Assigned/,
    ],
  ])("answers %s with its status", async (_what, method, path, body, status, message) => {
    const e = await failure(user, method as "GET", path(), body);
    expect(e.status).toBe(status);
    expect(e.helpMessage).toMatch(message);
  });

  it("answers an unknown user with 404, for an administrator", async () => {
    expect((await failure(admin, "GET", "oxe99999/devices")).status).toBe(404);
  });
});

describe("soft keys", () => {
  it("lists, programs and clears them", async () => {
    const skeys = (await user.get<{ skeys: unknown[] }>("phonesetprogramming", dev(me, "/softKeys"))).body
      .skeys;
    expect(skeys).toHaveLength(8);
    expect(skeys[0]).toEqual({ position: 1 });
    await user.put("phonesetprogramming", dev(me, "/softKeys/2"), {
      position: 2,
      number: "10002",
      mnemonic: "Desk",
    });
    expect(
      (await user.get<{ skeys: unknown[] }>("phonesetprogramming", dev(me, "/softKeys"))).body.skeys[1],
    ).toEqual({
      position: 2,
      number: "10002",
      mnemonic: "Desk",
    });
    await user.del("phonesetprogramming", dev(me, "/softKeys/2"));
    expect(
      (await user.get<{ skeys: unknown[] }>("phonesetprogramming", dev(me, "/softKeys"))).body.skeys[1],
    ).toEqual({ position: 2 });
  });

  it("has none on a set without a display", async () => {
    const plain = sb.emulator.directory.subscribers.find(
      (s) => s.stationType.name === "Analog" || s.stationType.name === "SIP_Extension",
    );
    if (!plain) return;
    expect((await admin.get("phonesetprogramming", dev(plain, "/softKeys"))).body).toEqual({ skeys: [] });
    expect((await failure(admin, "PUT", dev(plain, "/softKeys/1"), { number: "1" })).status).toBe(404);
  });
});

describe("PIN, lock, camp-on, associate", () => {
  it("reads and sets the PIN", async () => {
    expect((await user.get("phonesetprogramming", dev(me, "/pin"))).body).toEqual({
      Pin_Number: "",
      With_Secret_Code: false,
      Pin_Type_Of_Control: "PIN_Restricted_To_Owner_Set",
      Pin_Group: 0,
    });
    await user.put("phonesetprogramming", dev(me, "/pin"), {
      Pin_Number: "4321",
      With_Secret_Code: true,
      Pin_Type_Of_Control: "PIN_By_Group",
      Pin_Group: 7,
    });
    expect((await user.get("phonesetprogramming", dev(me, "/pin"))).body).toEqual({
      Pin_Number: "4321",
      With_Secret_Code: true,
      Pin_Type_Of_Control: "PIN_By_Group",
      Pin_Group: 7,
    });
  });

  it.each([
    ["a PIN too short", { Pin_Number: "12" }, /4 to 8 digits/],
    ["a PIN with letters", { Pin_Number: "12ab" }, /does not match/],
    ["an unknown type of control", { Pin_Type_Of_Control: "PIN_Anyone" }, /not one of/],
    ["a group of the wrong type", { Pin_Group: "seven" }, /must be integer/],
    ["a group out of range", { Pin_Group: 999 }, /255/],
    // Both once killed the gateway: an integer no BER INTEGER of the link could carry.
    ["a group of 1e308", { Pin_Group: 1e308 }, /255/],
    ["a group of 2^53", { Pin_Group: 2 ** 53 }, /255/],
    ["nothing to set", {}, /at least one of/],
  ])("refuses %s", async (_what, body, message) => {
    const e = await failure(user, "PUT", dev(me, "/pin"), body);
    expect(e.status).toBe(400);
    expect(e.helpMessage).toMatch(message);
  });

  it("still serves after the refusals, on the same CMIP link", async () => {
    await user.put("phonesetprogramming", dev(me, "/pin"), { Pin_Group: 255 });
    expect(
      (await user.get<{ Pin_Group: number }>("phonesetprogramming", dev(me, "/pin"))).body.Pin_Group,
    ).toBe(255);
  });

  it("locks, camps on and associates, as the dynamic state shows", async () => {
    expect((await user.get("phonesetprogramming", dev(me, "/dynamicState"))).body).toEqual({
      lock: false,
      campon: false,
    });
    await user.put("phonesetprogramming", dev(me, "/lock"), undefined, { activate: "true" });
    await user.put("phonesetprogramming", dev(me, "/campon"), undefined, { activate: "true" });
    await user.put("phonesetprogramming", dev(me, "/associate"), { associate: "0611223344" });
    await user.put("phonesetprogramming", dev(me, "/REActive"), undefined, { activate: "true" });
    expect((await user.get("phonesetprogramming", dev(me, "/dynamicState"))).body).toEqual({
      lock: true,
      campon: true,
      associate: "0611223344",
    });
    await user.put("phonesetprogramming", dev(me, "/lock"), undefined, { activate: "false" });
    expect(
      (await user.get<{ lock: boolean }>("phonesetprogramming", dev(me, "/dynamicState"))).body.lock,
    ).toBe(false);
  });

  it.each([
    ["no activate", "/lock", undefined, {}, /missing/],
    ["an activate that is not a boolean", "/campon", undefined, { activate: "yes" }, /true or false/],
    ["an associate with letters", "/associate", { associate: "mobile" }, {}, /does not match/],
    ["the set as its own associate", "/associate", { associate: "SELF" }, {}, /its own associated set/],
    ["no associate", "/associate", {}, {}, /associate/],
  ])("refuses %s", async (_what, path, body, query, message) => {
    const b =
      body && "associate" in body && body.associate === "SELF" ? { associate: me.directoryNumber } : body;
    const e = await failure(user, "PUT", dev(me, path), b, query as Record<string, string>);
    expect(e.status).toBe(400);
    expect(e.helpMessage).toMatch(message);
  });
});
