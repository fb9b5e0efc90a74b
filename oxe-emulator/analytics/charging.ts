/**
 * A node's charging (accounting) tickets, kept the way the OXE hands them over: in files, one
 * per hour, named `TAXACD_<YYYYMMDD>_<HH>.txt` after the UTC hour they cover. A ticket is
 * written when its call ends, so it lies in the file of its end hour; date filters, as O2G's
 * analytics service applies them, are on the ticket's start. The current hour's file is open
 * (still growing), older ones are closed. Hours without a ticket have no file.
 *
 * Two sources fill the files:
 * - a generated history of `historyDays` before the anchor, deterministic by seed: each hour's
 *   count is drawn once, its tickets only when somebody reads that hour (and a few hours are
 *   cached), so a 100-node network does not hold a million tickets nobody asked for;
 * - live tickets: one per call of the call model that involved a device of the node
 *   (`attach(network)`), tickets a scenario adds, and the optional random stream of public
 *   network calls (`startLive`), since the call model has no trunks to the outside.
 *
 * Call types and facilities are named as O2G's analytics service names them.
 */
import { en, Faker } from "@faker-js/faker";
import type { Directory, Subscriber } from "../directory/index.js";
import type { CallSummary, Network } from "../model/index.js";
import { atRandomIntervals, DAY_MS, HOUR_MS, startOfHour, type TimeRange, yyyymmdd } from "./time.js";

export type CallType =
  | "LocalNode"
  | "PrivateNetworkCall"
  | "PrivateNetworkIncomingCall"
  | "PublicNetworkCall"
  | "PublicNetworkIncomingCall";

export type TelFacility =
  | "BasicCall"
  | "Transfer"
  | "Conference"
  | "CallForwardingOnNoReply"
  | "VoiceMail"
  | "CallingLineIdentificationPresentation"
  | "ARSService";

export interface ChargingTicket {
  /** the node's ticket number, from 1, in file order */
  readonly seq: number;
  /** when the call started (seizure), ms since epoch */
  readonly start: number;
  /** the node's user the ticket is charged to */
  readonly chargedNumber: string;
  readonly chargedName: string;
  readonly caller: string;
  /** who took the call in the end (who was rung last, when nobody answered) */
  readonly called: string;
  /** what was dialled first (differs from `called` after a forward or a transfer) */
  readonly dialled: string;
  readonly callType: CallType;
  /** from seizure to release, seconds */
  readonly durationSec: number;
  /** conversation time, seconds; 0 for an unanswered call */
  readonly effectiveDurationSec: number;
  readonly units: number;
  /** units × unit cost, rounded to the cent */
  readonly cost: number;
  readonly currency: string;
  /** the node that wrote the ticket (O2G's acting extension node) */
  readonly nodeId: number;
  /** the trunk group the call left or came in by; undefined for a call inside the node */
  readonly trunkGroup: number | undefined;
  readonly costCenter: number;
  readonly internalFacilities: readonly TelFacility[];
  readonly externalFacilities: readonly TelFacility[];
  /** a business call's account code (MakeCall accountCode): the cost center it is charged to */
  readonly accountCode?: string;
  /** a private call (MakeCall with the caller's PIN): charged to the user, not the company */
  readonly privateCall?: boolean;
}

/** A ticket a scenario writes; the node numbers it and stamps its own id. */
export type NewTicket = Omit<ChargingTicket, "seq" | "nodeId">;

export interface ChargingFile {
  /** `TAXACD_20261125_10.txt` */
  readonly name: string;
  /** the hour it covers: [start, end) in ms since epoch */
  readonly start: number;
  readonly end: number;
  readonly tickets: number;
  /** the current hour's file, still being written */
  readonly open: boolean;
}

export interface ChargingOptions {
  nodeId: number;
  seed: number;
  directory: Directory;
  /** the history ends here (ms); default: construction time */
  now?: number;
  historyDays?: number;
  /** mean tickets per working day in the history; default from the node's users */
  ticketsPerDay?: number;
  currency?: string;
  /** price of one charging unit */
  unitCost?: number;
  /** live tickets kept; the oldest hours go first, as the OXE's disk would rotate them */
  maxLiveTickets?: number;
}

