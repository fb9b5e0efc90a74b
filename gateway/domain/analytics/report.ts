/**
 * O2G's analytics JSON (the SDKs' IncidentJson, ChargingFileJson, ChargingJson and
 * ChargingResultJson), made from what the node said.
 *
 * Charging, as the SDK documents it: with `all`, every ticket of the range (zero-cost ones
 * included) with its called party, date, type and facilities; without, one line per user with
 * the totals of the user's tickets that cost something (`callNumber` counts them). `top N` keeps
 * the N costliest lines (ties: the node's order). `totalTicketNb` counts the tickets in the
 * range, `valuableTicketNb` those that cost something.
 *
 * A long range with `all` is a big answer: it is written as a sequence of chunks (each ticket's
 * JSON made once and kept with the ticket), never one string.
 */
import { localDmy, localHms, localStamp, localYmd, type TimeRange } from "./dates.js";
import type { NodeChargingFile, NodeIncident, NodeTicket } from "./formats.js";
import type { ChargingSelection } from "./node-analytics.js";
import type { ChargingFileJson, ChargingJson, IncidentJson } from "./schema.js";

export type { ChargingFileJson, ChargingJson, IncidentJson } from "./schema.js";

export function incidentJson(i: NodeIncident): IncidentJson {
  const j: IncidentJson = {
    date: localDmy(i.date),
    hour: localHms(i.date),
    severity: i.severity,
    value: String(i.code),
    type: i.text,
    nbOccurs: i.occurrences,
    node: String(i.nodeId),
    main: i.main,
  };
  if (i.rack !== undefined) j.rack = i.rack;
  if (i.board !== undefined) j.board = i.board;
  if (i.equipment !== undefined) j.equipment = i.equipment;
  if (i.termination !== undefined) j.termination = i.termination;
  return j;
}

export function chargingFileJson(f: NodeChargingFile): ChargingFileJson {
  return { name: f.name, date: localDmy(f.start), time: localHms(f.start) };
}

export function ticketJson(t: NodeTicket): ChargingJson {
  const j: ChargingJson = { caller: t.caller };
  // The name on a ticket is the charged user's: it names the caller only when they are the same.
  if (t.caller === t.charged && t.chargedName) j.name = t.chargedName;
  j.called = t.called;
  j.initialDialledNumber = t.dialled;
  j.callNumber = 1;
  j.chargingUnits = t.units;
  j.cost = t.cost;
  j.startDate = localStamp(t.start);
  j.duration = t.duration;
  j.callType = t.callType;
  j.effectiveCallDuration = t.effectiveDuration;
  j.actingExtensionNumberNode = t.node;
  j.internalFacilities = { facilities: [...t.internalFacilities] };
  j.externalFacilities = { facilities: [...t.externalFacilities] };
  return j;
}

function ticketText(t: NodeTicket): string {
  t.json ??= JSON.stringify(ticketJson(t));
  return t.json;
}

export interface ChargingOptions {
  all: boolean;
  top?: number;
}

interface UserTotal {
  caller: string;
  name: string;
  node: number;
  callNumber: number;
  units: number;
  cost: number;
  duration: number;
  effective: number;
  /** first seen, to keep the node's order among equal costs */
  order: number;
}

const cents = (x: number) => Math.round(x * 100) / 100;

function* inRange(sel: ChargingSelection): Generator<NodeTicket> {
  const { from, to } = sel.range;
  for (const file of sel.tickets) for (const t of file) if (t.start >= from && t.start < to) yield t;
}

function byCost<T extends { cost: number }>(a: T, b: T): number {
  return b.cost - a.cost;
}

/** Chunks of about this many characters are handed to the socket. */
const CHUNK = 64 * 1024;

/**
 * The ChargingResultJson of a selection, as chunks of text. `period`: the range to report as
 * fromDate/toDate (a date filter), absent for a request by files.
 */
export function* chargingResultChunks(
  sel: ChargingSelection,
  options: ChargingOptions,
  period?: TimeRange,
): Generator<string> {
  let head = "{";
  if (period) {
    head += `"fromDate":${JSON.stringify(localYmd(period.from))},`;
    head += `"toDate":${JSON.stringify(localYmd(Math.max(period.from, period.to - 1)))},`;
  }
  head += `"nbChargingFiles":${sel.files.length},"chargings":[`;
  let total = 0;
  let valuable = 0;
  let buf = head;
  let first = true;
  const emit = function* (text: string): Generator<string> {
    buf += first ? text : `,${text}`;
    first = false;
    if (buf.length >= CHUNK) {
      yield buf;
      buf = "";
    }
  };

  if (options.all && options.top === undefined) {
    for (const t of inRange(sel)) {
      total++;
      if (t.cost > 0) valuable++;
      yield* emit(ticketText(t));
    }
  } else if (options.all) {
    const list: NodeTicket[] = [];
    for (const t of inRange(sel)) {
      total++;
      if (t.cost > 0) valuable++;
      list.push(t);
    }
    // Array.prototype.sort is stable: equal costs keep the node's order.
    list.sort(byCost);
    for (const t of list.slice(0, options.top)) yield* emit(ticketText(t));
  } else {
    const users = new Map<string, UserTotal>();
    for (const t of inRange(sel)) {
      total++;
      if (t.cost <= 0) continue;
      valuable++;
      let u = users.get(t.charged);
      if (!u) {
        u = {
          caller: t.charged,
          name: t.chargedName,
          node: t.node,
          callNumber: 0,
          units: 0,
          cost: 0,
          duration: 0,
          effective: 0,
          order: users.size,
        };
        users.set(t.charged, u);
      }
      u.callNumber++;
      u.units += t.units;
      u.cost += t.cost;
      u.duration += t.duration;
      u.effective += t.effectiveDuration;
    }
    const list = [...users.values()].sort((a, b) => byCost(a, b) || a.order - b.order);
    for (const u of options.top === undefined ? list : list.slice(0, options.top)) {
      const j: ChargingJson = { caller: u.caller };
      if (u.name) j.name = u.name;
      j.callNumber = u.callNumber;
      j.chargingUnits = u.units;
      j.cost = cents(u.cost);
      j.duration = u.duration;
      j.effectiveCallDuration = u.effective;
      j.actingExtensionNumberNode = u.node;
      yield* emit(JSON.stringify(j));
    }
  }
  yield `${buf}],"totalTicketNb":${total},"valuableTicketNb":${valuable}}`;
}
