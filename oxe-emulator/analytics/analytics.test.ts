import { afterEach, describe, expect, it, vi } from "vitest";
import { generateDirectory } from "../directory/index.js";
import { Network } from "../model/index.js";
import {
  ChargingStore,
  chargingFileName,
  DAY_MS,
  HOUR_MS,
  INCIDENT_CATALOG,
  IncidentLog,
  NodeAnalytics,
  parseChargingFileName,
  parseDateBound,
  rangeOf,
} from "./index.js";

const NOW = Date.UTC(2026, 10, 25, 10, 30, 0);
const dir = generateDirectory({ users: 60, nodes: 2, seed: 3 });

describe("dates on the maintenance interface", () => {
  it("parses the accepted forms, UTC, and refuses impossible dates", () => {
    expect(parseDateBound("20261125")).toEqual({ ms: Date.UTC(2026, 10, 25), unitMs: DAY_MS });
    expect(parseDateBound("2026-11-25")?.ms).toBe(Date.UTC(2026, 10, 25));
    expect(parseDateBound("202611251012")).toEqual({ ms: Date.UTC(2026, 10, 25, 10, 12), unitMs: 60_000 });
    expect(parseDateBound("20261125101203")?.ms).toBe(Date.UTC(2026, 10, 25, 10, 12, 3));
    expect(parseDateBound("2026-11-25T10:12:03Z")).toEqual({
      ms: Date.UTC(2026, 10, 25, 10, 12, 3),
      unitMs: 1000,
    });
    for (const bad of ["20260231", "2026-13-01", "yesterday", "2026112", "2026-11-25T25:00"]) {
      expect(parseDateBound(bad), bad).toBeUndefined();
    }
  });

  it("makes an upper bound take in the whole unit it names", () => {
    const r = rangeOf(parseDateBound("20261124"), parseDateBound("20261125"));
    expect(r).toEqual({ from: Date.UTC(2026, 10, 24), to: Date.UTC(2026, 10, 26) });
    expect(rangeOf(undefined, undefined)).toEqual({
      from: Number.NEGATIVE_INFINITY,
      to: Number.POSITIVE_INFINITY,
    });
  });
});

