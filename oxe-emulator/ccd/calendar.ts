/**
 * The pilots' calendars of the emulated CCD: for each pilot a normal calendar (transitions per
 * day of the week) and an exception calendar (transitions per date, which replace the normal day
 * on that date). A transition sets the pilot's operating mode at its time: `normal` opens it on
 * the transition's rule, `closed` closes it (callers get the closed treatment), `forward` closes
 * it with general forwarding (to its Closed_Forward number).
 *
 * The CCD's clock runs either with the wall clock ("live": checked every second) or only when it
 * is set ("manual": what tests and scenarios use, so that a transition is crossed on purpose and
 * never because a test happened to run at 18:00). Only a transition the clock crosses acts: a
 * pilot opened or closed by command stays so until its next transition, as on the OXE. The clock
 * is local time, as an OXE's is.
 *
 * The generator's calendar (a plausible working week): Monday to Friday open 08:00 and closed
 * 18:00, Saturday open 09:00 and closed 12:00, Sunday nothing (it stays as Saturday left it).
 */
import {
  type CalendarDays,
  type CalendarTransition,
  dateKey,
  dayOfWeek,
} from "../../protocols/cmip/index.js";
import type { PilotConfig } from "./config.js";

export interface PilotCalendar {
  normal: CalendarDays;
  exception: CalendarDays;
}

export type CalendarClockMode = "live" | "manual";

const t = (time: string, mode: CalendarTransition["mode"]): CalendarTransition => ({
  time,
  ruleNumber: 1,
  mode,
});

export function seedCalendar(): PilotCalendar {
  const normal: CalendarDays = new Map();
  for (const day of ["monday", "tuesday", "wednesday", "thursday", "friday"])
    normal.set(day, [t("08:00", "normal"), t("18:00", "closed")]);
  normal.set("saturday", [t("09:00", "normal"), t("12:00", "closed")]);
  return { normal, exception: new Map() };
}

/** The transitions a given day runs: its date's exceptions if it has any, else its weekday's. */
export function transitionsOn(cal: PilotCalendar, day: Date): readonly CalendarTransition[] {
  const exception = cal.exception.get(dateKey(day));
  if (exception && exception.length > 0) return exception;
  return cal.normal.get(dayOfWeek(day)) ?? [];
}

/** How far back a crossing is looked for: a jump of the clock over more acts as its last year. */
const MAX_DAYS_BACK = 366;

/** The last transition of `cal` whose moment is in (from, to], if any. */
export function lastCrossed(cal: PilotCalendar, from: number, to: number): CalendarTransition | undefined {
  if (to <= from) return undefined;
  const day = new Date(to);
  day.setHours(0, 0, 0, 0);
  for (let i = 0; i < MAX_DAYS_BACK && day.getTime() + 86_400_000 > from; i++) {
    const list = transitionsOn(cal, day);
    for (let k = list.length - 1; k >= 0; k--) {
      const tr = list[k]!;
      const [h, m] = tr.time.split(":").map(Number);
      const at = new Date(day);
      at.setHours(h!, m!, 0, 0);
      const ms = at.getTime();
      if (ms <= to && ms > from) return tr;
      if (ms <= from) return undefined;
    }
    day.setDate(day.getDate() - 1);
  }
  return undefined;
}

export class CcdCalendar {
  private readonly calendars = new Map<string, PilotCalendar>();
  /** manual: the clock's time; live: its offset from the wall clock */
  private manualAt: number;
  private offsetMs = 0;
  /** up to when transitions have been applied */
  private checkedUpTo: number;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    pilots: readonly PilotConfig[],
    private readonly apply: (pilot: string, t: CalendarTransition) => void,
    readonly mode: CalendarClockMode = "manual",
  ) {
    for (const p of pilots) this.calendars.set(p.number, seedCalendar());
    this.manualAt = Date.now();
    this.checkedUpTo = this.now().getTime();
    if (mode === "live") {
      this.timer = setInterval(() => this.tick(), 1000);
      this.timer.unref();
    }
  }

  close(): void {
    clearInterval(this.timer);
  }

  now(): Date {
    return new Date(this.mode === "manual" ? this.manualAt : Date.now() + this.offsetMs);
  }

  /**
   * Sets the CCD's clock: going forward applies, per pilot, the last transition crossed; going
   * back applies nothing (the pilots stay as they are).
   */
  setClock(to: Date): void {
    if (this.mode === "manual") this.manualAt = to.getTime();
    else this.offsetMs = to.getTime() - Date.now();
    const now = to.getTime();
    if (now < this.checkedUpTo) this.checkedUpTo = now;
    this.tick();
  }

  /** The pilot's calendars (undefined: no such pilot). Changed in place by the CMIP objects. */
  of(pilot: string): PilotCalendar | undefined {
    return this.calendars.get(pilot);
  }

  /** Applies what the clock crossed since the last look. */
  tick(): void {
    const now = this.now().getTime();
    const from = this.checkedUpTo;
    if (now <= from) return;
    this.checkedUpTo = now;
    for (const [pilot, cal] of this.calendars) {
      const tr = lastCrossed(cal, from, now);
      if (tr) this.apply(pilot, tr);
    }
  }
}
