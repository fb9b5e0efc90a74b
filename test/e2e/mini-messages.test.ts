/**
 * Mini messages end to end, driven as the SDK drives them (sendMiniMessage, getMiniMessage): the
 * OXE keeps a set's text messages, whether sent through the API or from another set's keypad;
 * reading takes the oldest unread one; the event summary counts new and old ones. Bad requests
 * get O2G's statuses and error JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { O2gClient } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(async () => {
  await sb?.stop();
});

interface Message {
  sender?: string;
  dateTime?: string;
  message?: string;
}
interface Summary {
  newTextNb: number;
  oldTextNb: number;
  eventWaiting: boolean;
}

async function error(c: O2gClient, body: unknown, query = "") {
  const r = await c.send<{ code: number; telephony?: { errorCause: string } }>(
    "POST",
    c.url("telephony", `miniMessages${query}`),
    body,
  );
  return { status: r.status, code: r.body.code, cause: r.body.telephony?.errorCause };
}

describe("mini messages", () => {
  it("sends, counts and reads messages, from the API and from a set", async () => {
    const a = await sb.loginUser("10041");
    const b = await sb.loginUser("10042");
    const eb = await b.subscribe([{ names: ["eventSummary"] }]);
    const before = Date.now();
    expect(
      (await a.post("telephony", "miniMessages", { recipient: "10042", message: "Call me back?" })).status,
    ).toBe(204);
    const told = await eb.next(
      (e) => e.eventName === "OnEventSummaryUpdated" && (e.eventSummary as Summary).newTextNb === 1,
    );
    expect(told.eventSummary).toMatchObject({ newTextNb: 1, oldTextNb: 0, eventWaiting: true });

    // A message written on Carol's set reaches Bob's the same way.
    const net = sb.emulator.network;
    net.miniMessages.send(net.device("10043"), net.device("10042"), "Lunch at noon");
    // The set's message lamp (CSTA MessageWaiting) tells the gateway, which tells Bob.
    await eb.next(
      (e) => e.eventName === "OnEventSummaryUpdated" && (e.eventSummary as Summary).newTextNb === 2,
    );
    expect((await b.get<Summary>("eventsummary")).body).toMatchObject({ newTextNb: 2, oldTextNb: 0 });

    // Last in, first out, each erased once read (the SDK's getMiniMessage).
    const first = await b.get<Message>("telephony", "miniMessages");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ sender: "10043", message: "Lunch at noon" });
    const second = await b.get<Message>("telephony", "miniMessages");
    expect(second.body).toMatchObject({ sender: "10041", message: "Call me back?" });
    const at = Date.parse(second.body.dateTime ?? "");
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now());
    // nothing left: JSON null, which the SDK returns as null
    const none = await b.get<Message | null>("telephony", "miniMessages");
    expect([none.status, none.body]).toEqual([200, null]);
    // The event first: a GET of the counters before the recount would make the new ones what the
    // client has seen already, and there would be nothing left to tell.
    await eb.next(
      (e) => e.eventName === "OnEventSummaryUpdated" && (e.eventSummary as Summary).newTextNb === 0,
    );
    expect((await b.get<Summary>("eventsummary")).body).toMatchObject({ newTextNb: 0, oldTextNb: 0 });
    expect(net.miniMessages.list(net.device("10042"))).toEqual([]);
    // The sender's own box is untouched.
    expect((await a.get<Message | null>("telephony", "miniMessages")).body).toBeNull();
    // Messages the set's display showed count as old, and the link no longer hands them out.
    net.miniMessages.send(net.device("10043"), net.device("10042"), "seen on the set");
    net.miniMessages.showOnSet(net.device("10042"));
    await eb.next(
      (e) => e.eventName === "OnEventSummaryUpdated" && (e.eventSummary as Summary).oldTextNb === 1,
    );
    expect((await b.get<Message | null>("telephony", "miniMessages")).body).toBeNull();
  });

  it("a user session naming someone else reads its own messages", async () => {
    const a = await sb.loginUser("10044");
    const b = await sb.loginUser("10045");
    await a.post("telephony", "miniMessages", { recipient: "10045", message: "for b" });
    expect(
      (await a.get<Message | null>("telephony", "miniMessages", { loginName: "oxe10045" })).body,
    ).toBeNull();
    expect((await b.get<Message>("telephony", "miniMessages")).body).toMatchObject({ message: "for b" });
    const admin = await sb.loginAdmin();
    await a.post("telephony", "miniMessages", { recipient: "10045", message: "again" });
    expect(
      (await admin.get<Message>("telephony", "miniMessages", { loginName: "oxe10045" })).body,
    ).toMatchObject({
      sender: "10044",
      message: "again",
    });
  });

  it("answers bad requests with the catalogue's status and O2G's error", async () => {
    const a = await sb.loginUser("10046");
    expect(await error(a, {})).toMatchObject({ status: 400 });
    expect(await error(a, { recipient: "10047" })).toMatchObject({ status: 400 });
    expect(await error(a, { recipient: "10047", message: "" })).toMatchObject({ status: 400 });
    expect(await error(a, { recipient: "10047", message: "x".repeat(257) })).toMatchObject({ status: 400 });
    expect(await error(a, { recipient: "ten", message: "hi" })).toMatchObject({
      status: 400,
      cause: "INVALID_DESTINATION",
    });
    expect(await error(a, { recipient: "19999", message: "hi" })).toMatchObject({
      status: 400,
      cause: "INVALID_DEVICE",
    });
    const admin = await sb.loginAdmin();
    expect(await error(admin, { recipient: "10047", message: "hi" })).toMatchObject({ status: 400 });
  });
});