const FILE_NAME = /^TAXACD_(\d{4})(\d{2})(\d{2})_(\d{2})\.txt$/;
const CACHED_HOURS = 64;
/** trunk groups of a typical node: the public ISDN access, the SIP trunk, the ABC-F network */
const PUBLIC_TRUNK_GROUPS = [1, 2];
const NETWORK_TRUNK_GROUP = 10;

export function chargingFileName(hourStart: number): string {
  return `TAXACD_${yyyymmdd(hourStart)}_${String(new Date(hourStart).getUTCHours()).padStart(2, "0")}.txt`;
}

/** The hour a file name stands for, or undefined if it is not a charging file name. */
export function parseChargingFileName(name: string): number | undefined {
  const m = FILE_NAME.exec(name);
  if (!m) return undefined;
  const [y, mo, d, h] = m.slice(1).map(Number);
  const ms = Date.UTC(y!, mo! - 1, d!, h!);
  return chargingFileName(ms) === name ? ms : undefined;
}

/** Share of a day's calls in each hour of a working day; weekends get a tenth. */
const HOUR_WEIGHTS = [
  0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.05, 0.3, 0.9, 1, 1, 1, 0.6, 0.7, 1, 1, 1, 0.9, 0.5, 0.2, 0.1, 0.05,
  0.03, 0.02,
];
const HOUR_WEIGHT_SUM = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);

function hourRate(hourStart: number, perDay: number): number {
  const d = new Date(hourStart);
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
  return ((perDay * HOUR_WEIGHTS[d.getUTCHours()]!) / HOUR_WEIGHT_SUM) * (weekend ? 0.1 : 1);
}

function poisson(f: Faker, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(f)));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = f.number.float();
  while (p > limit) {
    k++;
    p *= f.number.float();
  }
  return k;
}

