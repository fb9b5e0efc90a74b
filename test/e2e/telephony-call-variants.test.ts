/**
 * The make-call variants and the call options the SDK documents, end to end as the SDK sends
 * them: makePrivateCall (the node checks the PIN, the ticket says private), makeBusinessCall
 * (the account code must be a cost center, the ticket is charged to it), makeCallEx (the callee
 * is shown the presented number, the node refuses one not its own; no ringback), anonymous
 * redirect and blind transfer (the new destination sees no number, in its call and its
 * communication log). Then who acts: an administrator on any device (device-addressed calls
 * carry no loginName), a user naming someone else (ignored, as documented), a user on another's
 * device (403), and an unknown participant (404).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChargingTicket } from "../../oxe-emulator/analytics/index.js";
import type { O2gClient, O2gEvent } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
let admin: O2gClient;
const tickets: ChargingTicket[] = [];

beforeAll(async () => {
  sb = await startSandbox();
  admin = await sb.loginAdmin();
  sb.emulator.nodes[0]!.analytics.charging.onTicket((t) => tickets.push(t));
});
afterAll(async () => {
  await sb?.stop();
});

const state = (e: O2gEvent) => (e.callData as { state?: string } | undefined)?.state;
type Participant = { participantId: string; anonymous: boolean; identity: { id: { phoneNumber?: string } } };
const participants = (e: O2gEvent) => e.participants as Participant[];

interface TelephonyError {
  code: number;
  httpStatus: string;
  telephony: { errorType: string; errorCause: string };
}

/** A request whose refusal the test looks at (the client's get/post throw on non-2xx). */
function attempt<T = TelephonyError>(
  c: O2gClient,
  method: "GET" | "POST" | "DELETE",
  path: string,
  body?: unknown,
  query: Record<string, string> = {},
) {
  return c.send<T>(method, c.url("telephony", path, query), body);
}

async function setPin(number: string, pin: { Pin_Number?: string; With_Secret_Code?: boolean }) {
  const r = await admin.put("phonesetprogramming", `oxe${number}/devices/${number}/pin`, pin);
  expect(r.status).toBe(204);
}

/** A call placed and answered, then released by the caller: its ticket. */
async function callAndHangUp(caller: O2gClient, from: string, to: O2gClient, body: Record<string, unknown>) {
  const ec = await to.subscribe([{ names: ["telephony"] }]);
  const r = await caller.post<{ callRef: string }>("telephony", "calls", { deviceId: from, ...body });
  expect(r.status).toBe(200);
  const created = await ec.next((e) => e.eventName === "OnCallCreated");
  await to.post("telephony", `calls/${created.callRef}/answer`, { deviceId: to.login.slice(3) });
  await ec.next((e) => e.eventName === "OnCallModified" && state(e) === "ACTIVE");
  const before = tickets.length;
  await caller.del("telephony", `calls/${r.body.callRef}`);
  await ec.next((e) => e.eventName === "OnCallRemoved");
  ec.close();
  await until(() => tickets.length > before);
  return tickets.at(-1)!;
}

async function until(ok: () => boolean) {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(ok()).toBe(true);
}

