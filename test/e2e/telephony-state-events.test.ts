/**
 * Three events the SDK registers and the gateway now sends: OnDeviceStateModified (the node's CTI
 * link drops: the user's sets are out of service, back in service when it returns),
 * OnDynamicStateChanged (the set's lock, camp-on or associate changed on the node) and
 * OnComRecordModified (a communication log record acknowledged, as it now is).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { O2gClient, O2gEvent } from "../../scenarios/o2g-client/index.js";
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

describe("OnDynamicStateChanged", () => {
  it("tells the user their set was locked, and camp-on turned on", async () => {
    const alice = await sb.loginUser("10001");
    const events = await alice.subscribe([{ names: ["telephony"] }]);
    await admin.put("phonesetprogramming", "oxe10001/devices/10001/lock", undefined, { activate: "true" });
    expect(await events.next((e: O2gEvent) => e.eventName === "OnDynamicStateChanged")).toEqual({
      eventName: "OnDynamicStateChanged",
      loginName: "oxe10001",
    });
    const state = await admin.get<{ lock: boolean }>(
      "phonesetprogramming",
      "oxe10001/devices/10001/dynamicState",
    );
    expect(state.body.lock).toBe(true);
    await admin.put("phonesetprogramming", "oxe10001/devices/10001/campon", undefined, { activate: "true" });
    await events.next((e: O2gEvent) => e.eventName === "OnDynamicStateChanged");
    // A name change is not a dynamic state change.
    const n = events.events.filter((e) => e.eventName === "OnDynamicStateChanged").length;
    await admin.put("pbxmanagement", "1/instances/Subscriber/10001", {
      attributes: [{ name: "Annu_Name", value: ["Other"] }],
    });
    const user = await alice.subscribe([{ names: ["user"] }]);
    await admin.put("pbxmanagement", "1/instances/Subscriber/10001", {
      attributes: [{ name: "Annu_Name", value: ["Again"] }],
    });
    await user.next((e: O2gEvent) => e.eventName === "OnUserInfoChanged");
    expect(events.events.filter((e) => e.eventName === "OnDynamicStateChanged").length).toBe(n);
    events.close();
    user.close();
  });
});

describe("OnComRecordModified", () => {
  it("carries the record as acknowledged", async () => {
    const alice = await sb.loginUser("10002");
    const bob = await sb.loginUser("10003");
    const eb = await bob.subscribe([{ names: ["telephony", "unifiedComLog"] }]);
    const call = (
      await alice.post<{ callRef: string }>("telephony", "calls", { deviceId: "10002", callee: "10003" })
    ).body;
    await eb.next((e) => e.eventName === "OnCallCreated");
    await alice.del("telephony", `calls/${call.callRef}`);
    const created = await eb.next((e) => e.eventName === "OnComRecordCreated");
    const record = created.record as { recordId: number; acknowledged: boolean };
    expect(record.acknowledged).toBe(false);
    await bob.put("comlog", "", { recordIds: [String(record.recordId)] }, { acknowledge: "true" });
    const modified = await eb.next((e) => e.eventName === "OnComRecordModified");
    expect(modified).toMatchObject({
      loginName: "oxe10003",
      record: { recordId: record.recordId, acknowledged: true },
    });
    eb.close();
  });
});

describe("OnDeviceStateModified", () => {
  it("says the sets are out of service while the CTI link is down, and back after", async () => {
    const alice = await sb.loginUser("10004");
    const events = await alice.subscribe([{ names: ["telephony"] }]);
    const csta = sb.emulator.node(1).csta;
    csta.faults.refuseUntil = Date.now() + 60_000;
    csta.dropLinks();
    const down = await events.next((e: O2gEvent) => e.eventName === "OnDeviceStateModified");
    expect(down).toEqual({
      eventName: "OnDeviceStateModified",
      loginName: "oxe10004",
      deviceStates: [{ deviceId: "10004", state: "OUT_OF_SERVICE" }],
    });
    expect((await alice.get<{ state: string }>("telephony", "devices/10004")).body.state).toBe(
      "OUT_OF_SERVICE",
    );
    csta.faults.refuseUntil = 0;
    const up = await events.next((e: O2gEvent) => e.eventName === "OnDeviceStateModified", 15_000);
    expect(up).toMatchObject({ deviceStates: [{ deviceId: "10004", state: "IN_SERVICE" }] });
    expect((await alice.get<{ state: string }>("telephony", "devices/10004")).body.state).toBe("IN_SERVICE");
    events.close();
  });
});
