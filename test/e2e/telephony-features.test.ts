/**
 * Pick-up, intrusion, overflow to voice mail, recording and attached data end to end, driven as
 * the SDK drives them (its paths, bodies and query), over the real CSTA link to the emulated
 * OXE; bad requests get O2G's statuses and error JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ithMicroOf } from "../../oxe-emulator/model/ith-micro.js";
import { recorderOf } from "../../oxe-emulator/voicemail/recorder.js";
import type { O2gClient, O2gEvent } from "../../scenarios/o2g-client/index.js";
import { telephony } from "../support/events.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ voiceMailAnswerAfterMs: 100 });
});
afterAll(async () => {
  await sb?.stop();
});

const state = (e: O2gEvent) => (e.callData as { state?: string } | undefined)?.state;
const summary = (e: O2gEvent) => telephony([e])[0] ?? "";

type ErrorBody = { httpStatus: string; telephony?: { errorCause: string; errorType: string } };
async function err(who: O2gClient, method: "POST" | "PUT" | "DELETE", path: string, body?: unknown) {
  const r = await who.send<ErrorBody>(method, who.url("telephony", path), body);
  return { status: r.status, httpStatus: r.body?.httpStatus, cause: r.body?.telephony?.errorCause };
}

/** `a` calls `to`; resolves once `to`'s user sees it ringing. */
async function ringing(a: O2gClient, b: O2gClient, from: string, to: string) {
  const [ea, eb] = await Promise.all([a, b].map((x) => x.subscribe([{ names: ["telephony"] }])));
  const callRef = (await a.post<{ callRef: string }>("telephony", "calls", { deviceId: from, callee: to }))
    .body.callRef;
  await eb!.next((e) => e.eventName === "OnCallCreated");
  await ea!.next((e) => summary(e).includes("RINGING_INCOMING"));
  return { callRef, ea: ea!, eb: eb! };
}

async function answered(a: O2gClient, b: O2gClient, from: string, to: string) {
  const r = await ringing(a, b, from, to);
  await b.post("telephony", `calls/${r.callRef}/answer`, { deviceId: to });
  await r.ea.next((e) => e.eventName === "OnCallModified" && state(e) === "ACTIVE");
  return r;
}

