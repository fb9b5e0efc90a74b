import type { RunResult } from "../runner/runner.js";

const esc = (s: string) =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .split("")
    // XML 1.0 cannot carry control characters other than tab, newline and carriage return.
    .filter((ch) => ch.charCodeAt(0) >= 0x20 || ch === "\t" || ch === "\n" || ch === "\r")
    .join("");

/** JUnit XML: one test suite per scenario, one test case per step (or one for a load run). */
export function junitReport(results: RunResult[]): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const failures = results.filter((r) => !r.ok).length;
  lines.push(`<testsuites name="o2g-testbench scenarios" tests="${results.length}" failures="${failures}">`);
  for (const r of results) {
    const cases = r.load
      ? [
          {
            name: `load (${r.load.started} instances)`,
            ms: r.durationMs,
            error: r.ok ? undefined : r.failure,
          },
        ]
      : r.steps.map((s) => ({ name: `${s.index} ${s.label}`, ms: s.ms, error: s.error }));
    const failed = cases.filter((c) => c.error).length;
    lines.push(
      `  <testsuite name="${esc(r.scenario.name)}" file="${esc(r.scenario.file)}" tests="${cases.length}" failures="${failed}" time="${(r.durationMs / 1000).toFixed(3)}">`,
    );
    for (const c of cases) {
      lines.push(
        `    <testcase classname="${esc(r.scenario.name)}" name="${esc(c.name)}" time="${(c.ms / 1000).toFixed(3)}">`,
      );
      if (c.error)
        lines.push(`      <failure message="${esc(c.error.slice(0, 500))}">${esc(c.error)}</failure>`);
      lines.push("    </testcase>");
    }
    if (!r.load && !r.ok && r.steps.length === 0 && r.failure) {
      lines.push(
        `    <testcase classname="${esc(r.scenario.name)}" name="setup"><failure message="${esc(r.failure)}"/></testcase>`,
      );
    }
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return `${lines.join("\n")}\n`;
}
