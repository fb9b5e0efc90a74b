/**
 * Callbacks end to end, driven as the SDK drives them (its telephony-rest.ts: callback,
 * requestCallback, getCallbacks, deleteCallbacks, deleteCallback): a caller who finds the callee
 * busy asks for a callback (CSTA callBack), the OXE keeps it, the callee sees it and its count in
 * the event summary, and when the callee frees up the OXE rings the caller back and, once the
 * caller answers, calls the callee. Bad requests get O2G's statuses and error JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { O2gClient, O2gEvent } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ network: { callbackDelayMs: 150, failedCallClearMs: 60_000 } });
});
afterAll(async () => {
  await sb?.stop();
});

const state = (e: O2gEvent) => (e.callData as { state?: string } | undefined)?.state;
const has = (e: O2gEvent, text: string) => JSON.stringify(e).includes(text);

interface Callbacks {
  callbacks: { callbackId: string; partyInfo: { id: { loginName?: string; phoneNumber?: string } } }[];
}
interface Summary {
  callBackRequestsNb: number;
  eventWaiting: boolean;
}

async function error(c: O2gClient, method: "GET" | "POST" | "DELETE", path: string, body?: unknown) {
  const r = await c.send<{ httpStatus: string; code: number; telephony?: { errorCause: string } }>(
    method,
    c.url("telephony", path),
    body,
  );
  return { status: r.status, code: r.body.code, cause: r.body.telephony?.errorCause };
}

/** `from` calls `to`, who answers: the call's ref. */
async function talk(from: O2gClient, to: O2gClient, fromNumber: string, toNumber: string) {
  const [ef, et] = await Promise.all([from, to].map((x) => x.subscribe([{ names: ["telephony"] }])));
  const ref = (
    await from.post<{ callRef: string }>("telephony", "calls", { deviceId: fromNumber, callee: toNumber })
  ).body.callRef;
  await et!.next((e) => e.eventName === "OnCallCreated");
  await to.post("telephony", `calls/${ref}/answer`, { deviceId: toNumber });
  await ef!.next((e) => e.eventName === "OnCallModified" && state(e) === "ACTIVE");
  return ref;
}

