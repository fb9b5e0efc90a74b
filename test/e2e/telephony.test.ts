/**
 * End to end over real sockets and real HTTPS, driving the gateway only as an SDK would:
 * discovery, Basic authentication, cookie, session, subscription, chunk channel (and a webhook),
 * against the emulated OXE over CSTA and CMIP.
 */
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { O2gClient, O2gEvent } from "../../scenarios/o2g-client/index.js";
import { telephony } from "../support/events.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

const HOOK = "https://hooks.example.test/o2g";
const hooked: O2gEvent[] = [];
const msw = setupServer(
  http.post(HOOK, async ({ request }) => {
    hooked.push((await request.json()) as O2gEvent);
    return HttpResponse.json({ ok: true });
  }),
);

let sb: Sandbox;
beforeAll(async () => {
  msw.listen({ onUnhandledRequest: "bypass" });
  sb = await startSandbox();
});
afterAll(async () => {
  msw.close();
  await sb?.stop();
});

const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await settle(20);
  }
}

describe("a call, an answer, a transfer to a third user, hang-ups", () => {
  it("delivers each user's O2G call events, in order, on the chunk channel and to a webhook", async () => {
    const a = await sb.loginUser("10001");
    const b = await sb.loginUser("10002");
    const c = await sb.loginUser("10003");
    const [ea, eb, ec] = await Promise.all([a, b, c].map((x) => x.subscribe([{ names: ["telephony"] }])));
    const bHook = await (await sb.loginUser("10002")).subscribe([{ names: ["telephony"] }], HOOK);

    for (const s of [ea!, eb!, ec!]) expect(s.events[0]?.eventName).toBe("OnChannelInformation");

    const call1 = (
      await a.post<{ callRef: string }>("telephony", "calls", { deviceId: "10001", callee: "10002" })
    ).body.callRef;
    await eb!.next((e) => e.eventName === "OnCallCreated");
    await b.post("telephony", `calls/${call1}/answer`, { deviceId: "10002" });
    await ea!.next(
      (e) => e.eventName === "OnCallModified" && (e.callData as { state: string }).state === "ACTIVE",
    );

    // O2G places a consultation call when the user calls out while a call is active.
    const call2 = (
      await a.post<{ callRef: string }>("telephony", "calls", { deviceId: "10001", callee: "10003" })
    ).body.callRef;
    expect(call2).not.toBe(call1);
    await ec!.next((e) => e.eventName === "OnCallCreated");
    await c.post("telephony", `calls/${call2}/answer`, { deviceId: "10003" });
    await ea!.next(
      (e) =>
        e.eventName === "OnCallModified" &&
        e.callRef === call2 &&
        (e.callData as { state: string }).state === "ACTIVE",
    );

    await a.post("telephony", `calls/${call2}/transfer`, { heldCallRef: call1 });
    await eb!.next((e) => e.eventName === "OnCallModified" && e.cause === "TRANSFERRED");
    const calls = await b.get<{ calls: { callRef: string; participants: { participantId: string }[] }[] }>(
      "telephony",
      "calls",
    );
    expect(calls.body.calls.map((x) => [x.callRef, x.participants.map((p) => p.participantId)])).toEqual([
      [call2, ["10003"]],
    ]);

    await b.del("telephony", `calls/${call2}`);
    await ec!.next((e) => e.eventName === "OnCallRemoved");
    await settle();

    expect(telephony(ea!.events)).toEqual([
      `OnCallCreated ${call1} UNKNOWN legs=10001:DIALING parts=`,
      "OnUserStateModified BUSY",
      `OnCallModified ${call1} UNKNOWN`, // the called number is known
      `OnCallModified ${call1} UNKNOWN ~legs=10001:RINGING_OUTGOING +parts=10002:RINGING_INCOMING`,
      `OnCallModified ${call1} UNKNOWN ~legs=10001:ACTIVE ~parts=10002:ACTIVE`,
      `OnCallModified ${call1} UNKNOWN ~legs=10001:HELD`,
      `OnCallCreated ${call2} UNKNOWN legs=10001:DIALING parts=`,
      `OnCallModified ${call2} UNKNOWN`,
      `OnCallModified ${call2} UNKNOWN ~legs=10001:RINGING_OUTGOING +parts=10003:RINGING_INCOMING`,
      `OnCallModified ${call2} UNKNOWN ~legs=10001:ACTIVE ~parts=10003:ACTIVE`,
      `OnCallRemoved ${call1} TRANSFERRED`,
      `OnCallRemoved ${call2} TRANSFERRED`,
      "OnUserStateModified FREE",
    ]);
    expect(telephony(eb!.events)).toEqual([
      `OnCallCreated ${call1} UNKNOWN legs=10002:RINGING_INCOMING parts=10001:RINGING_OUTGOING`,
      "OnUserStateModified BUSY",
      `OnCallModified ${call1} UNKNOWN ~legs=10002:ACTIVE ~parts=10001:ACTIVE`,
      `OnCallModified ${call1} UNKNOWN ~parts=10001:HELD`,
      `OnCallModified ${call2} TRANSFERRED prev=${call1} +parts=10003:ACTIVE -parts=10001`,
      `OnCallRemoved ${call2} CLEARED`,
      "OnUserStateModified FREE",
    ]);
    expect(telephony(ec!.events)).toEqual([
      `OnCallCreated ${call2} UNKNOWN legs=10003:RINGING_INCOMING parts=10001:RINGING_OUTGOING`,
      "OnUserStateModified BUSY",
      `OnCallModified ${call2} UNKNOWN ~legs=10003:ACTIVE ~parts=10001:ACTIVE`,
      `OnCallModified ${call2} TRANSFERRED +parts=10002:ACTIVE -parts=10001`,
      `OnCallRemoved ${call2} PARTICIPANT_LEFT`,
      "OnUserStateModified FREE",
    ]);

    // Every event carries the login it is for, and the identity of the other party.
    for (const e of eb!.events.filter((x) => x.eventName.startsWith("OnCall")))
      expect(e.loginName).toBe("oxe10002");
    const created = eb!.events.find((e) => e.eventName === "OnCallCreated") as unknown as {
      participants: { identity: { id: { loginName: string }; lastName: string } }[];
    };
    expect(created.participants[0]!.identity.id.loginName).toBe("oxe10001");
    expect(created.participants[0]!.identity.lastName).toBe(
      sb.emulator.directory.byNumber.get("10001")!.lastName,
    );

    // The webhook subscriber of the same user receives the same events, in the same order.
    await until(() => telephony(hooked).length >= telephony(eb!.events).length, "the webhook deliveries");
    expect(telephony(hooked)).toEqual(telephony(eb!.events));
    bHook.close();
  });
});

