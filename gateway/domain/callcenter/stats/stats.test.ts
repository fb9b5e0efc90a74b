import { describe, expect, it } from "vitest";
import { aggregate, hms } from "./aggregate.js";
import { tablesOf, toCsv, zipOne } from "./files.js";
import { type ProgressEvent, StatsJobs } from "./jobs.js";
import { bucketsOf, buildReport, type ContextRecord, type RequesterRecord } from "./report.js";
import type { ScheduleRecord } from "./repository.js";
import { isDue, observedPeriod } from "./statistics.js";
import type { StatsTicket } from "./tickets.js";
import { dayRange, isTimeZone, parseLocalDate, zonedIso } from "./zone.js";

const T0 = Date.UTC(2026, 5, 3, 10, 0); // a Wednesday, 12:00 in Paris (CEST)
let seq = 0;
function call(o: Partial<StatsTicket>): StatsTicket {
  return {
    nodeId: 1,
    seq: ++seq,
    kind: "call",
    offeredAt: T0,
    pilot: "7001",
    pilotName: "Sales",
    pg: "7501",
    caller: "10050",
    agent: "",
    outcome: "answered",
    waitMs: 0,
    ringMs: 0,
    talkMs: 0,
    wrapupMs: 0,
    ref: 0,
    ...o,
  };
}
const wrap = (c: StatsTicket, ms: number): StatsTicket => ({
  ...c,
  seq: ++seq,
  kind: "wrapup",
  outcome: undefined,
  waitMs: 0,
  ringMs: 0,
  talkMs: 0,
  wrapupMs: ms,
  ref: c.seq,
});

