import path from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that start sandboxes (an emulator and a gateway, over sockets): end-to-end tests and
 * the scenario library. Each one imports the whole gateway, emulator and scenario client, some
 * 4 s of CPU per file when every file gets a fresh process; run in shared processes, they pay it
 * once per worker. They can share one: each stops what it starts in its own hooks, mocks no
 * module, fakes no timer and sets no environment variable (a file that needs any of that belongs
 * to the isolated project). Every other file keeps a process of its own.
 */
const SANDBOX_FILES = ["test/e2e/**/*.test.ts", "scenarios/library-*.test.ts"];

/**
 * The longest files, in seconds of a full run (a loaded machine's: only their order matters).
 * Vitest orders a run by the durations it cached from the previous one; a fresh checkout (CI)
 * has none and would go by file size, which starts some of the longest files last, where they
 * make the run's tail. These stand in for that cache until it exists.
 */
const LONG_FILES: Record<string, number> = {
  "scenarios/library-1.test.ts": 300,
  "scenarios/library-2.test.ts": 300,
  "scenarios/library-3.test.ts": 300,
  "scenarios/library-4.test.ts": 300,
  "scenarios/library-5.test.ts": 300,
  "scenarios/library-6.test.ts": 300,
  "gateway/store/store.pgmem.test.ts": 100,
  "test/hardening/sweep.test.ts": 93,
  "test/e2e/limits.test.ts": 92,
  "test/e2e/console-bench.test.ts": 88,
  "test/e2e/switchover.test.ts": 85,
  "test/e2e/persistence.test.ts": 85,
  "test/e2e/ha.test.ts": 85,
  "scenarios/runner/runner.test.ts": 72,
  "test/e2e/console-board.test.ts": 63,
  "test/e2e/analytics.test.ts": 62,
  "scripts/license.test.ts": 57,
  "gateway/store/store.postgres.test.ts": 57,
  "test/e2e/telephony-state-events.test.ts": 54,
  "test/e2e/make-release-burst.test.ts": 53,
  "test/e2e/telephony-cross-node.test.ts": 51,
  "test/e2e/event-summary-missed.test.ts": 50,
  "test/contract/openapi.test.ts": 49,
};

/** A file of the isolated project this long or longer starts with the sandbox files. */
const LONG_MS = 30_000;

/**
 * Longest first: with three workers, a long file started last is the run's tail. By the cached
 * duration, else LONG_FILES. The sandbox project's files run one after another, so that a
 * worker going from one to the next keeps its process (vitest reuses it only while the next
 * file is of the same project): the isolated project's long files before them, its short ones
 * (most of it, well under a second each) after them.
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const estimate = new Map<TestSpecification, number>();
    for (const spec of files) {
      const file = path.relative(root, spec.moduleId).split(path.sep).join("/");
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${file}`);
      const hint = (LONG_FILES[file] ?? (spec.project.name === "sandbox" ? 10 : 1)) * 1000;
      estimate.set(spec, cached && !cached.failed ? cached.duration : hint);
    }
    const rank = (spec: TestSpecification) =>
      spec.project.name === "sandbox" ? 1 : (estimate.get(spec) ?? 0) >= LONG_MS ? 0 : 2;
    return [...files].sort((a, b) => rank(a) - rank(b) || (estimate.get(b) ?? 0) - (estimate.get(a) ?? 0));
  }
}

export default defineConfig({
  test: {
    // Vitest's default on a 2-core machine is one worker: every file in turn. Most of the suite
    // waits on sockets and timers (end-to-end tests, scenarios), so three files at a time use
    // the two cores better; the tests wait on events, not on the clock, so they hold under load
    // (npm run test:stress proves it with a CPU burner beside them).
    maxWorkers: 3,
    // A test's own waits are event-driven, each with its bound; the runner's timeouts are only
    // the net under them, wide enough for a machine three test files and a CPU burner share
    // (vitest's 5 s default cut a ten-switchover test short under load).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    sequence: { sequencer: LongestFirst },
    projects: [
      { extends: true, test: { name: "sandbox", include: SANDBOX_FILES, isolate: false } },
      {
        extends: true,
        test: { name: "unit", include: ["**/*.test.ts"], exclude: ["**/node_modules/**", ...SANDBOX_FILES] },
      },
    ],
  },
});
