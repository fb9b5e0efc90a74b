import { describe, expect, it } from "vitest";
import { generateDirectory } from "../directory/index.js";
import type { Ccd, CcdCallRecord, CcdEvent } from "./ccd.js";
import { generateCcd } from "./config.js";
import { CcdTicketStore, ccdFileName, DAY_MS, formatCcdTicket, parseCcdFileName } from "./stats-tickets.js";

const directory = generateDirectory({ users: 100, nodes: 1, seed: 3 });
const config = generateCcd(directory, { agents: 0.2, seed: 3 });
const NOW = Date.UTC(2026, 2, 10, 9, 30);

/** A CCD that only hands out what the store listens to. */
function fakeCcd() {
  const records = new Set<(r: CcdCallRecord) => void>();
  const events = new Set<(e: CcdEvent) => void>();
  const ccd = {
    onRecord: (l: (r: CcdCallRecord) => void) => {
      records.add(l);
      return () => records.delete(l);
    },
    on: (l: (e: CcdEvent) => void) => {
      events.add(l);
      return () => events.delete(l);
    },
  } as unknown as Ccd;
  return {
    ccd,
    record: (r: CcdCallRecord) => {
      for (const l of records) l(r);
    },
    state: (number: string, sub: string, previous: string) => {
      const operator = { config: { number }, sub } as never;
      for (const l of events) l({ kind: "agentState", operator, previous } as never);
    },
  };
}

describe("CCD statistics tickets", () => {
  it("seeds whole past days by seed and pinned instant, nothing of today", () => {
    const a = new CcdTicketStore(config, { nodeId: 1, seed: 3, now: NOW, historyDays: 2, callsPerDay: 30 });
    const b = new CcdTicketStore(config, {
      nodeId: 1,
      seed: 3,
      now: NOW,
      historyDays: 2,
      callsPerDay: 30,
      clock: () => NOW,
    });
    const c = new CcdTicketStore(config, { nodeId: 1, seed: 4, now: NOW, historyDays: 2, callsPerDay: 30 });
    const day = Math.floor(NOW / DAY_MS) * DAY_MS;
    const dump = (s: CcdTicketStore) => [...s.tickets(day - 2 * DAY_MS, day)].map(formatCcdTicket);
    expect(dump(a)).toEqual(dump(b));
    expect(dump(a)).not.toEqual(dump(c));
    expect(b.files().map((f) => [f.name, f.open])).toEqual([
      ["CCDSTA_20260308.txt", false],
      ["CCDSTA_20260309.txt", false],
    ]);
    const calls = [...a.tickets(day - 2 * DAY_MS, day)].filter((t) => t.kind === "call");
    expect(calls).toHaveLength(60);
    // every answered call has its wrap-up ticket, no other has
    const answered = calls.filter((t) => t.outcome === "answered").map((t) => t.seq);
    const wrapups = [...a.tickets(day - 2 * DAY_MS, day)]
      .filter((t) => t.kind === "wrapup")
      .map((t) => t.ref);
    expect(wrapups).toEqual(answered);
    expect([...a.tickets(day, day + DAY_MS)]).toEqual([]);
  });

  it("writes a ticket per call of the node's pilots, and the agent's wrap-up when it ends", () => {
    let clock = NOW;
    const store = new CcdTicketStore(config, { nodeId: 1, seed: 3, historyDays: 0, clock: () => clock });
    const f = fakeCcd();
    store.attach(f.ccd);
    const pilot = config.pilots[0]!;
    const base = {
      pilot: pilot.number,
      pg: pilot.rules[0]!.pg,
      callingDevice: "10050",
      offeredAt: NOW - 60_000,
      queuedAt: NOW - 60_000,
    };
    f.record({
      ...base,
      distributedAt: undefined,
      agent: undefined,
      answeredAt: undefined,
      endedAt: NOW - 30_000,
      outcome: "abandoned",
    });
    f.record({
      ...base,
      distributedAt: NOW - 50_000,
      agent: "10004",
      answeredAt: NOW - 45_000,
      endedAt: NOW,
      outcome: "answered",
    });
    f.record({
      ...base,
      pilot: "9999",
      distributedAt: undefined,
      agent: undefined,
      answeredAt: undefined,
      endedAt: NOW,
      outcome: "abandoned",
    });
    f.state("10004", "WRAPUP", "BUSY");
    clock += 7_000;
    f.state("10004", "READY", "WRAPUP");
    const lines = [...store.tickets(NOW - DAY_MS, NOW + DAY_MS)].map(formatCcdTicket);
    expect(lines).toEqual([
      `1|call|2026-03-10T09:29:00.000Z|${pilot.number}|${pilot.name}|${base.pg}|10050||abandoned|30000|0|0|0|`,
      `2|call|2026-03-10T09:29:00.000Z|${pilot.number}|${pilot.name}|${base.pg}|10050|10004|answered|10000|5000|45000|0|`,
      `3|wrapup|2026-03-10T09:29:00.000Z|${pilot.number}|${pilot.name}|${base.pg}|10050|10004||0|0|0|7000|2`,
    ]);
    expect(store.files()[0]).toMatchObject({ name: "CCDSTA_20260310.txt", tickets: 3, open: true });
    store.close();
  });

  it("names files by UTC day", () => {
    expect(ccdFileName(Date.UTC(2026, 0, 5))).toBe("CCDSTA_20260105.txt");
    expect(parseCcdFileName("CCDSTA_20260105.txt")).toBe(Date.UTC(2026, 0, 5));
    expect(parseCcdFileName("CCDSTA_20260230.txt")).toBeUndefined();
    expect(parseCcdFileName("TAXACD_20260105_10.txt")).toBeUndefined();
  });
});
