/** The short fuzz run of `npm test`: a few thousand inputs per decoder, and the link checks. */
import { describe, expect, it } from "vitest";
import { linkChecks } from "./link-check.js";
import { fuzz } from "./run.js";
import { TARGETS } from "./targets.js";

describe("fuzzing (short run)", () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))(
    "%s: only documented errors, no hang",
    (_name, target) => {
      const r = fuzz(target, { runs: 1500, seed: 7 });
      expect(r.inputs).toBe(1500);
      expect(r.samples).toEqual([]);
      expect(r.crashes).toBe(0);
      expect(r.hangs).toBe(0);
    },
  );

  it("a RoseLink fed garbage still answers a valid invoke (server) and completes one (client)", async () => {
    const r = await linkChecks(150, 7);
    expect(r.failures).toEqual([]);
    expect(r.runs).toBe(300);
  }, 30_000);

  it("counts a decoder's undocumented exception as a crash", () => {
    const r = fuzz(
      {
        name: "broken",
        seeds: [Uint8Array.of(1, 2, 3)],
        run: (input) => {
          if (input.length > 2) throw new TypeError("boom");
        },
        expected: () => false,
        documented: "none",
      },
      { runs: 200, seed: 1 },
    );
    expect(r.crashes).toBeGreaterThan(0);
    expect(r.samples[0]?.error).toBe("TypeError: boom");
  });
});
