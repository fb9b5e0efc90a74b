/**
 * The Rsi service end to end, driven as the SDK's rsi-rest.ts drives it, against the emulated
 * OXE's RSI points over real CSTA (routeRegister, routeRequest, routeSelect, reRoute, routeEnd;
 * the guides as escapes) and CMIP (RSI_Point): list, enable, a call's route request, a voice
 * guide, digits typed on the caller's set (sendDtmf) collected, a re-route, the route selected;
 * tones; the default treatment of an unserved point, of an ended and of a timed-out session; bad
 * input per route.
 *
 * The sandbox: 50 users on node 1, RSI points 4001..4003, voice mail 8001; 10000..10009 CCD
 * operators of group 7501 (pilot 7001).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rsiOf } from "../../oxe-emulator/ccd/rsi.js";
import type { O2gClient, O2gEvent } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
let admin: O2gClient;
beforeAll(async () => {
  sb = await startSandbox({ users: 50, agents: 0.2, rsiVoiceGuideMs: 150 });
  admin = await sb.loginAdmin();
});
afterAll(async () => {
  await sb?.stop();
});

type Body = Record<string, unknown>;
const send = (c: O2gClient, method: string, path: string, body?: unknown) =>
  c.send<Body>(method, admin.url("acdrsi", path), body);
const named =
  (name: string, more: (e: O2gEvent) => boolean = () => true) =>
  (e: O2gEvent) =>
    e.eventName === name && more(e);

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The devices in the call of `number`'s first connection. */
const partiesOf = (number: string) =>
  sb.emulator.network.devices.get(number)?.connections[0]?.call.connections.map((c) => c.device.number) ?? [];