describe("statistics from tickets", () => {
  const served = call({ agent: "10004", waitMs: 4_000, ringMs: 3_000, talkMs: 60_000 });
  const late = call({
    agent: "10004",
    waitMs: 20_000,
    ringMs: 2_000,
    talkMs: 30_000,
    offeredAt: T0 + 60_000,
  });
  const tickets = [
    served,
    wrap(served, 10_000),
    late,
    call({ outcome: "abandoned", waitMs: 40_000 }),
    call({ outcome: "unanswered", agent: "10005", waitMs: 1_000, ringMs: 9_000 }),
    call({ outcome: "refused" }),
    call({ outcome: "overflowed", pilot: "7002", pilotName: "Support" }),
    call({ outcome: "answered", agent: "10004", offeredAt: T0 + 3_600_000, waitMs: 500, talkMs: 1000 }),
  ];

  it("sums each slot, by hand", () => {
    const [first, second] = aggregate(
      tickets,
      [
        { from: T0, to: T0 + 3_600_000 },
        { from: T0 + 3_600_000, to: T0 + 7_200_000 },
      ],
      {},
    );
    const p = first!.pilots.get("7001")!.attributes;
    expect(p).toMatchObject({
      dnbTotReceivedCalls: 5,
      nbCallsOpen: 4,
      nbCallsBlocked: 1,
      nbCallsServedByAgent: 2,
      nbAbandons: 2,
      nbAbandonsOnRinging: 1,
      nbCallsRedistrib: 1,
      nbCallsBeforeTS1: 1, // 4 s
      nbCallsBeforeTS2: 1,
      nbCallsBeforeTS3: 2, // 20 s
      nbCallsAfterTS4: 0,
      percentCallsBeforeTS1: "50.00",
      nbAbandonsBeforeTS2: 1, // 1 + 9 s on ringing
      nbAbandonsBeforeTS4: 2, // 40 s in queue
      waitServedCallsTDur: "00:00:24",
      waitServedCallsADur: "00:00:12",
      waitAbandonnedCallsTDur: "00:00:50",
      convTDur: "00:01:30",
      convADur: "00:00:45",
      wrapupTDur: "00:00:10",
      ringingTDur: "00:00:14",
      longestWaitingDur: "00:00:40",
      callProcTDur: "00:01:45", // 90 s conversation + 10 s wrap-up + 5 s ringing of served calls
      serviceLevel: "20.00",
      efficiency: "40.00",
    });
    expect(first!.pilots.get("7002")!.attributes).toMatchObject({
      dnbTotReceivedCalls: 1,
      nbOverflowInQueue: 1,
    });
    const a = first!.agents.get("10004")!;
    expect(a.attributes).toMatchObject({
      nbRingAcd: 2,
      nbAcdServedCalls: 2,
      nbOnWrapup: 1,
      nbPilots: 1,
      ringAcdTDur: "00:00:05",
      convAcdTDur: "00:01:30",
      wrapupAcdTDur: "00:00:10",
      acdWorkTDur: "00:01:45",
    });
    expect(a.byPilot).toEqual([
      expect.objectContaining({
        pilot: "7001",
        attributes: expect.objectContaining({
          nbCallsReceived: 2,
          nbCallsServed: 2,
          nbCallsInWrapup: 1,
          maxConvDur: "00:01:00",
          maxCallProcDur: "00:01:13", // 3 + 60 + 10 s: the first call and its wrap-up
        }),
      }),
    ]);
    expect(first!.agents.get("10005")!.attributes).toMatchObject({ nbRingAcd: 1, nbTotNonServedCalls: 1 });
    expect(second!.pilots.get("7001")!.attributes).toMatchObject({
      dnbTotReceivedCalls: 1,
      nbCallsWOQueuing: 1,
    });
  });

  it("builds a report: rows for every agent in scope, attributes as asked", () => {
    const requester: RequesterRecord = {
      id: "sup",
      language: "EN",
      timezone: "Europe/Paris",
      agents: ["10004", "10006"],
    };
    const context: ContextRecord = {
      id: "c",
      requesterId: "sup",
      label: undefined,
      description: undefined,
      filter: {
        agentFilter: { agentAttributes: ["nbAcdServedCalls", "nbExtOutNonacd"] },
        pilotFilter: { numbers: ["7001"], attributes: ["dnbTotReceivedCalls"] },
      },
    };
    const day = dayRange("Europe/Paris", 2026, 6, 3);
    const r = buildReport(
      { requester, context, period: { kind: "oneDay", ...day, slot: "anHour" }, shortHeader: false },
      tickets,
      { sources: [], person: (n) => (n === "10004" ? { login: "oxe10004" } : undefined) },
    );
    expect(r.agentsStats).toHaveLength(24);
    const noon = r.agentsStats![12]!;
    expect(noon.timeSlot).toBe("2026-06-03T12:00:00+02:00");
    // nbExtOutNonacd is not computed: left out, not invented
    expect(noon.rows).toEqual([
      {
        date: "2026-06-03",
        year: "2026",
        month: "06",
        day: "03",
        hour: "12",
        minute: "00",
        number: "10004",
        login: "oxe10004",
        nbAcdServedCalls: 2,
      },
      {
        date: "2026-06-03",
        year: "2026",
        month: "06",
        day: "03",
        hour: "12",
        minute: "00",
        number: "10006",
        nbAcdServedCalls: 0,
      },
    ]);
    expect(r.pilotsStats![12]!.rows).toEqual([
      expect.objectContaining({ pilotNumber: "7001", dnbTotReceivedCalls: 5 }),
    ]);
    const csv = toCsv(r).toString();
    expect(csv.split("\r\n")[0]).toBe("# Agents");
    expect(tablesOf(r).map((t) => [t.name, t.rows.length])).toEqual([
      ["Agents", 48],
      ["Pilots", 24],
    ]);
  });

  it("zips one entry", () => {
    const z = zipOne("a.csv", Buffer.from("x,y\r\n1,2\r\n"), new Date(2026, 0, 1));
    expect(z.subarray(0, 4).toString("hex")).toBe("504b0304");
    expect(z.subarray(-22, -18).toString("hex")).toBe("504b0506");
  });
});

