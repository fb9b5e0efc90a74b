import { describe, expect, it } from "vitest";
import { type Baseline, judge, type Metric } from "./compare.js";
import { betterOf, pessimistic } from "./index.js";

const metric = (value: number, better: "lower" | "higher", tolerance: number, slack?: number): Metric => ({
  value,
  better,
  tolerance,
  unit: "",
  what: "",
  ...(slack !== undefined ? { slack } : {}),
});

const baseline: Baseline = {
  date: "2026-11-25",
  machine: { cpus: 2, node: "v20" },
  metrics: {
    snap: metric(20, "lower", 0.6),
    ratio: metric(0.8, "higher", 0.45),
    p99: metric(5, "lower", 2, 25),
  },
};

describe("the gate's judgement", () => {
  it("passes figures within tolerance, in both directions of 'better'", () => {
    const v = judge(
      { snap: metric(31, "lower", 0.6), ratio: metric(0.5, "higher", 0.45), p99: metric(39, "lower", 2, 25) },
      baseline,
    );
    expect(v.map((x) => x.ok)).toEqual([true, true, true]);
  });

  it("fails a figure whose yardstick is not its baseline's (a redefined metric: re-baseline)", () => {
    const v = judge({ snap: { ...metric(2, "lower", 0.6), unit: "x floor" } }, baseline);
    expect(v.find((x) => x.name === "snap")).toMatchObject({ ok: false, limit: null });
    expect(v.find((x) => x.name === "snap")!.unit).toContain("take it again");
  });

  it("fails a regression beyond the tolerance (e.g. the snapshot twice as slow)", () => {
    const v = judge(
      { snap: metric(44, "lower", 0.6), ratio: metric(0.4, "higher", 0.45), p99: metric(41, "lower", 2, 25) },
      baseline,
    );
    expect(v.filter((x) => !x.ok).map((x) => x.name)).toEqual(["snap", "ratio", "p99"]);
    expect(v[0]!.limit).toBeCloseTo(32);
  });

  it("fails a metric the run no longer measures", () => {
    const v = judge({ snap: metric(20, "lower", 0.6) }, baseline);
    expect(v.find((x) => x.name === "ratio")).toMatchObject({ ok: false, unit: "missing" });
  });

  it("keeps the worst of several runs as the baseline", () => {
    const p = pessimistic([
      { snap: metric(20, "lower", 0.6), ratio: metric(0.9, "higher", 0.45) },
      { snap: metric(25, "lower", 0.6), ratio: metric(0.7, "higher", 0.45) },
    ]);
    expect(p.snap!.value).toBe(25);
    expect(p.ratio!.value).toBe(0.7);
  });

  it("confirms a regression with the better of two runs: a one-off stall passes, a slow path still fails", () => {
    const stall = betterOf({ p99: metric(67, "lower", 2, 25) }, { p99: metric(7, "lower", 2, 25) });
    expect(stall.p99!.value).toBe(7);
    expect(
      judge({ ...stall, snap: metric(20, "lower", 0.6), ratio: metric(0.8, "higher", 0.45) }, baseline).every(
        (v) => v.ok,
      ),
    ).toBe(true);
    const slow = betterOf({ ratio: metric(0.3, "higher", 0.45) }, { ratio: metric(0.35, "higher", 0.45) });
    expect(slow.ratio!.value).toBe(0.35);
    expect(
      judge({ ...slow, snap: metric(20, "lower", 0.6), p99: metric(5, "lower", 2, 25) }, baseline).find(
        (v) => v.name === "ratio",
      )!.ok,
    ).toBe(false);
  });
});
