/**
 * The garbage collector's pauses of a process's main thread, on the machine's clock
 * (performance.timeOrigin + performance.now(), comparable across the processes of a benchmark).
 * A scavenge stops the event loop for a few milliseconds: an event that arrives meanwhile waits,
 * whatever the code does. The events benchmark lays these pauses over its slowest calls to
 * tell a tail made by the collectors of its processes from one made by anything else.
 */
import { constants, PerformanceObserver } from "node:perf_hooks";

export type GcKind = "minor" | "major" | "incremental" | "weak";
/** One pause: when it began on the machine's clock, how long it took (ms), of which kind. */
export type GcPause = [start: number, ms: number, kind: GcKind];

function kindOf(flag: number | undefined): GcKind {
  switch (flag) {
    case constants.NODE_PERFORMANCE_GC_MINOR:
      return "minor";
    case constants.NODE_PERFORMANCE_GC_INCREMENTAL:
      return "incremental";
    case constants.NODE_PERFORMANCE_GC_WEAKCB:
      return "weak";
    default:
      return "major";
  }
}

/** Records every pause from now on; `take()` hands over those seen so far and forgets them. */
export function recordGcPauses(): { take(): GcPause[]; stop(): void } {
  let seen: GcPause[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const detail = (e as { detail?: { kind?: number } }).detail;
      seen.push([performance.timeOrigin + e.startTime, e.duration, kindOf(detail?.kind)]);
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  return {
    take() {
      const out = seen;
      seen = [];
      return out;
    },
    stop: () => observer.disconnect(),
  };
}

export interface GcSummary {
  pauses: number;
  /** of which scavenges (the young generation) */
  minor: number;
  p50Ms: number;
  maxMs: number;
  totalMs: number;
}

export function summarizeGc(pauses: readonly GcPause[]): GcSummary {
  const ms = pauses.map((p) => p[1]).sort((a, b) => a - b);
  const r2 = (x: number) => Number(x.toFixed(2));
  return {
    pauses: ms.length,
    minor: pauses.filter((p) => p[2] === "minor").length,
    p50Ms: r2(ms[Math.floor(ms.length / 2)] ?? 0),
    maxMs: r2(ms.at(-1) ?? 0),
    totalMs: r2(ms.reduce((s, x) => s + x, 0)),
  };
}

/** Whether any pause (sorted by start) overlaps [from, to]. */
export function overlapsPause(pauses: readonly GcPause[], from: number, to: number): boolean {
  // The last pause that starts before `to`: the pauses of one thread follow each other, so if
  // it ends before `from`, every earlier one does too.
  let lo = 0;
  let hi = pauses.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pauses[mid]![0] < to) lo = mid + 1;
    else hi = mid;
  }
  const last = pauses[lo - 1];
  return last !== undefined && last[0] + last[1] >= from;
}
