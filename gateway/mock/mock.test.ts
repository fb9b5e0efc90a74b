/**
 * The msw stand-in driven as the gateway is driven in the end-to-end tests: the same
 * scenario-style client (over fetch, which msw's setupServer intercepts), no gateway, no
 * emulator, no socket. Every request must be answered by the handlers (onUnhandledRequest:
 * "error"), and answers and events must fit the schemas the gateway's routes declare.
 */
import { setupServer } from "msw/node";
import type { TSchema } from "typebox";
import { Value } from "typebox/value";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { O2gClient, type O2gEvent } from "../../scenarios/o2g-client/index.js";
import { telephony } from "../../test/support/events.js";
import { RoutingStateSchema } from "../domain/routing/schema.js";
import { TELEPHONY_EVENT_SCHEMAS, TelephonicStateSchema } from "../domain/telephony/schema.js";
import { O2gErrorSchema } from "../http/contract/error-schema.js";
import { CallList } from "../services/telephony/schemas.js";
import { ComRecordPageSchema, ComRecordSchema } from "../store/comlog/schema.js";
import { createMockO2g } from "./index.js";

const BASE = "https://o2g.mock.test";
const { handlers } = createMockO2g();
const server = setupServer(...handlers);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

/** The global fetch at call time: msw replaces it on listen(). */
const viaMsw: typeof fetch = (input, init) => fetch(input, init);

const login = (user: string, password = "0000") =>
  O2gClient.login({ baseUrl: BASE, login: user, password, fetch: viaMsw });

function expectFits(schema: TSchema, value: unknown, what: string): void {
  const errors = [...Value.Errors(schema, value)].map((e) => `${e.instancePath} ${e.message}`);
  expect(errors, `${what} fits its schema`).toEqual([]);
}

const state = (e: O2gEvent) => (e.callData as { state: string } | undefined)?.state;

