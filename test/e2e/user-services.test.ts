/**
 * Routing, communication log, event summary and directory search, end to end: REST as an SDK
 * calls it, the node routing calls by what the gateway set over CSTA, records built from the
 * calls and read back from the database, counters and their events.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { externalContactCount, generateExternalContacts } from "../../oxe-emulator/directory/index.js";
import type { O2gClient } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({
    users: 60,
    seed: 7,
    voiceMailAnswerAfterMs: 150,
    network: { ringTimeoutMs: 60_000, noAnswerForwardMs: 300 },
  });
});
afterAll(async () => {
  await sb?.stop();
});

interface Rec {
  recordId: number;
  comRef: string;
  acknowledged: boolean;
  participants: {
    role: string;
    answered: boolean;
    identity: { id: { loginName?: string; phoneNumber?: string } };
    reason?: string;
  }[];
}
interface Page {
  totalCount: number;
  comHistoryRecords: Rec[];
}

/** Any status: the bad-input cases expect 4xx. */
function send<T = { code: number; routing: { errorType: string; errorCause: string } }>(
  c: O2gClient,
  method: "GET" | "POST" | "PUT" | "DELETE",
  service: string,
  path = "",
  body?: unknown,
  query: Record<string, string> = {},
) {
  return c.send<T>(method, c.url(service, path, query), body);
}

/** An OR of an OR of ... a leaf, `levels` deep. */
function nestedFilter(levels: number): unknown {
  let f: unknown = { field: "lastName", operation: "BEGIN_WITH", operand: "a" };
  for (let i = 0; i < levels; i++) f = { operation: "OR", operand: [f] };
  return f;
}

async function callAndHangUp(a: O2gClient, from: string, to: string): Promise<string> {
  const ref = (await a.post<{ callRef: string }>("telephony", "calls", { deviceId: from, callee: to })).body
    .callRef;
  return ref;
}

