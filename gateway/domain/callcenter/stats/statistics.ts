/**
 * The gateway's call-center statistics: requesters and contexts (in the store), reports of a day
 * or of a range read from the nodes' CCD tickets, report files built in the background, and the
 * scheduler that runs the scheduled reports.
 *
 * Scheduling (ours; O2G does not document its times): a recurring report runs once on each day
 * its recurrence names (daily: every day; weekly: the days listed; monthly: its day, or the
 * month's last day for a day it does not have), at the first tick after that day starts in its
 * requester's time zone; a one-time report runs at the first tick after its creation. Reports are
 * not e-mailed (no mail server here): each run's file is kept and listed with the schedule.
 */

import type { Queryable } from "../../../store/index.js";
import { type ProgressEvent, StatsJobs, type StoredFile } from "./jobs.js";
import {
  buildReport,
  type ContextRecord,
  collect,
  type ReportDeps,
  type ReportPeriod,
  type RequesterRecord,
} from "./report.js";
import { type ScheduleRecord, StatsRepository } from "./repository.js";
import type { ObsPeriodJson, StatsDataJson } from "./schema.js";
import { type TicketSource, TicketSourceError } from "./tickets.js";
import { localParts, zonedInstant } from "./zone.js";

export interface CallCenterStatsOptions {
  db: Queryable;
  /** the nodes' ticket sources, as they are now */
  sources(): readonly TicketSource[];
  person: ReportDeps["person"];
  publish(e: ProgressEvent): void;
  /** download path of a file id */
  pathOf(id: string): string;
  now?: () => number;
  /** how often the scheduler looks for due reports (default 5 s) */
  tickMs?: number;
  log?: (message: string) => void;
  /** false while this gateway does not serve (the passive member of a pair): its scheduler waits */
  active?: () => boolean;
}

const DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

function dayStart(zone: string, t: number): number {
  const p = localParts(zone, t);
  return zonedInstant(zone, p.y, p.m, p.d);
}

/** The period a scheduled report covers when it runs at `now`. */
export function observedPeriod(zone: string, o: ObsPeriodJson, now: number): ReportPeriod {
  const p = localParts(zone, now);
  const today = zonedInstant(zone, p.y, p.m, p.d);
  const weekday = new Date(Date.UTC(p.y, p.m - 1, p.d)).getUTCDay();
  const monday = zonedInstant(zone, p.y, p.m, p.d - ((weekday + 6) % 7));
  const days = (from: number, to: number): ReportPeriod => ({ kind: "onSeveralDays", from, to });
  switch (o.periodType) {
    case "currentDay":
      return {
        kind: "oneDay",
        from: today,
        to: zonedInstant(zone, p.y, p.m, p.d + 1),
        slot: "aQuarterOfAnHour",
      };
    case "currentWeek":
      return days(monday, Math.max(now, monday + 1));
    case "currentMonth": {
      const first = zonedInstant(zone, p.y, p.m, 1);
      return days(first, Math.max(now, first + 1));
    }
    case "lastDays":
      return days(zonedInstant(zone, p.y, p.m, p.d - (o.lastNb ?? 1)), today);
    case "lastWeeks":
      return days(zonedInstant(zone, p.y, p.m, p.d - ((weekday + 6) % 7) - 7 * (o.lastNb ?? 1)), monday);
    case "lastMonth":
      return days(zonedInstant(zone, p.y, p.m - 1, 1), zonedInstant(zone, p.y, p.m, 1));
    case "fromDateToDate": {
      const from = Date.parse(o.beginDate ?? "");
      const to = Date.parse(o.endDate ?? "");
      return days(from, to);
    }
  }
  throw new Error(`unknown observation period ${String(o.periodType)}`);
}