describe("a basic call flow against the msw handlers", () => {
  it("gives each user the gateway's call events, follows a transfer and logs the call", async () => {
    const [a, b, c] = await Promise.all(["oxe10001", "oxe10002", "oxe10003"].map((l) => login(l)));
    const names = ["telephony", "unifiedComLog"];
    const [ea, eb, ec] = await Promise.all([a!, b!, c!].map((x) => x.subscribe([{ names }])));
    for (const s of [ea!, eb!, ec!]) expect(s.events[0]?.eventName).toBe("OnChannelInformation");

    const call1 = (
      await a!.post<{ callRef: string }>("telephony", "calls", { deviceId: "10001", callee: "10002" })
    ).body.callRef;
    await eb!.next((e) => e.eventName === "OnCallCreated");
    await b!.post("telephony", `calls/${call1}/answer`, { deviceId: "10002" });
    await ea!.next((e) => e.eventName === "OnCallModified" && state(e) === "ACTIVE");

    await a!.post("telephony", `calls/${call1}/hold`, { deviceId: "10001" });
    await a!.post("telephony", `calls/${call1}/retrieve`, { deviceId: "10001" });
    await eb!.next((e) => e.eventName === "OnCallModified" && (e.modifiedParticipants as []).length > 0);

    // Calling out with a call active places a consultation call: the first one is held.
    const call2 = (
      await a!.post<{ callRef: string }>("telephony", "calls", { deviceId: "10001", callee: "10003" })
    ).body.callRef;
    expect(call2).not.toBe(call1);
    await c!.post("telephony", `calls/${call2}/answer`, { deviceId: "10003" });
    const calls = await a!.get<unknown>("telephony", "calls");
    expectFits(CallList, calls.body, "GET calls");
    expectFits(TelephonicStateSchema, (await a!.get("telephony", "state")).body, "GET state");

    await a!.post("telephony", `calls/${call2}/transfer`, { heldCallRef: call1 });
    const after = await b!.get<{ calls: { callRef: string; participants: { participantId: string }[] }[] }>(
      "telephony",
      "calls",
    );
    expect(after.body.calls.map((x) => [x.callRef, x.participants.map((p) => p.participantId)])).toEqual([
      [call2, ["10003"]],
    ]);
    await b!.del("telephony", `calls/${call2}`);
    await ec!.next((e) => e.eventName === "OnUserStateModified" && e.state === "FREE");

    expect(telephony(ea!.events.filter((e) => e.eventName !== "OnComRecordCreated"))).toEqual([
      `OnCallCreated ${call1} UNKNOWN legs=10001:RINGING_OUTGOING parts=10002:RINGING_INCOMING`,
      "OnUserStateModified BUSY",
      `OnCallModified ${call1} UNKNOWN ~legs=10001:ACTIVE ~parts=10002:ACTIVE`,
      `OnCallModified ${call1} UNKNOWN ~legs=10001:HELD`,
      `OnCallModified ${call1} UNKNOWN ~legs=10001:ACTIVE`,
      `OnCallModified ${call1} UNKNOWN ~legs=10001:HELD`,
      `OnCallCreated ${call2} UNKNOWN legs=10001:RINGING_OUTGOING parts=10003:RINGING_INCOMING`,
      `OnCallModified ${call2} UNKNOWN ~legs=10001:ACTIVE ~parts=10003:ACTIVE`,
      `OnCallRemoved ${call1} TRANSFERRED`,
      `OnCallRemoved ${call2} TRANSFERRED`,
      "OnUserStateModified FREE",
    ]);
    expect(telephony(eb!.events.filter((e) => e.eventName !== "OnComRecordCreated"))).toEqual([
      `OnCallCreated ${call1} UNKNOWN legs=10002:RINGING_INCOMING parts=10001:RINGING_OUTGOING`,
      "OnUserStateModified BUSY",
      `OnCallModified ${call1} UNKNOWN ~legs=10002:ACTIVE ~parts=10001:ACTIVE`,
      `OnCallModified ${call1} UNKNOWN ~parts=10001:HELD`,
      `OnCallModified ${call1} UNKNOWN ~parts=10001:ACTIVE`,
      `OnCallModified ${call1} UNKNOWN ~parts=10001:HELD`,
      `OnCallModified ${call2} TRANSFERRED prev=${call1} +parts=10003:ACTIVE -parts=10001`,
      `OnCallRemoved ${call2} CLEARED`,
      "OnUserStateModified FREE",
    ]);
    expect(telephony(ec!.events.filter((e) => e.eventName !== "OnComRecordCreated"))).toEqual([
      `OnCallCreated ${call2} UNKNOWN legs=10003:RINGING_INCOMING parts=10001:RINGING_OUTGOING`,
      "OnUserStateModified BUSY",
      `OnCallModified ${call2} UNKNOWN ~legs=10003:ACTIVE ~parts=10001:ACTIVE`,
      `OnCallModified ${call2} TRANSFERRED +parts=10002:ACTIVE -parts=10001`,
      `OnCallRemoved ${call2} PARTICIPANT_LEFT`,
      "OnUserStateModified FREE",
    ]);
    for (const e of [...ea!.events, ...eb!.events, ...ec!.events]) {
      const schema = TELEPHONY_EVENT_SCHEMAS[e.eventName as keyof typeof TELEPHONY_EVENT_SCHEMAS];
      if (schema) expectFits(schema, e, e.eventName);
    }
    const created = eb!.events.find((e) => e.eventName === "OnCallCreated") as unknown as {
      loginName: string;
      participants: { identity: { id: { loginName: string }; lastName: string } }[];
    };
    expect(created.loginName).toBe("oxe10002");
    expect(created.participants[0]!.identity).toMatchObject({
      id: { loginName: "oxe10001" },
      lastName: "Bernard",
    });

    // B's log: one record for the call across the transfer, under the call it ended as.
    const logged = await eb!.next((e) => e.eventName === "OnComRecordCreated");
    const record = (logged as { record?: { recordId: number; comRef: string } }).record!;
    expect(record.comRef).toBe(call2);
    expectFits(ComRecordSchema, record, "OnComRecordCreated.record");
    const page = await b!.get<{
      totalCount: number;
      comHistoryRecords: {
        recordId: number;
        comRef: string;
        acknowledged: boolean;
        participants: { role: string; answered: boolean; identity: { id: { loginName?: string } } }[];
      }[];
    }>("comlog");
    expectFits(ComRecordPageSchema, page.body, "GET comlog");
    expect(page.body.totalCount).toBe(1);
    const [rec] = page.body.comHistoryRecords;
    expect(rec).toMatchObject({ recordId: record.recordId, comRef: call2, acknowledged: true });
    expect(rec!.participants.map((p) => [p.identity.id.loginName, p.role, p.answered])).toEqual([
      ["oxe10002", "CALLEE", true],
      ["oxe10001", "CALLER", true],
      ["oxe10003", "CALLER", true],
    ]);
    // A's log: both calls it made.
    await ea!.next((e) => e.eventName === "OnComRecordCreated");
    await ea!.next((e) => e.eventName === "OnComRecordCreated");
    const pageA = await a!.get<{ comHistoryRecords: { comRef: string }[] }>("comlog", "", { role: "CALLER" });
    expect(pageA.body.comHistoryRecords.map((r) => r.comRef).sort()).toEqual([call1, call2].sort());

    // Acknowledge and delete, each told as its event.
    await b!.put("comlog", "", { recordIds: [record.recordId] }, { acknowledge: "false" });
    expect((await eb!.next((e) => e.eventName === "OnComRecordsUnAck")).recordIds).toEqual([record.recordId]);
    await b!.del("comlog", String(record.recordId));
    expect((await eb!.next((e) => e.eventName === "OnComRecordsDeleted")).recordIds).toEqual([
      record.recordId,
    ]);
    expect((await b!.get<{ totalCount: number }>("comlog")).body.totalCount).toBe(0);

    await Promise.all([a!, b!, c!].map((x) => x.close()));
  });

  it("answers a caller's unanswered call released by the caller as ABANDONED, a missed call", async () => {
    const [a, b] = await Promise.all([login("oxe10000"), login("oxe10004")]);
    const eb = await b!.subscribe([{ names: ["telephony", "unifiedComLog"] }]);
    const ref = (await a!.post<{ callRef: string }>("telephony", "basicCall", { callee: "10004" })).body
      .callRef;
    await eb.next((e) => e.eventName === "OnCallCreated");
    await a!.del("telephony", `calls/${ref}`);
    expect((await eb.next((e) => e.eventName === "OnCallRemoved")).cause).toBe("ABANDONED");
    const logged = (await eb.next((e) => e.eventName === "OnComRecordCreated")) as {
      record?: { acknowledged: boolean };
    };
    expect(logged.record?.acknowledged).toBe(false);
    const missed = await b!.get<{ totalCount: number }>("comlog", "", { unacknowledged: "true" });
    expect(missed.body.totalCount).toBe(1);
    await Promise.all([a!.close(), b!.close()]);
  });
});

