/**
 * The CCD statistics tickets of one node, as the OXE keeps them for its statistics server: one
 * ticket per call that reached one of the node's pilots, written when its fate is known (from
 * `Ccd.onRecord`), and one wrap-up ticket when the agent who took it ends its wrap-up. They are
 * kept in one file per UTC day, `CCDSTA_<YYYYMMDD>.txt`, named after the day the call was offered,
 * and read over SSH (`ccdfiles`, `ccddump`: servers/ssh/commands.ts).
 *
 * Ours (the OXE's ticket layout is not public): the fields, the file names, the wrap-up ticket
 * as a separate line (so a call counts at once and its wrap-up when it is over), and the seeded
 * history: `historyDays` whole UTC days before the day of `now`, `callsPerDay` calls each between
 * 08:00 and 18:00 UTC, spread over the node's pilots and the operators of their groups. The same
 * seed, `now` and configuration always give the same tickets; nothing of today is invented.
 */
import type { CallOutcome, Ccd, CcdCallRecord } from "./ccd.js";
import { type CcdConfig, prng } from "./config.js";

export const DAY_MS = 86_400_000;

export type TicketKind = "call" | "wrapup";

export interface CcdTicket {
  readonly seq: number;
  readonly kind: TicketKind;
  /** when the call reached the pilot (a wrap-up ticket carries its call's) */
  readonly offeredAt: number;
  readonly pilot: string;
  readonly pilotName: string;
  readonly pg: string;
  readonly caller: string;
  /** the agent it was handed to, if any */
  readonly agent: string;
  readonly outcome: CallOutcome | "";
  /** offered → handed to an agent (served, unanswered) or → the end (abandoned in queue) */
  readonly waitMs: number;
  /** handed to the agent → answered, or → the end when the agent did not answer */
  readonly ringMs: number;
  /** answered → released */
  readonly talkMs: number;
  /** the agent's wrap-up after the call (wrap-up tickets only) */
  readonly wrapupMs: number;
  /** a wrap-up ticket: the seq of its call's ticket */
  readonly ref: number;
}

export interface CcdFile {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly tickets: number;
  readonly open: boolean;
}

export interface CcdTicketStoreOptions {
  nodeId: number;
  seed: number;
  /**
   * The instant the store starts at (default: the clock's now): the history ends at the start of
   * its UTC day, and, without an explicit `clock`, live tickets are dated from it on (the wall
   * clock shifted), so that a test pinning it gets the same days whenever it runs.
   */
  now?: number;
  /** whole days of seeded history before today (default 7) */
  historyDays?: number;
  /** calls per day of history (default 200) */
  callsPerDay?: number;
  /** the clock of live tickets (default Date.now) */
  clock?: () => number;
}

export const ccdFileName = (dayStart: number): string => {
  const d = new Date(dayStart);
  const p = (n: number) => String(n).padStart(2, "0");
  return `CCDSTA_${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}.txt`;
};

const FILE_NAME = /^CCDSTA_(\d{4})(\d{2})(\d{2})\.txt$/;

export function parseCcdFileName(name: string): number | undefined {
  const m = FILE_NAME.exec(name);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return ccdFileName(t) === name ? t : undefined;
}

type NewTicket = Omit<CcdTicket, "seq">;

export class CcdTicketStore {
  /** day start → tickets in the order written */
  private readonly days = new Map<number, CcdTicket[]>();
  private seq = 0;
  private readonly clock: () => number;
  /** how far the store's clock is from the wall clock the CCD stamps its records with */
  private readonly shift: number;
  private readonly today: number;
  private readonly detach: (() => void)[] = [];
  /** per agent: its last call's ticket, until its wrap-up is known */
  private readonly pendingWrapUp = new Map<string, { ticket: CcdTicket; since: number | undefined }>();

  constructor(
    private readonly config: CcdConfig,
    private readonly o: CcdTicketStoreOptions,
  ) {
    const shift = o.clock === undefined && o.now !== undefined ? o.now - Date.now() : 0;
    this.shift = shift;
    this.clock = o.clock ?? (shift === 0 ? Date.now : () => Date.now() + shift);
    const now = o.now ?? this.clock();
    this.today = Math.floor(now / DAY_MS) * DAY_MS;
    this.seedHistory(o.historyDays ?? 7, o.callsPerDay ?? 200);
  }