describe("the chunk channel", () => {
  it("loses no event when the response is cut mid-call and polled again", async () => {
    const a = await sb.loginUser("10011");
    const b = await sb.loginUser("10012");
    const eb = await b.subscribe([{ names: ["telephony"] }]);
    const call = (
      await a.post<{ callRef: string }>("telephony", "calls", { deviceId: "10011", callee: "10012" })
    ).body.callRef;
    await eb.next((e) => e.eventName === "OnCallCreated");
    const polls = eb.polls;
    eb.dropConnection(); // the client goes away mid-call...
    await settle(50);
    await b.post("telephony", `calls/${call}/answer`, { deviceId: "10012" }); // ...events happen meanwhile...
    await a.del("telephony", `calls/${call}`);
    const removed = await eb.next(
      (e) => e.eventName === "OnCallRemoved",
      5000,
      "OnCallRemoved after the re-poll",
    );
    expect(removed.callRef).toBe(call);
    expect(eb.polls).toBeGreaterThan(polls);
    // The new response starts with OnChannelInformation, then the queued events.
    const names = eb.events.map((e) => e.eventName);
    const second = names.lastIndexOf("OnChannelInformation");
    expect(second).toBeGreaterThan(0);
    expect(telephony(eb.events.slice(second))).toEqual([
      `OnCallModified ${call} UNKNOWN ~legs=10012:ACTIVE ~parts=10011:ACTIVE`,
      `OnCallRemoved ${call} PARTICIPANT_LEFT`,
      "OnUserStateModified FREE",
    ]);
  });
});

