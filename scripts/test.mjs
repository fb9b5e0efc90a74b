#!/usr/bin/env node
/**
 * npm test [-- <vitest arguments>]
 *
 * The static checks (npm run check: tsc twice and biome, some 20 s of one core) and the test
 * files (vitest) side by side rather than one after the other: much of the suite waits on sockets
 * and timers, and the checks fill that time (at a lower priority, so that they take only that). Vitest's output streams as it comes; the checks'
 * output is printed at the end, whole, so that it does not cut through vitest's lines. Exit 0 only
 * if both passed.
 */
import { spawn } from "node:child_process";
import os from "node:os";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const npx = process.platform === "win32" ? "npx.cmd" : "npx";

/** @param {string} cmd @param {string[]} args @param {boolean} buffered @param {number} [niceness] */
function run(cmd, args, buffered, niceness = 0) {
  return new Promise((resolve) => {
    let out = "";
    const child = spawn(cmd, args, { stdio: buffered ? ["ignore", "pipe", "pipe"] : "inherit" });
    // Set before npm starts tsc and biome, which inherit it. Where it cannot be set, the checks
    // merely compete with the tests as they would have.
    if (niceness && child.pid !== undefined)
      try {
        os.setPriority(child.pid, niceness);
      } catch {}
    if (buffered) {
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
    }
    child.on("error", (err) => resolve({ code: 1, out: `${out}\n${err.message}` }));
    child.on("exit", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out }));
  });
}

const started = performance.now();
const [check, vitest] = await Promise.all([
  // The checks at a lower priority: they are batch work that can fill the time the test files
  // wait on sockets and timers, not take a core from a test file waiting for its turn.
  run(npm, ["run", "--silent", "check"], true, 10),
  run(npx, ["vitest", "run", ...process.argv.slice(2)], false),
]);
const s = ((performance.now() - started) / 1000).toFixed(0);
if (check.code !== 0) {
  process.stdout.write(`\n${check.out}\n`);
  console.error(
    `npm test: the static checks (npm run check) FAILED; vitest ${vitest.code === 0 ? "passed" : "FAILED"} (${s} s)`,
  );
} else {
  console.log(`npm test: static checks passed; vitest ${vitest.code === 0 ? "passed" : "FAILED"} (${s} s)`);
}
process.exit(check.code !== 0 || vitest.code !== 0 ? 1 : 0);