describe("pick-up", () => {
  it("takes a call ringing another set; the caller sees who took it", async () => {
    const a = await sb.loginUser("10021");
    const b = await sb.loginUser("10022");
    const c = await sb.loginUser("10023");
    const ec = await c.subscribe([{ names: ["telephony"] }]);
    const { callRef, ea, eb } = await ringing(a, b, "10021", "10022");

    const picked = await c.post("telephony", "devices/10023/pickup", {
      otherCallRef: callRef,
      otherPhoneNumber: "10022",
      autoAnswer: true,
    });
    expect(picked.status).toBe(204);
    const created = await ec.next((e) => e.eventName === "OnCallCreated");
    expect(created.callRef).toBe(callRef); // the OXE keeps the call's id
    await eb.next((e) => e.eventName === "OnCallRemoved" && e.callRef === callRef);
    await ea.next((e) => e.eventName === "OnCallModified" && summary(e).includes("10023:ACTIVE"));
    const parts = await a.get<{ participants: { participantId: string; state: string }[] }>(
      "telephony",
      `calls/${callRef}/participants`,
    );
    expect(parts.body.participants).toEqual([
      expect.objectContaining({ participantId: "10023", state: "ACTIVE" }),
    ]);
    const legs = await c.get<{ legs: { deviceId: string; state: string }[] }>(
      "telephony",
      `calls/${callRef}/deviceLegs`,
    );
    expect(legs.body.legs).toMatchObject([{ deviceId: "10023", state: "ACTIVE" }]);
    await a.del("telephony", `calls/${callRef}`);
    await ec.next((e) => e.eventName === "OnCallRemoved");
  });

  it("without autoAnswer (the SDK's default), the call rings the picker's set until answered there", async () => {
    const a = await sb.loginUser("10044");
    const b = await sb.loginUser("10045");
    const c = await sb.loginUser("10046");
    const ec = await c.subscribe([{ names: ["telephony"] }]);
    const { callRef, ea, eb } = await ringing(a, b, "10044", "10045");
    const picked = await c.post("telephony", "devices/10046/pickup", {
      otherCallRef: callRef,
      otherPhoneNumber: "10045",
      autoAnswer: false,
    });
    expect(picked.status).toBe(204);
    const created = await ec.next((e) => e.eventName === "OnCallCreated");
    expect(summary(created)).toBe(
      `OnCallCreated ${callRef} PICKED_UP legs=10046:RINGING_INCOMING parts=10044:RINGING_OUTGOING`,
    );
    await eb.next((e) => e.eventName === "OnCallRemoved" && e.callRef === callRef);
    expect((await c.post("telephony", `calls/${callRef}/answer`, { deviceId: "10046" })).status).toBe(204);
    await ea.next((e) => e.eventName === "OnCallModified" && summary(e).includes("10046:ACTIVE"));
    await a.del("telephony", `calls/${callRef}`);
    await ec.next((e) => e.eventName === "OnCallRemoved");
  });

  it("answers bad pick-ups with O2G's statuses", async () => {
    const a = await sb.loginUser("10024");
    const b = await sb.loginUser("10025");
    const c = await sb.loginUser("10026");
    const { callRef, ea } = await ringing(a, b, "10024", "10025");
    const body = { otherCallRef: callRef, otherPhoneNumber: "10025" };
    // on another user's device
    expect(await err(c, "POST", "devices/10024/pickup", body)).toMatchObject({ status: 403 });
    // an unknown call, a number that is not one, no body
    expect(
      await err(c, "POST", "devices/10026/pickup", { otherCallRef: "987654", otherPhoneNumber: "10025" }),
    ).toMatchObject({ status: 404 });
    expect(
      await err(c, "POST", "devices/10026/pickup", { otherCallRef: callRef, otherPhoneNumber: "ten" }),
    ).toMatchObject({ status: 400, cause: "INVALID_DESTINATION" });
    expect((await c.send("POST", c.url("telephony", "devices/10026/pickup"), {})).status).toBe(400);
    // the call is not ringing that set (it is the caller's), then no longer ringing at all
    expect(
      await err(c, "POST", "devices/10026/pickup", { otherCallRef: callRef, otherPhoneNumber: "10024" }),
    ).toMatchObject({ status: 409, httpStatus: "CONFLICT" });
    await b.post("telephony", `calls/${callRef}/answer`, { deviceId: "10025" });
    await ea.next((e) => e.eventName === "OnCallModified" && state(e) === "ACTIVE");
    expect(await err(c, "POST", "devices/10026/pickup", body)).toMatchObject({
      status: 409,
      cause: "INVALID_CONNECTION_STATE",
    });
    await a.del("telephony", `calls/${callRef}`);
  });
});

describe("intrusion", () => {
  it("joins the call of the busy callee as a third party", async () => {
    const a = await sb.loginUser("10027");
    const b = await sb.loginUser("10028");
    const x = await sb.loginUser("10029");
    const { callRef, eb } = await answered(a, b, "10027", "10028");
    const ex = await x.subscribe([{ names: ["telephony"] }]);
    const busy = (
      await x.post<{ callRef: string }>("telephony", "calls", { deviceId: "10029", callee: "10028" })
    ).body.callRef;
    await ex.next((e) => summary(e).includes("10028:RELEASING"));

    expect((await x.post("telephony", "devices/10029/intrusion")).status).toBe(204);
    const joined = await ex.next((e) => e.eventName === "OnCallModified" && e.callRef === callRef);
    expect(joined.previousCallRef).toBe(busy);
    await eb.next((e) => e.eventName === "OnCallModified" && summary(e).includes("+parts=10029:ACTIVE"));
    const parts = await x.get<{ participants: { participantId: string; state: string }[] }>(
      "telephony",
      `calls/${callRef}/participants`,
    );
    expect(parts.body.participants.map((p) => `${p.participantId}:${p.state}`).sort()).toEqual([
      "10027:ACTIVE",
      "10028:ACTIVE",
    ]);
    // the intruder leaves; the two others talk on
    await x.del("telephony", `calls/${callRef}`);
    await eb.next((e) => e.eventName === "OnCallModified" && summary(e).includes("-parts=10029"));
    await a.del("telephony", `calls/${callRef}`);
  });

  it("refuses an intrusion without a busy callee, and on another's device", async () => {
    const a = await sb.loginUser("10030");
    const x = await sb.loginUser("10031");
    expect(await err(x, "POST", "devices/10031/intrusion")).toMatchObject({
      status: 409,
      cause: "INVALID_DEVICE_STATE",
    });
    expect(await err(x, "POST", "devices/10030/intrusion")).toMatchObject({ status: 403 });
    // a callee that is not in a call: nothing to intrude into
    const { callRef } = await ringing(x, a, "10031", "10030");
    expect(await err(x, "POST", "devices/10031/intrusion")).toMatchObject({ status: 409 });
    await x.del("telephony", `calls/${callRef}`);
  });
});