describe("IncidentLog", () => {
  const log = (seed: number) => new IncidentLog({ nodeId: 1, nodes: 2, seed, now: NOW });

  it("generates a few hundred realistic incidents over 30 days, deterministic by seed", () => {
    const a = log(1).all();
    expect(a.map((i) => [i.date, i.code, i.text, i.board])).toEqual(
      log(1)
        .all()
        .map((i) => [i.date, i.code, i.text, i.board]),
    );
    expect(a.map((i) => i.code)).not.toEqual(
      log(2)
        .all()
        .map((i) => i.code),
    );
    expect(a.length).toBeGreaterThanOrEqual(300);
    expect(a.length).toBeLessThan(600);
    const codes = new Set(INCIDENT_CATALOG.map((d) => d.code));
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      expect(codes.has(x.code)).toBe(true);
      expect(x.date).toBeGreaterThanOrEqual(NOW - 30 * DAY_MS);
      expect(x.date).toBeLessThan(NOW);
      expect(x.text).not.toMatch(/[{}|]/);
      if (i > 0) expect(x.date).toBeGreaterThanOrEqual(a[i - 1]!.date);
      const def = INCIDENT_CATALOG.find((d) => d.code === x.code)!;
      expect(x.severity).toBe(def.severity);
      expect(x.rack !== undefined).toBe(def.scope !== "system");
      expect(x.equipment !== undefined).toBe(def.scope === "equipment" || def.scope === "termination");
    }
    // outages come with their end, on the same hardware
    const down = a.find((x) => x.code === 3001)!;
    expect(a.some((x) => x.code === 3002 && x.board === down.board && x.date > down.date)).toBe(true);
  });

  it("raises incidents live, in date order, and tells listeners", () => {
    const l = log(1);
    const seen: number[] = [];
    l.onIncident((i) => seen.push(i.code));
    const before = l.all().length;
    const i = l.raise({ code: 2018, rack: 0, board: 12, date: NOW + 1000 });
    expect(i).toMatchObject({ code: 2018, severity: 2, text: "Coupler out of service", nodeId: 1 });
    expect(i.seq).toBe(before + 1);
    expect(l.all().at(-1)).toBe(i);
    expect(l.raise({ code: 5004, date: NOW + 2000 }).text).toMatch(/^ABC-F link with node 2 lost$/);
    expect(() => l.raise({ code: 9999 })).toThrow(/not in the catalog/);
    expect(l.raise({ code: 9999, text: "Custom", severity: 1, date: NOW + 3000 }).text).toBe("Custom");
    l.raiseRandom(NOW + 4000);
    expect(seen.length).toBe(4);
    expect(seen.slice(0, 3)).toEqual([2018, 5004, 9999]);
  });

  it("filters by range, severity and last N", () => {
    const l = log(1);
    const day = { from: NOW - DAY_MS, to: NOW };
    const inDay = l.query({ range: day });
    expect(inDay.every((i) => i.date >= day.from && i.date < day.to)).toBe(true);
    expect(l.query({ last: 5 })).toEqual(l.all().slice(-5));
    expect(l.query({ last: 0 })).toEqual([]);
    expect(l.query({ maxSeverity: 2 }).every((i) => i.severity <= 2)).toBe(true);
  });

  it("streams random incidents while live", () => {
    vi.useFakeTimers();
    try {
      const l = log(1);
      const n = l.all().length;
      l.startLive(1000);
      vi.advanceTimersByTime(20_000);
      l.stopLive();
      const grown = l.all().length - n;
      expect(grown).toBeGreaterThan(5);
      vi.advanceTimersByTime(20_000);
      expect(l.all().length - n).toBe(grown);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("ChargingStore", () => {
  const store = (seed = 1, opts: Partial<ConstructorParameters<typeof ChargingStore>[0]> = {}) =>
    new ChargingStore({ nodeId: 1, seed, directory: dir, now: NOW, ...opts });

  it("names files after their UTC hour", () => {
    const h = Date.UTC(2026, 10, 25, 7);
    expect(chargingFileName(h)).toBe("TAXACD_20261125_07.txt");
    expect(parseChargingFileName("TAXACD_20261125_07.txt")).toBe(h);
    expect(parseChargingFileName("TAXACD_20261325_07.txt")).toBeUndefined();
    expect(parseChargingFileName("../etc/passwd")).toBeUndefined();
  });

  it("has a deterministic history of hourly files, busier on working hours", () => {
    const a = store(1);
    const files = a.files();
    expect(files).toEqual(store(1).files());
    expect(files.map((f) => f.tickets)).not.toEqual(
      store(2)
        .files()
        .map((f) => f.tickets),
    );
    expect(files.length).toBeGreaterThan(100);
    expect(files.every((f) => f.end - f.start === HOUR_MS && !f.open)).toBe(true);
    expect(files[0]!.start).toBeGreaterThanOrEqual(NOW - 31 * DAY_MS);
    const byHour = new Map<number, number>();
    for (const f of files) {
      const h = new Date(f.start).getUTCHours();
      byHour.set(h, (byHour.get(h) ?? 0) + f.tickets);
    }
    expect(byHour.get(10) ?? 0).toBeGreaterThan(5 * (byHour.get(3) ?? 0));
  });

  it("lists files in a range and reads them, whatever the order of reads", () => {
    const a = store(1);
    const range = { from: NOW - 2 * DAY_MS, to: NOW - DAY_MS };
    const files = a.files(range);
    expect(files.every((f) => f.end > range.from && f.start < range.to)).toBe(true);
    const last = files.at(-1)!;
    const fromB = store(1).ticketsOfFile(last.name)!;
    const tickets = files.flatMap((f) => a.ticketsOfFile(f.name)!);
    expect(a.ticketsOfFile(last.name)).toEqual(fromB);
    expect(tickets.length).toBe(files.reduce((n, f) => n + f.tickets, 0));
    for (const t of tickets) {
      const end = t.start + t.durationSec * 1000;
      expect(chargingFileName(Math.floor(end / HOUR_MS) * HOUR_MS)).toBe(
        files.find((f) => end >= f.start && end < f.end)!.name,
      );
      expect(t.effectiveDurationSec).toBeLessThanOrEqual(t.durationSec);
      expect(t.cost).toBeCloseTo(t.units * 0.05, 5);
      if (t.callType === "LocalNode") expect(t.trunkGroup).toBeUndefined();
      if (t.callType === "PublicNetworkCall") expect(t.dialled).toBe(`0${t.called}`);
      expect(dir.byNumber.get(t.chargedNumber)?.nodeId).toBe(1);
    }
    const seqs = tickets.map((t) => t.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(a.ticketsOfFile("TAXACD_19990101_00.txt")).toBeUndefined();
  });

  it("filters tickets on their start", () => {
    const a = store(1);
    const range = { from: NOW - DAY_MS, to: NOW - DAY_MS / 2 };
    const tickets = [...a.tickets(range)];
    expect(tickets.length).toBeGreaterThan(0);
    expect(tickets.every((t) => t.start >= range.from && t.start < range.to)).toBe(true);
    const all = [...a.tickets({ from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY })];
    expect(all.filter((t) => t.start >= range.from && t.start < range.to)).toEqual(tickets);
  });

  it("writes one ticket per ended call of the model, on each node that took part", () => {
    vi.useFakeTimers({ now: NOW + HOUR_MS });
    try {
      const net = new Network(dir);
      const one = new NodeAnalytics({ nodeId: 1, seed: 1, directory: dir, network: net, now: NOW });
      const two = new NodeAnalytics({ nodeId: 2, seed: 1, directory: dir, network: net, now: NOW });
      const n1 = dir.byNode.get(1)!.map((s) => s.directoryNumber);
      const n2 = dir.byNode.get(2)!.map((s) => s.directoryNumber);
      const written: string[] = [];
      one.charging.onTicket((t) => written.push(`${t.callType}:${t.caller}>${t.called}`));

      const c = net.makeCall(n1[0]!, n1[1]!, { autoOriginate: "doNotPrompt" });
      vi.advanceTimersByTime(4000);
      net.answer(net.device(n1[1]!));
      vi.advanceTimersByTime(61_000);
      net.clearConnection(net.device(n1[0]!), c.call);

      const d = net.makeCall(n2[0]!, n1[2]!, { autoOriginate: "doNotPrompt" });
      vi.advanceTimersByTime(2000);
      net.answer(net.device(n1[2]!));
      vi.advanceTimersByTime(10_000);
      net.clearConnection(net.device(n2[0]!), d.call);

      expect(written).toEqual([
        `LocalNode:${n1[0]}>${n1[1]}`,
        `PrivateNetworkIncomingCall:${n2[0]}>${n1[2]}`,
      ]);
      const [local, incoming] = [...one.charging.tickets({ from: NOW, to: Number.POSITIVE_INFINITY })];
      expect(local).toMatchObject({
        durationSec: 65,
        effectiveDurationSec: 61,
        units: 0,
        nodeId: 1,
        chargedNumber: n1[0],
        trunkGroup: undefined,
      });
      expect(incoming).toMatchObject({ chargedNumber: n1[2], trunkGroup: 10, effectiveDurationSec: 10 });
      const onTwo = [...two.charging.tickets({ from: NOW, to: Number.POSITIVE_INFINITY })];
      expect(onTwo.map((t) => t.callType)).toEqual(["PrivateNetworkCall"]);
      const file = one.charging.files({ from: NOW + HOUR_MS, to: NOW + 2 * HOUR_MS });
      expect(file).toHaveLength(1);
      expect(file[0]).toMatchObject({ tickets: 2, open: true });
      one.dispose();
      two.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it("adds random public calls while live, and rotates live tickets", () => {
    vi.useFakeTimers({ now: NOW });
    try {
      const a = store(1, { maxLiveTickets: 10 });
      a.startLive(60_000);
      vi.advanceTimersByTime(5 * HOUR_MS);
      a.stopLive();
      const live = [...a.tickets({ from: NOW - HOUR_MS, to: Number.POSITIVE_INFINITY })].filter(
        (t) => t.start + t.durationSec * 1000 >= NOW,
      );
      expect(live.length).toBeGreaterThan(0);
      // Past the limit whole hours go, oldest first: only the current one is left.
      const lastHour = Date.UTC(2026, 10, 25, 15);
      expect(live.every((t) => t.start + t.durationSec * 1000 >= lastHour)).toBe(true);
      expect(live.every((t) => t.callType.startsWith("PublicNetwork"))).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

afterEach(() => vi.useRealTimers());
