/**
 * Every scenario of the library, run as `npm run scenario` would run it, in shards: one file per
 * shard (library-N.test.ts) lets the test runner run them side by side, as most of a scenario's
 * time is spent waiting on sockets and timers rather than on a core.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { haUnavailable } from "./environment-ha.js";
import { loadScenario } from "./format/index.js";
import { runScenario } from "./runner/index.js";

const dir = path.join(import.meta.dirname, "library");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

// Six: the library is the suite's longest work by far; in shards of a few minutes' CPU each,
// the test runner's three workers can share them out evenly with the other long files.
export const SHARDS = 6;

/**
 * Scenarios far longer than the rest (seconds of a loaded run: a gateway pair in processes of
 * their own, a wallboard's 5 s notification rounds, 100,000 users), so that the shards come out
 * even: a shard by position alone got two of them and was the run's tail. Others count 3.
 */
const LONG_SCENARIOS: Record<string, number> = {
  "ha-failover.yaml": 40,
  "call-center-wallboard.yaml": 23,
  "directory-search-100k.yaml": 19,
  "load-basic-calls.yaml": 9,
};

/** Longest first, each to the lightest shard so far. */
function shardOf(all: readonly string[]): Map<string, number> {
  const weight = (f: string) => LONG_SCENARIOS[f] ?? 3;
  const load = new Array<number>(SHARDS).fill(0);
  const out = new Map<string, number>();
  for (const f of [...all].sort((a, b) => weight(b) - weight(a) || a.localeCompare(b))) {
    const shard = load.indexOf(Math.min(...load));
    load[shard] = (load[shard] ?? 0) + weight(f);
    out.set(f, shard);
  }
  return out;
}
const SHARD_OF = shardOf(files);

export function libraryShard(shard: number): void {
  describe(`the scenario library (shard ${shard + 1} of ${SHARDS})`, () => {
    if (shard === 0)
      it("has the scenarios the issues ask for", () => {
        for (const f of [
          "basic-call",
          "busy",
          "no-answer",
          "hold-retrieve",
          "consultation-transfer",
          "conference",
          "deflect",
          "cross-node",
          "switchover-call",
          "switchover-during-snapshot",
          "switchover-repeated",
          "stalled-link",
          "garbage-link",
          "forward-immediate",
          "forward-to-voicemail",
          "do-not-disturb",
          "missed-call",
          "directory-search-100k",
          "analytics-incident",
          "analytics-charging-after-call",
          "voicemail-deposit",
          "provision-user",
          "phoneset-program-key",
          "xml-prs-directory",
          "ha-failover",
          "hunting-group-sequential",
          "hunting-group-circular",
          "hunting-group-parallel",
          "private-business-calls",
          "pickup",
          "intrusion",
          "overflow-to-voicemail",
          "record-call",
          "desk-sharing",
          "call-center-pilot",
          "call-center-calendar",
          "call-center-overflow",
          "call-center-wallboard",
          "call-center-statistics-report",
          "call-center-scheduled-report",
          "rsi-ivr",
        ]) {
          expect(files).toContain(`${f}.yaml`);
        }
      });
    for (const f of files.filter((f) => SHARD_OF.get(f) === shard)) {
      const scenario = loadScenario(path.join(dir, f));
      // A gateway pair needs PostgreSQL: as the store's suites, never a silent pass without it
      // (a failure under CI, a loud skip elsewhere).
      const noPair = scenario.gateway.ha ? haUnavailable() : undefined;
      if (noPair && !process.env.CI) {
        console.warn(`!! SKIPPED scenario ${f}: ${noPair}`);
        it.skip(f, () => undefined);
        continue;
      }
      it(f, { timeout: 90_000 }, async () => {
        const r = await runScenario(scenario);
        expect(r.failure ?? "").toBe("");
        expect(r.ok).toBe(true);
      });
    }
  });
}
