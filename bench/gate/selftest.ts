/**
 * npm run bench -- gate-selftest [--parts snapshot,rest,set-programming,events]
 * Does the gate catch what it is for? For each path, the gate's own profile of that path is run
 * twice against the baseline: as it is (the gate must pass) and slowed down 2x on purpose
 * (`--inject slow=<path>`: the gate must fail). Exit 0 only if both hold for every path.
 * Heavy (several minutes on 2 cores: two runs of each part), so not part of `npm test`.
 */
import { readFileSync } from "node:fs";
import { emit, type Row, result } from "../report/index.js";
import { type Baseline, judgeMeasured, type Metric } from "./compare.js";
import { measureGate, SLOW_PATHS, type SlowPath } from "./index.js";

export interface SelftestOptions {
  baseline: string;
  parts?: SlowPath[];
  json?: string;
  md?: string;
  progress: (line: string) => void;
}

export interface PartOutcome {
  part: SlowPath;
  /** the gate passed the path as it is */
  cleanPassed: boolean;
  /** the gate failed the path slowed down */
  injectedFailed: boolean;
  rows: Row[];
}

/** What one path's two runs say, metric by metric. */
export function outcome(
  part: SlowPath,
  clean: Record<string, Metric>,
  injected: Record<string, Metric>,
  baseline: Baseline,
): PartOutcome {
  const c = judgeMeasured(clean, baseline);
  const i = judgeMeasured(injected, baseline);
  const rows: Row[] = c.map((v) => {
    const inj = i.find((x) => x.name === v.name);
    return {
      path: part,
      metric: v.name,
      baseline: v.baseline,
      limit: v.limit === null ? null : Number(v.limit.toFixed(2)),
      clean: v.value,
      cleanVerdict: v.ok ? "ok" : "REGRESSION",
      injected: inj?.value ?? null,
      injectedVerdict: inj ? (inj.ok ? "ok" : "REGRESSION") : "missing",
      // how much the injection moved the figure, in its bad direction (2 = twice as bad)
      slowdown:
        inj && v.value > 0 && inj.value > 0
          ? Number((clean[v.name]!.better === "lower" ? inj.value / v.value : v.value / inj.value).toFixed(2))
          : null,
      unit: v.unit,
    };
  });
  return {
    part,
    cleanPassed: c.every((v) => v.ok),
    injectedFailed: i.some((v) => !v.ok),
    rows,
  };
}

export async function runGateSelftest(opts: SelftestOptions): Promise<number> {
  const baseline = JSON.parse(readFileSync(opts.baseline, "utf8")) as Baseline;
  const parts = opts.parts ?? (Object.keys(SLOW_PATHS) as SlowPath[]);
  const t0 = performance.now();
  const outcomes: PartOutcome[] = [];
  for (const part of parts) {
    opts.progress(`gate-selftest: ${part} as it is...`);
    const clean = await measureGate({
      baseline: opts.baseline,
      update: false,
      parts: [part],
      progress: opts.progress,
    });
    opts.progress(`gate-selftest: ${part} slowed down 2x...`);
    const injected = await measureGate({
      baseline: opts.baseline,
      update: false,
      parts: [part],
      inject: `slow=${part}`,
      progress: opts.progress,
    });
    const o = outcome(part, clean, injected, baseline);
    outcomes.push(o);
    opts.progress(
      `gate-selftest: ${part}: as it is ${o.cleanPassed ? "passed" : "FAILED"}, slowed down ${o.injectedFailed ? "failed" : "PASSED"}`,
    );
  }
  const seconds = Math.round((performance.now() - t0) / 1000);
  const good = outcomes.every((o) => o.cleanPassed && o.injectedFailed);
  const res = result(
    "gate-selftest",
    outcomes.flatMap((o) => o.rows),
    [
      `took ${seconds} s; baseline ${opts.baseline} from ${baseline.date}.`,
      "clean: the gate's profile of the path as it is (must pass); injected: the same with `--inject slow=<path>` (must fail).",
      "slow=<path>: the path made 2x slower in the benchmark's gateway process only (snapshot: every exchange with the node answered as late again as it took; rest, set-programming: while the gateway serves the path, its main thread burns as much CPU again as the whole process used; events: everything the gateway's event loop does costs it twice); see bench/support/slow.ts.",
      "slowdown: injected / clean in the metric's bad direction (2 = the figure got twice as bad).",
      ...outcomes.map(
        (o) =>
          `${o.part}: ${o.cleanPassed ? "passed as it is" : "FAILED as it is"}, ${o.injectedFailed ? "failed when slowed down (caught)" : "PASSED when slowed down (NOT caught)"}.`,
      ),
    ],
  );
  emit(res, {
    md: "bench/out/gate-selftest.md",
    ...(opts.json ? { json: opts.json } : {}),
    ...(opts.md ? { md: opts.md } : {}),
    title: "Gate self-test",
    intro:
      "Each path measured by the gate as it is, then slowed down 2x on purpose: the gate must pass the first and fail the second.",
  });
  console.log(good ? "\ngate-selftest passed" : "\nGATE-SELFTEST FAILED");
  return good ? 0 : 1;
}