describe("overflow to voice mail", () => {
  it("sends the ringing call to the callee's mailbox, where the caller leaves a message", async () => {
    const a = await sb.loginUser("10032");
    const b = await sb.loginUser("10033");
    const vm = sb.emulator.node(1).voicemail;
    const before = vm.list("10033").length;
    const { callRef, ea, eb } = await ringing(a, b, "10032", "10033");
    expect((await a.post("telephony", `calls/${callRef}/overflowToVoiceMail`)).status).toBe(204);
    await eb.next((e) => e.eventName === "OnCallRemoved" && e.callRef === callRef);
    // the voice mail pilot picks up
    await ea.next((e) => e.eventName === "OnCallModified" && summary(e).includes("8001:ACTIVE"));
    await new Promise((r) => setTimeout(r, 1100));
    await a.del("telephony", `calls/${callRef}`);
    await ea.next((e) => e.eventName === "OnCallRemoved");
    const msgs = vm.list("10033");
    expect(msgs.length).toBe(before + 1);
    expect(msgs.at(-1)).toMatchObject({ caller: "10032" });
  });

  it("refuses it on a call that is not ringing, by the callee, and on an unknown call", async () => {
    const a = await sb.loginUser("10034");
    const b = await sb.loginUser("10035");
    const { callRef } = await ringing(a, b, "10034", "10035");
    // the callee's side of the call is not an outgoing ringing call
    expect(await err(b, "POST", `calls/${callRef}/overflowToVoiceMail`)).toMatchObject({ status: 409 });
    expect(await err(a, "POST", "calls/987654/overflowToVoiceMail")).toMatchObject({ status: 404 });
    await b.post("telephony", `calls/${callRef}/answer`, { deviceId: "10035" });
    await new Promise((r) => setTimeout(r, 50));
    expect(await err(a, "POST", `calls/${callRef}/overflowToVoiceMail`)).toMatchObject({
      status: 409,
      cause: "INVALID_CONNECTION_STATE",
    });
    await a.del("telephony", `calls/${callRef}`);
  });
});

describe("recording", () => {
  it("records the answered call into a WAVE file, pauses left out", async () => {
    const a = await sb.loginUser("10036");
    const b = await sb.loginUser("10037");
    const { callRef } = await answered(a, b, "10036", "10037");
    const rec = (action: string) =>
      a.send("POST", `${a.url("telephony", `calls/${callRef}/recording`)}?action=${action}`);
    expect((await rec("Start")).status).toBe(204);
    await new Promise((r) => setTimeout(r, 300));
    expect((await rec("Pause")).status).toBe(204);
    await new Promise((r) => setTimeout(r, 400));
    expect((await rec("Resume")).status).toBe(204);
    await new Promise((r) => setTimeout(r, 200));
    expect((await rec("Stop")).status).toBe(204);
    const r = recorderOf(sb.emulator.network).recordings.at(-1)!;
    expect(r).toMatchObject({ recordedBy: "10036", state: "done" });
    expect(r.recordedMs).toBeGreaterThanOrEqual(480);
    expect(r.recordedMs).toBeLessThan(900); // the 400 ms pause is not in it
    const wav = r.wav!;
    expect(wav.subarray(0, 4).toString("latin1")).toBe("RIFF");
    expect(wav.subarray(8, 12).toString("latin1")).toBe("WAVE");
    expect(wav.readUInt32LE(46)).toBe(Math.round((r.recordedMs / 1000) * 8000)); // fact: samples
    await a.del("telephony", `calls/${callRef}`);
  });

  it("refuses wrong actions in the recording's state, unknown actions and calls", async () => {
    const a = await sb.loginUser("10038");
    const b = await sb.loginUser("10039");
    const { callRef } = await ringing(a, b, "10038", "10039");
    const rec = async (action: string, ref = callRef) => {
      const r = await a.send<ErrorBody>(
        "POST",
        `${a.url("telephony", `calls/${ref}/recording`)}?action=${action}`,
      );
      return { status: r.status, cause: r.body?.telephony?.errorCause };
    };
    expect(await rec("Start")).toMatchObject({ status: 409 }); // not answered yet
    expect(await rec("Rewind")).toMatchObject({ status: 400 });
    expect(await rec("Start", "987654")).toMatchObject({ status: 404 });
    await b.post("telephony", `calls/${callRef}/answer`, { deviceId: "10039" });
    await new Promise((r) => setTimeout(r, 50));
    expect(await rec("Stop")).toMatchObject({ status: 409, cause: "INVALID_CONNECTION_STATE" });
    expect(await rec("Start")).toMatchObject({ status: 204 });
    expect(await rec("Start")).toMatchObject({ status: 409 });
    expect(await rec("Resume")).toMatchObject({ status: 409 });
    // hanging up ends the recording too
    await a.del("telephony", `calls/${callRef}`);
    await new Promise((r) => setTimeout(r, 50));
    expect(recorderOf(sb.emulator.network).recordings.at(-1)).toMatchObject({
      recordedBy: "10038",
      state: "done",
    });
  });
});

