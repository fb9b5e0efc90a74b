#!/usr/bin/env node
/**
 * npm run test:stress [-- --runs N] [--command "npx vitest run protocols/ber"] [--burners N]
 *                     [--timeout-min M] [--out bench/out/test-stress.md]
 *
 * No test may depend on an idle machine: this runs the test command (default `npm test`) N times
 * in a row (default 5) while one CPU burner per core (a `node -e` busy loop) competes with it,
 * then writes a Markdown summary of each run's result and duration. Exit 0 only if every run
 * passed.
 *
 * The burners are bounded three ways: each one ends by itself after its time limit, ends as soon
 * as this script is gone (it checks its parent), and is killed here at the end, on a failure and
 * on Ctrl-C. Each run's output goes to a log next to the summary, its tail to the console when it
 * fails.
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    command: { type: "string", default: "npm test" },
    burners: { type: "string", default: String(os.availableParallelism()) },
    "timeout-min": { type: "string", default: "30" },
    out: { type: "string", default: "bench/out/test-stress.md" },
  },
});
const runs = Number(values.runs);
const burners = Number(values.burners);
const timeoutMs = Number(values["timeout-min"]) * 60_000;
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(burners) || burners < 0 || !(timeoutMs > 0)) {
  console.error(
    "usage: test-stress [--runs N>=1] [--command CMD] [--burners N>=0] [--timeout-min M>0] [--out FILE]",
  );
  process.exit(2);
}
const command = values.command;
const outFile = path.resolve(values.out);
const logDir = path.join(path.dirname(outFile), "test-stress");
mkdirSync(logDir, { recursive: true });

const log = (line) => console.log(`[test-stress ${new Date().toISOString().slice(11, 19)}] ${line}`);

// ---- the burners ----------------------------------------------------------------------------

// Each burner's own bound: every run may take the whole per-run timeout, plus a margin.
const burnLimitMs = runs * timeoutMs + 60_000;
const BURN = `
const end = Date.now() + ${burnLimitMs};
const parent = ${process.pid};
let n = 0;
while (Date.now() < end) {
  // Orphaned (this script killed without a chance to clean up): stop too.
  if (++n % 5e6 === 0 && process.ppid !== parent) process.exit(0);
}`;
/** @type {import("node:child_process").ChildProcess[]} */
const burning = [];
function startBurners() {
  for (let i = 0; i < burners; i++) {
    const child = spawn(process.execPath, ["-e", BURN], { stdio: "ignore" });
    child.on("error", (err) => log(`burner ${i + 1} failed to start: ${err.message}`));
    burning.push(child);
  }
  log(
    `${burners} CPU burner(s) started (pids ${burning.map((c) => c.pid).join(", ")}; each ends by itself after ${Math.round(burnLimitMs / 60_000)} min at most)`,
  );
}
function stopBurners() {
  for (const child of burning.splice(0)) {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}

// ---- the runs -------------------------------------------------------------------------------

/** @type {import("node:child_process").ChildProcess | undefined} */
let current;
/** Kill the running test command and everything it started (its own process group). */
function stopCurrent() {
  if (!current?.pid || current.exitCode !== null) return;
  try {
    process.kill(-current.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** @returns {Promise<{ code: number | null; ms: number; timedOut: boolean; logFile: string }>} */
function runOnce(i) {
  const logFile = path.join(logDir, `run-${i}.log`);
  const sink = createWriteStream(logFile);
  const t0 = performance.now();
  return new Promise((resolve) => {
    // A process group of its own, so a timeout or Ctrl-C ends the whole test tree, not just npm.
    current = spawn(command, { shell: true, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    current.stdout.pipe(sink, { end: false });
    current.stderr.pipe(sink, { end: false });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      log(`run ${i}: still running after ${values["timeout-min"]} min, stopping it`);
      stopCurrent();
    }, timeoutMs);
    current.on("close", (code) => {
      clearTimeout(timer);
      sink.end();
      resolve({ code, ms: Math.round(performance.now() - t0), timedOut, logFile });
    });
  });
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

function writeSummary(results, interrupted) {
  const passed = results.filter((r) => r.code === 0).length;
  const rows = results.map(
    (r) =>
      `| ${r.run} | ${r.code === 0 ? "pass" : r.timedOut ? "TIMEOUT" : r.code === null ? "STOPPED" : `FAIL (exit ${r.code})`} | ${(r.ms / 1000).toFixed(1)} | ${path.relative(process.cwd(), r.logFile)} |`,
  );
  const md = [
    "# Tests under CPU load",
    "",
    `\`${command}\`, ${runs} run(s) in a row, with ${burners} CPU burner(s) (one \`node -e\` busy loop per core) running beside it. ${passed} of ${results.length} run(s) passed${interrupted ? "; INTERRUPTED before the end" : ""}.`,
    "",
    "| run | result | seconds | log |",
    "|---|---|---|---|",
    ...rows,
    "",
    `Machine: ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? "unknown"}), Node ${process.version}; load average at the end ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}. Date: ${new Date().toISOString()}.`,
    "",
  ].join("\n");
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, md);
  log(`wrote ${path.relative(process.cwd(), outFile)}`);
}

const results = [];
let interrupted = false;
function onSignal(signal) {
  if (interrupted) return;
  interrupted = true;
  log(`${signal}: stopping the run and the burners`);
  stopCurrent();
  stopBurners();
}
process.on("SIGINT", () => onSignal("SIGINT"));
process.on("SIGTERM", () => onSignal("SIGTERM"));
// Whatever happens, no burner outlives this script.
process.on("exit", () => {
  stopCurrent();
  stopBurners();
});

try {
  log(`${runs} run(s) of \`${command}\` under load`);
  startBurners();
  for (let i = 1; i <= runs && !interrupted; i++) {
    log(`run ${i}/${runs}...`);
    const r = await runOnce(i);
    results.push({ run: i, ...r });
    const ok = r.code === 0;
    const verdict = ok
      ? "passed"
      : interrupted
        ? "INTERRUPTED"
        : r.timedOut
          ? "TIMED OUT"
          : `FAILED (exit ${r.code})`;
    log(
      `run ${i}/${runs}: ${verdict} in ${(r.ms / 1000).toFixed(1)} s (log ${path.relative(process.cwd(), r.logFile)})`,
    );
    if (!ok && !interrupted) console.log(tail(r.logFile));
  }
} finally {
  stopBurners();
  writeSummary(results, interrupted);
}
const allPassed = !interrupted && results.length === runs && results.every((r) => r.code === 0);
log(allPassed ? `all ${runs} run(s) passed under load` : "NOT every run passed under load");
process.exitCode = allPassed ? 0 : 1;