describe("Rsi", () => {
  it("is an administrator's service", async () => {
    expect(admin.session.services.map((s) => s.serviceName)).toContain("AcdRsi");
    const user = await sb.loginUser("10040");
    expect(user.session.services.map((s) => s.serviceName)).not.toContain("AcdRsi");
    const r = await send(user, "GET", "");
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ httpStatus: "FORBIDDEN", code: 403 });
  });

  it("lists the RSI points of the node over CMIP", async () => {
    const r = await admin.get<{ rsiPoints: Body[] }>("acdrsi");
    expect(r.body.rsiPoints).toEqual([
      { number: "4001", name: "RSI 1-1", node: 1, registered: false },
      { number: "4002", name: "RSI 1-2", node: 1, registered: false },
      { number: "4003", name: "RSI 1-3", node: 1, registered: false },
    ]);
  });

  it("an IVR: route request, voice guide, digits collected, a re-route, then the route selected", async () => {
    const ev = await admin.subscribe([{ names: ["rsi"] }]);
    const caller = await sb.loginUser("10030");
    const callee = await sb.loginUser("10031");
    const calleeEv = await callee.subscribe([{ names: ["telephony"] }]);
    expect((await admin.post("acdrsi", "4001/enable")).status).toBe(204);
    expect((await admin.post("acdrsi", "4001/enable")).status).toBe(204); // again: nothing new
    const points = await admin.get<{ rsiPoints: Body[] }>("acdrsi");
    expect(points.body.rsiPoints[0]).toMatchObject({ number: "4001", registered: true });

    const call = await caller.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10030",
      callee: "4001",
    });
    const req = await ev.next(named("OnRouteRequest"));
    expect(req).toMatchObject({
      rsiPoint: "4001",
      request: { caller: "10030", called: "4001", callerType: "INTERNAL", reason: "INITIAL" },
    });
    const { routeCrid, routedCallRef } = req.request as { routeCrid: string; routedCallRef: string };
    expect(routedCallRef).toBe(call.body.callRef);
    expect((await admin.get("acdrsi", "4001/routeSessions")).body).toEqual({
      routeSessions: [{ routeCrid, caller: "10030", called: "4001", routedCallRef }],
    });
    expect((await admin.get("acdrsi", `4001/routeSessions/${routeCrid}`)).body).toMatchObject({ routeCrid });

    // The welcome guide plays to its end.
    const guide = await admin.post("acdrsi", "4001/playVoiceGuide", {
      callRef: routedCallRef,
      guideNumber: 1,
    });
    expect(guide.status).toBe(204);
    expect(await ev.next(named("OnToneGeneratedStart"))).toMatchObject({
      rsiPoint: "4001",
      callRef: routedCallRef,
      tonesTypes: "ANNOUNCEMENT",
    });
    await ev.next(named("OnToneGeneratedStop", (e) => e.callRef === routedCallRef));

    // The caller types 2 then the end key on the set.
    const coll = await admin.post<{ collCrid: string }>("acdrsi", "4001/collectDigits", {
      callRef: routedCallRef,
      numChars: 4,
      flushChar: "#",
      timeout: 30,
    });
    expect(coll.status).toBe(200);
    expect(
      (await caller.post("telephony", `calls/${call.body.callRef}/sendDtmf`, { number: "2#" })).status,
    ).toBe(204);
    expect(await ev.next(named("OnDigitCollected"))).toMatchObject({
      rsiPoint: "4001",
      callRef: routedCallRef,
      dataCollected: { collCrid: coll.body.collCrid, digits: "2", cause: "FLUSCHAR_RECEIVED" },
    });

    // A number that does not exist: the point asks again.
    expect(
      (await admin.post("acdrsi", "4001/routeSelect", { routeCrid, selectedRoute: "4999" })).status,
    ).toBe(204);
    expect(await ev.next(named("OnRouteRequest"))).toMatchObject({
      rsiPoint: "4001",
      request: { routeCrid, reason: "NOT_OBTAINABLE" },
    });
    // The user: the call rings there and the session ends.
    expect(
      (await admin.post("acdrsi", "4001/routeSelect", { routeCrid, selectedRoute: "10031" })).status,
    ).toBe(204);
    expect(await ev.next(named("OnRouteEnd"))).toMatchObject({ rsiPoint: "4001", routeCrid, routedCallRef });
    await calleeEv.next(named("OnCallCreated"));
    expect(partiesOf("10030")).toEqual(expect.arrayContaining(["10030", "10031"]));
    expect((await admin.get("acdrsi", "4001/routeSessions")).body).toEqual({ routeSessions: [] });
    await caller.del("telephony", `calls/${call.body.callRef}`);
    await until(() => partiesOf("10030").length === 0);
  });

  it("tones: played until stopped; stopping none is refused", async () => {
    const ev = await admin.subscribe([{ names: ["rsi"] }]);
    const caller = await sb.loginUser("10032");
    await admin.post("acdrsi", "4001/enable");
    const call = await caller.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10032",
      callee: "4001",
    });
    const ref = call.body.callRef;
    await ev.next(named("OnRouteRequest", (e) => (e.request as Body).routedCallRef === ref));
    expect(
      (await admin.post("acdrsi", "4001/playTone", { callRef: ref, tone: "MUSIC", duration: 0 })).status,
    ).toBe(204);
    expect(await ev.next(named("OnToneGeneratedStart"))).toMatchObject({ callRef: ref, tonesTypes: "MUSIC" });
    expect((await admin.post("acdrsi", "4001/stopTone", { callRef: ref })).status).toBe(204);
    await ev.next(named("OnToneGeneratedStop", (e) => e.callRef === ref));
    const again = await send(admin, "POST", "4001/stopTone", { callRef: ref });
    expect(again.status).toBe(409);
    // A collection the caller never finishes, stopped by the application.
    const coll = await admin.post<{ collCrid: string }>("acdrsi", "4001/collectDigits", {
      callRef: ref,
      numChars: 3,
    });
    await caller.post("telephony", `calls/${ref}/sendDtmf`, { number: "7" });
    expect((await admin.del("acdrsi", `4001/collectDigits/${coll.body.collCrid}`)).status).toBe(204);
    expect(await ev.next(named("OnDigitCollected"))).toMatchObject({
      dataCollected: { collCrid: coll.body.collCrid, digits: "7", cause: "SF_TERMINATED" },
    });
    // The caller hangs up: the session ends.
    await caller.del("telephony", `calls/${ref}`);
    expect(await ev.next(named("OnRouteEnd"))).toMatchObject({ rsiPoint: "4001", routedCallRef: ref });
  });

  it("default treatment: an unserved point, an ended session and a timed-out one send the call to voice mail", async () => {
    const ev = await admin.subscribe([{ names: ["rsi"] }]);
    const a = await sb.loginUser("10033");
    // 4002 is served by nobody.
    const unserved = await a.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10033",
      callee: "4002",
    });
    await until(() => partiesOf("10033").includes("8001"));
    await a.del("telephony", `calls/${unserved.body.callRef}`);

    await admin.post("acdrsi", "4001/enable");
    const b = await sb.loginUser("10034");
    const call = await b.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10034",
      callee: "4001",
    });
    const req = await ev.next(
      named("OnRouteRequest", (e) => (e.request as Body).routedCallRef === call.body.callRef),
    );
    const { routeCrid } = req.request as { routeCrid: string };
    expect((await admin.post("acdrsi", "4001/routeEnd", { routeCrid })).status).toBe(204);
    expect(await ev.next(named("OnRouteEnd"))).toMatchObject({ routeCrid, reason: "INITIAL" });
    await until(() => partiesOf("10034").includes("8001"));
    await b.del("telephony", `calls/${call.body.callRef}`);

    // Nobody answers the route request in time: the node ends the session.
    const rsi = rsiOf(sb.emulator.network)!;
    const before = rsi.options.routeTimeoutMs;
    rsi.options.routeTimeoutMs = 200;
    try {
      const c = await sb.loginUser("10035");
      const late = await c.post<{ callRef: string }>("telephony", "calls", {
        deviceId: "10035",
        callee: "4001",
      });
      await ev.next(named("OnRouteRequest", (e) => (e.request as Body).routedCallRef === late.body.callRef));
      expect(await ev.next(named("OnRouteEnd"))).toMatchObject({ routedCallRef: late.body.callRef });
      await until(() => partiesOf("10035").includes("8001"));
      await c.del("telephony", `calls/${late.body.callRef}`);
    } finally {
      rsi.options.routeTimeoutMs = before;
    }
  });

  it("disable: the point is no longer served", async () => {
    await admin.post("acdrsi", "4003/enable");
    expect((await admin.post("acdrsi", "4003/disable")).status).toBe(204);
    const list = await admin.get<{ rsiPoints: Body[] }>("acdrsi");
    expect(list.body.rsiPoints.find((p) => p.number === "4003")).toMatchObject({ registered: false });
    const again = await send(admin, "POST", "4003/disable");
    expect(again.status).toBe(404);
  });

  it("bad input: O2G's statuses and error body on every route", async () => {
    await admin.post("acdrsi", "4001/enable");
    const cases: [string, string, unknown, number][] = [
      ["POST", "abc/enable", undefined, 400],
      ["POST", "4999/enable", undefined, 404],
      ["POST", "4999/disable", undefined, 404],
      ["POST", "4001/collectDigits", { numChars: 2 }, 400],
      ["POST", "4001/collectDigits", { callRef: "1", numChars: -1 }, 400],
      ["POST", "4001/collectDigits", { callRef: "1", numChars: 2, flushChar: "x" }, 400],
      ["POST", "4001/collectDigits", { callRef: "1", numChars: 0 }, 400],
      ["POST", "4001/collectDigits", { callRef: "999999", numChars: 2 }, 404],
      ["POST", "4002/collectDigits", { callRef: "1", numChars: 2 }, 409],
      [
        "POST",
        "4001/collectDigits",
        { callRef: "1", numChars: 2, additionalCriteria: { termDigits: "#" } },
        501,
      ],
      ["DELETE", "4001/collectDigits/77", undefined, 404],
      ["DELETE", "4001/collectDigits/x", undefined, 400],
      ["POST", "4001/playTone", { callRef: "1", tone: "LOUD", duration: 1 }, 400],
      ["POST", "4001/playTone", { callRef: "1", tone: "BUSY", duration: "1" }, 400],
      ["POST", "4001/playTone", { callRef: "999999", tone: "BUSY", duration: 1 }, 404],
      ["POST", "4001/stopTone", {}, 400],
      ["POST", "4001/stopTone", { callRef: "999999" }, 404],
      ["POST", "4001/playVoiceGuide", { callRef: "1", guideNumber: 0 }, 400],
      ["POST", "4001/playVoiceGuide", { callRef: "999999", guideNumber: 2 }, 404],
      ["POST", "4001/routeEnd", {}, 400],
      ["POST", "4001/routeEnd", { routeCrid: "424242" }, 404],
      ["POST", "4001/routeSelect", { routeCrid: "1" }, 400],
      ["POST", "4001/routeSelect", { routeCrid: "1", selectedRoute: "abc" }, 400],
      ["POST", "4001/routeSelect", { routeCrid: "424242", selectedRoute: "10031" }, 404],
      [
        "POST",
        "4001/routeSelect",
        { routeCrid: "1", selectedRoute: "10031", associatedData: "x".repeat(33) },
        400,
      ],
      ["GET", "4999/routeSessions", undefined, 404],
      ["GET", "4001/routeSessions/424242", undefined, 404],
      ["GET", "4001/routeSessions/abc", undefined, 400],
    ];
    for (const [method, path, body, status] of cases) {
      const r = await send(admin, method, path, body);
      expect({ method, path, status: r.status }).toEqual({ method, path, status });
      expect(r.body).toMatchObject({ code: status, httpStatus: expect.any(String) });
    }
  });
});