describe("attached data", () => {
  it("attaches correlator data the call then carries, which the other party sees", async () => {
    const a = await sb.loginUser("10040");
    const b = await sb.loginUser("10041");
    const { callRef, eb } = await answered(a, b, "10040", "10041");
    const ok = await a.post("telephony", `calls/${callRef}/attachdata`, {
      deviceId: "10040",
      hexaBinaryAssociatedData: "c0ffee",
    });
    expect(ok.status).toBe(204);
    const seen = await eb.next(
      (e) =>
        e.eventName === "OnCallModified" &&
        (e.callData as { hexaBinaryAssociatedData?: string } | undefined)?.hexaBinaryAssociatedData ===
          "c0ffee",
    );
    expect(seen.callRef).toBe(callRef);
    const bCall = await b.get<{ callData: { hexaBinaryAssociatedData?: string } }>(
      "telephony",
      `calls/${callRef}`,
    );
    expect(bCall.body.callData.hexaBinaryAssociatedData).toBe("c0ffee");
    const call = [...sb.emulator.network.activeCalls()].find((c) => c.participants.includes("10040"))!;
    expect(Buffer.from(call.correlatorData!).toString("hex")).toBe("c0ffee");
    expect(
      await err(a, "POST", `calls/${callRef}/attachdata`, {
        deviceId: "10040",
        hexaBinaryAssociatedData: "xyz",
      }),
    ).toMatchObject({ status: 400 });
    expect(
      await err(a, "POST", `calls/${callRef}/attachdata`, {
        deviceId: "10041",
        hexaBinaryAssociatedData: "00",
      }),
    ).toMatchObject({ status: 403 });
    expect(
      await err(a, "POST", "calls/987654/attachdata", { deviceId: "10040", hexaBinaryAssociatedData: "00" }),
    ).toMatchObject({ status: 404 });
    await a.del("telephony", `calls/${callRef}`);
  });
});

describe("account information", () => {
  it("charges the call to the business code sent during it, and refuses an unknown one", async () => {
    const a = await sb.loginUser("10042");
    const b = await sb.loginUser("10043");
    const { callRef, ea } = await answered(a, b, "10042", "10043");
    // a cost center of the node that is not the caller's own
    const own = sb.emulator.directory.subscribers.find((s) => s.directoryNumber === "10042")!.costCenter;
    const code = sb.emulator.directory.subscribers.map((s) => s.costCenter).find((c) => c !== own)!;
    const send = (accountInfo: string, deviceId = "10042", ref = callRef) =>
      err(a, "POST", `calls/${ref}/sendaccountinfo`, { deviceId, accountInfo });
    expect(await send("999999")).toMatchObject({ status: 400, cause: "INVALID_DATA" });
    expect(await send("12 34")).toMatchObject({ status: 400 });
    expect(await send(String(code), "10043")).toMatchObject({ status: 403 });
    expect(await send(String(code), "10042", "987654")).toMatchObject({ status: 404 });
    expect(await send(String(code))).toMatchObject({ status: 204 });
    const tickets: { accountCode?: string; caller: string; costCenter: number }[] = [];
    const off = sb.emulator.node(1).analytics.charging.onTicket((t) => tickets.push(t));
    await a.del("telephony", `calls/${callRef}`);
    await ea.next((e) => e.eventName === "OnCallRemoved");
    off();
    expect(tickets.find((t) => t.caller === "10042")).toMatchObject({
      accountCode: String(code),
      costCenter: code,
    });
  });
});

