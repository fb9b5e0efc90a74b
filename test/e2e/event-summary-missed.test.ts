/**
 * The SDK's rule for the event summary's missed-call counter (EventSummaryCounters doc): only an
 * acknowledgment through the communication log or a new answered call lowers it. Here the new
 * call from the caller who was missed is answered: their missed calls stop counting (they are
 * acknowledged in the log, OnComRecordsAck), another caller's missed call still counts.
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

interface Summary {
  missedCallsNb: number;
}

async function missedCall(from: O2gClient, fromNumber: string, to: string) {
  const ref = (
    await from.post<{ callRef: string }>("telephony", "calls", { deviceId: fromNumber, callee: to })
  ).body.callRef;
  return ref;
}

describe("event summary: missed calls", () => {
  it("drops when a new call from the same caller is answered", async () => {
    const a = await sb.loginUser("10035");
    const b = await sb.loginUser("10036");
    const c = await sb.loginUser("10037");
    const eb = await b.subscribe([{ names: ["eventSummary", "unifiedComLog", "telephony"] }]);
    const missed = (n: number) => (e: { eventName: string; eventSummary?: unknown }) =>
      e.eventName === "OnEventSummaryUpdated" && (e.eventSummary as Summary).missedCallsNb === n;

    // Alice twice and Carol once call Bob, who does not answer.
    for (const [who, num] of [
      [a, "10035"],
      [a, "10035"],
      [c, "10037"],
    ] as const) {
      const ref = await missedCall(who, num, "10036");
      await eb.next((e) => e.eventName === "OnCallCreated" && e.callRef === ref);
      await who.del("telephony", `calls/${ref}`);
      await eb.next((e) => e.eventName === "OnComRecordCreated");
    }
    await eb.next(missed(3), 5000, "3 missed calls");

    // Alice calls again and Bob answers: her two missed calls are settled, Carol's is not.
    const ref = await missedCall(a, "10035", "10036");
    await eb.next((e) => e.eventName === "OnCallCreated" && e.callRef === ref);
    await b.post("telephony", `calls/${ref}/answer`, { deviceId: "10036" });
    await b.del("telephony", `calls/${ref}`);
    const ack = await eb.next((e) => e.eventName === "OnComRecordsAck");
    expect(ack.recordIds).toHaveLength(2);
    await eb.next(missed(1), 5000, "1 missed call");
    expect((await b.get<Summary>("eventsummary")).body.missedCallsNb).toBe(1);
    const left = await b.get<{
      comHistoryRecords: { participants: { identity: { id: { loginName?: string } } }[] }[];
    }>("comlog", "", { unacknowledged: "true" });
    expect(left.body.comHistoryRecords.map((r) => r.participants[1]?.identity.id.loginName)).toEqual([
      "oxe10037",
    ]);
  });
});
