/**
 * A CCD pilot's calendars as they travel over CMIP, in the CCD_Pilot attributes Normal_Calendar
 * and Exception_Calendar. Both sides (the emulated OXE, the gateway) read and write them with
 * these functions.
 *
 * Ours (the OXE's MIB is not public): the text form. A calendar is a list of days joined by ";",
 * each `key=transitions` where the key is a day of the week (`monday`..`sunday`, O2G's
 * DayOfWeekJson) or a date `YYYYMMDD`, and its transitions are `HH:MM/rule/mode` joined by ",",
 * in time order (a transition's index is its place, from 1). The modes are O2G's
 * PilotOperatingMode: `normal` (open, on the rule), `closed`, `forward` (general forwarding).
 * Days without a transition are left out.
 */

export const DAYS_OF_WEEK = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
] as const;
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number];

export const OPERATING_MODES = ["normal", "closed", "forward"] as const;
export type OperatingMode = (typeof OPERATING_MODES)[number];

/** A day holds ten transitions at most (as the OXE's calendar does). */
export const MAX_TRANSITIONS_PER_DAY = 10;

export interface CalendarTransition {
  /** HH:MM, 24-hour */
  readonly time: string;
  readonly ruleNumber: number;
  readonly mode: OperatingMode;
}

/** Transitions by day key (a day of the week, or a YYYYMMDD date), each list in time order. */
export type CalendarDays = Map<string, CalendarTransition[]>;

export class CalendarTextError extends Error {
  override readonly name = "CalendarTextError";
}

const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const DATE = /^([0-9]{4})([0-9]{2})([0-9]{2})$/;

export function isTime(s: string): boolean {
  return TIME.test(s);
}

export function isDayOfWeek(s: string): s is DayOfWeek {
  return (DAYS_OF_WEEK as readonly string[]).includes(s);
}

/** A real calendar date written YYYYMMDD (20260230 is not one). */
export function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1970 || mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= days;
}

/** The transitions in the order a day runs them (time, then as given). */
export function sortTransitions(list: readonly CalendarTransition[]): CalendarTransition[] {
  return [...list].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

/**
 * Why a day's transitions cannot be held, or undefined: too many, a time twice, a bad time, rule
 * or mode.
 */
export function dayProblem(key: string, list: readonly CalendarTransition[]): string | undefined {
  if (list.length > MAX_TRANSITIONS_PER_DAY)
    return `${key} has ${list.length} transitions: ${MAX_TRANSITIONS_PER_DAY} at most`;
  const seen = new Set<string>();
  for (const t of list) {
    if (!isTime(t.time)) return `${key}: "${t.time}" is not a time HH:MM`;
    if (!Number.isInteger(t.ruleNumber) || t.ruleNumber < 1 || t.ruleNumber > 99)
      return `${key}: rule ${t.ruleNumber} is not a rule number (1..99)`;
    if (!(OPERATING_MODES as readonly string[]).includes(t.mode)) return `${key}: no mode ${t.mode}`;
    if (seen.has(t.time)) return `${key} has two transitions at ${t.time}`;
    seen.add(t.time);
  }
  return undefined;
}

export function encodeCalendar(days: CalendarDays): string {
  const keys = [...days.keys()].filter((k) => (days.get(k)?.length ?? 0) > 0);
  keys.sort((a, b) => keyOrder(a) - keyOrder(b) || (a < b ? -1 : a > b ? 1 : 0));
  return keys
    .map(
      (k) =>
        `${k}=${sortTransitions(days.get(k)!)
          .map((t) => `${t.time}/${t.ruleNumber}/${t.mode}`)
          .join(",")}`,
    )
    .join(";");
}

function keyOrder(k: string): number {
  const i = (DAYS_OF_WEEK as readonly string[]).indexOf(k);
  return i >= 0 ? i : DAYS_OF_WEEK.length;
}

/**
 * The calendar a text holds; `keys` says which keys it may have (days of the week or dates).
 * Throws CalendarTextError on anything else.
 */
export function parseCalendar(text: string, keys: "days" | "dates"): CalendarDays {
  const out: CalendarDays = new Map();
  if (text.trim() === "") return out;
  for (const part of text.split(";")) {
    const eq = part.indexOf("=");
    const key = eq > 0 ? part.slice(0, eq) : "";
    if (keys === "days" ? !isDayOfWeek(key) : !isCalendarDate(key))
      throw new CalendarTextError(
        `"${part.slice(0, 24)}" does not start with a ${keys === "days" ? "day of the week" : "date YYYYMMDD"}`,
      );
    if (out.has(key)) throw new CalendarTextError(`${key} is given twice`);
    const list: CalendarTransition[] = [];
    for (const t of part.slice(eq + 1).split(",")) {
      const [time = "", rule = "", mode = "", ...rest] = t.split("/");
      if (rest.length > 0 || !/^[0-9]{1,2}$/.test(rule))
        throw new CalendarTextError(`${key}: "${t}" is not a transition HH:MM/rule/mode`);
      list.push({ time, ruleNumber: Number(rule), mode: mode as OperatingMode });
    }
    const problem = dayProblem(key, list);
    if (problem) throw new CalendarTextError(problem);
    out.set(key, sortTransitions(list));
  }
  return out;
}

/** The day of the week of a date (local time, as the OXE's clock runs). */
export function dayOfWeek(d: Date): DayOfWeek {
  return DAYS_OF_WEEK[(d.getDay() + 6) % 7]!;
}

/** A date's key in the exception calendar (local time). */
export function dateKey(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}`;
}
