import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that start sandboxes (an emulator and a gateway, over sockets): end-to-end tests and
 * the scenario library. Each one imports the whole gateway, emulator and scenario client, some
 * 4 s of CPU per file when every file gets a fresh process; run in shared processes, they pay it
 * once per worker. They can share one: each stops what it starts in its own hooks. Without a
 * cached duration, one is assumed to take 5 s, the other files 1 s.
 */
const SANDBOX_FILES = ["test/e2e/**/*.test.ts", "scenarios/library-*.test.ts"];

/**
 * What a test file may do to the process it runs in that the next file in that process would
 * inherit: mock modules, stub globals or the environment, spy on shared objects, touch the
 * process. A file that does any of it keeps a process of its own ("isolated"); every other one
 * shares its worker with the files before it ("shared"), which saves each a process start and a
 * fresh import of everything it uses, some 2 s of a worker per file. Found by reading the files,
 * so that a new file that starts stubbing cannot land among the shared ones by mistake. Fake
 * timers and a faked clock are allowed in shared files: test/support/shared-process.ts turns
 * them back to real ones after each file.
 */
const PROCESS_TAMPERING =
  /\bvi\.(mock|doMock|unmock|stubEnv|stubGlobal|spyOn|hoisted)\b|process\.env(\.\w+|\[[^\]]+\])\s*=[^=]|delete process\.env|process\.(on|once|chdir|exitCode|umask)\b|globalThis\.\w+\s*=[^=]/;
function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === "node_modules" || e.name.startsWith(".")) return [];
    const f = dir === "." ? e.name : `${dir}/${e.name}`;
    return e.isDirectory() ? testFiles(f) : f.endsWith(".test.ts") ? [f] : [];
  });
}
/**
 * Files whose timing a busy shared process upsets: the HA arbiter's members live in the test
 * process itself, with sub-second heartbeats, and after sandbox files the shared process's
 * stalls made them fence (2 of 5 stress runs, 2026-12-03, after the projects were merged). And
 * the slowdowns' own tests, which count the CPU of the whole process: a shared one may still be
 * busy on an earlier file's threads (pg-mem's, a sandbox winding down).
 */
const TIMING_SENSITIVE = ["gateway/store/ha/arbiter.postgres.test.ts", "bench/support/slow.test.ts"];
const ISOLATED_FILES = testFiles(".").filter(
  (f) => TIMING_SENSITIVE.includes(f) || PROCESS_TAMPERING.test(readFileSync(f, "utf8")),
);
const isSandboxFile = (f: string) => SANDBOX_FILES.some((g) => path.matchesGlob(f, g));

/**
 * The longest files, in seconds of a full run (2026-12-03 20:54, a quiet machine; the scenario
 * shards as rebalanced after it, an even fifth each of the non-waiting ones).
 * Vitest orders a run by the durations it cached from the previous one; a fresh checkout (CI)
 * has none and would go by file size, which starts some of the longest files last, where they
 * make the run's tail. These stand in for that cache until it exists.
 */
const LONG_FILES: Record<string, number> = {
  "test/e2e/ha.test.ts": 40,
  "test/e2e/call-center-realtime.test.ts": 29,
  "test/e2e/console-admin.test.ts": 24,
  "scenarios/library-1.test.ts": 22,
  "scenarios/library-2.test.ts": 15,
  "scenarios/library-3.test.ts": 15,
  "scenarios/library-4.test.ts": 15,
  "scenarios/library-5.test.ts": 15,
  "scenarios/library-6.test.ts": 15,
  "test/e2e/persistence.test.ts": 14,
  "test/e2e/switchover.test.ts": 11,
  "test/e2e/console-bench.test.ts": 10,
  "test/e2e/console-scenarios.test.ts": 10,
  "test/e2e/hardening-http.test.ts": 9,
  "gateway/domain/analytics/node-analytics.test.ts": 9,
  "test/e2e/console-wallboard.test.ts": 9,
  "gateway/store/ha/arbiter.postgres.test.ts": 8,
  "test/e2e/licensing.test.ts": 7,
  "test/hardening/sweep.test.ts": 7,
  "protocols/cmip/linked-row.test.ts": 7,
  "test/e2e/console-o2g-side.test.ts": 6,
  "test/e2e/console-board.test.ts": 6,
  "test/e2e/console-xml.test.ts": 4,
  "test/e2e/console-browser.test.ts": 3,
  "test/e2e/make-release-burst.test.ts": 2,
};

