import { describe, expect, it } from "vitest";
import type { ComlogFilter, ComRecord } from "../../store/index.js";
import { answeredCaller, settleMissedFromCaller } from "./answered-caller.js";

const party = (
  loginName: string | undefined,
  phoneNumber: string,
  role: "CALLER" | "CALLEE",
  answered: boolean,
) => ({
  role,
  answered,
  identity: { id: { ...(loginName ? { loginName } : {}), phoneNumber } },
});

function record(id: number, caller: string, answered: boolean, begin: string): ComRecord {
  return {
    recordId: id,
    comRef: String(id),
    acknowledged: answered,
    beginDate: begin,
    participants: [
      party("bob", "10002", "CALLEE", answered),
      party(`u${caller}`, caller, "CALLER", answered),
    ],
  };
}

/** The store's filter, as its SQL applies it, over records in memory. */
function fakeRepo(records: ComRecord[]) {
  const acked: number[][] = [];
  return {
    acked,
    async query(_login: string, f: ComlogFilter = {}) {
      const rows = records.filter(
        (r) =>
          (!f.unacknowledged || !r.acknowledged) &&
          (!f.unanswered || !r.participants[0]!.answered) &&
          (!f.role || r.participants[0]!.role === f.role) &&
          (!f.remotePartyId ||
            r.participants
              .slice(1)
              .some(
                (p) =>
                  p.identity.id.loginName === f.remotePartyId ||
                  p.identity.id.phoneNumber === f.remotePartyId,
              )) &&
          (!f.beforeDate || Date.parse(r.beginDate) < f.beforeDate.getTime()),
      );
      return { offset: 0, limit: 500, totalCount: rows.length, comHistoryRecords: rows };
    },
    async setAcknowledged(_login: string, ids: readonly number[], ack: boolean) {
      const changed: number[] = [];
      for (const r of records)
        if (ids.includes(r.recordId) && r.acknowledged !== ack) {
          r.acknowledged = ack;
          changed.push(r.recordId);
        }
      acked.push(changed);
      return changed;
    },
  };
}

describe("a new answered call from a missed caller settles their missed calls", () => {
  it("names the caller of an answered incoming call only", () => {
    expect(answeredCaller("bob", record(1, "10001", true, "2026-01-01T10:00:00.000Z"))).toEqual(["u10001"]);
    expect(answeredCaller("bob", record(1, "10001", false, "2026-01-01T10:00:00.000Z"))).toEqual([]);
    const outgoing: ComRecord = {
      ...record(2, "10001", true, "2026-01-01T10:00:00.000Z"),
      participants: [party("bob", "10002", "CALLER", true), party("u10001", "10001", "CALLEE", true)],
    };
    expect(answeredCaller("bob", outgoing)).toEqual([]);
  });

  it("acknowledges that caller's earlier missed calls, not another caller's, and says so", async () => {
    const records = [
      record(1, "10001", false, "2026-01-01T10:00:00.000Z"),
      record(2, "10003", false, "2026-01-01T10:01:00.000Z"),
      record(3, "10001", false, "2026-01-01T10:02:00.000Z"),
      record(4, "10001", true, "2026-01-01T10:03:00.000Z"),
      record(5, "10001", false, "2026-01-01T10:04:00.000Z"), // missed later: not settled by call 4
    ];
    const repo = fakeRepo(records);
    const published: unknown[] = [];
    const events = {
      publish: (pkg: string, login: string | null, e: unknown) => published.push([pkg, login, e]),
    };
    const ids = await settleMissedFromCaller(repo, events as never, "bob", records[3]!);
    expect(ids).toEqual([1, 3]);
    expect(records.map((r) => r.acknowledged)).toEqual([true, false, true, true, false]);
    expect(published).toEqual([
      ["unifiedComLog", "bob", { eventName: "OnComRecordsAck", loginName: "bob", recordIds: [1, 3] }],
    ]);
    // Nothing left to settle: no second event.
    expect(await settleMissedFromCaller(repo, events as never, "bob", records[3]!)).toEqual([]);
    expect(published).toHaveLength(1);
  });
});