/** Whether the recurrence of `s` names the local day of `now`, and it has not run on it yet. */
export function isDue(s: ScheduleRecord, zone: string, now: number): boolean {
  if (s.frequency.periodicity === "once") return s.state === "Not_executed";
  const start = dayStart(zone, now);
  if (s.lastExec !== undefined && s.lastExec >= start) return false;
  const p = localParts(zone, now);
  switch (s.frequency.periodicity) {
    case "daily":
      return true;
    case "weekly":
      return (s.frequency.daysInWeek ?? []).includes(
        DAYS[new Date(Date.UTC(p.y, p.m - 1, p.d)).getUTCDay()] as never,
      );
    case "monthly": {
      const last = new Date(Date.UTC(p.y, p.m, 0)).getUTCDate();
      return p.d === Math.min(s.frequency.dayInMonth ?? 1, last);
    }
  }
  return false;
}

export class CallCenterStats {
  readonly repo: StatsRepository;
  readonly jobs: StatsJobs;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  /** per schedule (context/name): the files its runs produced, oldest first */
  private readonly produced = new Map<string, string[]>();

  constructor(private readonly o: CallCenterStatsOptions) {
    this.repo = new StatsRepository(o.db);
    this.jobs = new StatsJobs({ pathOf: o.pathOf, publish: o.publish });
    this.now = o.now ?? Date.now;
  }

  /** The report of `context` over `period`, read now from the nodes. */
  async report(
    requester: RequesterRecord,
    context: ContextRecord,
    period: ReportPeriod,
    shortHeader: boolean,
    collected?: (processed: number, total: number) => void,
  ): Promise<StatsDataJson> {
    const sources = this.o.sources();
    // No node to read from is not a day without calls.
    if (sources.length === 0)
      throw new TicketSourceError("no node's CCD tickets can be read: no node has an SSH link");
    const tickets = await collect(sources, period, collected && ((_s, n, t) => collected(n, t)));
    return buildReport({ requester, context, period, shortHeader }, tickets, {
      sources: [],
      person: this.o.person,
    });
  }

  startScheduler(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.kick(), this.o.tickMs ?? 5000);
    this.timer.unref();
  }

  /** Look for due reports now (after a schedule changed, and on each tick). */
  kick(): void {
    if (this.stopped || this.ticking) return;
    this.ticking = this.runDue()
      .catch((err: Error) => this.o.log?.(`statistics scheduler: ${err.message}`))
      .finally(() => {
        this.ticking = undefined;
      });
  }

  async runDue(): Promise<void> {
    if (this.o.active && !this.o.active()) return;
    const now = this.now();
    for (const s of await this.repo.enabledSchedules()) {
      if (this.stopped) return;
      const requester = await this.repo.requester(s.requesterId);
      const context = requester && (await this.repo.context(s.requesterId, s.contextId));
      if (!requester || !context || !isDue(s, requester.timezone, now)) continue;
      if (this.jobs.busy(requester.id)) continue;
      await this.runSchedule(s, requester, context, now);
    }
  }

  private async runSchedule(
    s: ScheduleRecord,
    requester: RequesterRecord,
    context: ContextRecord,
    now: number,
  ): Promise<void> {
    await this.repo.setState(s.contextId, s.name, "In_progress");
    const period = observedPeriod(requester.timezone, s.obsPeriod, now);
    try {
      await this.jobs.start(
        requester.id,
        (control) => this.report(requester, context, period, false, control.collected),
        s.fileType,
        `${s.name}_${new Date(now).toISOString().slice(0, 10)}`,
        // Stored and listed before FORMATED is announced: who hears it finds the schedule done.
        async (file: StoredFile) => {
          const key = `${s.contextId}/${s.name}`;
          const list = this.produced.get(key) ?? [];
          list.push(file.id);
          this.produced.set(key, list.slice(-20));
          await this.repo.setState(s.contextId, s.name, "Executed", now);
        },
      );
    } catch {
      await this.repo.setState(s.contextId, s.name, "Failed_On_Get_Data", now);
    }
  }

  /** The files a schedule produced (ids), oldest first, those still kept. */
  filesOf(contextId: string, name: string): string[] {
    return (this.produced.get(`${contextId}/${name}`) ?? []).filter((id) => this.jobs.file(id));
  }

  forget(contextId: string, name?: string): void {
    for (const k of [...this.produced.keys()])
      if (name === undefined ? k.startsWith(`${contextId}/`) : k === `${contextId}/${name}`)
        this.produced.delete(k);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    await this.jobs.stop();
  }
}
