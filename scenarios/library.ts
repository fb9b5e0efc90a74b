/**
 * Every scenario of the library, run as `npm run scenario` would run it, in shards: one file per
 * shard (library-N.test.ts) lets the test runner run them side by side, as most of a scenario's
 * time is spent waiting on sockets and timers rather than on a core.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "./format/index.js";
import { runScenario } from "./runner/index.js";

const dir = path.join(import.meta.dirname, "library");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

export const SHARDS = 3;

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
        ]) {
          expect(files).toContain(`${f}.yaml`);
        }
      });
    for (const f of files.filter((_f, i) => i % SHARDS === shard)) {
      it(f, { timeout: 60_000 }, async () => {
        const r = await runScenario(loadScenario(path.join(dir, f)));
        expect(r.failure ?? "").toBe("");
        expect(r.ok).toBe(true);
      });
    }
  });
}
