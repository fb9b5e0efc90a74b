/**
 * The gate's judgement: each figure against its baseline, with a tolerance wide enough for a
 * shared 2-core machine's noise and narrow enough for a real regression (the figures are
 * ratios against in-run references wherever noise would otherwise dominate).
 */
export interface Metric {
  value: number;
  /** which direction is good */
  better: "lower" | "higher";
  /** allowed relative drift from the baseline in the bad direction (0.5 = 50%) */
  tolerance: number;
  /** an absolute slack added to the limit (for figures near zero, such as a p99 of 3 ms) */
  slack?: number;
  unit: string;
  what: string;
}

export interface Baseline {
  date: string;
  machine: { cpus: number; node: string };
  metrics: Record<string, Metric>;
  /** parts of the profile measured again later (`gate --update --parts ...`), and when */
  amended?: { date: string; parts: string[] }[];
}

export interface Verdict {
  name: string;
  value: number;
  baseline: number | null;
  limit: number | null;
  ok: boolean;
  unit: string;
}

export function limitFor(base: Metric): number {
  const slack = base.slack ?? 0;
  return base.better === "lower"
    ? base.value * (1 + base.tolerance) + slack
    : base.value * (1 - base.tolerance) - slack;
}

export function judge(current: Record<string, Metric>, baseline: Baseline): Verdict[] {
  const out: Verdict[] = [];
  for (const [name, m] of Object.entries(current)) {
    const base = baseline.metrics[name];
    if (!base) {
      out.push({ name, value: m.value, baseline: null, limit: null, ok: true, unit: m.unit });
      continue;
    }
    // A figure measured against another yardstick than its baseline's says nothing either way:
    // the baseline is stale (the metric was redefined) and must be taken again.
    if (base.unit !== m.unit) {
      out.push({
        name,
        value: m.value,
        baseline: base.value,
        limit: null,
        ok: false,
        unit: `${m.unit} (baseline in ${base.unit}: take it again)`,
      });
      continue;
    }
    const limit = limitFor(base);
    const ok = base.better === "lower" ? m.value <= limit : m.value >= limit;
    out.push({ name, value: m.value, baseline: base.value, limit, ok, unit: m.unit });
  }
  for (const name of Object.keys(baseline.metrics)) {
    if (!(name in current))
      out.push({
        name,
        value: Number.NaN,
        baseline: baseline.metrics[name]!.value,
        limit: null,
        ok: false,
        unit: "missing",
      });
  }
  return out;
}

/** The verdicts of a partial profile (`--parts`): only the metrics it measured are compared. */
export function judgeMeasured(current: Record<string, Metric>, baseline: Baseline): Verdict[] {
  const metrics = Object.fromEntries(Object.entries(baseline.metrics).filter(([k]) => k in current));
  return judge(current, { ...baseline, metrics });
}