describe("callbacks", () => {
  it("a callback on a busy callee: the OXE calls the caller back when the callee frees up", async () => {
    const a = await sb.loginUser("10021");
    const b = await sb.loginUser("10022");
    const c = await sb.loginUser("10023");
    const busy = await talk(c, b, "10023", "10022");

    const ea = await a.subscribe([{ names: ["telephony"] }]);
    const eb = await b.subscribe([{ names: ["telephony", "eventSummary"] }]);
    const ref = (
      await a.post<{ callRef: string }>("telephony", "calls", { deviceId: "10021", callee: "10022" })
    ).body.callRef;
    await ea.next((e) => e.eventName === "OnCallModified" && has(e, "BUSY"));

    expect((await a.post("telephony", `calls/${ref}/callback`)).status).toBe(204);
    // The OXE books the request and releases the caller's call.
    await ea.next((e) => e.eventName === "OnCallRemoved" && e.callRef === ref);
    const list = await b.get<Callbacks>("telephony", "incomingCallbacks");
    expect(list.status).toBe(200);
    expect(list.body.callbacks).toEqual([
      expect.objectContaining({
        callbackId: "10021",
        partyInfo: expect.objectContaining({ id: { loginName: "oxe10021", phoneNumber: "10021" } }),
      }),
    ]);
    const updated = await eb.next(
      (e) => e.eventName === "OnEventSummaryUpdated" && (e.eventSummary as Summary).callBackRequestsNb === 1,
    );
    expect(updated.eventSummary).toMatchObject({ callBackRequestsNb: 1, eventWaiting: true });
    expect((await b.get<Summary>("eventsummary")).body.callBackRequestsNb).toBe(1);
    // The emulated set shows it too, with when it was asked.
    const net = sb.emulator.network;
    expect(net.callbacks.incoming(net.device("10022")).map((r) => r.id)).toEqual(["10021"]);

    // Bob hangs up with Carol: the OXE rings Alice back (her set first).
    await c.del("telephony", `calls/${busy}`);
    const back = await ea.next((e) => e.eventName === "OnCallCreated" && e.callRef !== ref);
    const backRef = String(back.callRef);
    expect((await b.get<Callbacks>("telephony", "incomingCallbacks")).body.callbacks).toEqual([]);
    // Alice answers: the OXE now calls Bob, who answers, and they talk.
    expect((await a.post("telephony", `calls/${backRef}/answer`, { deviceId: "10021" })).status).toBe(204);
    const ringing = await eb.next((e) => e.eventName === "OnCallCreated" && e.callRef !== busy);
    await b.post("telephony", `calls/${String(ringing.callRef)}/answer`, { deviceId: "10022" });
    await ea.next((e) => e.eventName === "OnCallModified" && state(e) === "ACTIVE");
    await eb.next(
      (e) => e.eventName === "OnEventSummaryUpdated" && (e.eventSummary as Summary).callBackRequestsNb === 0,
    );
    await a.del("telephony", `calls/${backRef}`);
    await eb.next((e) => e.eventName === "OnCallRemoved");
  });

  it("a callback on an unanswered call waits for the callee's next call", async () => {
    const a = await sb.loginUser("10024");
    const f = await sb.loginUser("10025");
    const ea = await a.subscribe([{ names: ["telephony"] }]);
    const ef = await f.subscribe([{ names: ["telephony"] }]);
    const ref = (
      await a.post<{ callRef: string }>("telephony", "calls", { deviceId: "10024", callee: "10025" })
    ).body.callRef;
    await ef.next((e) => e.eventName === "OnCallCreated");
    expect((await a.post("telephony", `calls/${ref}/callback`)).status).toBe(204);
    await ea.next((e) => e.eventName === "OnCallRemoved");
    await ef.next((e) => e.eventName === "OnCallRemoved");
    // Frank was idle: nothing happens until he has used his set.
    await new Promise((r) => setTimeout(r, 400));
    expect(ea.events.filter((e) => e.eventName === "OnCallCreated")).toHaveLength(1);
    expect((await f.get<Callbacks>("telephony", "incomingCallbacks")).body.callbacks).toHaveLength(1);

    const g = await sb.loginUser("10026");
    const other = await talk(f, g, "10025", "10026");
    await f.del("telephony", `calls/${other}`);
    const back = await ea.next((e) => e.eventName === "OnCallCreated" && e.callRef !== ref);
    await a.del("telephony", `calls/${String(back.callRef)}`);
  });

  it("requests, lists and deletes callbacks without a call", async () => {
    const a = await sb.loginUser("10027");
    const b = await sb.loginUser("10028");
    const e = await sb.loginUser("10029");
    expect((await a.post("telephony", "outgoingCallbacks", { callee: "10029" })).status).toBe(204);
    expect((await b.post("telephony", "outgoingCallbacks", { callee: "10029" })).status).toBe(204);
    // one request per caller: asking again changes nothing
    expect((await a.post("telephony", "outgoingCallbacks", { callee: "10029" })).status).toBe(204);
    const list = await e.get<Callbacks>("telephony", "incomingCallbacks");
    expect(list.body.callbacks.map((x) => x.callbackId)).toEqual(["10027", "10028"]);
    expect((await e.get<Summary>("eventsummary")).body).toMatchObject({
      callBackRequestsNb: 2,
      eventWaiting: true,
    });
    // The requester's own list is the callbacks left for them: none.
    expect((await a.get<Callbacks>("telephony", "incomingCallbacks")).body.callbacks).toEqual([]);
    // A user session naming someone else acts for itself (the SDK documents loginName as ignored).
    const asOther = await a.get<Callbacks>("telephony", "incomingCallbacks", { loginName: "oxe10029" });
    expect(asOther.body.callbacks).toEqual([]);
    // ... so it cannot delete somebody else's callbacks either.
    expect(await error(a, "DELETE", "incomingCallbacks/10028?loginName=oxe10029")).toMatchObject({
      status: 404,
    });

    expect((await e.del("telephony", "incomingCallbacks/10027")).status).toBe(204);
    expect(
      (await e.get<Callbacks>("telephony", "incomingCallbacks")).body.callbacks.map((x) => x.callbackId),
    ).toEqual(["10028"]);
    expect(await error(e, "DELETE", "incomingCallbacks/10027")).toMatchObject({ status: 404, code: 404 });
    expect((await e.del("telephony", "incomingCallbacks")).status).toBe(204);
    expect((await e.get<Callbacks>("telephony", "incomingCallbacks")).body.callbacks).toEqual([]);
    expect((await e.get<Summary>("eventsummary")).body.callBackRequestsNb).toBe(0);
  });

  it("a callback left from a set reaches the callee's event summary (CSTA CallBack event)", async () => {
    const h = await sb.loginUser("10039");
    const eh = await h.subscribe([{ names: ["eventSummary"] }]);
    const net = sb.emulator.network;
    net.callbacks.request(net.device("10038"), net.device("10039"));
    await eh.next(
      (e) => e.eventName === "OnEventSummaryUpdated" && (e.eventSummary as Summary).callBackRequestsNb === 1,
    );
    net.callbacks.cancel(net.device("10038"), net.device("10039"));
    await eh.next(
      (e) => e.eventName === "OnEventSummaryUpdated" && (e.eventSummary as Summary).callBackRequestsNb === 0,
    );
  });

  it("an administrator reads and deletes a user's callbacks with loginName", async () => {
    const a = await sb.loginUser("10030");
    expect((await a.post("telephony", "outgoingCallbacks", { callee: "10031" })).status).toBe(204);
    const admin = await sb.loginAdmin();
    const list = await admin.get<Callbacks>("telephony", "incomingCallbacks", { loginName: "oxe10031" });
    expect(list.body.callbacks.map((x) => x.callbackId)).toEqual(["10030"]);
    expect((await admin.del("telephony", "incomingCallbacks/10030", { loginName: "oxe10031" })).status).toBe(
      204,
    );
    expect(await error(admin, "GET", "incomingCallbacks")).toMatchObject({ status: 400 });
  });

  it("answers bad requests with the catalogue's status and O2G's error", async () => {
    const a = await sb.loginUser("10032");
    const b = await sb.loginUser("10033");
    const c = await sb.loginUser("10034");
    // no callee, a callee that is no number, oneself, a number nobody has
    expect(await error(a, "POST", "outgoingCallbacks", {})).toMatchObject({ status: 400 });
    expect(await error(a, "POST", "outgoingCallbacks", { callee: "ten" })).toMatchObject({
      status: 400,
      cause: "INVALID_DESTINATION",
    });
    expect(await error(a, "POST", "outgoingCallbacks", { callee: "10032" })).toMatchObject({
      status: 400,
      cause: "INVALID_DESTINATION",
    });
    expect(await error(a, "POST", "outgoingCallbacks", { callee: "19999" })).toMatchObject({
      status: 400,
      cause: "INVALID_DEVICE",
    });
    // an unknown call
    expect(await error(a, "POST", "calls/987654/callback")).toMatchObject({
      status: 404,
      cause: "INVALID_CALL_ID",
    });
    // an answered call: the callee is neither busy nor ringing, the OXE refuses
    const ref = await talk(a, b, "10032", "10033");
    expect(await error(a, "POST", `calls/${ref}/callback`)).toMatchObject({
      status: 409,
      cause: "INVALID_CONNECTION_STATE",
    });
    // somebody else's call
    expect(await error(c, "POST", `calls/${ref}/callback`)).toMatchObject({ status: 404 });
    // the callee cannot ask the caller to call back on the caller's own call
    expect(await error(b, "POST", `calls/${ref}/callback`)).toMatchObject({ status: 404 });
    await a.del("telephony", `calls/${ref}`);
    // an unknown callback id
    expect(await error(a, "DELETE", "incomingCallbacks/10099")).toMatchObject({ status: 404 });
  });
});