describe("routing", () => {
  it("lists the routing services in the session and answers capabilities", async () => {
    const u = await sb.loginUser("10001");
    const caps = await u.get<Record<string, boolean>>("routing");
    expect(caps.status).toBe(200);
    expect(caps.body).toMatchObject({ forwardRoute: true, dnd: true });
  });

  it("forwards immediately to another user: the node rings the destination, events say so", async () => {
    const a = await sb.loginUser("10011");
    const b = await sb.loginUser("10012");
    const c = await sb.loginUser("10013");
    const eb = await b.subscribe([{ names: ["routingManagement"] }]);
    const ec = await c.subscribe([{ names: ["telephony"] }]);

    const set = await b.post("routing", "forwardroute", {
      forwardRoute: { destinations: [{ type: "NUMBER", number: "10013" }] },
    });
    expect(set.status).toBe(200);
    const changed = await eb.next((e) => e.eventName === "OnRoutingStateChanged");
    expect(changed.loginName).toBe("oxe10012");
    expect((changed.routingState as { forwardRoutes: unknown[] }).forwardRoutes).toEqual([
      { destinations: [{ type: "NUMBER", number: "10013" }] },
    ]);
    // The switch holds it: a fresh read of the set says the same.
    expect(sb.emulator.network.device("10012").forwards).toEqual([
      { type: "immediate", destination: "10013" },
    ]);
    const got = await b.get("routing", "forwardroute");
    expect(got.body).toEqual({ destinations: [{ type: "NUMBER", number: "10013" }] });

    await callAndHangUp(a, "10011", "10012");
    const rung = await ec.next((e) => e.eventName === "OnCallCreated");
    expect(rung.loginName).toBe("oxe10013");
    expect(sb.emulator.network.device("10013").connections[0]?.state).toBe("alerting");
    expect(sb.emulator.network.device("10012").connections).toHaveLength(0);
    sb.emulator.phone("10011").hangUp();
    await ec.next((e) => e.eventName === "OnCallRemoved");

    expect((await b.del("routing", "forwardroute")).status).toBe(200);
    expect(sb.emulator.network.device("10012").forwards).toEqual([]);
    expect((await b.get("routing", "forwardroute")).body).toEqual({ destinations: [] });
  });

  it("forwards on busy or no answer: both settings on the set, one state change", async () => {
    const b = await sb.loginUser("10014");
    const eb = await b.subscribe([{ names: ["routingManagement"] }]);
    await b.post("routing", "forwardroute", {
      forwardRoute: { forwardType: "BUSY_NO_ANSWER", destinations: [{ type: "NUMBER", number: "10015" }] },
    });
    const ev = await eb.next((e) => e.eventName === "OnRoutingStateChanged");
    expect((ev.routingState as { forwardRoutes: unknown[] }).forwardRoutes).toEqual([
      { forwardType: "BUSY_NO_ANSWER", destinations: [{ type: "NUMBER", number: "10015" }] },
    ]);
    const types = sb.emulator.network
      .device("10014")
      .forwards.map((f) => f.type)
      .sort();
    expect(types).toEqual(["busy", "noAnswer"]);
    await new Promise((r) => setTimeout(r, 100));
    expect(eb.pending().filter((e) => e.eventName === "OnRoutingStateChanged")).toHaveLength(0);
    // Replacing it by an immediate forward cancels both.
    await b.post("routing", "forwardroute", {
      forwardRoute: { destinations: [{ type: "NUMBER", number: "10016" }] },
    });
    expect(sb.emulator.network.device("10014").forwards).toEqual([
      { type: "immediate", destination: "10016" },
    ]);
    await b.del("routing", "forwardroute");
  });

  it("sees a forward set from the phone (the switch's event), in state and events", async () => {
    const b = await sb.loginUser("10017");
    await b.get("routing", "state"); // the gateway now knows the set's routing
    const eb = await b.subscribe([{ names: ["routingManagement"] }]);
    sb.emulator.network.setForward(
      sb.emulator.network.device("10017"),
      { type: "immediate", destination: "10018" },
      true,
    );
    const ev = await eb.next((e) => e.eventName === "OnRoutingStateChanged");
    expect((ev.routingState as { forwardRoutes: unknown[] }).forwardRoutes).toEqual([
      { destinations: [{ type: "NUMBER", number: "10018" }] },
    ]);
    const state = await b.get<{ forwardRoutes: unknown[]; dndState: { activate: boolean } }>(
      "routing",
      "state",
    );
    expect(state.body.forwardRoutes).toHaveLength(1);
    expect(state.body.dndState).toEqual({ activate: false });
    sb.emulator.network.setForward(
      sb.emulator.network.device("10017"),
      { type: "immediate", destination: "" },
      false,
    );
  });

  it("forwards to voice mail: the node's pilot takes the call", async () => {
    const a = await sb.loginUser("10019");
    const b = await sb.loginUser("10020");
    const caps = await b.get<Record<string, boolean>>("routing");
    expect(caps.body).toEqual({
      presentationRoute: expect.any(Boolean),
      forwardRoute: true,
      overflowRoute: true,
      dnd: true,
    });
    await b.post("routing", "forwardroute", { forwardRoute: { destinations: [{ type: "VOICEMAIL" }] } });
    expect(sb.emulator.network.device("10020").forwards).toEqual([
      { type: "immediate", destination: "8001" },
    ]);
    expect((await b.get("routing", "forwardroute")).body).toEqual({ destinations: [{ type: "VOICEMAIL" }] });
    const ea = await a.subscribe([{ names: ["telephony"] }]);
    const ref = await callAndHangUp(a, "10019", "10020");
    const answered = await ea.next(
      (e) =>
        e.eventName === "OnCallModified" &&
        e.callRef === ref &&
        (e.callData as { state: string }).state === "ACTIVE",
      3000,
    );
    expect(JSON.stringify(answered)).toContain("8001");
    sb.emulator.phone("10019").hangUp();
    await b.del("routing", "forwardroute");
  });

  it("overflows to voice mail when nobody answers; the overflow is subscriber configuration (CMIP)", async () => {
    const a = await sb.loginUser("10025");
    const b = await sb.loginUser("10026");
    const eb = await b.subscribe([{ names: ["routingManagement", "telephony"] }]);
    expect(
      (
        await b.post("routing", "overflowroute", {
          overflowRoutes: {
            overflowType: "NO_ANSWER",
            destinations: [{ type: "VOICEMAIL", selected: true }],
          },
        })
      ).status,
    ).toBe(200);
    const ev = await eb.next((e) => e.eventName === "OnRoutingStateChanged");
    expect((ev.routingState as { overflowRoutes: unknown[] }).overflowRoutes).toEqual([
      { overflowType: "NO_ANSWER", destinations: [{ type: "VOICEMAIL", selected: true }] },
    ]);
    expect(sb.emulator.network.device("10026").overflow).toBe("noAnswer");
    expect((await b.get("routing", "overflowroute")).body).toEqual({
      overflowType: "NO_ANSWER",
      destinations: [{ type: "VOICEMAIL", selected: true }],
    });
    await callAndHangUp(a, "10025", "10026");
    await eb.next((e) => e.eventName === "OnCallCreated");
    // After the no-answer delay the node moves the call to the pilot: Bob's set stops ringing.
    const gone = await eb.next((e) => e.eventName === "OnCallRemoved", 3000);
    expect(gone.cause).toBe("FORWARDED");
    sb.emulator.phone("10025").hangUp();
    expect((await b.del("routing", "overflowroute")).status).toBe(200);
    expect(sb.emulator.network.device("10026").overflow).toBeNull();
    expect((await b.get("routing", "overflowroute")).body).toEqual({ destinations: [] });
  });

  it("do not disturb: the caller gets busy; cancelling lets calls ring again", async () => {
    const a = await sb.loginUser("10021");
    const b = await sb.loginUser("10022");
    expect((await b.post("routing", "dnd")).status).toBe(200);
    expect((await b.get("routing", "dnd")).body).toEqual({ activate: true });
    expect(sb.emulator.network.device("10022").doNotDisturb).toBe(true);
    const ea = await a.subscribe([{ names: ["telephony"] }]);
    await callAndHangUp(a, "10021", "10022");
    const refused = await ea.next((e) => e.cause !== undefined && e.cause !== "UNKNOWN");
    expect(refused.cause).toBe("DO_NOT_DISTURB");
    expect(sb.emulator.network.device("10022").connections).toHaveLength(0);
    sb.emulator.phone("10021").hangUp();
    expect((await b.del("routing", "dnd")).status).toBe(200);
    expect((await b.get("routing", "dnd")).body).toEqual({ activate: false });
  });

  it("answers bad routes with 400 and O2G's routing error block", async () => {
    const b = await sb.loginUser("10023");
    const cases: [unknown, string][] = [
      [{}, "NULL_PARAMETER"],
      [{ forwardRoute: { destinations: [] } }, "NULL_OR_EMPTY_PARAMETER"],
      [{ forwardRoute: { destinations: [{ type: "NUMBER", number: "12ab" }] } }, "BAD_PHONE_NUMBER_FORMAT"],
      [{ forwardRoute: { destinations: [{ type: "NUMBER", number: "10023" }] } }, "INVALID_FORWARD_ROUTE"],
      [
        { forwardRoute: { forwardType: "SOMETIMES", destinations: [{ type: "VOICEMAIL" }] } },
        "INVALID_FORWARD_ROUTE",
      ],
      [{ forwardRoute: { destinations: [{ type: "FAX" }] } }, "INVALID_FORWARD_ROUTE"],
    ];
    for (const [body, cause] of cases) {
      const r = await send(b, "POST", "routing", "forwardroute", body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.routing.errorCause, JSON.stringify(body)).toBe(cause);
    }
    const ov = await send(b, "POST", "routing", "overflowroute", {
      overflowRoutes: { overflowType: "ALWAYS" },
    });
    expect(ov.status).toBe(400);
    expect(ov.body.routing.errorCause).toBe("INVALID_OVERFLOW_ROUTE");
    // Another user's routing is not this user's business: naming them, the user reads their own.
    const other = await send(b, "GET", "routing", "state", undefined, { loginName: "oxe10024" });
    expect(other.body).toEqual((await send(b, "GET", "routing", "state")).body);
  });
});

