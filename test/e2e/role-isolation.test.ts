/**
 * Role isolation (hardening issue): a user session never reads, changes or releases another
 * user's anything, and the refusal comes from the gateway (its own message), not from the PBX
 * happening to refuse. The victim's things are still there afterwards. A `loginName` naming
 * somebody else is ignored, as the SDKs document it: the session's own user acts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventStream, O2gClient } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
let mallory: O2gClient;
let bob: O2gClient;
let carol: O2gClient;
let bobEvents: EventStream;
let carolEvents: EventStream;
let bobLogin: string;
let bobsCall: string;

beforeAll(async () => {
  sb = await startSandbox({ users: 20 });
  mallory = await sb.loginUser("10001");
  bob = await sb.loginUser("10002");
  carol = await sb.loginUser("10003");
  bobLogin = bob.login;
  bobEvents = await bob.subscribe([{ names: ["telephony", "unifiedComLog"] }]);
  carolEvents = await carol.subscribe([{ names: ["telephony"] }]);
  bobsCall = (
    await bob.post<{ callRef: string }>("telephony", "calls", { deviceId: "10002", callee: "10003" })
  ).body.callRef;
  await carolEvents.next((e) => e.eventName === "OnCallCreated");
  await bobEvents.next((e) => e.eventName === "OnCallCreated");
});
afterAll(async () => sb?.stop());

async function refused(c: O2gClient, method: "GET" | "POST" | "PUT" | "DELETE", url: string, body?: unknown) {
  const r = await c.send<{ code: number; helpMessage: string }>(method, url, body);
  expect([403, 404]).toContain(r.status);
  expect(r.body.code).toBe(r.status);
  return r.body.helpMessage;
}

describe("another user's call", () => {
  it.each([
    ["release", "DELETE", ""],
    ["answer", "POST", "/answer"],
    ["hold", "POST", "/hold"],
    ["drop me", "POST", "/dropme"],
  ] as const)(
    "cannot be acted on (%s): the gateway refuses it, the switch is not asked",
    async (_what, method, path) => {
      const msg = await refused(
        mallory,
        method,
        mallory.url("telephony", `calls/${bobsCall}${path}`),
        method === "POST" ? { deviceId: "10001" } : undefined,
      );
      // The gateway's own words: not a CSTA failure relayed from the node.
      expect(msg).toBe(`no call ${bobsCall}`);
    },
  );

  it("is not listed nor readable", async () => {
    const own = await mallory.get<{ calls: { callRef: string }[] }>("telephony", "calls");
    expect(own.body.calls.map((c) => c.callRef)).not.toContain(bobsCall);
    await refused(mallory, "GET", mallory.url("telephony", `calls/${bobsCall}`));
    // Naming Bob, Mallory lists her own calls.
    const named = await mallory.get<{ calls: { callRef: string }[] }>("telephony", "calls", {
      loginName: bobLogin,
    });
    expect(named.body.calls.map((c) => c.callRef)).not.toContain(bobsCall);
    expect(named.body).toEqual(own.body);
  });

  it("is still up for its owner", async () => {
    const calls = await bob.get<{ calls: { callRef: string }[] }>("telephony", "calls");
    expect(calls.body.calls.map((c) => c.callRef)).toContain(bobsCall);
  });
});

describe("another user's services, named by loginName: ignored, the session's user acts", () => {
  it.each([
    ["routing state", "routing", ""],
    ["DND", "routing", "dnd"],
    ["forward", "routing", "forwardroute"],
    ["communication log", "comlog", ""],
    ["event summary", "eventsummary", ""],
    ["voice mailboxes", "voicemail", ""],
    ["telephonic state", "telephony", "state"],
  ])("%s: Mallory reads her own, never Bob's", async (_what, service, path) => {
    const named = await mallory.get(service, path, { loginName: bobLogin });
    expect(named.status).toBe(200);
    expect(named.body).toEqual((await mallory.get(service, path)).body);
    expect(JSON.stringify(named.body)).not.toContain(`"callRef":"${bobsCall}"`);
  });

  it("setting DND or a forward naming Bob sets Mallory's, and Bob's routing is unchanged", async () => {
    const before = (await bob.get("routing", "state")).body;
    const mine = (await mallory.get("routing", "state")).body;
    await mallory.post("routing", "dnd", undefined, { loginName: bobLogin });
    // As the SDK's forwardOnNumber sends it.
    await mallory.post(
      "routing",
      "forwardroute",
      { forwardRoute: { forwardType: "IMMEDIATE", destinations: [{ type: "NUMBER", number: "10004" }] } },
      { loginName: bobLogin },
    );
    // The node reports the change, which the gateway's state follows.
    let now = mine;
    for (let i = 0; i < 50 && JSON.stringify(now) === JSON.stringify(mine); i++) {
      await new Promise((r) => setTimeout(r, 20));
      now = (await mallory.get("routing", "state")).body;
    }
    expect(now).not.toEqual(mine);
    expect((await bob.get("routing", "state")).body).toEqual(before);
    await mallory.del("routing", "dnd");
    await mallory.del("routing", "forwardroute");
  });

  it("another user's phone set cannot be programmed", async () => {
    await refused(mallory, "GET", mallory.url("phonesetprogramming", `${bobLogin}/devices`));
    await refused(mallory, "PUT", mallory.url("phonesetprogramming", `${bobLogin}/devices/10002/pin`), {
      Pin_Number: "1234",
    });
  });
});

describe("another user's records and subscriptions", () => {
  it("a communication log record of Bob's is neither readable nor deletable", async () => {
    await bob.del("telephony", `calls/${bobsCall}`);
    const created = await bobEvents.next((e) => e.eventName === "OnComRecordCreated");
    const id = (created.record as { recordId: number }).recordId;
    await refused(mallory, "GET", mallory.url("comlog", String(id)));
    await refused(mallory, "DELETE", mallory.url("comlog", String(id)));
    expect((await bob.get<{ recordId: number }>("comlog", String(id))).body.recordId).toBe(id);
  });

  it("Bob's subscription is neither readable nor deletable, and still delivers", async () => {
    await refused(mallory, "GET", mallory.url("subscriptions", bobEvents.subscriptionId));
    await refused(mallory, "DELETE", mallory.url("subscriptions", bobEvents.subscriptionId));
    const r = await mallory.send<{ status?: string }>("POST", mallory.url("subscriptions"), {
      filter: { selectors: [{ ids: [bobLogin], names: ["telephony"] }] },
      version: "1.0",
      timeout: 0,
    });
    expect(r.status === 403 || r.body.status !== "ACCEPTED").toBe(true);
    await bob.post("telephony", "calls", { deviceId: "10002", callee: "10004" });
    await bobEvents.next((e) => e.eventName === "OnCallCreated");
  });
});
