import { describe, expect, it } from "vitest";
import { type GcPause, overlapsPause, recordGcPauses, summarizeGc } from "./gc-pauses.js";

describe("garbage-collection pauses", () => {
  const pauses: GcPause[] = [
    [100, 2, "minor"],
    [200, 5, "minor"],
    [300, 1, "major"],
  ];

  it("says whether a span met a pause, at its edges too", () => {
    expect(overlapsPause(pauses, 90, 99)).toBe(false);
    expect(overlapsPause(pauses, 90, 100.5)).toBe(true);
    expect(overlapsPause(pauses, 102.5, 199)).toBe(false);
    expect(overlapsPause(pauses, 204, 210)).toBe(true); // began before the span, still running
    expect(overlapsPause(pauses, 150, 400)).toBe(true);
    expect(overlapsPause(pauses, 302, 400)).toBe(false);
    expect(overlapsPause([], 0, 1e9)).toBe(false);
  });

  it("sums them up", () => {
    expect(summarizeGc(pauses)).toEqual({ pauses: 3, minor: 2, p50Ms: 2, maxMs: 5, totalMs: 8 });
    expect(summarizeGc([])).toEqual({ pauses: 0, minor: 0, p50Ms: 0, maxMs: 0, totalMs: 0 });
  });

  it("records this process's scavenges on the machine's clock", async () => {
    const rec = recordGcPauses();
    const before = performance.timeOrigin + performance.now();
    // Short-lived garbage, far more than a young generation holds: scavenges must run. Each
    // object escapes into the array, so no optimizer can leave it unallocated.
    let keep: { i: number }[] = [];
    let kept = 0;
    for (let i = 0; i < 3_000_000; i++) {
      keep.push({ i });
      if (keep.length === 1000) {
        kept += keep.length;
        keep = [];
      }
    }
    expect(kept).toBe(3_000_000);
    await new Promise((r) => setTimeout(r, 50)); // the observer hears of them asynchronously
    const seen = rec.take();
    rec.stop();
    expect(seen.some((p) => p[2] === "minor")).toBe(true);
    for (const [start, ms] of seen) {
      expect(start).toBeGreaterThanOrEqual(before - 1);
      expect(ms).toBeGreaterThanOrEqual(0);
    }
    expect(rec.take()).toEqual([]);
  });
});
