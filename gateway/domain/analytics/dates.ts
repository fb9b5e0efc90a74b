/**
 * Dates as O2G's analytics API carries them. The SDKs send `fromDate`/`toDate` as `YYYYMMDD`
 * built from the client's local calendar, and read incident, file and ticket dates as local
 * times without a zone (`dd/mm/yy` + `HH:MM:SS`, `YYYYMMDD HH:MM:SS`): the OXE writes its local
 * time and O2G passes it on. The gateway therefore speaks its own process's local time on this
 * API, and UTC to the node (whose maintenance interface is UTC): a client in the gateway's zone
 * sees the right instants.
 *
 * Accepted as an extension (an SDK never sends them): `YYYY-MM-DD`, and ISO 8601 date-times
 * (`2026-11-25T10:12:03Z`, with an offset, or local without one), so a script can ask for what
 * happened since an instant it captured.
 */

export interface TimeRange {
  /** inclusive, ms since epoch */
  from: number;
  /** exclusive, ms since epoch */
  to: number;
}

/** A date parameter, as the instant it starts and the instant just after the span it names. */
export interface DateParam {
  start: number;
  end: number;
}

const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function validDay(y: number, m: number, d: number): boolean {
  const t = new Date(y, m - 1, d);
  return t.getFullYear() === y && t.getMonth() === m - 1 && t.getDate() === d;
}

/** Parse a date parameter; undefined when it is none of the accepted forms or not a real date. */
export function parseDateParam(text: string): DateParam | undefined {
  const day = COMPACT.exec(text) ?? DAY.exec(text);
  if (day) {
    const [y, m, d] = day.slice(1).map(Number) as [number, number, number];
    if (!validDay(y, m, d)) return undefined;
    // new Date(y, m, d + 1) rather than + 24 h: a local day lasts 23 or 25 h across DST.
    return { start: new Date(y, m - 1, d).getTime(), end: new Date(y, m - 1, d + 1).getTime() };
  }
  const dt = DATE_TIME.exec(text);
  if (!dt) return undefined;
  const [y, mo, d, h, mi] = dt.slice(1, 6).map(Number) as [number, number, number, number, number];
  const s = dt[6] === undefined ? undefined : Number(dt[6]);
  const ms = dt[7] === undefined ? undefined : Number(dt[7].padEnd(3, "0"));
  const zone = dt[8];
  if (!validDay(y, mo, d) || h > 23 || mi > 59 || (s ?? 0) > 59) return undefined;
  let start: number;
  if (zone === undefined) start = new Date(y, mo - 1, d, h, mi, s ?? 0, ms ?? 0).getTime();
  else {
    start = Date.UTC(y, mo - 1, d, h, mi, s ?? 0, ms ?? 0);
    if (zone !== "Z") {
      const sign = zone[0] === "-" ? -1 : 1;
      const digits = zone.slice(1).replace(":", "");
      start -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
  }
  const unit = ms !== undefined ? 1 : s !== undefined ? 1000 : 60_000;
  return { start, end: start + unit };
}

export function startOfLocalDay(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/**
 * The range two optional parameters describe. `toDate` takes in the whole span it names (a day,
 * a second). Neither given: today. Only `fromDate`: from then until now. Only `toDate`: that day.
 */
export function rangeOf(from: DateParam | undefined, to: DateParam | undefined, now = Date.now()): TimeRange {
  if (!from && !to) {
    const today = startOfLocalDay(now);
    return { from: today, to: parseDateParam(localYmd(today))!.end };
  }
  if (from && !to) return { from: from.start, to: Math.max(from.end, now + 1) };
  if (!from && to) return { from: startOfLocalDay(to!.start), to: to!.end };
  return { from: from!.start, to: to!.end };
}

const p2 = (n: number) => String(n).padStart(2, "0");

/** `20261125`, local */
export function localYmd(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}${p2(d.getMonth() + 1)}${p2(d.getDate())}`;
}

/** `25/11/26`, local: the date of incidents and charging files */
export function localDmy(ms: number): string {
  const d = new Date(ms);
  return `${p2(d.getDate())}/${p2(d.getMonth() + 1)}/${p2(d.getFullYear() % 100)}`;
}

/** `10:12:03`, local */
export function localHms(ms: number): string {
  const d = new Date(ms);
  return `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
}

/** `20261125 10:12:03`, local: a ticket's start */
export function localStamp(ms: number): string {
  return `${localYmd(ms)} ${localHms(ms)}`;
}

/** `2026-11-25T10:12:03Z`: a bound on the node's command line (seconds, UTC) */
export function nodeDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