describe("communication log and event summary", () => {
  it("a missed call raises the counter and makes an unacknowledged record; acknowledging clears it", async () => {
    const a = await sb.loginUser("10031");
    const b = await sb.loginUser("10032");
    const eb = await b.subscribe([{ names: ["eventSummary", "unifiedComLog", "telephony"] }]);
    const before = await b.get<{ missedCallsNb: number; eventWaiting: boolean }>("eventsummary");
    expect(before.status).toBe(200);
    expect(before.body.missedCallsNb).toBe(0);

    const ref = await callAndHangUp(a, "10031", "10032");
    await eb.next((e) => e.eventName === "OnCallCreated");
    await a.del("telephony", `calls/${ref}`);
    const created = await eb.next((e) => e.eventName === "OnComRecordCreated");
    const rec = created.record as Rec;
    expect(rec.acknowledged).toBe(false);
    expect(rec.participants.find((p) => p.identity.id.loginName === "oxe10032")).toMatchObject({
      role: "CALLEE",
      answered: false,
    });
    const summary = await eb.next((e) => e.eventName === "OnEventSummaryUpdated");
    expect(summary.eventSummary).toMatchObject({ missedCallsNb: 1, eventWaiting: true });

    const page = await b.get<Page>("comlog", "", { unacknowledged: "true" });
    expect(page.body.totalCount).toBe(1);
    expect(page.body.comHistoryRecords[0]?.recordId).toBe(rec.recordId);
    // The caller's log has the same call, answered by nobody, acknowledged (not missed).
    const aPage = await a.get<Page>("comlog");
    expect(aPage.body.comHistoryRecords[0]).toMatchObject({ acknowledged: true });
    expect(aPage.body.comHistoryRecords[0]?.participants[0]).toMatchObject({ role: "CALLER" });

    const ack = await b.put("comlog", "", { recordIds: [String(rec.recordId)] }, { acknowledge: "true" });
    expect(ack.status).toBe(200);
    const ackEv = await eb.next((e) => e.eventName === "OnComRecordsAck");
    expect(ackEv.recordIds).toEqual([rec.recordId]);
    const after = await eb.next((e) => e.eventName === "OnEventSummaryUpdated");
    const counters = after.eventSummary as {
      missedCallsNb: number;
      voiceMessagesNb?: number;
      eventWaiting: boolean;
    };
    expect(counters.missedCallsNb).toBe(0);
    // The user's mailbox is readable (their session gave the password): its unread messages count.
    expect(typeof counters.voiceMessagesNb).toBe("number");
    expect(counters.eventWaiting).toBe((counters.voiceMessagesNb ?? 0) > 0);
    expect((await b.get<{ missedCallsNb: number }>("eventsummary")).body.missedCallsNb).toBe(0);

    await b.put("comlog", "", { recordIds: [rec.recordId] }, { acknowledge: "false" });
    expect((await eb.next((e) => e.eventName === "OnComRecordsUnAck")).recordIds).toEqual([rec.recordId]);
    expect((await b.get<{ missedCallsNb: number }>("eventsummary")).body.missedCallsNb).toBe(1);

    const one = await b.get<Rec>("comlog", String(rec.recordId));
    expect(one.body.comRef).toBe(rec.comRef);
    expect((await b.del("comlog", String(rec.recordId))).status).toBe(200);
    expect((await eb.next((e) => e.eventName === "OnComRecordsDeleted")).recordIds).toEqual([rec.recordId]);
    expect((await send(b, "GET", "comlog", String(rec.recordId))).status).toBe(404);
    expect((await b.get<{ missedCallsNb: number }>("eventsummary")).body.missedCallsNb).toBe(0);
  });

  it("an answered call is one answered record per user, filtered by role and remote party", async () => {
    const a = await sb.loginUser("10033");
    const b = await sb.loginUser("10034");
    const ea = await a.subscribe([{ names: ["unifiedComLog", "telephony"] }]);
    const eb = await b.subscribe([{ names: ["unifiedComLog", "telephony"] }]);
    const ref = await callAndHangUp(a, "10033", "10034");
    await eb.next((e) => e.eventName === "OnCallCreated");
    await b.post("telephony", `calls/${ref}/answer`, { deviceId: "10034" });
    await ea.next(
      (e) => e.eventName === "OnCallModified" && (e.callData as { state: string }).state === "ACTIVE",
    );
    await b.del("telephony", `calls/${ref}`);
    const ra = (await ea.next((e) => e.eventName === "OnComRecordCreated")).record as Rec & {
      convDate?: string;
    };
    const rb = (await eb.next((e) => e.eventName === "OnComRecordCreated")).record as Rec;
    expect(ra.acknowledged).toBe(true);
    expect(rb.acknowledged).toBe(true);
    expect(ra.convDate).toBeDefined();
    expect(rb.participants.find((p) => p.identity.id.loginName === "oxe10034")).toMatchObject({
      answered: true,
    });

    const asCaller = await a.get<Page>("comlog", "", { role: "CALLER", remotePartyId: "10034" });
    expect(asCaller.body.comHistoryRecords.map((r) => r.recordId)).toContain(ra.recordId);
    const asCallee = await a.get<Page>("comlog", "", { role: "CALLEE", remotePartyId: "10034" });
    expect(asCallee.body.comHistoryRecords.map((r) => r.recordId)).not.toContain(ra.recordId);
    const paged = await a.get<Page & { limit: number; offset: number }>("comlog", "", {
      limit: "1",
      offset: "0",
    });
    expect(paged.body.comHistoryRecords).toHaveLength(1);
    expect(paged.body.limit).toBe(1);
  });

  it("deletes by filter and by id list, telling the ids", async () => {
    const a = await sb.loginUser("10035");
    const ea = await a.subscribe([{ names: ["unifiedComLog", "telephony"] }]);
    for (const to of ["10036", "10037"]) {
      const ref = await callAndHangUp(a, "10035", to);
      await ea.next((e) => e.eventName === "OnCallCreated" && e.callRef === ref);
      await a.del("telephony", `calls/${ref}`);
      await ea.next((e) => e.eventName === "OnComRecordCreated");
    }
    const all = await a.get<Page>("comlog");
    expect(all.body.totalCount).toBe(2);
    const [r1, r2] = all.body.comHistoryRecords;
    // The optimized answer: the caller, in both records, is described in full once only.
    const optimized = await a.get<Page>("comlog", "", { optimized: "true" });
    const caller = optimized.body.comHistoryRecords.map(
      (r) => r.participants.find((p) => p.role === "CALLER")?.identity,
    );
    expect(Object.keys(caller[0]!).length).toBeGreaterThan(1);
    expect(caller[1]).toEqual({ id: { phoneNumber: "10035" } });
    await a.del("comlog", "", { recordIdList: `${r1!.recordId}` });
    expect((await ea.next((e) => e.eventName === "OnComRecordsDeleted")).recordIds).toEqual([r1!.recordId]);
    await a.del("comlog", "", { role: "CALLER" });
    expect((await ea.next((e) => e.eventName === "OnComRecordsDeleted")).recordIds).toEqual([r2!.recordId]);
    expect((await a.get<Page>("comlog")).body.totalCount).toBe(0);
  });

  it("answers bad comlog input with 400/404 in O2G's error format", async () => {
    const a = await sb.loginUser("10038");
    const bad: [string, string, Record<string, string>][] = [
      ["GET", "", { afterDate: "yesterday" }],
      ["GET", "", { role: "BOSS" }],
      ["GET", "", { limit: "0" }],
      ["GET", "", { offset: "-1" }],
      ["GET", "", { unanswered: "maybe" }],
      ["GET", "abc", {}],
      ["DELETE", "", { recordIdList: "1,x" }],
    ];
    for (const [method, path, q] of bad) {
      const r = await send(a, method as "GET", "comlog", path, undefined, q);
      expect(r.status, `${method} ${path} ${JSON.stringify(q)}`).toBe(400);
      expect(r.body.code).toBe(400);
    }
    expect((await send(a, "GET", "comlog", "999999999")).status).toBe(404);
    expect((await send(a, "PUT", "comlog", "", { recordIds: [1] })).status).toBe(400);
    expect((await send(a, "PUT", "comlog", "", { recordIds: "1" }, { acknowledge: "true" })).status).toBe(
      400,
    );
    expect((await send(a, "PUT", "comlog", "", { recordIds: [{}] }, { acknowledge: "true" })).status).toBe(
      400,
    );
    // Naming another user is ignored: the session's own log and summary.
    for (const service of ["comlog", "eventsummary"])
      expect((await send(a, "GET", service, "", undefined, { loginName: "oxe10039" })).body).toEqual(
        (await send(a, "GET", service)).body,
      );
  });

  it("refuses recordIds nested 5,000 deep with a 400 naming the field", async () => {
    const a = await sb.loginUser("10038");
    // Too deep for JSON.stringify, so written by hand. It once answered 500: the error message
    // stringified the value and overflowed the stack.
    const body = `{"recordIds":${"[".repeat(5000)}1${"]".repeat(5000)}}`;
    const r = await request(a.url("comlog", "", { acknowledge: "true" }), {
      method: "PUT",
      headers: { cookie: a.cookieHeader, "content-type": "application/json" },
      body,
      dispatcher: sb.dispatcher,
    });
    const answer = (await r.body.json()) as { code: number; helpMessage: string };
    expect(r.statusCode).toBe(400);
    expect(answer.code).toBe(400);
    expect(answer.helpMessage).toMatch(/recordIds/);
  });
});