describe("makePrivateCall", () => {
  it("refuses a wrong PIN with the node's reason, and nothing rings", async () => {
    await setPin("10001", { Pin_Number: "1234", With_Secret_Code: false });
    const alice = await sb.loginUser("10001");
    const bob = await sb.loginUser("10002");
    const r = await attempt(alice, "POST", "calls", {
      deviceId: "10001",
      callee: "10002",
      pin: "9999",
    });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({
      code: 403,
      httpStatus: "FORBIDDEN",
      telephony: { errorType: "UNAUTHORIZED", errorCause: "INVALID_DATA" },
    });
    expect((await bob.get<{ calls: unknown[] }>("telephony", "calls")).body.calls).toEqual([]);
    // A set without a PIN places no private call at all.
    const carol = await sb.loginUser("10003");
    const none = await attempt(carol, "POST", "calls", { deviceId: "10003", callee: "10002", pin: "0000" });
    expect(none.status).toBe(403);
  });

  it("places the call with the right PIN; the charging ticket marks it private", async () => {
    const alice = await sb.loginUser("10001");
    const bob = await sb.loginUser("10002");
    const t = await callAndHangUp(alice, "10001", bob, { callee: "10002", pin: "1234" });
    expect(t).toMatchObject({ caller: "10001", called: "10002", privateCall: true });
  });

  it("asks the secret code (the user's personal code) when the PIN is set with one", async () => {
    await setPin("10001", { With_Secret_Code: true });
    const alice = await sb.loginUser("10001");
    const bob = await sb.loginUser("10002");
    const without = await attempt(alice, "POST", "calls", {
      deviceId: "10001",
      callee: "10002",
      pin: "1234",
    });
    expect(without.status).toBe(403);
    const wrong = await attempt(alice, "POST", "calls", {
      deviceId: "10001",
      callee: "10002",
      pin: "1234",
      secretCode: "1111",
    });
    expect(wrong.status).toBe(403);
    const password = sb.emulator.directory.options.password;
    const t = await callAndHangUp(alice, "10001", bob, {
      callee: "10002",
      pin: "1234",
      secretCode: password,
    });
    expect(t.privateCall).toBe(true);
    const bad = await attempt(alice, "POST", "calls", {
      deviceId: "10001",
      callee: "10002",
      secretCode: "1",
    });
    expect(bad.status).toBe(400);
  });
});

describe("makeBusinessCall", () => {
  const costCenter = () => {
    const s = sb.emulator.directory.byNode.get(1)!.find((x) => x.costCenter > 0 && x.costCenter < 999)!;
    return s.costCenter;
  };

  it("refuses an account code that is no cost center of the node", async () => {
    const alice = await sb.loginUser("10004");
    const r = await attempt(alice, "POST", "calls", {
      deviceId: "10004",
      callee: "10005",
      businessCode: "999",
    });
    expect(r.status).toBe(400);
    expect(r.body.telephony).toMatchObject({ errorType: "BAD_PARAMETER_VALUE", errorCause: "INVALID_DATA" });
  });

  it("charges the call to the cost center the code names", async () => {
    const alice = await sb.loginUser("10004");
    const bob = await sb.loginUser("10005");
    const cc = costCenter();
    const t = await callAndHangUp(alice, "10004", bob, { callee: "10005", businessCode: String(cc) });
    expect(t).toMatchObject({ caller: "10004", costCenter: cc, accountCode: String(cc) });
    expect(t.privateCall).toBeUndefined();
  });
});

describe("makeCallEx", () => {
  it("shows the callee the presented number, a number of the node", async () => {
    const alice = await sb.loginUser("10006");
    const bob = await sb.loginUser("10007");
    const eb = await bob.subscribe([{ names: ["telephony"] }]);
    const r = await alice.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10006",
      callee: "10007",
      callingNumber: "10040",
      inhibitProgressTone: true,
    });
    expect(r.status).toBe(200);
    const created = await eb.next((e) => e.eventName === "OnCallCreated");
    expect(participants(created)).toEqual([
      expect.objectContaining({
        anonymous: false,
        identity: expect.objectContaining({ id: expect.objectContaining({ phoneNumber: "10040" }) }),
      }),
    ]);
    // The node plays the caller no ringback.
    const call = sb.emulator.network.devices.get("10006")!.connections[0]!.call;
    expect(call.progressToneInhibited).toBe(true);
    await alice.del("telephony", `calls/${r.body.callRef}`);
    await eb.next((e) => e.eventName === "OnCallRemoved");
    eb.close();
  });

  it("is refused a number that is not the node's to present", async () => {
    const alice = await sb.loginUser("10006");
    const r = await attempt(alice, "POST", "calls", {
      deviceId: "10006",
      callee: "10007",
      callingNumber: "0145678900",
    });
    expect(r.status).toBe(403);
    expect(r.body.telephony.errorCause).toBe("INVALID_CALLING");
    const bad = await attempt(alice, "POST", "calls", {
      deviceId: "10006",
      callee: "10007",
      callingNumber: "abc",
    });
    expect(bad.status).toBe(400);
  });
});

