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
 * Scenarios that spend nearly all their time waiting, not computing: a wallboard's 5 s
 * notification rounds, a gateway pair's failover (the pair in processes of their own). They share
 * the first shard and run side by side there (`concurrent`), so that their waits overlap instead of
 * each holding one of the test runner's workers idle for 20 s. The other shards run their
 * scenarios one at a time (several at once would disturb the timings they check).
 */
const WAITING_SCENARIOS = new Set(["ha-failover.yaml", "call-center-wallboard.yaml"]);

/**
 * Seconds each longer scenario took in a quiet run (2026-12-03, 20:54), so that the other shards come out
 * even (the rest take 0.2 to 1.5 s and count 0.7): a shard by position alone got two long ones
 * and was the run's tail.
 */
const LONG_SCENARIOS: Record<string, number> = {
  "analytics-incident.yaml": 6.5,
  "directory-search-100k.yaml": 5.9,
  "load-basic-calls.yaml": 5.6,
  "stalled-link.yaml": 4.3,
  "switchover-repeated.yaml": 4.0,
  "forward-to-voicemail.yaml": 3.2,
  "callback-busy.yaml": 3.1,
  "voicemail-deposit.yaml": 3.0,
  "call-center-overflow.yaml": 2.7,
  "overflow-to-voicemail.yaml": 2.6,
  "call-center-agent-day.yaml": 2.6,
  "switchover-during-snapshot.yaml": 2.1,
  "csta-delay.yaml": 2.0,
  "record-call.yaml": 1.7,
  "hunting-group-circular.yaml": 1.3,
  "call-center-statistics-report.yaml": 1.2,
};

/** The waiting scenarios to the first shard; the others longest first, each to the lightest. */
function shardOf(all: readonly string[]): Map<string, number> {
  const weight = (f: string) => LONG_SCENARIOS[f] ?? 0.7;
  const load = new Array<number>(SHARDS - 1).fill(0);
  const out = new Map<string, number>();
  for (const f of all.filter((f) => WAITING_SCENARIOS.has(f))) out.set(f, 0);
  const rest = all.filter((f) => !WAITING_SCENARIOS.has(f));
  for (const f of rest.sort((a, b) => weight(b) - weight(a) || a.localeCompare(b))) {
    const shard = load.indexOf(Math.min(...load));
    load[shard] = (load[shard] ?? 0) + weight(f);
    out.set(f, shard + 1);
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
      it(f, { timeout: 90_000, concurrent: WAITING_SCENARIOS.has(f) }, async () => {
        const r = await runScenario(scenario);
        expect(r.failure ?? "").toBe("");
        expect(r.ok).toBe(true);
      });
    }
  });
}