describe("time zones", () => {
  it("knows zones, local days across DST, and the SDK's dates", () => {
    expect(isTimeZone("Europe/Paris")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    const spring = dayRange("Europe/Paris", 2026, 3, 29);
    expect((spring.to - spring.from) / 3_600_000).toBe(23);
    expect(zonedIso("Europe/Paris", spring.from)).toBe("2026-03-29T00:00:00+01:00");
    expect(bucketsOf("Europe/Paris", { kind: "oneDay", ...spring, slot: "anHour" })).toHaveLength(23);
    const days = bucketsOf("UTC", {
      kind: "onSeveralDays",
      from: Date.UTC(2026, 0, 1, 12),
      to: Date.UTC(2026, 0, 3),
    });
    expect(days.map((b) => new Date(b.from).toISOString())).toEqual([
      "2026-01-01T12:00:00.000Z",
      "2026-01-02T00:00:00.000Z",
    ]);
    expect(parseLocalDate("2026-02-29")).toBeUndefined();
    expect(parseLocalDate("2026-02-28 23:59")).toMatchObject({ y: 2026, m: 2, d: 28, h: 23, mi: 59 });
  });
});

describe("scheduled reports", () => {
  const base: ScheduleRecord = {
    contextId: "c",
    requesterId: "sup",
    name: "r",
    enabled: true,
    state: "Not_executed",
    lastExec: undefined,
    description: undefined,
    obsPeriod: { periodType: "lastDays", lastNb: 2 },
    frequency: { periodicity: "daily" },
    recipients: ["a@b.c"],
    fileType: "csv",
  };
  const wed = Date.UTC(2026, 5, 3, 10); // Wednesday 12:00 in Paris
  const zone = "Europe/Paris";

  it("runs once on each day its recurrence names, by the requester's calendar", () => {
    expect(isDue(base, zone, wed)).toBe(true);
    expect(isDue({ ...base, lastExec: wed - 3_600_000 }, zone, wed)).toBe(false); // ran today
    expect(isDue({ ...base, lastExec: wed - 12 * 3_600_000 }, zone, wed)).toBe(false); // 00:00 today, Paris
    expect(isDue({ ...base, lastExec: wed - 13 * 3_600_000 }, zone, wed)).toBe(true); // 23:00 yesterday, Paris
    const weekly = {
      ...base,
      frequency: { periodicity: "weekly" as const, daysInWeek: ["wednesday" as const] },
    };
    expect(isDue(weekly, zone, wed)).toBe(true);
    expect(isDue(weekly, zone, wed + 86_400_000)).toBe(false);
    const monthly = { ...base, frequency: { periodicity: "monthly" as const, dayInMonth: 31 } };
    expect(isDue(monthly, zone, Date.UTC(2026, 5, 30, 10))).toBe(true); // June has no 31st
    expect(isDue(monthly, zone, wed)).toBe(false);
    const once = { ...base, frequency: { periodicity: "once" as const } };
    expect(isDue(once, zone, wed)).toBe(true);
    expect(isDue({ ...once, state: "Executed" }, zone, wed)).toBe(false);
  });

  it("covers the period its observation names", () => {
    const iso = (p: { from: number; to: number }) => [zonedIso(zone, p.from), zonedIso(zone, p.to)];
    expect(iso(observedPeriod(zone, { periodType: "lastDays", lastNb: 2 }, wed))).toEqual([
      "2026-06-01T00:00:00+02:00",
      "2026-06-03T00:00:00+02:00",
    ]);
    expect(iso(observedPeriod(zone, { periodType: "lastWeeks", lastNb: 1 }, wed))).toEqual([
      "2026-05-25T00:00:00+02:00",
      "2026-06-01T00:00:00+02:00",
    ]);
    expect(iso(observedPeriod(zone, { periodType: "lastMonth" }, wed))).toEqual([
      "2026-05-01T00:00:00+02:00",
      "2026-06-01T00:00:00+02:00",
    ]);
    const today = observedPeriod(zone, { periodType: "currentDay" }, wed);
    expect(today.kind).toBe("oneDay");
    expect(iso(today)).toEqual(["2026-06-03T00:00:00+02:00", "2026-06-04T00:00:00+02:00"]);
    expect(hms(3_725_400)).toBe("01:02:05");
  });
});

describe("report files in the background", () => {
  const report = { supervisor: "sup", pilotsStats: [] };

  it("announces COLLECT, PROCESSED, FORMATED, one build at a time per requester", async () => {
    const events: ProgressEvent[] = [];
    const jobs = new StatsJobs({ pathOf: (id) => `/files/${id}`, publish: (e) => events.push(e) });
    const file = jobs.start(
      "sup",
      async (c) => {
        c.collected(1, 1);
        return report;
      },
      "csv",
      "r",
    );
    expect(jobs.busy("sup")).toBe(true);
    expect(() => jobs.start("sup", async () => report, "csv", "r")).toThrow(/in progress/);
    const f = await file;
    expect(events.map((e) => e.step)).toEqual(["COLLECT", "PROCESSED", "FORMATED"]);
    expect(events[2]).toMatchObject({ supervisor: "sup", fullResPath: `/files/${f.id}` });
    expect(jobs.file(f.id)?.entry).toBe("r.csv");
    expect(jobs.busy("sup")).toBe(false);
  });

  it("cancels a build: CANCELLED, no file", async () => {
    const events: ProgressEvent[] = [];
    const jobs = new StatsJobs({ pathOf: (id) => id, publish: (e) => events.push(e) });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const file = jobs.start(
      "sup",
      async () => {
        await gate;
        return report;
      },
      "xls",
      "r",
    );
    expect(jobs.cancel("other")).toBe(false);
    expect(jobs.cancel("sup")).toBe(true);
    release();
    await expect(file).rejects.toThrow();
    expect(events.map((e) => e.step)).toEqual(["CANCELLED"]);
  });
});