describe("the chunk channel of the msw handlers", () => {
  it("loses no event when the response is cut mid-call and polled again", async () => {
    const [a, b] = await Promise.all([login("oxe10003"), login("oxe10004")]);
    const eb = await b!.subscribe([{ names: ["telephony"] }]);
    const call = (await a!.post<{ callRef: string }>("telephony", "calls", { callee: "10004" })).body.callRef;
    await eb.next((e) => e.eventName === "OnCallCreated");
    const polls = eb.polls;
    eb.dropConnection(); // the client goes away mid-call...
    await b!.post("telephony", `calls/${call}/answer`, { deviceId: "10004" }); // ...events happen meanwhile...
    await a!.del("telephony", `calls/${call}`);
    const removed = await eb.next(
      (e) => e.eventName === "OnCallRemoved",
      5000,
      "OnCallRemoved after the re-poll",
    );
    expect(removed.callRef).toBe(call);
    expect(eb.polls).toBeGreaterThan(polls);
    const second = eb.events.map((e) => e.eventName).lastIndexOf("OnChannelInformation");
    expect(second).toBeGreaterThan(0);
    expect(telephony(eb.events.slice(second))).toEqual([
      `OnCallModified ${call} UNKNOWN ~legs=10004:ACTIVE ~parts=10003:ACTIVE`,
      `OnCallRemoved ${call} PARTICIPANT_LEFT`,
      "OnUserStateModified FREE",
    ]);
    await Promise.all([a!.close(), b!.close()]);
  });
});