describe("directory search", () => {
  it("finds users by last-name prefix, in batches, then FINISH", async () => {
    const u = await sb.loginUser("10041");
    const someone = sb.emulator.directory.subscribers[5]!;
    const prefix = someone.lastName.slice(0, 2);
    const started = await u.post("directory", "search", {
      filter: { field: "lastName", operation: "BEGIN_WITH", operand: prefix },
      limit: 10,
    });
    expect(started.status).toBe(200);
    const first = await u.get<{
      resultCode: string;
      resultElements: { contacts: { id: { loginName?: string; phoneNumber: string }; lastName: string }[] }[];
    }>("directory", "search");
    expect(first.body.resultCode).toBe("OK");
    const contacts = first.body.resultElements[0]!.contacts;
    expect(contacts.length).toBeGreaterThan(0);
    for (const c of contacts) expect(c.lastName.toLowerCase().startsWith(prefix.toLowerCase())).toBe(true);
    expect(contacts.some((c) => c.id.phoneNumber === someone.directoryNumber)).toBe(true);
    const expected = sb.emulator.directory.subscribers.filter((s) =>
      s.lastName.toLowerCase().startsWith(prefix.toLowerCase()),
    ).length;
    expect(contacts.length).toBe(Math.min(10, expected));
    expect((await u.get<{ resultCode: string }>("directory", "search")).body.resultCode).toBe("FINISH");
    expect((await send(u, "GET", "directory", "search")).status).toBe(404);
  });

  it("combines criteria with AND / OR", async () => {
    const u = await sb.loginUser("10042");
    const s = sb.emulator.directory.subscribers[7]!;
    await u.post("directory", "search", {
      filter: {
        operation: "AND",
        operand: [
          { field: "lastName", operation: "EQUAL_IGNORE_CASE", operand: s.lastName.toUpperCase() },
          { field: "id.phoneNumber", operation: "END_WITH", operand: s.directoryNumber.slice(-3) },
        ],
      },
    });
    const r = await u.get<{ resultElements: { contacts: { id: { phoneNumber: string } }[] }[] }>(
      "directory",
      "search",
    );
    expect(r.body.resultElements[0]!.contacts.map((c) => c.id.phoneNumber)).toEqual([s.directoryNumber]);
    expect((await u.del("directory", "search")).status).toBe(200);
  });

  it("finds the node's external contacts too (its phone book, read over CMIP)", async () => {
    const u = await sb.loginUser("10044");
    const book = generateExternalContacts(7, 1, externalContactCount(60));
    const c = book[3]!;
    // The book is read after the users; give it a moment on a busy machine.
    let contacts: {
      id: { phoneNumber: string; loginName?: string };
      lastName: string;
      type: { main: string };
    }[] = [];
    for (let i = 0; i < 50 && contacts.length === 0; i++) {
      await u.post("directory", "search", {
        filter: { field: "id.phoneNumber", operation: "EQUAL_IGNORE_CASE", operand: c.number },
      });
      const r = await u.get<{ resultCode: string; resultElements?: { contacts: typeof contacts }[] }>(
        "directory",
        "search",
      );
      contacts = r.body.resultElements?.[0]?.contacts ?? [];
      if (contacts.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(contacts).toEqual([
      {
        id: { phoneNumber: c.number },
        lastName: c.lastName,
        firstName: c.firstName,
        type: { main: "EXTERNAL" },
      },
    ]);
  });

  it("answers malformed filters with 400", async () => {
    const u = await sb.loginUser("10043");
    for (const body of [
      {},
      { filter: { field: "age", operation: "BEGIN_WITH", operand: "a" } },
      { filter: { field: "lastName", operation: "LIKE", operand: "a" } },
      { filter: { field: "lastName", operation: "BEGIN_WITH", operand: "" } },
      { filter: { operation: "OR", operand: [] } },
      { filter: { field: "lastName", operation: "BEGIN_WITH", operand: "a" }, limit: 0 },
      { filter: { field: "lastName", operation: "BEGIN_WITH", operand: "a" }, limit: "10" },
      // deeper than the phone book takes: refused by the schema before anything walks it
      { filter: nestedFilter(9) },
      { filter: nestedFilter(500) },
    ]) {
      const r = await send(u, "POST", "directory", "search", body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.code).toBe(400);
    }
    expect((await send(u, "DELETE", "directory", "search")).status).toBe(404);
    // as deep as the phone book takes is fine
    expect((await send(u, "POST", "directory", "search", { filter: nestedFilter(8) })).status).toBe(200);
  });
});
