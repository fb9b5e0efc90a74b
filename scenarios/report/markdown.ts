import type { RunResult } from "../runner/runner.js";

const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;

/** One Markdown report for the scenarios of one run. */
export function markdownReport(results: RunResult[]): string {
  const out: string[] = ["# Scenario report", ""];
  const ok = results.filter((r) => r.ok).length;
  out.push(`${ok} of ${results.length} scenario(s) passed, ${new Date().toISOString()}.`, "");
  out.push("| scenario | file | result | time |", "|---|---|---|---|");
  for (const r of results) {
    out.push(
      `| ${r.scenario.name} | \`${r.scenario.file}\` | ${r.ok ? "passed" : "**FAILED**"} | ${ms(r.durationMs)} |`,
    );
  }
  for (const r of results) {
    out.push("", `## ${r.scenario.name}`, "");
    if (r.scenario.description) out.push(r.scenario.description, "");
    if (r.failure) out.push("```", r.failure, "```", "");
    if (r.load) {
      const l = r.load;
      out.push(
        `Load: ${l.started} instance(s) in ${(l.durationMs / 1000).toFixed(1)} s (${l.ratePerSec.toFixed(1)}/s), ` +
          `${l.succeeded} passed, ${l.failed} failed.`,
        "",
        "| line | step | count | failures | p50 | p99 | max |",
        "|---|---|---|---|---|---|---|",
      );
      for (const s of l.steps) {
        out.push(
          `| ${s.line} | ${s.label} | ${s.count} | ${s.failures} | ${ms(s.p50Ms)} | ${ms(s.p99Ms)} | ${ms(s.maxMs)} |`,
        );
      }
      if (l.firstFailures.length)
        out.push("", "First failures:", "", ...l.firstFailures.map((f) => `- ${f}`));
    } else {
      out.push("| step | line | action | time | result |", "|---|---|---|---|---|");
      for (const s of r.steps) {
        out.push(
          `| ${s.index} | ${s.line} | ${s.label.replaceAll("|", "\\|")} | ${ms(s.ms)} | ${s.ok ? "ok" : `**failed**: ${(s.error ?? "").replaceAll("|", "\\|").slice(0, 300)}`} |`,
        );
      }
    }
  }
  return `${out.join("\n")}\n`;
}
