/**
 * The Users service as the SDK's users-rest.ts calls it: anybody's public information (by login
 * or company phone) with voice mail, e-mail and external login, the logins (a user session: its
 * own; filters), a user's preferences and languages, and the OXE password change (checked by the
 * node, the next login uses the new one). Refusals carry O2G's status and error JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { O2gClient, type O2gEvent } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
let admin: O2gClient;
beforeAll(async () => {
  sb = await startSandbox();
  admin = await sb.loginAdmin();
});
afterAll(async () => {
  await sb?.stop();
});

const attrs = (o: Record<string, string>) => Object.entries(o).map(([name, v]) => ({ name, value: [v] }));
/** The logins resource, where the SDK finds it: the users URL with /users made /logins. */
const logins = async (c: O2gClient, query = "") =>
  (await c.send<{ loginNames: string[] }>("GET", `${c.url("users").replace(/\/users$/, "/logins")}${query}`))
    .body.loginNames;
const attempt = <T = { code: number; httpStatus: string }>(
  c: O2gClient,
  method: "GET" | "PUT",
  path: string,
  body?: unknown,
) => c.send<T>(method, c.url("users", path), body);

describe("a user's public information", () => {
  it("is anybody's to read, by login or company phone, with the node's voice mail", async () => {
    const alice = await sb.loginUser("10001");
    const bob = (await alice.get<Record<string, unknown>>("users", "oxe10002")).body;
    expect(bob).toMatchObject({
      loginName: "oxe10002",
      companyPhone: "10002",
      nodeId: "1",
      voicemail: { number: "8001", type: "VM_4645" },
    });
    expect(bob.eMailAddress).toBeUndefined();
    const byPhone = await alice.send("GET", alice.url("users", "", { companyPhone: "10002" }));
    expect(byPhone.body).toEqual(bob);
    const unknown = await attempt(alice, "GET", "oxe99999");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 404, httpStatus: "NOT_FOUND" });
    const nobody = await alice.send<{ code: number }>(
      "GET",
      alice.url("users", "", { companyPhone: "99999" }),
    );
    expect(nobody.status).toBe(404);
  });

  it("carries the e-mail and external login the node holds, and says when they change", async () => {
    const alice = await sb.loginUser("10003");
    const events = await alice.subscribe([{ names: ["user"] }]);
    await admin.put("pbxmanagement", "1/instances/Subscriber/10003", {
      attributes: attrs({ E_Mail_Address: "alice@example.com", External_Login: "alice.ext" }),
    });
    const changed = await events.next((e: O2gEvent) => e.eventName === "OnUserInfoChanged");
    expect(changed).toMatchObject({
      loginName: "oxe10003",
      user: { eMailAddress: "alice@example.com", externalLogin: "alice.ext" },
    });
    const me = await admin.get("users", "oxe10003");
    expect(me.body).toMatchObject({ eMailAddress: "alice@example.com", externalLogin: "alice.ext" });
    // The node checks what it keeps: not an e-mail address, refused.
    const bad = await admin.send("PUT", admin.url("pbxmanagement", "1/instances/Subscriber/10003"), {
      attributes: attrs({ E_Mail_Address: "not an address" }),
    });
    expect(bad.status).toBe(400);
    events.close();
  });
});

describe("logins", () => {
  it("a user session hears its own login; an administrator every one, filtered", async () => {
    const alice = await sb.loginUser("10004");
    expect(await logins(alice)).toEqual(["oxe10004"]);
    const all = await logins(admin);
    expect(all.length).toBe(50);
    await admin.put("pbxmanagement", "1/instances/Subscriber/10005", {
      attributes: attrs({ External_Login: "bob.ext" }),
    });
    let ext: string[] = [];
    for (let i = 0; i < 50 && !ext.includes("oxe10005"); i++) {
      await new Promise((r) => setTimeout(r, 20));
      ext = await logins(admin, "?onlyWithExtLogin=true");
    }
    expect(ext).toContain("oxe10005");
    expect(ext).not.toContain("oxe10004");
    expect(ext.length).toBeLessThan(all.length);
    // Nobody is a call-centre operator the gateway knows of: the filter leaves nobody.
    expect(await logins(admin, "?onlyACD")).toEqual([]);
  });
});

describe("preferences", () => {
  it("are the set's language, among the node's", async () => {
    const alice = await sb.loginUser("10006");
    expect((await alice.get("users", "oxe10006/preferences")).body).toEqual({
      guiLanguage: "en",
      oxeLanguage: "en",
    });
    await admin.put("pbxmanagement", "1/instances/Subscriber/10006", {
      attributes: attrs({ Language: "fr" }),
    });
    expect((await alice.get("users", "oxe10006/preferences")).body).toMatchObject({ oxeLanguage: "fr" });
    const langs = (
      await alice.get<{ supportedLanguages: string[]; supportedGuiLanguages: string[] }>(
        "users",
        "oxe10006/preferences/supportedLanguages",
      )
    ).body;
    expect(langs.supportedLanguages).toEqual(expect.arrayContaining(["en", "fr", "de"]));
    expect(langs.supportedGuiLanguages).toEqual(["en"]);
  });

  it("are the user's own: another's are refused, an unknown user's not found", async () => {
    const alice = await sb.loginUser("10006");
    const r = await attempt(alice, "GET", "oxe10007/preferences");
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 403, httpStatus: "FORBIDDEN" });
    expect((await attempt(admin, "GET", "oxe10007/preferences")).status).toBe(200);
    expect((await attempt(admin, "GET", "oxe99999/preferences")).status).toBe(404);
  });
});

describe("the password", () => {
  it("is changed on the node: the next login uses the new one, the old one no more", async () => {
    const alice = await sb.loginUser("10008");
    const password = sb.emulator.directory.options.password;
    const wrong = await attempt(alice, "PUT", "oxe10008/password", {
      oldPassword: "99999",
      newPassword: "4321",
    });
    expect(wrong.status).toBe(403);
    const weak = await attempt(alice, "PUT", "oxe10008/password", {
      oldPassword: password,
      newPassword: "abc",
    });
    expect(weak.status).toBe(400);
    const others = await attempt(alice, "PUT", "oxe10009/password", {
      oldPassword: password,
      newPassword: "4321",
    });
    expect(others.status).toBe(403);
    const ok = await attempt(alice, "PUT", "oxe10008/password", {
      oldPassword: password,
      newPassword: "4321",
    });
    expect(ok.status).toBe(204);
    const login = (p: string) =>
      O2gClient.login({ baseUrl: sb.gateway.url, login: "oxe10008", password: p, ca: sb.ca }, sb.dispatcher);
    const again = await login("4321");
    expect(again.login).toBe("oxe10008");
    await expect(login(password)).rejects.toThrow();
    // Another user's password is untouched.
    const bob = await O2gClient.login(
      { baseUrl: sb.gateway.url, login: "oxe10009", password, ca: sb.ca },
      sb.dispatcher,
    );
    expect(bob.login).toBe("oxe10009");
  });
});
