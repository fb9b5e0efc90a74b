/**
 * Dates on the node's maintenance interface. Everything is UTC: a real OXE writes its local
 * time, but the emulator and the gateway may run in different zones and a test must not depend
 * on the machine's, so the wire carries ISO 8601 with an explicit `Z`.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** `2026-11-25T10:12:03Z`: seconds precision, as the OXE's own records have. */
export function isoSeconds(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
}

/** `20261125` */
export function yyyymmdd(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}

export function startOfHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** A bound given on a command line, resolved to an instant (ms since epoch, UTC). */
export interface DateBound {
  ms: number;
  /**
   * the precision it was given in (a day, a minute, a second): as an upper bound it takes in the
   * whole of that unit, so "to 20261125" includes the 25th and "to ...T10:12:03" that second
   */
  unitMs: number;
}

const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?Z?)?$/;

/**
 * Parse `YYYYMMDD`, `YYYYMMDDHHMM[SS]`, `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS][Z]` (UTC).
 * Returns undefined for anything else, including impossible dates such as 20260231.
 */
export function parseDateBound(text: string): DateBound | undefined {
  const m = COMPACT.exec(text) ?? ISO.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => (x === undefined ? undefined : Number(x)));
  const ms = Date.UTC(y!, mo! - 1, d!, h ?? 0, mi ?? 0, s ?? 0);
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo! - 1 || back.getUTCDate() !== d! || (h ?? 0) > 23 || (mi ?? 0) > 59) {
    return undefined;
  }
  if ((s ?? 0) > 59) return undefined;
  return { ms, unitMs: h === undefined ? DAY_MS : s === undefined ? 60_000 : 1000 };
}

export interface TimeRange {
  /** inclusive, ms since epoch */
  from: number;
  /** exclusive, ms since epoch */
  to: number;
}

/** The half-open range two optional bounds describe; a missing bound is open. */
export function rangeOf(from: DateBound | undefined, to: DateBound | undefined): TimeRange {
  return {
    from: from?.ms ?? Number.NEGATIVE_INFINITY,
    to: to ? to.ms + to.unitMs : Number.POSITIVE_INFINITY,
  };
}

/**
 * Calls `fn` at random intervals, exponentially distributed around `meanMs` (events that come
 * independently of each other, as incidents and public calls do), until the returned function
 * is called. The timer does not keep the process alive.
 */
export function atRandomIntervals(meanMs: number, fn: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    const wait = Math.max(1, Math.round(-Math.log(1 - Math.random()) * meanMs));
    timer = setTimeout(() => {
      fn();
      next();
    }, wait);
    timer.unref();
  };
  next();
  return () => clearTimeout(timer);
}
