/**
 * Park and unpark end to end, driven as the SDK drives them: a user parks an answered call on
 * another set (CSTA ParkCall), the OXE holds it there, and that set's user takes it back
 * (unPark, CSTA AnswerCall on the queued connection). Bad requests get O2G's statuses.
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

const state = (e: O2gEvent) => (e.callData as { state?: string } | undefined)?.state;

async function answeredCall(a: O2gClient, b: O2gClient, from: string, to: string) {
  const [ea, eb] = await Promise.all([a, b].map((x) => x.subscribe([{ names: ["telephony"] }])));
  const callRef = (await a.post<{ callRef: string }>("telephony", "calls", { deviceId: from, callee: to }))
    .body.callRef;
  await eb!.next((e) => e.eventName === "OnCallCreated");
  await b.post("telephony", `calls/${callRef}/answer`, { deviceId: to });
  await ea!.next((e) => e.eventName === "OnCallModified" && state(e) === "ACTIVE");
  return { callRef, ea: ea!, eb: eb! };
}

describe("park and unpark", () => {
  it("parks an answered call on another set, which takes it back", async () => {
    const a = await sb.loginUser("10011");
    const b = await sb.loginUser("10012");
    const c = await sb.loginUser("10013");
    const ec = await c.subscribe([{ names: ["telephony"] }]);
    const { callRef, ea, eb } = await answeredCall(a, b, "10011", "10012");

    const parked = await a.post("telephony", `calls/${callRef}/park`, { parkTo: "10013" });
    expect(parked.status).toBe(204);
    await ea.next((e) => e.eventName === "OnCallRemoved" && e.callRef === callRef);
    const created = await ec.next((e) => e.eventName === "OnCallCreated");
    expect(created.callRef).toBe(callRef); // the OXE keeps the call's id
    const held = await c.get<{
      legs: { deviceId: string; state: string; capabilities: { retrieve: boolean } }[];
    }>("telephony", `calls/${callRef}/deviceLegs`);
    expect(held.body.legs).toMatchObject([
      { deviceId: "10013", state: "HELD", capabilities: { retrieve: false } },
    ]);
    // Bob, the parked party, is still in the call, now with the set it waits on.
    await eb.next((e) => e.eventName === "OnCallModified" && summary(e).includes("10013"));
    expect(telephony(eb.events).slice(-2)).toEqual([
      `OnCallModified ${callRef} PARKED -parts=10011`,
      `OnCallModified ${callRef} PARKED +parts=10013:HELD`,
    ]);

    expect((await c.post("telephony", "devices/10013/unpark", { heldCallRef: callRef })).status).toBe(204);
    await ec.next((e) => e.eventName === "OnCallModified" && state(e) === "ACTIVE");
    const now = await b.get<{ participants: { participantId: string; state: string }[] }>(
      "telephony",
      `calls/${callRef}/participants`,
    );
    expect(now.body.participants).toEqual([
      expect.objectContaining({ participantId: "10013", state: "ACTIVE" }),
    ]);

    await b.del("telephony", `calls/${callRef}`);
    await ec.next((e) => e.eventName === "OnCallRemoved");
    expect(telephony(ea.events).filter((x) => x.startsWith("OnCallRemoved"))).toEqual([
      `OnCallRemoved ${callRef} PARKED`,
    ]);
    expect(telephony(ec.events)).toEqual([
      `OnCallCreated ${callRef} PARKED legs=10013:HELD parts=10012:ACTIVE`,
      "OnUserStateModified BUSY",
      `OnCallModified ${callRef} PARKED ~legs=10013:ACTIVE`,
      `OnCallRemoved ${callRef} PARTICIPANT_LEFT`,
      "OnUserStateModified FREE",
    ]);
  });

  it("parks on the user's own set and unparks it there", async () => {
    const a = await sb.loginUser("10014");
    const b = await sb.loginUser("10015");
    const { callRef, ea } = await answeredCall(a, b, "10014", "10015");
    await a.post("telephony", `calls/${callRef}/park`, { parkTo: "10014" });
    await ea.next((e) => e.eventName === "OnCallModified" && state(e) === "HELD");
    await a.post("telephony", "devices/10014/unpark", { heldCallRef: callRef });
    await ea.next((e) => e.eventName === "OnCallModified" && state(e) === "ACTIVE");
    await a.del("telephony", `calls/${callRef}`);
  });

  it("answers bad requests with the catalogue's status and O2G's error", async () => {
    const a = await sb.loginUser("10016");
    const b = await sb.loginUser("10017");
    const ea = await a.subscribe([{ names: ["telephony"] }]);
    const ringing = (
      await a.post<{ callRef: string }>("telephony", "calls", { deviceId: "10016", callee: "10017" })
    ).body.callRef;
    await ea!.next((e) => e.eventName === "OnCallModified" && summary(e).includes("RINGING_INCOMING"));

    const err = async (method: "POST", path: string, body: unknown, who = a) => {
      const r = await who.send<{ httpStatus: string; telephony?: { errorCause: string } }>(
        method,
        who.url("telephony", path),
        body,
      );
      return { status: r.status, httpStatus: r.body.httpStatus, cause: r.body.telephony?.errorCause };
    };
    // a call not answered yet cannot be parked
    expect(await err("POST", `calls/${ringing}/park`, { parkTo: "10018" })).toMatchObject({ status: 409 });
    expect(await err("POST", `calls/${ringing}/park`, { parkTo: "ten" })).toMatchObject({
      status: 400,
      cause: "INVALID_DESTINATION",
    });
    expect(await err("POST", "calls/987654/park", { parkTo: "10018" })).toMatchObject({ status: 404 });
    expect((await a.send("POST", a.url("telephony", `calls/${ringing}/park`), {})).status).toBe(400);
    // unpark on a device of someone else, a call that is not parked, an unknown call
    expect(await err("POST", "devices/10017/unpark", { heldCallRef: ringing })).toMatchObject({
      status: 403,
    });
    expect(await err("POST", "devices/10017/unpark", { heldCallRef: ringing }, b)).toMatchObject({
      status: 409,
    });
    expect(await err("POST", "devices/10016/unpark", { heldCallRef: "987654" })).toMatchObject({
      status: 404,
    });
    // parking on a number the OXE does not know
    await b.post("telephony", `calls/${ringing}/answer`, { deviceId: "10017" });
    await ea!.next((e) => e.eventName === "OnCallModified" && state(e) === "ACTIVE");
    expect(await err("POST", `calls/${ringing}/park`, { parkTo: "99999" })).toMatchObject({ status: 400 });
    await a.del("telephony", `calls/${ringing}`);
  });
});

function summary(e: O2gEvent): string {
  return telephony([e])[0] ?? "";
}
