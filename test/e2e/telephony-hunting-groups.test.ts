/**
 * Hunting groups end to end, driven as the SDK drives them (its telephony-rest.ts paths, query
 * and bodies): the groups of the node and the user's own, joining and leaving one, logging on
 * and off, over the node's CMIP link; and calls to a group's number ringing its members as its
 * mode says, logged-off members skipped. The sandbox node's seeded groups: 6011 Sequential
 * (10041-10043), 6012 Circular (10044-10046), 6013 Parallel (10047-10049).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { O2gClient, O2gEvent } from "../../scenarios/o2g-client/index.js";
import { telephony } from "../support/events.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(async () => {
  await sb?.stop();
});

const GROUPS = ["6011", "6012", "6013"];
const state = (e: O2gEvent) => (e.callData as { state?: string } | undefined)?.state;
const errorOf = (body: unknown) => body as { httpStatus: string; code: number; helpMessage: string };

describe("the groups of the node", () => {
  it("lists the node's groups and the member's own group", async () => {
    const m = await sb.loginUser("10042");
    expect((await m.get("telephony", "huntingGroups")).body).toEqual({ hgList: GROUPS, currentHg: "6011" });
    const other = await sb.loginUser("10020");
    expect((await other.get("telephony", "huntingGroups")).body).toEqual({ hgList: GROUPS });
  });

  it("answers an administrator for the user it names, and asks it to name one", async () => {
    const admin = await sb.loginAdmin();
    const r = await admin.get("telephony", "huntingGroups", { loginName: "oxe10048" });
    expect(r.body).toEqual({ hgList: GROUPS, currentHg: "6013" });
    const bare = await admin.send("GET", admin.url("telephony", "huntingGroupLogOn"));
    expect(bare.status).toBe(400);
    const unknown = await admin.send("GET", admin.url("telephony", "huntingGroups", { loginName: "nobody" }));
    expect(unknown.status).toBe(404);
  });
});

describe("log on and off", () => {
  it("logs the member off and on its group; twice does nothing more", async () => {
    const m = await sb.loginUser("10043");
    const events = await m.subscribe([{ names: ["telephony"] }]);
    const status = async () => (await m.get<{ logon: boolean }>("telephony", "huntingGroupLogOn")).body;
    expect(await status()).toEqual({ logon: true });
    expect((await m.send("DELETE", m.url("telephony", "huntingGroupLogOn"))).status).toBe(204);
    expect(await status()).toEqual({ logon: false });
    // The node reports the change; the user is told (the SDK's OnDynamicStateChanged).
    const told = await events.next((e) => e.eventName === "OnDynamicStateChanged");
    expect(told).toMatchObject({ loginName: "oxe10043", huntingGroupState: { logon: false } });
    // The node holds it: its CMIP member object says so.
    expect(sb.emulator.network.huntingGroups.get("6011")!.members[2]).toEqual({
      number: "10043",
      loggedOn: false,
    });
    expect((await m.send("DELETE", m.url("telephony", "huntingGroupLogOn"))).status).toBe(204);
    expect(await status()).toEqual({ logon: false });
    expect((await m.send("POST", m.url("telephony", "huntingGroupLogOn"))).status).toBe(204);
    expect((await m.send("POST", m.url("telephony", "huntingGroupLogOn"))).status).toBe(204);
    expect(await status()).toEqual({ logon: true });
    await events.next((e) => e.eventName === "OnDynamicStateChanged" && e.huntingGroupState !== undefined);
    // Twice off, twice on: one change each way, nothing for the calls that did nothing.
    expect(
      events.events
        .filter((e) => e.eventName === "OnDynamicStateChanged")
        .map((e) => (e.huntingGroupState as { logon: boolean }).logon),
    ).toEqual([false, true]);
  });

  it("refuses the log-on calls of a user in no group with a 409", async () => {
    const u = await sb.loginUser("10021");
    for (const method of ["GET", "POST", "DELETE"] as const) {
      const r = await u.send(method, u.url("telephony", "huntingGroupLogOn"));
      expect({ method, status: r.status }).toEqual({ method, status: 409 });
      expect(errorOf(r.body)).toMatchObject({ httpStatus: "CONFLICT", code: 409 });
      expect(errorOf(r.body).helpMessage).toMatch(/not a member of any hunting group/);
    }
  });

  it("never acts on another user named by a user session", async () => {
    const u = await sb.loginUser("10022");
    const r = await u.send("DELETE", u.url("telephony", "huntingGroupLogOn", { loginName: "oxe10045" }));
    // Forbidden, or (as the SDK documents it) the loginName ignored: 10022 is in no group.
    expect([403, 409]).toContain(r.status);
    expect(sb.emulator.network.huntingGroups.get("6012")!.members[1]).toEqual({
      number: "10045",
      loggedOn: true,
    });
  });
});

describe("joining and leaving a group", () => {
  it("adds the user to a group of the node and removes them", async () => {
    const u = await sb.loginUser("10023");
    const hg = async () => (await u.get<{ currentHg?: string }>("telephony", "huntingGroups")).body.currentHg;
    expect((await u.send("POST", u.url("telephony", "huntingGroupMember/6012"))).status).toBe(204);
    expect(await hg()).toBe("6012");
    expect(sb.emulator.network.huntingGroups.get("6012")!.members.map((m) => m.number)).toEqual([
      "10044",
      "10045",
      "10046",
      "10023",
    ]);
    // Already a member: nothing to do.
    expect((await u.send("POST", u.url("telephony", "huntingGroupMember/6012"))).status).toBe(204);
    // A set belongs to one group.
    const second = await u.send("POST", u.url("telephony", "huntingGroupMember/6013"));
    expect(second.status).toBe(409);
    expect(errorOf(second.body).helpMessage).toMatch(/member of hunting group 6012/);
    // Not a member of 6013: removing does nothing.
    expect((await u.send("DELETE", u.url("telephony", "huntingGroupMember/6013"))).status).toBe(204);
    expect(await hg()).toBe("6012");
    expect((await u.send("DELETE", u.url("telephony", "huntingGroupMember/6012"))).status).toBe(204);
    expect(await hg()).toBeUndefined();
    expect(sb.emulator.network.huntingGroups.groupOf("10023")).toBeUndefined();
  });

  it("answers 404 for a group the node does not have, 400 for what is no group number", async () => {
    const u = await sb.loginUser("10024");
    for (const method of ["POST", "DELETE"] as const) {
      const r = await u.send(method, u.url("telephony", "huntingGroupMember/6099"));
      expect(r.status).toBe(404);
      expect(errorOf(r.body)).toMatchObject({ httpStatus: "NOT_FOUND", code: 404 });
      expect(errorOf(r.body).helpMessage).toMatch(/no hunting group 6099/);
    }
    expect((await u.send("POST", u.url("telephony", "huntingGroupMember/10025"))).status).toBe(404);
    expect((await u.send("POST", u.url("telephony", "huntingGroupMember/abc"))).status).toBe(400);
  });

  it("lets an administrator add the user it names", async () => {
    const admin = await sb.loginAdmin();
    await admin.post("telephony", "huntingGroupMember/6013", undefined, { loginName: "oxe10025" });
    expect(sb.emulator.network.huntingGroups.groupOf("10025")?.number).toBe("6013");
    await admin.del("telephony", "huntingGroupMember/6013", { loginName: "oxe10025" });
    expect(sb.emulator.network.huntingGroups.groupOf("10025")).toBeUndefined();
  });
});

describe("calls to a group", () => {
  async function users(...numbers: string[]) {
    const out: { c: O2gClient; e: Awaited<ReturnType<O2gClient["subscribe"]>> }[] = [];
    for (const n of numbers) {
      const c = await sb.loginUser(n);
      out.push({ c, e: await c.subscribe([{ names: ["telephony"] }]) });
    }
    return out;
  }

  it("sequential: the first logged-on member rings; logged off, it is skipped", async () => {
    const [caller, m1, m2] = await users("10030", "10041", "10042");
    const ref = (
      await caller!.c.post<{ callRef: string }>("telephony", "calls", { deviceId: "10030", callee: "6011" })
    ).body.callRef;
    const created = await m1!.e.next((e) => e.eventName === "OnCallCreated");
    expect(summarizeFirst(created)).toMatch(/legs=10041:RINGING_INCOMING parts=10030/);
    await m1!.c.post("telephony", `calls/${created.callRef}/answer`, { deviceId: "10041" });
    await caller!.e.next((e) => e.eventName === "OnCallModified" && state(e) === "ACTIVE");
    await caller!.c.del("telephony", `calls/${ref}`);
    await m1!.e.next((e) => e.eventName === "OnCallRemoved");

    await m1!.c.send("DELETE", m1!.c.url("telephony", "huntingGroupLogOn"));
    await caller!.c.post("telephony", "calls", { deviceId: "10030", callee: "6011" });
    const second = await m2!.e.next((e) => e.eventName === "OnCallCreated");
    expect(summarizeFirst(second)).toMatch(/legs=10042:RINGING_INCOMING/);
    expect(telephony(m1!.e.events).filter((x) => x.startsWith("OnCallCreated"))).toHaveLength(1);
    await caller!.c.del("telephony", `calls/${second.callRef}`);
    await m2!.e.next((e) => e.eventName === "OnCallRemoved");
    await m1!.c.send("POST", m1!.c.url("telephony", "huntingGroupLogOn"));
  });

  it("circular: a member turning it down passes it on; the next call starts after who took it", async () => {
    const [caller, p, r, t] = await users("10032", "10044", "10045", "10046");
    const ref = (
      await caller!.c.post<{ callRef: string }>("telephony", "calls", { deviceId: "10032", callee: "6012" })
    ).body.callRef;
    await p!.e.next((e) => e.eventName === "OnCallCreated");
    // Paul turns it down (release of his ringing call): the group moves it on to Rita.
    await p!.c.del("telephony", `calls/${ref}`);
    const rung = await r!.e.next((e) => e.eventName === "OnCallCreated");
    expect(summarizeFirst(rung)).toMatch(
      /DISTRIBUTED legs=10045:RINGING_INCOMING parts=10032:RINGING_OUTGOING/,
    );
    await r!.c.post("telephony", `calls/${ref}/answer`, { deviceId: "10045" });
    await caller!.e.next((e) => e.eventName === "OnCallModified" && state(e) === "ACTIVE");
    // The caller kept the call throughout.
    expect(telephony(caller!.e.events).filter((x) => x.startsWith("OnCallRemoved"))).toEqual([]);
    await caller!.c.del("telephony", `calls/${ref}`);
    await r!.e.next((e) => e.eventName === "OnCallRemoved");

    await caller!.c.post("telephony", "calls", { deviceId: "10032", callee: "6012" });
    const next = await t!.e.next((e) => e.eventName === "OnCallCreated");
    expect(summarizeFirst(next)).toMatch(/legs=10046:RINGING_INCOMING/);
    expect(telephony(p!.e.events).filter((x) => x.startsWith("OnCallCreated"))).toHaveLength(1);
    await caller!.c.del("telephony", `calls/${next.callRef}`);
    await t!.e.next((e) => e.eventName === "OnCallRemoved");
  });

  it("parallel: every member rings, the first to answer takes it, the others stop", async () => {
    const [caller, a, b, c] = await users("10031", "10047", "10048", "10049");
    const ref = (
      await caller!.c.post<{ callRef: string }>("telephony", "calls", { deviceId: "10031", callee: "6013" })
    ).body.callRef;
    const rung = await Promise.all([a, b, c].map((m) => m!.e.next((e) => e.eventName === "OnCallCreated")));
    expect(rung.map((e) => (e.legs as { deviceId: string }[])[0]!.deviceId)).toEqual([
      "10047",
      "10048",
      "10049",
    ]);
    await b!.c.post("telephony", `calls/${rung[1]!.callRef}/answer`, { deviceId: "10048" });
    await a!.e.next((e) => e.eventName === "OnCallRemoved");
    await c!.e.next((e) => e.eventName === "OnCallRemoved");
    await caller!.e.next((e) => e.eventName === "OnCallModified" && state(e) === "ACTIVE");
    const parts = await caller!.c.get<{ participants: { participantId: string; state: string }[] }>(
      "telephony",
      `calls/${ref}/participants`,
    );
    expect(parts.body.participants).toEqual([
      expect.objectContaining({ participantId: "10048", state: "ACTIVE" }),
    ]);
    await caller!.c.del("telephony", `calls/${ref}`);
    await b!.e.next((e) => e.eventName === "OnCallRemoved");
    // Each member is offered the call by the group (cause DISTRIBUTED); the others stop ringing
    // before the answer is seen, so the call is never two answered parties and a ringing one.
    expect(telephony(a!.e.events)).toEqual([
      `OnCallCreated ${ref} DISTRIBUTED legs=10047:RINGING_INCOMING parts=10031:RINGING_OUTGOING`,
      "OnUserStateModified BUSY",
      `OnCallModified ${ref} DISTRIBUTED +parts=10048:RINGING_INCOMING`,
      `OnCallModified ${ref} DISTRIBUTED +parts=10049:RINGING_INCOMING`,
      `OnCallRemoved ${ref} CLEARED`,
      "OnUserStateModified FREE",
    ]);
    expect(telephony(b!.e.events).slice(3, 6)).toEqual([
      `OnCallModified ${ref} PARTICIPANT_LEFT -parts=10047`,
      `OnCallModified ${ref} PARTICIPANT_LEFT -parts=10049`,
      `OnCallModified ${ref} UNKNOWN ~legs=10048:ACTIVE ~parts=10031:ACTIVE`,
    ]);
  });
});

function summarizeFirst(e: O2gEvent): string {
  return telephony([e])[0]!;
}
