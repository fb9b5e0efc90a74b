/**
 * Statistics from tickets: per pilot, per agent and per agent by pilot, for each time slot of a
 * day or each day of a range. Every figure is a sum or a ratio of the tickets' own counts and
 * durations (a ticket counts in the slot its call was offered in; its wrap-up ticket too).
 *
 * Built attributes (the SDK's names); others of the SDK's lists are not computed and are left
 * out of the rows even when asked (the tickets do not carry what they need: transfers, mutual
 * aid, voice guides, non-ACD calls, agent state times):
 * - pilot: dnbTotReceivedCalls, nbCallsOpen, nbCallsBlocked, nbCallsServedByAgent,
 *   nbCallsWOQueuing (served at once: waited under 1 s), nbCallsAfterQueuing, nbCallsRedistrib
 *   (rang an agent, not answered), nbOverflowInQueue, nbCallsServedInTime (before TS2),
 *   nbCallsBeforeTS1..4 / nbCallsAfterTS4 and their percent*, nbAbandons, nbAbandonsOnRinging,
 *   nbAbandonsBeforeTS1..4 / nbAbandonsAfterTS4 and their percent*, waitServedCalls[T|A]Dur,
 *   waitAbandonnedCalls[T|A]Dur, ringing[T|A]Dur, conv[T|A]Dur, wrapup[T|A]Dur, callProc[T|A]Dur,
 *   longestWaitingDur, serviceLevel, efficiency. Thresholds TS1..TS4: 5, 15, 30, 60 s (ours).
 * - agent: nbRingAcd, nbPickedUp, nbServedWOCode, nbAcdServedCalls, nbAcdInServedCalls,
 *   nbTotNonServedCalls, nbInNonServedCalls, nbOnWrapup, nbPilots, ringAcd[T|A]Dur,
 *   ringAcdServed[T|A]Dur, ring[T|A]Dur, convAcd[T|A]Dur, acdInConv[T|A]Dur, wrapupAcdTDur,
 *   acdWork[T|A]Dur, acdWorkIn[T|A]Dur, acdWorkInConv[T|A]Dur, acdWorkInRing[T|A]Dur,
 *   acdWorkInWrapup[T|A]Dur.
 * - agent by pilot: nbCallsReceived, nbCallsServed, nbCallsInWrapup, maxCallProcDur, maxConvDur,
 *   maxWrapupDur, callProc[T|A]Dur, conv[T|A]Dur, wrapup[T|A]Dur.
 * Durations are `hh:mm:ss` (rounded to the second), percentages `0.00`..`100.00`; an average
 * over no call is `00:00:00`.
 */
import type { StatsTicket } from "./tickets.js";

export const THRESHOLDS_MS = [5_000, 15_000, 30_000, 60_000] as const;

