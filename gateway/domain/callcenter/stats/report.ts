/**
 * A statistics report: the tickets of the nodes over the report's period, summed per time slot
 * (one day) or per day (a range), for the context's agents and pilots, with the attributes its
 * filter asks. Days and slots are the requester's (its time zone).
 */
import { aggregate, type Bucket, EMPTY_AGENT, EMPTY_PILOT } from "./aggregate.js";
import type { AgentRowJson, PilotRowJson, StatsDataJson, StatsFilterJson } from "./schema.js";
import type { StatsTicket, TicketSource } from "./tickets.js";
import { localParts, slotFields, zonedInstant, zonedIso } from "./zone.js";

export type TimeInterval = "aQuarterOfAnHour" | "halfAnHour" | "anHour";

export const SLOT_MS: Record<TimeInterval, number> = {
  aQuarterOfAnHour: 15 * 60_000,
  halfAnHour: 30 * 60_000,
  anHour: 60 * 60_000,
};

export interface RequesterRecord {
  readonly id: string;
  readonly language: "EN" | "FR" | "DE";
  readonly timezone: string;
  /** the agents whose statistics it may read */
  readonly agents: readonly string[];
}

export interface ContextRecord {
  readonly id: string;
  readonly requesterId: string;
  readonly label: string | undefined;
  readonly description: string | undefined;
  readonly filter: StatsFilterJson;
}

export type ReportPeriod =
  | { kind: "oneDay"; from: number; to: number; slot: TimeInterval }
  | { kind: "onSeveralDays"; from: number; to: number };

export interface ReportInput {
  readonly requester: RequesterRecord;
  readonly context: ContextRecord;
  readonly period: ReportPeriod;
  readonly shortHeader: boolean;
}

export interface ReportDeps {
  readonly sources: readonly TicketSource[];
  /** an agent's names, from the gateway's directory */
  person(number: string): { login?: string; firstName?: string; lastName?: string } | undefined;
}

export type Progress = (step: "COLLECT", processed: number, total: number) => void;

export function bucketsOf(zone: string, period: ReportPeriod): Bucket[] {
  const out: Bucket[] = [];
  if (period.kind === "oneDay") {
    const ms = SLOT_MS[period.slot];
    for (let t = period.from; t < period.to; t += ms) out.push({ from: t, to: Math.min(t + ms, period.to) });
    return out;
  }
  let t = period.from;
  while (t < period.to) {
    const p = localParts(zone, t);
    const next = zonedInstant(zone, p.y, p.m, p.d + 1);
    out.push({ from: t, to: Math.min(next, period.to) });
    t = next;
  }
  return out;
}

function pick(all: Record<string, number | string>, asked: readonly string[] | undefined) {
  if (!asked || asked.length === 0 || asked.includes("ALL")) return all;
  const out: Record<string, number | string> = {};
  for (const a of asked) if (a in all) out[a] = all[a]!;
  return out;
}

/** Every ticket of the period from every node (a node's failure fails the report). */
export async function collect(
  sources: readonly TicketSource[],
  range: { from: number; to: number },
  progress?: Progress,
): Promise<StatsTicket[]> {
  const out: StatsTicket[] = [];
  let done = 0;
  for (const s of sources) {
    for (const t of await s.tickets(range)) out.push(t);
    progress?.("COLLECT", ++done, sources.length);
  }
  return out;
}

export function buildReport(
  input: ReportInput,
  tickets: readonly StatsTicket[],
  deps: ReportDeps,
): StatsDataJson {
  const { requester, context, period } = input;
  const zone = requester.timezone;
  const buckets = bucketsOf(zone, period);
  const f = context.filter;
  const agentNumbers = f.agentFilter
    ? [...new Set(f.agentFilter.numbers?.length ? f.agentFilter.numbers : requester.agents)].sort()
    : [];
  const pilotScope = f.pilotFilter?.numbers?.length ? new Set(f.pilotFilter.numbers) : undefined;
  const stats = aggregate(tickets, buckets, {
    ...(pilotScope ? { pilots: pilotScope } : {}),
    agents: new Set(agentNumbers),
  });
  const selectedPeriod = {
    periodType: period.kind,
    ...(period.kind === "oneDay" ? { slotType: period.slot } : {}),
    beginDate: zonedIso(zone, period.from),
    endDate: zonedIso(zone, period.to),
  };
  // Computed once per slot, not per row: the zone's calendar is the costly part.
  const slots = buckets.map((b) => {
    const s = slotFields(zone, b.from);
    return input.shortHeader
      ? { date: s.date }
      : period.kind === "oneDay"
        ? s
        : { date: s.date, year: s.year, month: s.month, day: s.day };
  });
  const timeSlots = buckets.map((b) => zonedIso(zone, b.from));
  const out: StatsDataJson = { supervisor: requester.id };
  if (f.agentFilter) {
    const byPilotAsked = f.agentFilter.pilotAttributes;
    const asked = f.agentFilter.agentAttributes;
    const empty = pick(EMPTY_AGENT(), asked);
    const people = new Map(
      agentNumbers.map((n) => {
        const who = deps.person(n);
        return [
          n,
          {
            number: n,
            ...(who?.login ? { login: who.login } : {}),
            ...(who?.firstName ? { firstName: who.firstName } : {}),
            ...(who?.lastName ? { lastName: who.lastName } : {}),
          },
        ];
      }),
    );
    out.agentsStats = buckets.map((_b, i) => ({
      timeSlot: timeSlots[i]!,
      selectedPeriod,
      rows: agentNumbers.map((n): AgentRowJson => {
        const a = stats[i]!.agents.get(n);
        // Object.assign, not spreads: V8 makes object spreads of this many keys several times slower.
        const row: AgentRowJson = Object.assign(
          {},
          slots[i],
          people.get(n),
          a ? pick(a.attributes, asked) : empty,
        );
        if (byPilotAsked?.length) {
          row.pilotAgentStatsRows = (a?.byPilot ?? [])
            .sort((x, y) => x.pilot.localeCompare(y.pilot))
            .map((p) =>
              Object.assign({ pilotNumber: p.pilot, pilotName: p.name }, pick(p.attributes, byPilotAsked)),
            );
        }
        return row;
      }),
    }));
  }
  if (f.pilotFilter) {
    const names = new Map<string, string>();
    for (const s of stats) for (const [n, p] of s.pilots) names.set(n, p.name);
    const pilots = [...new Set([...(pilotScope ?? []), ...names.keys()])].sort();
    const asked = f.pilotFilter.attributes;
    const empty = pick(EMPTY_PILOT(), asked);
    out.pilotsStats = buckets.map((_b, i) => ({
      timeSlot: timeSlots[i]!,
      selectedPeriod,
      rows: pilots.map((n): PilotRowJson => {
        const p = stats[i]!.pilots.get(n);
        const id = names.has(n) ? { pilotNumber: n, pilotName: names.get(n)! } : { pilotNumber: n };
        return Object.assign({}, slots[i], id, p ? pick(p.attributes, asked) : empty);
      }),
    }));
  }
  return out;
}

/** How many objects (agents and pilots) a report covers, for the progress events. */
export function objectCount(report: StatsDataJson): number {
  return (report.agentsStats?.[0]?.rows?.length ?? 0) + (report.pilotsStats?.[0]?.rows?.length ?? 0);
}