function normal(f: Faker): number {
  const u = 1 - f.number.float();
  const v = f.number.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const fullName = (s: Subscriber) => `${s.firstName} ${s.lastName}`;

/** Destinations of public calls: national number prefix and charging units per minute. */
const DESTINATIONS = [
  { weight: 40, prefix: () => "01", unitsPerMinute: 1 },
  { weight: 25, prefix: (f: Faker) => `0${f.number.int({ min: 2, max: 5 })}`, unitsPerMinute: 2 },
  { weight: 28, prefix: (f: Faker) => `0${f.helpers.arrayElement([6, 7])}`, unitsPerMinute: 5 },
  {
    weight: 7,
    prefix: (f: Faker) => `00${f.helpers.arrayElement(["1", "44", "49", "34", "39", "32", "41"])}`,
    unitsPerMinute: 12,
  },
];

export class ChargingStore {
  readonly nodeId: number;
  readonly anchor: number;
  private readonly options: Required<Omit<ChargingOptions, "ticketsPerDay">> & { ticketsPerDay: number };
  private readonly directory: Directory;
  /** subscribers of the node, as they were at construction */
  private readonly own: readonly Subscriber[];
  /** the other nodes' subscribers, by node: not copied (100 nodes of 1,000 users each would be 10^7 refs) */
  private readonly others: readonly (readonly Subscriber[])[];
  /** one generator, reseeded for each use (a Faker is some 40 kB: a few per node add up) */
  private readonly faker = new Faker({ locale: [en] });
  private liveFaker: Faker | undefined;
  /** the first hour of the history, and per history hour its ticket count and first seq */
  private readonly firstHour: number;
  private readonly counts: Uint32Array;
  private readonly firstSeq: Float64Array;
  private nextSeq: number;
  private readonly cache = new Map<number, ChargingTicket[]>();
  private readonly live = new Map<number, ChargingTicket[]>();
  private liveCount = 0;
  private readonly listeners = new Set<(t: ChargingTicket) => void>();
  private stopTimer: (() => void) | undefined;

  constructor(options: ChargingOptions) {
    this.directory = options.directory;
    this.own = (options.directory.byNode.get(options.nodeId) ?? []).slice();
    this.others = [...options.directory.byNode]
      .filter(([node, list]) => node !== options.nodeId && list.length > 0)
      .map(([, list]) => list);
    this.options = {
      now: Date.now(),
      historyDays: 30,
      currency: "EUR",
      unitCost: 0.05,
      maxLiveTickets: 100_000,
      ticketsPerDay: Math.min(2000, Math.max(20, Math.round(this.own.length * 0.4))),
      ...options,
    };
    if (this.own.length === 0) this.options.ticketsPerDay = 0;
    this.nodeId = options.nodeId;
    this.anchor = this.options.now;
    this.faker.seed([options.seed, options.nodeId, 0x7a]);
    this.firstHour = startOfHour(this.anchor) - this.options.historyDays * DAY_MS;
    const hours = this.options.historyDays * 24;
    this.counts = new Uint32Array(hours);
    this.firstSeq = new Float64Array(hours);
    let seq = 1;
    for (let k = 0; k < hours; k++) {
      this.counts[k] = poisson(
        this.faker,
        hourRate(this.firstHour + k * HOUR_MS, this.options.ticketsPerDay),
      );
      this.firstSeq[k] = seq;
      seq += this.counts[k]!;
    }
    this.nextSeq = seq;
  }

  get currency(): string {
    return this.options.currency;
  }

  /** Write a ticket for every call of the call model that involved the node. */
  attach(network: Network): () => void {
    return network.onCallEnded((summary) => {
      this.record(summary);
    });
  }

  /** Be told of every ticket written from now on. */
  onTicket(listener: (t: ChargingTicket) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The ticket for an ended call of the call model, or undefined if the node took no part. */
  record(summary: CallSummary): ChargingTicket | undefined {
    const onNode = (n: string | null): n is string =>
      n !== null && this.directory.byNumber.get(n)?.nodeId === this.nodeId;
    const charged =
      [summary.callingDevice, summary.answeredBy, summary.calledDevice].find(onNode) ??
      summary.participants.find(onNode);
    if (charged === undefined) return undefined;
    const sub = this.directory.byNumber.get(charged)!;
    const caller = summary.callingDevice ?? charged;
    const called = summary.answeredBy ?? summary.participants.at(-1) ?? summary.calledDevice ?? "";
    const callerHere = onNode(summary.callingDevice);
    // A number nobody has (a failed call) is no other node's either.
    const elsewhere = (n: string | null) => n !== null && !onNode(n) && this.directory.byNumber.has(n);
    const allHere = !summary.participants.some(elsewhere) && !elsewhere(summary.calledDevice);
    const callType: CallType = callerHere
      ? allHere
        ? "LocalNode"
        : "PrivateNetworkCall"
      : "PrivateNetworkIncomingCall";
    return this.add({
      start: summary.startedAt,
      chargedNumber: charged,
      chargedName: fullName(sub),
      caller,
      called,
      dialled: summary.calledDevice ?? called,
      callType,
      durationSec: Math.round((summary.endedAt - summary.startedAt) / 1000),
      effectiveDurationSec:
        summary.answeredAt === undefined ? 0 : Math.round((summary.endedAt - summary.answeredAt) / 1000),
      units: 0,
      cost: 0,
      currency: this.options.currency,
      trunkGroup: callType === "LocalNode" ? undefined : NETWORK_TRUNK_GROUP,
      // A business call goes to the cost center its account code names.
      costCenter: summary.accountCode !== undefined ? Number(summary.accountCode) : sub.costCenter,
      ...(summary.accountCode !== undefined ? { accountCode: summary.accountCode } : {}),
      ...(summary.privateCall ? { privateCall: true } : {}),
      // The call model does not say which service brought extra parties in (a forward, a
      // transfer, a conference), so a live ticket claims no more than the basic call.
      internalFacilities: ["BasicCall"],
      externalFacilities: [],
    });
  }

  /** Write a ticket (a scenario's, or one of the live stream). */
  add(t: NewTicket): ChargingTicket {
    const ticket: ChargingTicket = { ...t, seq: this.nextSeq++, nodeId: this.nodeId };
    const hour = startOfHour(ticket.start + ticket.durationSec * 1000);
    let bucket = this.live.get(hour);
    if (!bucket) {
      bucket = [];
      this.live.set(hour, bucket);
    }
    bucket.push(ticket);
    this.liveCount++;
    while (this.liveCount > this.options.maxLiveTickets && this.live.size > 1) {
      const oldest = Math.min(...this.live.keys());
      this.liveCount -= this.live.get(oldest)!.length;
      this.live.delete(oldest);
    }
    for (const l of this.listeners) l(ticket);
    return ticket;
  }

  /** A random public network call that ends now (the call model has no trunks). */
  addRandomPublicCall(end = Date.now()): ChargingTicket | undefined {
    if (this.own.length === 0) return undefined;
    if (!this.liveFaker) {
      this.liveFaker = new Faker({ locale: [en] });
      this.liveFaker.seed([this.options.seed, this.nodeId, 0x7b]);
    }
    const t = this.randomTicket(this.liveFaker, end, true);
    return this.add(t);
  }

  /** Random public network calls at random intervals around `meanMs`, until `stopLive`. */
  startLive(meanMs: number): void {
    this.stopLive();
    this.stopTimer = atRandomIntervals(meanMs, () => {
      this.addRandomPublicCall();
    });
  }

  stopLive(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
  }

  // ---- files -----------------------------------------------------------------------------

  /** Files whose hour overlaps `range`, oldest first. */
  files(range?: TimeRange): ChargingFile[] {
    const now = Date.now();
    const from = range?.from ?? Number.NEGATIVE_INFINITY;
    const to = range?.to ?? Number.POSITIVE_INFINITY;
    const out: ChargingFile[] = [];
    for (const hour of this.hours()) {
      if (hour + HOUR_MS <= from || hour >= to) continue;
      const tickets = this.countOf(hour);
      if (tickets > 0) {
        out.push({
          name: chargingFileName(hour),
          start: hour,
          end: hour + HOUR_MS,
          tickets,
          open: now < hour + HOUR_MS,
        });
      }
    }
    return out;
  }

  file(name: string): ChargingFile | undefined {
    const hour = parseChargingFileName(name);
    if (hour === undefined) return undefined;
    const tickets = this.countOf(hour);
    if (tickets === 0) return undefined;
    return { name, start: hour, end: hour + HOUR_MS, tickets, open: Date.now() < hour + HOUR_MS };
  }

  /** The tickets of a file, in the order they were written; undefined if there is no such file. */
  ticketsOfFile(name: string): readonly ChargingTicket[] | undefined {
    const hour = parseChargingFileName(name);
    if (hour === undefined || this.countOf(hour) === 0) return undefined;
    return this.ticketsOfHour(hour);
  }

  /**
   * Tickets of calls that started in `range`, in file order, lazily: a client that stops
   * reading stops the generation.
   */
  *tickets(range: TimeRange): Generator<ChargingTicket> {
    // A history call lasts under two hours, so its ticket is at most two files after its start.
    const lo = Number.isFinite(range.from) ? startOfHour(range.from) : Number.NEGATIVE_INFINITY;
    const hi = range.to + 2 * HOUR_MS;
    for (const hour of this.hours()) {
      if ((hour < lo || hour > hi) && !this.live.has(hour)) continue;
      if (this.countOf(hour) === 0) continue;
      for (const t of this.ticketsOfHour(hour)) if (t.start >= range.from && t.start < range.to) yield t;
    }
  }

  // ---- internals -------------------------------------------------------------------------

  /** Every hour that may have a file, in order. */
  private hours(): number[] {
    const set = new Set<number>();
    for (let k = 0; k < this.counts.length; k++)
      if (this.counts[k]! > 0) set.add(this.firstHour + k * HOUR_MS);
    for (const h of this.live.keys()) set.add(h);
    return [...set].sort((a, b) => a - b);
  }

  private historyIndex(hour: number): number {
    const k = (hour - this.firstHour) / HOUR_MS;
    return Number.isInteger(k) && k >= 0 && k < this.counts.length ? k : -1;
  }

  private countOf(hour: number): number {
    const k = this.historyIndex(hour);
    return (k >= 0 ? this.counts[k]! : 0) + (this.live.get(hour)?.length ?? 0);
  }

  private ticketsOfHour(hour: number): readonly ChargingTicket[] {
    const k = this.historyIndex(hour);
    const live = this.live.get(hour) ?? [];
    if (k < 0 || this.counts[k] === 0) return live;
    let generated = this.cache.get(hour);
    if (!generated) {
      generated = this.generateHour(k);
      this.cache.set(hour, generated);
      if (this.cache.size > CACHED_HOURS) this.cache.delete(this.cache.keys().next().value!);
    }
    return live.length ? [...generated, ...live] : generated;
  }

  /** An hour's tickets depend only on the seed, the node and the hour: any order of reads. */
  private generateHour(k: number): ChargingTicket[] {
    const f = this.faker;
    f.seed([this.options.seed, this.nodeId, 0x7c, k]);
    const hour = this.firstHour + k * HOUR_MS;
    const ends = Array.from(
      { length: this.counts[k]! },
      () => hour + f.number.int({ min: 0, max: HOUR_MS - 1 }),
    );
    ends.sort((a, b) => a - b);
    return ends.map((end, i) => ({
      ...this.randomTicket(f, end, false),
      seq: this.firstSeq[k]! + i,
      nodeId: this.nodeId,
    }));
  }

  private randomTicket(f: Faker, end: number, publicOnly: boolean): NewTicket {
    const me = f.helpers.arrayElement(this.own);
    const network = this.others.length > 0;
    const kinds: { weight: number; value: CallType }[] = publicOnly
      ? [
          { weight: 55, value: "PublicNetworkCall" },
          { weight: 45, value: "PublicNetworkIncomingCall" },
        ]
      : [
          { weight: this.own.length > 1 ? 35 : 0, value: "LocalNode" },
          { weight: network ? 8 : 0, value: "PrivateNetworkCall" },
          { weight: network ? 6 : 0, value: "PrivateNetworkIncomingCall" },
          { weight: 30, value: "PublicNetworkCall" },
          { weight: 21, value: "PublicNetworkIncomingCall" },
        ];
    const callType = f.helpers.weightedArrayElement(kinds.filter((x) => x.weight > 0));
    const answered = f.datatype.boolean(callType === "PublicNetworkIncomingCall" ? 0.8 : 0.85);
    const ring = f.number.int({ min: 2, max: 25 });
    const talk = answered ? Math.min(5400, Math.max(3, Math.round(Math.exp(4 + 1.1 * normal(f))))) : 0;
    const durationSec = ring + talk;
    const internal: TelFacility[] = ["BasicCall"];
    const external: TelFacility[] = [];
    let caller = me.directoryNumber;
    let called: string;
    let dialled: string;
    let units = 0;
    let trunkGroup: number | undefined;
    const pick = (list: readonly Subscriber[]) => {
      let s = f.helpers.arrayElement(list);
      if (s === me && list.length > 1) s = list[(list.indexOf(s) + 1) % list.length]!;
      return s.directoryNumber;
    };
    switch (callType) {
      case "LocalNode": {
        called = pick(this.own);
        dialled = called;
        const service = f.number.float();
        if (service < 0.05) {
          // Forwarded on no answer: what was dialled is not who took the call.
          internal.push("CallForwardingOnNoReply");
          dialled = pick(this.own);
        } else if (answered && service < 0.1) internal.push("Transfer");
        break;
      }
      case "PrivateNetworkCall":
        called = pick(f.helpers.arrayElement(this.others));
        dialled = called;
        trunkGroup = NETWORK_TRUNK_GROUP;
        break;
      case "PrivateNetworkIncomingCall":
        caller = pick(f.helpers.arrayElement(this.others));
        called = me.directoryNumber;
        dialled = called;
        trunkGroup = NETWORK_TRUNK_GROUP;
        break;
      case "PublicNetworkCall": {
        const dest = f.helpers.weightedArrayElement(
          DESTINATIONS.map((d) => ({ weight: d.weight, value: d })),
        );
        called = `${dest.prefix(f)}${f.string.numeric(8)}`;
        dialled = `0${called}`;
        trunkGroup = f.helpers.arrayElement(PUBLIC_TRUNK_GROUPS);
        units = answered ? Math.ceil((talk / 60) * dest.unitsPerMinute) : 0;
        if (f.datatype.boolean(0.2)) internal.push("ARSService");
        external.push("CallingLineIdentificationPresentation");
        break;
      }
      case "PublicNetworkIncomingCall":
        caller = `0${f.number.int({ min: 1, max: 7 })}${f.string.numeric(8)}`;
        called = me.directoryNumber;
        dialled = called;
        trunkGroup = f.helpers.arrayElement(PUBLIC_TRUNK_GROUPS);
        external.push("CallingLineIdentificationPresentation");
        if (!answered && f.datatype.boolean(0.6)) internal.push("VoiceMail");
        break;
    }
    return {
      start: end - durationSec * 1000,
      chargedNumber: me.directoryNumber,
      chargedName: fullName(me),
      caller,
      called,
      dialled,
      callType,
      durationSec,
      effectiveDurationSec: talk,
      units,
      cost: Math.round(units * this.options.unitCost * 100) / 100,
      currency: this.options.currency,
      trunkGroup,
      costCenter: me.costCenter,
      internalFacilities: internal,
      externalFacilities: external,
    };
  }
}