  /** Write a ticket for each call of `ccd` that reached one of this node's pilots. */
  attach(ccd: Ccd): void {
    this.detach.push(ccd.onRecord((r) => this.onRecord(r)));
    this.detach.push(
      ccd.on((ev) => {
        if (ev.kind !== "agentState") return;
        const p = this.pendingWrapUp.get(ev.operator.config.number);
        if (!p) return;
        if (ev.operator.sub === "WRAPUP") p.since ??= this.clock();
        else if (p.since !== undefined || ev.previous === "WRAPUP") this.endWrapUp(ev.operator.config.number);
        else this.pendingWrapUp.delete(ev.operator.config.number);
      }),
    );
  }

  close(): void {
    for (const d of this.detach.splice(0)) d();
    this.pendingWrapUp.clear();
  }

  private onRecord(r: CcdCallRecord): void {
    const pilot = this.config.pilots.find((p) => p.number === r.pilot);
    if (!pilot || pilot.nodeId !== this.o.nodeId) return;
    const handed = r.distributedAt;
    const ticket = this.write({
      kind: "call",
      offeredAt: r.offeredAt + this.shift,
      pilot: r.pilot,
      pilotName: pilot.name,
      pg: r.pg ?? "",
      caller: r.callingDevice ?? "",
      agent: r.agent ?? "",
      outcome: r.outcome,
      waitMs: Math.max(0, (handed ?? r.endedAt) - r.offeredAt),
      ringMs: handed === undefined ? 0 : Math.max(0, (r.answeredAt ?? r.endedAt) - handed),
      talkMs: r.answeredAt === undefined ? 0 : Math.max(0, r.endedAt - r.answeredAt),
      wrapupMs: 0,
      ref: 0,
    });
    // The wrap-up follows the call's release (deferred by the CCD): wait for it.
    if (r.outcome === "answered" && r.agent) this.pendingWrapUp.set(r.agent, { ticket, since: undefined });
  }

  private endWrapUp(agent: string): void {
    const p = this.pendingWrapUp.get(agent);
    this.pendingWrapUp.delete(agent);
    if (!p || p.since === undefined) return;
    const t = p.ticket;
    this.write({
      ...t,
      kind: "wrapup",
      outcome: "",
      waitMs: 0,
      ringMs: 0,
      talkMs: 0,
      wrapupMs: Math.max(0, this.clock() - p.since),
      ref: t.seq,
    });
  }

  private write(t: NewTicket): CcdTicket {
    // After the spread: a wrap-up ticket is made from its call's, seq included.
    const ticket: CcdTicket = { ...t, seq: ++this.seq };
    const day = Math.floor(t.offeredAt / DAY_MS) * DAY_MS;
    let list = this.days.get(day);
    if (!list) {
      list = [];
      this.days.set(day, list);
    }
    list.push(ticket);
    return ticket;
  }

  /** The files whose day overlaps [from, to), oldest first. */
  files(from = Number.NEGATIVE_INFINITY, to = Number.POSITIVE_INFINITY): CcdFile[] {
    const openDay = Math.floor(this.clock() / DAY_MS) * DAY_MS;
    return [...this.days.keys()]
      .filter((d) => d + DAY_MS > from && d < to)
      .sort((a, b) => a - b)
      .map((d) => ({
        name: ccdFileName(d),
        start: d,
        end: d + DAY_MS,
        tickets: this.days.get(d)!.length,
        open: d >= openDay,
      }));
  }

  ticketsOfFile(name: string): readonly CcdTicket[] | undefined {
    const day = parseCcdFileName(name);
    return day === undefined ? undefined : this.days.get(day);
  }

  /** Every ticket of calls offered in [from, to), file by file. */
  *tickets(from: number, to: number): Generator<CcdTicket> {
    for (const f of this.files(from, to)) {
      for (const t of this.days.get(f.start)!) if (t.offeredAt >= from && t.offeredAt < to) yield t;
    }
  }

