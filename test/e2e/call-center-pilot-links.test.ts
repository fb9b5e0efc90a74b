/**
 * CallCenterPilot beyond one link's life: the `pilot` package goes to the subscriptions whose
 * selector names the pilot (all pilots with no ids), and a monitored pilot is monitored again
 * after the node's CSTA link comes back (a switchover to the standby), with no new request.
 *
 * The sandbox: 100 users, a fifth of them operators: 10000..10009 in processing group 7501
 * (pilot 7001), 10010..10019 in 7502 (pilot 7002); the node a main / standby pair.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { O2gEvent } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
const FAST = { links: { heartbeatMs: 250, heartbeatMisses: 2, reconnectMinMs: 50, reconnectMaxMs: 500 } };
beforeAll(async () => {
  sb = await startSandbox({ users: 100, agents: 0.2, ccdWrapUpMs: 0, redundant: true }, FAST);
});
afterAll(async () => {
  await sb?.stop();
});

const created = (pilot: string) => (e: O2gEvent) => e.eventName === "OnPilotCallCreated" && e.pilot === pilot;
const pilotsOf = (events: O2gEvent[]) =>
  [...new Set(events.filter((e) => String(e.eventName).startsWith("OnPilot")).map((e) => e.pilot))].sort();

describe("CallCenterPilot events and links", () => {
  it("filters the pilot package by the selector's pilot numbers, and survives a switchover", async () => {
    expect([...sb.emulator.ccd!.pilots.keys()]).toEqual(["7001", "7002"]);
    const admin = await sb.loginAdmin();
    const sys = await admin.subscribe([{ names: ["system"] }]);
    const only7001 = await admin.subscribe([{ ids: ["7001"], names: ["pilot"] }]);
    const only7002 = await admin.subscribe([{ ids: ["7002"], names: ["pilot"] }]);
    const every = await admin.subscribe([{ names: ["pilot"] }]);
    const star = await admin.subscribe([{ ids: ["*"], names: ["pilot"] }]);
    expect((await admin.post("acdpilotmonitoring", "7001")).status).toBe(204);
    expect((await admin.post("acdpilotmonitoring", "7002")).status).toBe(204);

    // An agent paused in each group: calls to both pilots wait queued.
    const a1 = await sb.loginUser("10004");
    const a2 = await sb.loginUser("10013");
    await a1.post("acdagent", "logon", { proAcdDeviceNumber: "10004", pgGroupNumber: "7501" });
    await a2.post("acdagent", "logon", { proAcdDeviceNumber: "10013", pgGroupNumber: "7502" });
    const c1 = await sb.loginUser("10050");
    const c2 = await sb.loginUser("10051");
    const m1 = await c1.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10050",
      callee: "7001",
    });
    const m2 = await c2.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10051",
      callee: "7002",
    });
    expect([m1.status, m2.status]).toEqual([200, 200]);

    await only7001.next(created("7001"));
    await only7002.next(created("7002"));
    await every.next(created("7001"));
    await every.next(created("7002"));
    await star.next(created("7002"));
    await star.next(created("7001"));
    expect(pilotsOf(only7001.events)).toEqual(["7001"]);
    expect(pilotsOf(only7002.events)).toEqual(["7002"]);
    await c1.del("telephony", `calls/${m1.body.callRef}`);
    await c2.del("telephony", `calls/${m2.body.callRef}`);
    await only7001.next((e) => e.eventName === "OnPilotCallRemoved" && e.cause === "ABANDONED");

    // The node switches over: its monitors are gone with the link, the pilots' too.
    sb.emulator.switchover(1, "clean");
    await sys.next((e) => e.eventName === "OnCtiLinkDown", 3000);
    await sys.next((e) => e.eventName === "OnCtiLinkUp", 5000);
    // the users' monitors and the two pilots', on the new main
    await until(() => sb.emulator.node(1).members[1]!.csta.monitors.size === 102);

    const again = await c1.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10050",
      callee: "7001",
    });
    expect(again.status).toBe(200);
    // (next() hands each event out once: this is the second call's)
    const after = await only7001.next(created("7001"), 3000);
    expect(after).toMatchObject({ pilot: "7001", caller: "10050", cause: "ACD_ENTER_DISTRIBUTION" });
    expect(pilotsOf(only7002.events)).toEqual(["7002"]);
    await c1.del("telephony", `calls/${again.body.callRef}`);

    // Stopping works on the restored monitor, and only once.
    expect((await admin.del("acdpilotmonitoring", "7001")).status).toBe(204);
    expect((await admin.del("acdpilotmonitoring", "7002")).status).toBe(204);
    expect((await admin.send("DELETE", admin.url("acdpilotmonitoring", "7001"))).status).toBe(404);
    await until(() => sb.emulator.node(1).members[1]!.csta.monitors.size === 100);
    await a1.post("acdagent", "logoff");
    await a2.post("acdagent", "logoff");
  });
});

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