/**
 * Long files that mostly wait (HA fencing and takeover, a wallboard's 5 s rounds, the library's
 * waiting shard). Two of them at once leave a core idle for as long as they overlap (20 s of a
 * 2026-12-03 run at 40% busy), so the order is planned for one at a time (LongestFirst).
 */
const WAITING_FILES = new Set([
  "test/e2e/ha.test.ts",
  "test/e2e/call-center-realtime.test.ts",
  "scenarios/library-1.test.ts",
]);

/** Test files at a time (see maxWorkers below). */
const WORKERS = 3;

/** A file this long or longer, of any project, starts before every shorter one. */
const LONG_MS = 10_000;

/**
 * The order in which `files` (longest first) keep `lanes` workers busy with at most one waiting
 * file running at a time, by their estimated durations: each worker that frees up takes the
 * first file left, unless a waiting file is still running on another one, in which case it takes
 * the first one that computes. Vitest hands the files out in this order as workers free up; the
 * real durations differ from the estimates, the shape holds.
 */
function plan<T>(files: readonly T[], ms: (f: T) => number, waits: (f: T) => boolean, lanes: number): T[] {
  const left = [...files];
  const busy: Array<{ until: number; waits: boolean }> = [];
  const out: T[] = [];
  while (left.length) {
    let now = 0;
    if (busy.length >= lanes) {
      busy.sort((a, b) => a.until - b.until);
      now = busy.shift()!.until;
    }
    const waiting = busy.some((b) => b.waits && b.until > now);
    const computes = left.findIndex((f) => !waits(f));
    const i = waiting && computes >= 0 ? computes : 0;
    const [f] = left.splice(i, 1);
    out.push(f!);
    busy.push({ until: now + ms(f!), waits: waits(f!) });
  }
  return out;
}

/**
 * Longest first: with three workers, a long file started last is the run's tail. By the cached
 * duration, else LONG_FILES. The isolated files start with the long ones: each needs a process
 * of its own anyway, and run last (the order before) one of them was the run's tail, alone on
 * a worker for its 8 s plus a fresh process's imports. Past them, the shared files, so that a
 * worker going from one shared file to the next keeps its process (vitest reuses it only while
 * the next file is of the same project).
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const nameOf = (spec: TestSpecification) => path.relative(root, spec.moduleId).split(path.sep).join("/");
    const estimate = new Map<TestSpecification, number>();
    for (const spec of files) {
      const file = nameOf(spec);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${file}`);
      const hint = (LONG_FILES[file] ?? (isSandboxFile(file) ? 5 : 1)) * 1000;
      estimate.set(spec, cached && !cached.failed ? cached.duration : hint);
    }
    const rank = (spec: TestSpecification) =>
      (estimate.get(spec) ?? 0) >= LONG_MS || spec.project.name === "isolated" ? 0 : 1;
    const sorted = [...files].sort(
      (a, b) => rank(a) - rank(b) || (estimate.get(b) ?? 0) - (estimate.get(a) ?? 0),
    );
    const waits = (spec: TestSpecification) => WAITING_FILES.has(nameOf(spec));
    return plan(sorted, (spec) => estimate.get(spec) ?? 0, waits, WORKERS);
  }
}

export default defineConfig({
  test: {
    // Vitest's default on a 2-core machine is one worker: every file in turn. Most of the suite
    // waits on sockets and timers (end-to-end tests, scenarios), so three files at a time use
    // the two cores better; the tests wait on events, not on the clock, so they hold under load
    // (npm run test:stress proves it with a CPU burner beside them).
    maxWorkers: WORKERS,
    // A test's own waits are event-driven, each with its bound; the runner's timeouts are only
    // the net under them, wide enough for a machine three test files and a CPU burner share
    // (vitest's 5 s default cut a ten-switchover test short under load).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    sequence: { sequencer: LongestFirst },
    globalSetup: ["test/support/global-setup.ts"],
    projects: [
      // One project for every file that can share a process: vitest keeps a worker's process
      // only while its next file is of the same project, and each new process imports the
      // gateway, the emulator and the scenario client again. Two projects here (the sandbox
      // files and the rest) meant four generations of three processes per run.
      {
        extends: true,
        test: {
          name: "shared",
          include: ["**/*.test.ts"],
          exclude: ["**/node_modules/**", ...ISOLATED_FILES],
          isolate: false,
          setupFiles: ["test/support/shared-process.ts"],
        },
      },
      // Only when some file needs it: a project with no files would fall back to vitest's
      // default include and run the whole suite a second time.
      ...(ISOLATED_FILES.length
        ? [{ extends: true as const, test: { name: "isolated", include: ISOLATED_FILES } }]
        : []),
    ],
  },
});
