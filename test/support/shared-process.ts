/**
 * Set up for every file of the shared project, whose files share worker processes: what a file
 * may leave behind in the process, undone once it is done, so that the next file starts clean.
 * Fake timers and a faked clock are the only such change a shared file may make (vitest.config.ts
 * keeps files that mock modules, stub the environment or globals, spy, or touch the process in
 * processes of their own).
 */
import { afterAll, vi } from "vitest";

afterAll(() => {
  vi.useRealTimers();
});