describe("who may do what", () => {
  let a: O2gClient;
  beforeAll(async () => {
    a = await sb.loginUser("10021");
  });

  it("a user acts only for themselves", async () => {
    // Naming someone else is ignored (the SDK documents it so): the user's own calls.
    const r = await a.send("GET", a.url("telephony", "calls", { loginName: "oxe10022" }));
    expect(r.status).toBe(200);
    expect(r.body).toEqual((await a.send("GET", a.url("telephony", "calls"))).body);
    const r2 = await a.send("POST", a.url("telephony", "calls"), { deviceId: "10022", callee: "10023" });
    expect(r2.status).toBe(403);
    const r3 = await a.send("POST", a.url("subscriptions"), {
      filter: { selectors: [{ ids: ["oxe10022"], names: ["telephony"] }] },
    });
    expect(r3.status).toBe(403);
  });

  it("an administrator acts for anyone it names, and must name someone", async () => {
    const admin = await sb.loginAdmin();
    expect((await admin.send("GET", admin.url("telephony", "calls"))).status).toBe(400);
    const r = await admin.send<{ calls: unknown[] }>(
      "GET",
      admin.url("telephony", "calls", { loginName: "oxe10022" }),
    );
    expect(r.status).toBe(200);
    expect(r.body.calls).toEqual([]);
    const status = await admin.get<{
      pbxs: { nodeId: number; ctiLinkState: string; monitoredUserNumber: number }[];
    }>("maintenance", "status");
    expect(status.body.pbxs).toEqual([
      expect.objectContaining({ nodeId: 1, ctiLinkState: "CONNECTED_MAIN", monitoredUserNumber: 50 }),
    ]);
    expect((await a.send("GET", `${a.session.privateBaseUrl}/maintenance/status`)).status).toBe(403);
  });

  it("answers unknown users, numbers and calls with the catalogue's 4xx", async () => {
    const admin = await sb.loginAdmin();
    expect((await admin.send("GET", admin.url("telephony", "calls", { loginName: "oxe99999" }))).status).toBe(
      404,
    );
    expect((await a.send("GET", a.url("telephony", "calls/4242"))).status).toBe(404);
    expect(
      await a.send("POST", a.url("telephony", "calls/4242/answer"), { deviceId: "10021" }),
    ).toMatchObject({
      status: 404,
      body: { telephony: { errorType: "CALL_REFERENCE_NOT_FOUND" } },
    });
    expect(
      (await a.send("POST", a.url("telephony", "calls"), { deviceId: "10021", callee: "not a number" }))
        .status,
    ).toBe(400);
    expect((await a.send("POST", a.url("telephony", "calls"), { deviceId: "10021" })).status).toBe(400);
    expect(
      (await a.send("POST", a.url("telephony", "calls"), { deviceId: 10021, callee: "10022" })).status,
    ).toBe(400);
    // Another user's public information is anybody's to read; an unknown login is a 404.
    expect((await a.send("GET", a.url("users", "oxe10022"))).status).toBe(200);
    expect((await a.send("GET", a.url("users", "oxe99999"))).status).toBe(404);
    expect((await a.send("GET", `${a.session.privateBaseUrl}/nowhere`)).status).toBe(404);
  });

  it("refuses wrong credentials and requests without a session", async () => {
    const base = sb.gateway.url;
    const wrong = await a.send("GET", `${base}/api/rest/authenticate?version=1.0`, undefined, {
      authorization: `Basic ${Buffer.from("oxe10021:9999").toString("base64")}`,
    });
    expect(wrong.status).toBe(401);
    const { O2gClient } = await import("../../scenarios/o2g-client/index.js");
    const anon = await O2gClient.login({
      baseUrl: base,
      login: "oxe10021",
      password: "0000",
      ca: sb.ca,
    }).catch((e: unknown) => e);
    expect(anon).not.toBeInstanceOf(Error);
    const fresh = O2gClient.dispatcherFor({ ca: sb.ca });
    const { request } = await import("undici");
    const r = await request(`${base}/api/rest/1.0/telephony/calls`, { dispatcher: fresh });
    expect(r.statusCode).toBe(401);
    expect(await r.body.json()).toMatchObject({ httpStatus: "UNAUTHORIZED" });
    await fresh.close();
  });
});
