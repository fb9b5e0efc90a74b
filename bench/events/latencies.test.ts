import { describe, expect, it } from "vitest";
import { latencies, slowestSpans } from "./index.js";

describe("the events benchmark's matching", () => {
  it("pairs the k-th Delivered of a callee with its k-th arrival on each side, and counts the missing", () => {
    const delivered = { a: [100, 200], b: [150] };
    const gateway = new Map([
      ["a", [105, 210]],
      ["caller", [101]], // a caller's OnCallCreated: no Delivered of theirs, not matched
    ]);
    const floor = new Map([
      ["a", [101, 202]],
      ["b", [151]],
    ]);
    const l = latencies(delivered, gateway, floor);
    expect(l.e2e).toEqual([5, 10]);
    expect(l.floor).toEqual([1, 1, 2]);
    expect(l.added).toEqual([4, 8]);
    expect(l.lost).toBe(1);
    expect(l.floorLost).toBe(0);
  });
});

describe("the events benchmark's slowest calls", () => {
  it("are the spans at or above the p99, slowest first", () => {
    const delivered: Record<string, number[]> = { a: [], b: [0] };
    const arrivals = new Map<string, number[]>([["a", []]]);
    for (let k = 0; k < 200; k++) {
      delivered.a!.push(k * 10);
      arrivals.get("a")!.push(k * 10 + (k === 7 ? 50 : k === 9 ? 30 : 1));
    }
    // b's call never arrived: not a span
    const spans = slowestSpans(delivered, arrivals);
    expect(spans).toEqual([
      [70, 120],
      [90, 120],
    ]);
  });
});