  private seedHistory(historyDays: number, callsPerDay: number): void {
    const pilots = this.config.pilots.filter((p) => p.nodeId === this.o.nodeId);
    if (pilots.length === 0 || historyDays <= 0 || callsPerDay <= 0) return;
    const agentsOf = new Map<string, string[]>();
    for (const p of pilots) {
      const groups = new Set(p.rules.map((r) => r.pg));
      agentsOf.set(
        p.number,
        this.config.operators
          .filter((o) => o.type === "agent" && o.groups.some((g) => groups.has(g)))
          .map((o) => o.number),
      );
    }
    for (let d = historyDays; d >= 1; d--) {
      const day = this.today - d * DAY_MS;
      const rnd = prng((this.o.seed * 7919 + this.o.nodeId * 104_729 + Math.floor(day / DAY_MS)) >>> 0);
      const starts: number[] = [];
      for (let i = 0; i < callsPerDay; i++)
        starts.push(day + 8 * 3_600_000 + Math.floor(rnd() * 10 * 3_600_000));
      starts.sort((a, b) => a - b);
      for (const offeredAt of starts) this.seedCall(rnd, offeredAt, pilots, agentsOf);
    }
  }

  private seedCall(
    rnd: () => number,
    offeredAt: number,
    pilots: CcdConfig["pilots"],
    agentsOf: Map<string, string[]>,
  ): void {
    const pilot = pilots[Math.floor(rnd() * pilots.length)]!;
    const agents = agentsOf.get(pilot.number) ?? [];
    const pg = pilot.rules[0]?.pg ?? "";
    const caller = String(100_000 + Math.floor(rnd() * 900_000));
    const x = rnd();
    const outcome: CallOutcome =
      agents.length === 0
        ? "abandoned"
        : x < 0.8
          ? "answered"
          : x < 0.9
            ? "abandoned"
            : x < 0.95
              ? "unanswered"
              : x < 0.98
                ? "overflowed"
                : "refused";
    const sec = (lo: number, hi: number) => Math.round((lo + rnd() * (hi - lo)) * 1000);
    const agent =
      outcome === "answered" || outcome === "unanswered" ? agents[Math.floor(rnd() * agents.length)]! : "";
    const base = {
      offeredAt,
      pilot: pilot.number,
      pilotName: pilot.name,
      pg,
      caller,
      agent,
      outcome,
      wrapupMs: 0,
      ref: 0,
    };
    switch (outcome) {
      case "answered": {
        const call = this.write({
          ...base,
          kind: "call",
          waitMs: sec(0, 90),
          ringMs: sec(1, 12),
          talkMs: sec(30, 600),
        });
        this.write({
          ...base,
          kind: "wrapup",
          outcome: "",
          waitMs: 0,
          ringMs: 0,
          talkMs: 0,
          wrapupMs: sec(5, 60),
          ref: call.seq,
        });
        return;
      }
      case "unanswered":
        this.write({ ...base, kind: "call", waitMs: sec(0, 60), ringMs: sec(5, 30), talkMs: 0 });
        return;
      case "abandoned":
        this.write({ ...base, kind: "call", waitMs: sec(2, 180), ringMs: 0, talkMs: 0 });
        return;
      default:
        this.write({ ...base, kind: "call", waitMs: 0, ringMs: 0, talkMs: 0 });
    }
  }
}

/** `2026-11-25T10:12:03.123Z`: tickets keep the millisecond, so durations add up exactly. */
export const isoMs = (ms: number): string => new Date(ms).toISOString();

export const CCD_TICKET_HEADER =
  "#seq|kind|offered|pilot|pilotName|pg|caller|agent|outcome|waitMs|ringMs|talkMs|wrapupMs|ref";

const clean = (s: string) => s.replace(/[|\r\n]/g, " ");

export function formatCcdTicket(t: CcdTicket): string {
  return [
    t.seq,
    t.kind,
    isoMs(t.offeredAt),
    t.pilot,
    clean(t.pilotName),
    t.pg,
    t.caller,
    t.agent,
    t.outcome,
    t.waitMs,
    t.ringMs,
    t.talkMs,
    t.wrapupMs,
    t.ref || "",
  ].join("|");
}
