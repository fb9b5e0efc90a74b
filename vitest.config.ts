import { defineConfig } from "vitest/config";

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
  },
});
