import { describe, expect, it } from "vitest";
import { type Baseline, judgeMeasured, type Metric } from "./compare.js";
import { amend, parseInject, restMetrics } from "./index.js";
import { outcome } from "./selftest.js";

const metric = (value: number, better: "lower" | "higher", tolerance: number): Metric => ({
  value,
  better,
  tolerance,
  unit: "x",
  what: "test",
});

const baseline: Baseline = {
  date: "2026-01-01T00:00:00.000Z",
  machine: { cpus: 2, node: "v20" },
  metrics: {
    snapshot20k: metric(10, "lower", 0.6),
    restCallsRatio: metric(0.8, "higher", 0.45),
    restCallsErrors: metric(0, "lower", 0),
  },
};

describe("parseInject", () => {
  it("knows the snapshot window and the four slowed-down paths, and nothing else", () => {
    expect(parseInject(undefined)).toEqual({});
    expect(parseInject("window=1")).toEqual({ window: 1 });
    expect(parseInject("slow=snapshot")).toEqual({ slow: "snapshot" });
    expect(parseInject("slow=rest")).toEqual({ slow: "rest" });
    expect(parseInject("slow=set-programming")).toEqual({ slow: "set-programming" });
    expect(parseInject("slow=events")).toEqual({ slow: "events" });
    expect(() => parseInject("slow=callcenter")).toThrow(/unknown --inject/);
    expect(() => parseInject("window=0")).toThrow(/unknown --inject/);
    expect(() => parseInject("fast")).toThrow(/unknown --inject/);
  });
});

describe("the self-test's judgement", () => {
  it("compares a partial profile with its own metrics only (the others are not missing)", () => {
    const v = judgeMeasured({ snapshot20k: metric(12, "lower", 0.6) }, baseline);
    expect(v.map((x) => [x.name, x.ok])).toEqual([["snapshot20k", true]]);
  });

  it("is good when the gate passes the path as it is and fails it slowed down 2x", () => {
    const o = outcome(
      "rest",
      { restCallsRatio: metric(0.82, "higher", 0.45), restCallsErrors: metric(0, "lower", 0) },
      { restCallsRatio: metric(0.41, "higher", 0.45), restCallsErrors: metric(0, "lower", 0) },
      baseline,
    );
    expect(o.cleanPassed).toBe(true);
    expect(o.injectedFailed).toBe(true);
    expect(o.rows.find((r) => r.metric === "restCallsRatio")?.slowdown).toBe(2);
  });

  it("says so when a 2x slowdown slips under the tolerance", () => {
    // 0.9 -> 0.45 is half, but the limit from a pessimistic baseline of 0.8 is 0.44.
    const o = outcome(
      "rest",
      { restCallsRatio: metric(0.9, "higher", 0.45) },
      { restCallsRatio: metric(0.45, "higher", 0.45) },
      baseline,
    );
    expect(o.cleanPassed).toBe(true);
    expect(o.injectedFailed).toBe(false);
  });

  it("says so when the path fails as it is", () => {
    const o = outcome(
      "snapshot",
      { snapshot20k: metric(17, "lower", 0.6) },
      { snapshot20k: metric(34, "lower", 0.6) },
      baseline,
    );
    expect(o.cleanPassed).toBe(false);
    expect(o.injectedFailed).toBe(true);
  });
});

describe("amend (gate --update --parts)", () => {
  it("replaces or adds the measured metrics, keeps the others, and says when", () => {
    const fresh: Baseline = {
      date: "2026-02-02T00:00:00.000Z",
      machine: { cpus: 2, node: "v20" },
      metrics: { restCallsRatio: metric(0.7, "higher", 0.45), restCallsCpuRatio: metric(1.2, "lower", 0.5) },
    };
    const b = amend(baseline, fresh, ["rest"]);
    expect(b.date).toBe(baseline.date);
    expect(b.metrics.snapshot20k?.value).toBe(10);
    expect(b.metrics.restCallsRatio?.value).toBe(0.7);
    expect(b.metrics.restCallsCpuRatio?.value).toBe(1.2);
    expect(b.amended).toEqual([{ date: fresh.date, parts: ["rest"] }]);
  });
});

describe("the REST figures (restMetrics)", () => {
  const row = (mainCpuUs: number) => ({
    endpoint: "GET users/{login}",
    rps: 4000,
    baselineRps: 5000,
    ratio: 0.8,
    errors: 0,
    // The whole process's CPU (V8's helper threads included) is reported, not judged.
    cpuUs: 3 * mainCpuUs,
    baselineCpuUs: 100,
    cpuRatio: (3 * mainCpuUs) / 100,
    mainCpuUs,
    baselineMainCpuUs: 100,
    mainCpuRatio: mainCpuUs / 100,
  });

  it("judges the cost per request on the main threads' CPU", () => {
    const m = restMetrics([row(140)]);
    expect(m.restUserCpuRatio).toMatchObject({
      value: 1.4,
      better: "lower",
      unit: "x fastify main-thread CPU",
    });
    expect(m.restUserRatio).toMatchObject({ value: 0.8, better: "higher" });
    expect(m.restUserErrors?.value).toBe(0);
  });

  it("wants the baseline taken again where it holds the whole process's CPU ratio", () => {
    const old: Baseline = {
      ...baseline,
      metrics: { restUserCpuRatio: { ...metric(1.6, "lower", 0.5), unit: "x fastify CPU" } },
    };
    const v = judgeMeasured(restMetrics([row(140)]), old).find((x) => x.name === "restUserCpuRatio")!;
    expect(v.ok).toBe(false);
    expect(v.unit).toContain("take it again");
  });

  it("passes a path as costly as the baseline's worst run and fails it twice as costly", () => {
    const base: Baseline = { ...baseline, metrics: restMetrics([row(160)]) };
    const o = outcome("rest", restMetrics([row(160)]), restMetrics([row(320)]), base);
    expect(o.cleanPassed).toBe(true);
    expect(o.injectedFailed).toBe(true);
    expect(o.rows.find((r) => r.metric === "restUserCpuRatio")?.injectedVerdict).toBe("REGRESSION");
  });
});