describe("anonymous", () => {
  it("blind transfer: the new destination sees no number, in the call and in its log", async () => {
    const alice = await sb.loginUser("10010");
    const bob = await sb.loginUser("10011");
    const carol = await sb.loginUser("10012");
    const [eb, ec] = await Promise.all(
      [bob, carol].map((c) => c.subscribe([{ names: ["telephony", "unifiedComLog"] }])),
    );
    const call = (
      await alice.post<{ callRef: string }>("telephony", "calls", { deviceId: "10010", callee: "10011" })
    ).body;
    const ringing = await eb!.next((e) => e.eventName === "OnCallCreated");
    await bob.post("telephony", `calls/${ringing.callRef}/answer`, { deviceId: "10011" });
    await eb!.next((e) => e.eventName === "OnCallModified" && state(e) === "ACTIVE");
    const t = await bob.post("telephony", `calls/${ringing.callRef}/blindtransfer`, {
      transferTo: "10012",
      anonymous: true,
    });
    expect(t.status).toBe(204);
    const created = await ec!.next((e) => e.eventName === "OnCallCreated");
    expect(participants(created)).toEqual([expect.objectContaining({ anonymous: true })]);
    expect(participants(created)[0]!.identity.id).toEqual({});
    expect(created.callData).toMatchObject({ anonymous: true });
    expect(JSON.stringify(created.callData)).not.toContain("10011");
    expect(JSON.stringify(participants(created).map((p) => p.identity))).not.toContain("10010");
    await carol.post("telephony", `calls/${created.callRef}/answer`, { deviceId: "10012" });
    await ec!.next((e) => e.eventName === "OnCallModified" && state(e) === "ACTIVE");
    await alice.del("telephony", `calls/${call.callRef}`);
    const record = await ec!.next((e) => e.eventName === "OnComRecordCreated");
    const others = (
      record.record as { participants: { identity: { id: { phoneNumber?: string } } }[] }
    ).participants.slice(1);
    expect(others.map((p) => p.identity.id.phoneNumber)).not.toContain("10010");
    eb!.close();
    ec!.close();
  });

  it("redirect: the new destination sees no number", async () => {
    const alice = await sb.loginUser("10013");
    const bob = await sb.loginUser("10014");
    const dave = await sb.loginUser("10015");
    const [eb, ed] = await Promise.all([bob, dave].map((c) => c.subscribe([{ names: ["telephony"] }])));
    const call = (
      await alice.post<{ callRef: string }>("telephony", "calls", { deviceId: "10013", callee: "10014" })
    ).body;
    const ringing = await eb!.next((e) => e.eventName === "OnCallCreated");
    const r = await bob.post("telephony", `calls/${ringing.callRef}/redirect`, {
      redirectTo: "10015",
      anonymous: true,
    });
    expect(r.status).toBe(204);
    const created = await ed!.next((e) => e.eventName === "OnCallCreated");
    expect(participants(created)).toEqual([expect.objectContaining({ anonymous: true })]);
    expect(JSON.stringify(created)).not.toMatch(/"phoneNumber":"100(13|14)"/);
    await alice.del("telephony", `calls/${call.callRef}`);
    await ed!.next((e) => e.eventName === "OnCallRemoved");
    eb!.close();
    ed!.close();
  });

  it("a plain redirect still shows the caller", async () => {
    const alice = await sb.loginUser("10016");
    const bob = await sb.loginUser("10017");
    const dave = await sb.loginUser("10018");
    const [eb, ed] = await Promise.all([bob, dave].map((c) => c.subscribe([{ names: ["telephony"] }])));
    const call = (
      await alice.post<{ callRef: string }>("telephony", "calls", { deviceId: "10016", callee: "10017" })
    ).body;
    const ringing = await eb!.next((e) => e.eventName === "OnCallCreated");
    await bob.post("telephony", `calls/${ringing.callRef}/redirect`, { redirectTo: "10018" });
    const created = await ed!.next((e) => e.eventName === "OnCallCreated");
    expect(participants(created)).toEqual([
      expect.objectContaining({
        anonymous: false,
        identity: expect.objectContaining({ id: expect.objectContaining({ phoneNumber: "10016" }) }),
      }),
    ]);
    await alice.del("telephony", `calls/${call.callRef}`);
    await ed!.next((e) => e.eventName === "OnCallRemoved");
    eb!.close();
    ed!.close();
  });
});

