import { describe, expect, it } from "vitest";
import { call } from "../../../test/support/store/store.suite.js";
import { derive, optimizeParticipants, rowToRecord, whereClause } from "./records.js";
import { binaryChunks } from "./repository.js";
import type { ComRecord } from "./types.js";

describe("derive", () => {
  it("takes the owner's role and the other parties' login names and numbers", () => {
    const rec = call("me", "you", { role: "CALLEE" });
    const d = derive(rec);
    expect(d.role).toBe("CALLEE");
    expect(d.answered).toBe(true);
    expect(d.remoteIds).toEqual(["you", rec.participants[1]!.identity.id.phoneNumber]);
  });

  it("calls a call unanswered when no callee answered and there was no conversation", () => {
    expect(derive(call("me", "you", { role: "CALLER", answered: false })).answered).toBe(false);
    expect(derive(call("me", "you", { role: "CALLEE", answered: false })).answered).toBe(false);
  });

  it("lets the caller decide role and answered", () => {
    const rec = { ...call("me", "you", { answered: false }), role: "UNKNOWN" as const, answered: true };
    expect(derive(rec)).toMatchObject({ role: "UNKNOWN", answered: true });
  });

  it("has role UNKNOWN when the owner is not among the participants", () => {
    const rec = call("me", "you");
    rec.participants.shift();
    expect(derive(rec).role).toBe("UNKNOWN");
  });
});

describe("whereClause", () => {
  it("numbers parameters after the login name and adds only the criteria given", () => {
    expect(whereClause("u")).toEqual({ sql: "login_name = $1", params: ["u"] });
    const after = new Date(0);
    const w = whereClause("u", {
      afterDate: after,
      comRef: "r",
      remotePartyId: "1000",
      role: "CALLER",
      unanswered: true,
      unacknowledged: true,
    });
    expect(w.sql).toBe(
      "login_name = $1 AND begin_date > $2 AND com_ref = $3 AND remote_ids @> $4::jsonb AND role = $5 AND acknowledged = false AND answered = false",
    );
    expect(w.params).toEqual(["u", after, "r", '["1000"]', "CALLER"]);
  });

  it("treats empty strings as no criterion (the SDK sends none for them either)", () => {
    expect(whereClause("u", { comRef: "", remotePartyId: "" }).sql).toBe("login_name = $1");
  });
});

describe("rowToRecord", () => {
  it("reads bigint ids given as strings and JSON given as text, and leaves out null columns", () => {
    const rec = rowToRecord({
      record_id: "42",
      com_ref: "c",
      acknowledged: false,
      participants: "[]",
      begin_date: "2025-01-01T00:00:00.000Z",
      end_date: null,
      conv_date: null,
      hold_duration: null,
      transferred_by: null,
      associated_data: null,
    });
    expect(rec).toEqual({
      recordId: 42,
      comRef: "c",
      acknowledged: false,
      participants: [],
      beginDate: "2025-01-01T00:00:00.000Z",
    });
  });
});

describe("optimizeParticipants", () => {
  it("keeps a party without identifiers as it is", () => {
    const r: ComRecord = {
      recordId: 1,
      comRef: "c",
      acknowledged: false,
      beginDate: "x",
      participants: [
        { identity: { id: {}, displayName: "anonymous" } },
        { identity: { id: {}, displayName: "anonymous" } },
      ],
    };
    expect(optimizeParticipants([r])).toEqual([r]);
  });

  it("falls back to the login name for a party without a number", () => {
    const p = { identity: { id: { loginName: "l" }, firstName: "F" } };
    const r: ComRecord = {
      recordId: 1,
      comRef: "c",
      acknowledged: false,
      beginDate: "x",
      participants: [p, p],
    };
    expect(optimizeParticipants([r])[0]!.participants[1]!.identity).toEqual({ id: { loginName: "l" } });
  });
});

describe("binaryChunks", () => {
  it("splits into decreasing powers of two", () => {
    const xs = Array.from({ length: 77 }, (_, i) => i);
    const parts = binaryChunks(xs);
    expect(parts.map((p) => p.length)).toEqual([64, 8, 4, 1]);
    expect(parts.flat()).toEqual(xs);
    expect(binaryChunks([])).toEqual([]);
    expect(binaryChunks([1]).map((p) => p.length)).toEqual([1]);
  });
});