describe("routing against the msw handlers", () => {
  it("keeps DND and forwards, tells OnRoutingStateChanged, and calls honour them", async () => {
    const [a, b] = await Promise.all([login("oxe10000"), login("oxe10001")]);
    const [ea, eb] = await Promise.all([
      a!.subscribe([{ names: ["telephony"] }]),
      b!.subscribe([{ names: ["routingManagement"] }]),
    ]);
    await b!.post("routing", "dnd");
    const changed = await eb.next((e) => e.eventName === "OnRoutingStateChanged");
    expectFits(RoutingStateSchema, changed.routingState, "OnRoutingStateChanged.routingState");
    expect(changed.routingState).toMatchObject({ dndState: { activate: true } });
    const ref = (await a!.post<{ callRef: string }>("telephony", "calls", { callee: "10001" })).body.callRef;
    const removed = await ea.next((e) => e.eventName === "OnCallRemoved");
    expect([removed.callRef, removed.cause]).toEqual([ref, "DO_NOT_DISTURB"]);
    await b!.del("routing", "dnd");

    await b!.post("routing", "forwardroute", {
      forwardRoute: { destinations: [{ type: "NUMBER", number: "10003" }] },
    });
    const st = await b!.get("routing", "state");
    expectFits(RoutingStateSchema, st.body, "GET routing/state");
    expect(st.body).toMatchObject({
      forwardRoutes: [{ destinations: [{ type: "NUMBER", number: "10003" }] }],
      dndState: { activate: false },
    });
    const fwd = (await a!.post<{ callRef: string }>("telephony", "calls", { callee: "10001" })).body.callRef;
    const created = await ea.next((e) => e.eventName === "OnCallCreated" && e.callRef === fwd);
    expect((created.participants as { participantId: string }[]).map((p) => p.participantId)).toEqual([
      "10003",
    ]);
    await a!.del("telephony", `calls/${fwd}`);
    await Promise.all([a!.close(), b!.close()]);
  });
});

describe("bad input and who may do what, in O2G's error JSON", () => {
  it("answers 400 naming the field, 401, 403 and 404 as the gateway does", async () => {
    const a = await login("oxe10002");
    const wrongType = await a.send("POST", a.url("telephony", "calls"), { deviceId: 10002, callee: "10003" });
    expect(wrongType.status).toBe(400);
    expectFits(O2gErrorSchema, wrongType.body, "the 400");
    expect(wrongType.body).toMatchObject({ httpStatus: "BAD_REQUEST", code: 400 });
    expect((wrongType.body as { helpMessage: string }).helpMessage).toContain("deviceId");

    const badNumber = await a.send("POST", a.url("telephony", "calls"), { callee: "not a number" });
    expect(badNumber).toMatchObject({
      status: 400,
      body: { telephony: { errorType: "BAD_PARAMETER_VALUE", errorCause: "INVALID_DESTINATION" } },
    });
    const badRoute = await a.send("POST", a.url("routing", "forwardroute"), {
      forwardRoute: { destinations: [] },
    });
    expect(badRoute).toMatchObject({ status: 400, body: { routing: { errorType: "BAD_PARAMETER_VALUE" } } });
    expectFits(O2gErrorSchema, badRoute.body, "the routing 400");
    const badDate = await a.send("GET", a.url("comlog", "", { afterDate: "March 7" }));
    expect(badDate.status).toBe(400);

    const unknownCall = await a.send("POST", a.url("telephony", "calls/4242/answer"), { deviceId: "10002" });
    expect(unknownCall).toMatchObject({
      status: 404,
      body: { telephony: { errorType: "CALL_REFERENCE_NOT_FOUND" } },
    });
    expectFits(O2gErrorSchema, unknownCall.body, "the 404");
    // Another's loginName is ignored (the session's user acts); another's public information is readable.
    expect((await a.send("GET", a.url("telephony", "calls", { loginName: "oxe10003" }))).status).toBe(200);
    expect((await a.send("GET", a.url("users", "oxe10003"))).body).toMatchObject({ loginName: "oxe10003" });
    expect((await a.send("GET", a.url("users", "oxe99999"))).status).toBe(404);
    expect((await a.send("GET", a.url("users", "oxe10002"))).body).toMatchObject({
      loginName: "oxe10002",
      companyPhone: "10002",
    });

    const wrong = await a.send("GET", `${BASE}/api/rest/authenticate?version=1.0`, undefined, {
      authorization: `Basic ${btoa("oxe10002:9999")}`,
    });
    expect(wrong.status).toBe(401);
    expectFits(O2gErrorSchema, wrong.body, "the 401");
    // msw keeps a cookie jar per origin as a browser does: a stale credential, not none, is sent.
    const stale = await fetch(`${BASE}/api/rest/1.0/telephony/calls`, {
      headers: { cookie: "AlcUserId=gone" },
    });
    expect(stale.status).toBe(401);
    expectFits(O2gErrorSchema, await stale.json(), "the 401 without a session");

    const admin = await login("admin", "Sandbox-Admin-1");
    expect((await admin.send("GET", admin.url("telephony", "calls"))).status).toBe(400);
    expect(
      (await admin.get<{ calls: [] }>("telephony", "calls", { loginName: "oxe10003" })).body.calls,
    ).toEqual([]);
    await Promise.all([a.close(), admin.close()]);
  });
});