describe("desk sharing", () => {
  it("a user logs on a free desk set, which then carries their calls, and logs off", async () => {
    const u = await sb.loginUser("10047");
    const caller = await sb.loginUser("10048");
    const other = await sb.loginUser("10049");
    expect((await u.post("telephony", "deskSharing", { dssDeviceNumber: "5001" })).status).toBe(204);
    // the set is taken, and the user is on a set already
    expect(await err(other, "POST", "deskSharing", { dssDeviceNumber: "5001" })).toMatchObject({
      status: 409,
      cause: "INVALID_DEVICE_STATE",
    });
    expect(await err(u, "POST", "deskSharing", { dssDeviceNumber: "5002" })).toMatchObject({ status: 409 });
    // no desk set, not a number
    expect(await err(other, "POST", "deskSharing", { dssDeviceNumber: "10018" })).toMatchObject({
      status: 400,
      cause: "INVALID_DEVICE",
    });
    expect(await err(other, "POST", "deskSharing", { dssDeviceNumber: "desk" })).toMatchObject({
      status: 400,
    });

    // a call to the user rings on the desk set, whose handset answers it
    const { callRef, ea } = await ringing(caller, u, "10048", "10047");
    const set = sb.emulator.phone("5001");
    expect(set.device.number).toBe("10047");
    set.answer();
    await ea.next((e) => e.eventName === "OnCallModified" && state(e) === "ACTIVE");
    set.hangUp();
    await ea.next((e) => e.eventName === "OnCallRemoved" && e.callRef === callRef);
    // the set's own number is out of reach meanwhile
    const toSet = (
      await caller.post<{ callRef: string }>("telephony", "calls", { deviceId: "10048", callee: "5001" })
    ).body.callRef;
    await ea.next((e) => summary(e).includes("5001:RELEASING"));
    await caller.del("telephony", `calls/${toSet}`);

    expect((await u.del("telephony", "deskSharing")).status).toBe(204);
    expect(sb.emulator.phone("5001").device.number).toBe("5001");
    expect(await err(u, "DELETE", "deskSharing")).toMatchObject({
      status: 409,
      cause: "INVALID_DEVICE_STATE",
    });
    // free again: another user may take it
    expect((await other.post("telephony", "deskSharing", { dssDeviceNumber: "5001" })).status).toBe(204);
    expect((await other.del("telephony", "deskSharing")).status).toBe(204);
  });
});

describe("microphone / interphony key", () => {
  it("turns interphony on when idle (calls then answer by themselves) and mutes during a call", async () => {
    const a = await sb.loginUser("10018");
    const b = await sb.loginUser("10019");
    const key = ithMicroOf(sb.emulator.network);
    const dev = sb.emulator.network.device("10018");
    expect(await err(b, "PUT", "devices/10018/ithmicro")).toMatchObject({ status: 403 });
    expect((await a.send("PUT", a.url("telephony", "devices/10018/ithmicro"))).status).toBe(204);
    expect(key.hasInterphony(dev)).toBe(true);
    // Bob's call is answered by Alice's set, hands-free
    const eb = await b.subscribe([{ names: ["telephony"] }]);
    const callRef = (
      await b.post<{ callRef: string }>("telephony", "calls", { deviceId: "10019", callee: "10018" })
    ).body.callRef;
    await eb.next((e) => e.eventName === "OnCallModified" && state(e) === "ACTIVE");
    expect((await a.send("PUT", a.url("telephony", "devices/10018/ithmicro"))).status).toBe(204);
    expect(key.isMuted(dev)).toBe(true);
    await b.del("telephony", `calls/${callRef}`);
    await eb.next((e) => e.eventName === "OnCallRemoved");
    expect(key.isMuted(dev)).toBe(false);
    expect((await a.send("PUT", a.url("telephony", "devices/10018/ithmicro"))).status).toBe(204);
    expect(key.hasInterphony(dev)).toBe(false);
  });
});