describe("who acts", () => {
  it("an administrator acts on any device with the device-addressed calls", async () => {
    const bob = await sb.loginUser("10021");
    const eb = await bob.subscribe([{ names: ["telephony"] }]);
    const made = await admin.post<{ callRef: string }>("telephony", "basicCall", {
      deviceId: "10020",
      callee: "10021",
    });
    expect(made.status).toBe(200);
    await eb.next((e) => e.eventName === "OnCallCreated");
    expect((await admin.post("telephony", "basicCall/answer", { deviceId: "10021" })).status).toBe(204);
    await eb.next((e) => e.eventName === "OnCallModified" && state(e) === "ACTIVE");
    const dtmf = await admin.post("telephony", `calls/${made.body.callRef}/sendDtmf`, {
      deviceId: "10020",
      number: "12#",
    });
    expect(dtmf.status).toBe(204);
    expect((await admin.get<{ state: string }>("telephony", "devices/10021")).body.state).toBe("IN_SERVICE");
    const unknown = await attempt(admin, "POST", "basicCall", {
      deviceId: "99999",
      callee: "10021",
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe(404);
    await bob.del("telephony", `calls/${made.body.callRef}`);
    await eb.next((e) => e.eventName === "OnCallRemoved");
    eb.close();
  });

  it("a user never acts on another's device", async () => {
    const alice = await sb.loginUser("10022");
    const r = await attempt(alice, "POST", "basicCall", {
      deviceId: "10023",
      callee: "10024",
    });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe(403);
    expect(sb.emulator.network.devices.get("10023")!.connections).toEqual([]);
  });

  it("a user naming someone else's loginName acts as themself", async () => {
    const alice = await sb.loginUser("10025");
    const bob = await sb.loginUser("10026");
    const ea = await alice.subscribe([{ names: ["telephony"] }]);
    // Bob has a call; Alice, naming Bob, sees her own (none) and places her own.
    const bobs = (
      await bob.post<{ callRef: string }>("telephony", "calls", { deviceId: "10026", callee: "10027" })
    ).body;
    const seen = await alice.get<{ calls: unknown[] }>("telephony", "calls", { loginName: bob.login });
    expect(seen.status).toBe(200);
    expect(seen.body.calls).toEqual([]);
    const made = await alice.post<{ callRef: string }>(
      "telephony",
      "calls",
      { deviceId: "10025", callee: "10028" },
      { loginName: bob.login },
    );
    expect(made.status).toBe(200);
    await ea.next((e) => e.eventName === "OnCallCreated" && e.callRef === made.body.callRef);
    const mine = await alice.get<{ calls: { callRef: string }[] }>("telephony", "calls", {
      loginName: bob.login,
    });
    expect(mine.body.calls.map((c) => c.callRef)).toEqual([made.body.callRef]);
    await alice.del("telephony", `calls/${made.body.callRef}`, { loginName: bob.login });
    await bob.del("telephony", `calls/${bobs.callRef}`);
    ea.close();
  });

  it("answers 404 for a participant the call does not have", async () => {
    const alice = await sb.loginUser("10030");
    const ea = await alice.subscribe([{ names: ["telephony"] }]);
    const made = (
      await alice.post<{ callRef: string }>("telephony", "calls", { deviceId: "10030", callee: "10031" })
    ).body;
    await ea.next((e) => e.eventName === "OnCallModified" || e.eventName === "OnCallCreated");
    const r = await attempt(alice, "GET", `calls/${made.callRef}/participants/10099`);
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ code: 404, httpStatus: "NOT_FOUND" });
    const d = await attempt(alice, "DELETE", `calls/${made.callRef}/participants/10099`);
    expect(d.status).toBe(404);
    await alice.del("telephony", `calls/${made.callRef}`);
    ea.close();
  });
});