describe("the module in a browser bundle", () => {
  it("bundles with msw/browser for the browser, with nothing of Node", async () => {
    const { build } = await import("esbuild");
    const out = await build({
      stdin: {
        contents:
          'import { setupWorker } from "msw/browser"; import { handlers } from "./gateway/mock/index.ts"; export const worker = setupWorker(...handlers);',
        resolveDir: new URL("../..", import.meta.url).pathname,
        loader: "ts",
      },
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
    });
    expect(out.errors).toEqual([]);
    expect(out.outputFiles[0]!.text).not.toMatch(/from\s*"node:|require\("node:/);
  });
});

describe("hunting groups against the msw handlers", () => {
  it("lists, joins, leaves, logs on and off as the gateway does, telling the user", async () => {
    const [member, other] = await Promise.all(["oxe10003", "oxe10001"].map((l) => login(l)));
    const events = await member!.subscribe([{ names: ["telephony"] }]);
    expect((await member!.get("telephony", "huntingGroups")).body).toEqual({
      hgList: ["6011", "6012", "6013"],
      currentHg: "6011",
    });
    await member!.del("telephony", "huntingGroupLogOn");
    expect((await member!.get("telephony", "huntingGroupLogOn")).body).toEqual({ logon: false });
    const told = await events.next((e) => e.eventName === "OnDynamicStateChanged");
    expect(told).toMatchObject({ loginName: "oxe10003", huntingGroupState: { logon: false } });
    await member!.post("telephony", "huntingGroupLogOn");

    const none = await other!.send("GET", other!.url("telephony", "huntingGroupLogOn"));
    expect(none.status).toBe(409);
    expect((await other!.send("POST", other!.url("telephony", "huntingGroupMember/6099"))).status).toBe(404);
    await other!.post("telephony", "huntingGroupMember/6012");
    expect((await other!.send("POST", other!.url("telephony", "huntingGroupMember/6013"))).status).toBe(409);
    expect((await other!.get("telephony", "huntingGroups")).body).toMatchObject({ currentHg: "6012" });
    await other!.del("telephony", "huntingGroupMember/6012");
    expect((await other!.get("telephony", "huntingGroups")).body).toEqual({
      hgList: ["6011", "6012", "6013"],
    });
  });
});

describe("callbacks and mini messages against the msw handlers", () => {
  it("requests, lists and deletes callbacks; sends and reads mini messages, as the gateway does", async () => {
    const [a, b] = await Promise.all(["oxe10001", "oxe10002"].map((l) => login(l)));
    expect((await a!.post("telephony", "outgoingCallbacks", { callee: "10002" })).status).toBe(204);
    const list = await b!.get<{ callbacks: { callbackId: string; partyInfo: { id: unknown } }[] }>(
      "telephony",
      "incomingCallbacks",
    );
    expect(list.body.callbacks).toEqual([
      expect.objectContaining({
        callbackId: "10001",
        partyInfo: expect.objectContaining({ id: { loginName: "oxe10001", phoneNumber: "10001" } }),
      }),
    ]);
    expect((await b!.send("DELETE", b!.url("telephony", "incomingCallbacks/10099"))).status).toBe(404);
    expect((await b!.del("telephony", "incomingCallbacks/10001")).status).toBe(204);
    expect((await b!.get("telephony", "incomingCallbacks")).body).toEqual({ callbacks: [] });
    const bad = await a!.send<{ telephony: { errorCause: string } }>(
      "POST",
      a!.url("telephony", "outgoingCallbacks"),
      { callee: "ten" },
    );
    expect([bad.status, bad.body.telephony.errorCause]).toEqual([400, "INVALID_DESTINATION"]);

    expect((await a!.post("telephony", "miniMessages", { recipient: "10002", message: "hi" })).status).toBe(
      204,
    );
    expect((await b!.get("telephony", "miniMessages")).body).toMatchObject({
      sender: "10001",
      message: "hi",
    });
    expect((await b!.get("telephony", "miniMessages")).body).toBeNull();
    const empty = await a!.send("POST", a!.url("telephony", "miniMessages"), {
      recipient: "10002",
      message: "",
    });
    expect(empty.status).toBe(400);
  });
});