export function hms(ms: number): string {
  const s = Math.round(ms / 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(Math.floor(s / 3600))}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}`;
}

const pct = (n: number, of: number) => (of === 0 ? "0.00" : ((100 * n) / of).toFixed(2));
const avg = (sum: number, n: number) => hms(n === 0 ? 0 : sum / n);

class PilotAcc {
  received = 0;
  blocked = 0;
  served = 0;
  woQueuing = 0;
  redistrib = 0;
  overflowed = 0;
  abandoned = 0;
  abandonedRinging = 0;
  servedBefore = [0, 0, 0, 0];
  abandonedBefore = [0, 0, 0, 0];
  waitServed = 0;
  waitAbandoned = 0;
  ringing = 0;
  ringed = 0;
  conv = 0;
  wrapup = 0;
  wrapups = 0;
  longestWait = 0;
  /** ringing of the served calls only */
  servedRing = 0;

  add(t: StatsTicket): void {
    if (t.kind === "wrapup") {
      this.wrapup += t.wrapupMs;
      this.wrapups++;
      return;
    }
    this.received++;
    this.longestWait = Math.max(this.longestWait, t.waitMs);
    if (t.ringMs > 0 || t.outcome === "answered" || t.outcome === "unanswered") {
      this.ringing += t.ringMs;
      this.ringed++;
    }
    switch (t.outcome) {
      case "refused":
        this.blocked++;
        return;
      case "overflowed":
        this.overflowed++;
        return;
      case "answered":
        this.served++;
        if (t.waitMs < 1000) this.woQueuing++;
        this.waitServed += t.waitMs;
        this.servedRing += t.ringMs;
        this.conv += t.talkMs;
        // Loops, not closures: this runs per ticket.
        for (let i = 0; i < 4; i++) if (t.waitMs < THRESHOLDS_MS[i]!) this.servedBefore[i]!++;
        return;
      case "unanswered":
        // The caller hung up while an agent's set rang: an abandon on ringing, and a call the
        // agent did not take (redistributed, in O2G's words).
        this.redistrib++;
        this.abandonedRinging++;
        this.abandonOf(t.waitMs + t.ringMs);
        return;
      case "abandoned":
        this.abandonOf(t.waitMs);
        return;
    }
  }

  private abandonOf(waited: number): void {
    this.abandoned++;
    this.waitAbandoned += waited;
    for (let i = 0; i < 4; i++) if (waited < THRESHOLDS_MS[i]!) this.abandonedBefore[i]!++;
  }

  attributes(): Record<string, number | string> {
    const a: Record<string, number | string> = {
      dnbTotReceivedCalls: this.received,
      nbCallsOpen: this.received - this.blocked,
      nbCallsBlocked: this.blocked,
      nbCallsServedByAgent: this.served,
      nbCallsWOQueuing: this.woQueuing,
      nbCallsAfterQueuing: this.served - this.woQueuing,
      nbCallsRedistrib: this.redistrib,
      nbOverflowInQueue: this.overflowed,
      nbCallsServedInTime: this.servedBefore[1]!,
      nbAbandons: this.abandoned,
      nbAbandonsOnRinging: this.abandonedRinging,
      waitServedCallsTDur: hms(this.waitServed),
      waitServedCallsADur: avg(this.waitServed, this.served),
      waitAbandonnedCallsTDur: hms(this.waitAbandoned),
      waitAbandonnedCallsADur: avg(this.waitAbandoned, this.abandoned),
      ringingTDur: hms(this.ringing),
      ringingADur: avg(this.ringing, this.ringed),
      convTDur: hms(this.conv),
      convADur: avg(this.conv, this.served),
      wrapupTDur: hms(this.wrapup),
      wrapupADur: avg(this.wrapup, this.wrapups),
      longestWaitingDur: hms(this.longestWait),
      serviceLevel: pct(this.servedBefore[1]!, this.received),
      efficiency: pct(this.served, this.received),
    };
    for (let i = 0; i < 4; i++) {
      a[`nbCallsBeforeTS${i + 1}`] = this.servedBefore[i]!;
      a[`percentCallsBeforeTS${i + 1}`] = pct(this.servedBefore[i]!, this.served);
      a[`nbAbandonsBeforeTS${i + 1}`] = this.abandonedBefore[i]!;
      a[`percentAbandonsBeforeTS${i + 1}`] = pct(this.abandonedBefore[i]!, this.abandoned);
    }
    a.nbCallsAfterTS4 = this.served - this.servedBefore[3]!;
    a.percentCallsAfterTS4 = pct(this.served - this.servedBefore[3]!, this.served);
    a.nbAbandonsAfterTS4 = this.abandoned - this.abandonedBefore[3]!;
    a.percentAbandonsAfterTS4 = pct(this.abandoned - this.abandonedBefore[3]!, this.abandoned);
    // The processing of a served call: ringing, conversation and wrap-up.
    const proc = this.conv + this.wrapup + this.servedRing;
    a.callProcTDur = hms(proc);
    a.callProcADur = avg(proc, this.served);
    return a;
  }
}

class ByPilotAcc {
  received = 0;
  served = 0;
  inWrapup = 0;
  ring = 0;
  conv = 0;
  wrapup = 0;
  maxConv = 0;
  maxWrapup = 0;
  maxProc = 0;

  attributes(): Record<string, number | string> {
    const proc = this.ring + this.conv + this.wrapup;
    return {
      nbCallsReceived: this.received,
      nbCallsServed: this.served,
      nbCallsInWrapup: this.inWrapup,
      maxCallProcDur: hms(this.maxProc),
      maxConvDur: hms(this.maxConv),
      maxWrapupDur: hms(this.maxWrapup),
      callProcTDur: hms(proc),
      callProcADur: avg(proc, this.served),
      convTDur: hms(this.conv),
      convADur: avg(this.conv, this.served),
      wrapupTDur: hms(this.wrapup),
      wrapupADur: avg(this.wrapup, this.inWrapup),
    };
  }
}

class AgentAcc {
  rang = 0;
  served = 0;
  notServed = 0;
  wrapups = 0;
  ring = 0;
  ringServed = 0;
  conv = 0;
  wrapup = 0;
  readonly byPilot = new Map<string, { name: string; acc: ByPilotAcc }>();

  pilot(t: StatsTicket): ByPilotAcc {
    let p = this.byPilot.get(t.pilot);
    if (!p) {
      p = { name: t.pilotName, acc: new ByPilotAcc() };
      this.byPilot.set(t.pilot, p);
    }
    return p.acc;
  }

  attributes(): Record<string, number | string> {
    const work = this.ring + this.conv + this.wrapup;
    return {
      nbRingAcd: this.rang,
      nbPickedUp: this.served,
      nbServedWOCode: this.served,
      nbAcdServedCalls: this.served,
      nbAcdInServedCalls: this.served,
      nbTotNonServedCalls: this.notServed,
      nbInNonServedCalls: this.notServed,
      nbOnWrapup: this.wrapups,
      nbPilots: [...this.byPilot.values()].filter((p) => p.acc.served > 0).length,
      ringAcdTDur: hms(this.ring),
      ringAcdADur: avg(this.ring, this.rang),
      ringTDur: hms(this.ring),
      ringADur: avg(this.ring, this.rang),
      ringAcdServedTDur: hms(this.ringServed),
      ringAcdServedADur: avg(this.ringServed, this.served),
      convAcdTDur: hms(this.conv),
      convAcdADur: avg(this.conv, this.served),
      acdInConvTDur: hms(this.conv),
      acdInConvADur: avg(this.conv, this.served),
      wrapupAcdTDur: hms(this.wrapup),
      acdWorkTDur: hms(work),
      acdWorkADur: avg(work, this.rang),
      acdWorkInTDur: hms(work),
      acdWorkInADur: avg(work, this.rang),
      acdWorkInConvTDur: hms(this.conv),
      acdWorkInConvADur: avg(this.conv, this.served),
      acdWorkInRingTDur: hms(this.ring),
      acdWorkInRingADur: avg(this.ring, this.rang),
      acdWorkInWrapupTDur: hms(this.wrapup),
      acdWorkInWrapupADur: avg(this.wrapup, this.wrapups),
    };
  }
}

/** The buckets of a report: time slots of a day, or days; each [from, to). */
export interface Bucket {
  readonly from: number;
  readonly to: number;
}

export interface BucketStats {
  readonly pilots: Map<string, { name: string; attributes: Record<string, number | string> }>;
  readonly agents: Map<
    string,
    {
      attributes: Record<string, number | string>;
      byPilot: { pilot: string; name: string; attributes: Record<string, number | string> }[];
    }
  >;
}

function bucketOf(buckets: readonly Bucket[], t: number): number {
  let lo = 0;
  let hi = buckets.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = buckets[mid]!;
    if (t < b.from) hi = mid - 1;
    else if (t >= b.to) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Sum the tickets into each bucket, for the pilots and agents asked (all met when undefined). */
export function aggregate(
  tickets: readonly StatsTicket[],
  buckets: readonly Bucket[],
  scope: { pilots?: ReadonlySet<string>; agents?: ReadonlySet<string> },
): BucketStats[] {
  const pilotAccs = buckets.map(() => new Map<string, { name: string; acc: PilotAcc }>());
  const agentAccs = buckets.map(() => new Map<string, AgentAcc>());
  // A wrap-up ticket finds its call (same node) for the per-call maxima.
  const calls = new Map<string, StatsTicket>();
  for (const t of tickets) if (t.kind === "call") calls.set(`${t.nodeId}:${t.seq}`, t);
  const procOf = new Map<StatsTicket, number>();
  for (const t of tickets) {
    const i = bucketOf(buckets, t.offeredAt);
    if (i < 0) continue;
    if (!scope.pilots || scope.pilots.has(t.pilot)) {
      let p = pilotAccs[i]!.get(t.pilot);
      if (!p) {
        p = { name: t.pilotName, acc: new PilotAcc() };
        pilotAccs[i]!.set(t.pilot, p);
      }
      p.acc.add(t);
    }
    if (!t.agent || (scope.agents && !scope.agents.has(t.agent))) continue;
    let a = agentAccs[i]!.get(t.agent);
    if (!a) {
      a = new AgentAcc();
      agentAccs[i]!.set(t.agent, a);
    }
    const bp = a.pilot(t);
    if (t.kind === "wrapup") {
      a.wrapups++;
      a.wrapup += t.wrapupMs;
      bp.inWrapup++;
      bp.wrapup += t.wrapupMs;
      bp.maxWrapup = Math.max(bp.maxWrapup, t.wrapupMs);
      const call = calls.get(`${t.nodeId}:${t.ref}`);
      if (call) {
        const proc = (procOf.get(call) ?? call.ringMs + call.talkMs) + t.wrapupMs;
        procOf.set(call, proc);
        bp.maxProc = Math.max(bp.maxProc, proc);
      }
      continue;
    }
    if (t.outcome !== "answered" && t.outcome !== "unanswered") continue;
    a.rang++;
    a.ring += t.ringMs;
    bp.received++;
    if (t.outcome === "unanswered") {
      a.notServed++;
      continue;
    }
    a.served++;
    a.ringServed += t.ringMs;
    a.conv += t.talkMs;
    bp.served++;
    bp.ring += t.ringMs;
    bp.conv += t.talkMs;
    bp.maxConv = Math.max(bp.maxConv, t.talkMs);
    const proc = (procOf.get(t) ?? 0) + t.ringMs + t.talkMs;
    procOf.set(t, proc);
    bp.maxProc = Math.max(bp.maxProc, proc);
  }
  return buckets.map((_, i) => ({
    pilots: new Map(
      [...pilotAccs[i]!].map(([n, p]) => [n, { name: p.name, attributes: p.acc.attributes() }]),
    ),
    agents: new Map(
      [...agentAccs[i]!].map(([n, a]) => [
        n,
        {
          attributes: a.attributes(),
          byPilot: [...a.byPilot].map(([pilot, p]) => ({
            pilot,
            name: p.name,
            attributes: p.acc.attributes(),
          })),
        },
      ]),
    ),
  }));
}

/** Zero figures, for an object with no ticket in a bucket (the same attributes, computed from nothing). */
export const EMPTY_PILOT = () => new PilotAcc().attributes();
export const EMPTY_AGENT = () => new AgentAcc().attributes();
