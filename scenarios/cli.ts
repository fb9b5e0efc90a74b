/**
 * npm run scenario -- scenarios/library/basic-call.yaml [more.yaml ...] [--report out.md] [--junit out.xml]
 * Runs scenario files against a fresh sandbox each, prints progress, exits non-zero on failure.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadScenario, ScenarioSyntaxError } from "./format/index.js";
import { junitReport, markdownReport } from "./report/index.js";
import { type RunResult, runScenario } from "./runner/index.js";

const USAGE = `usage: npm run scenario -- <file.yaml> [<file.yaml> ...] [--report out.md] [--junit out.xml] [--quiet]`;

async function main(): Promise<number> {
  let parsed: ReturnType<
    typeof parseArgs<{
      options: {
        report: { type: "string" };
        junit: { type: "string" };
        quiet: { type: "boolean" };
        help: { type: "boolean"; short: "h" };
      };
      allowPositionals: true;
    }>
  >;
  try {
    parsed = parseArgs({
      options: {
        report: { type: "string" },
        junit: { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const scenarios = [];
  for (const f of positionals) {
    try {
      scenarios.push(loadScenario(f));
    } catch (err) {
      if (err instanceof ScenarioSyntaxError) {
        console.error(`invalid scenario: ${err.message}`);
        return 2;
      }
      console.error(`cannot read ${f}: ${(err as Error).message}`);
      return 2;
    }
  }
  const tty = process.stdout.isTTY;
  const results: RunResult[] = [];
  for (const s of scenarios) {
    console.log(
      `\n▶ ${s.name}  (${s.file})${s.load ? `  load: ${s.load.instances} concurrent, ${s.load.rate}/s` : ""}`,
    );
    const result = await runScenario(s, {
      progress: (line, final) => {
        if (values.quiet && !final && !line.startsWith("FAIL")) return;
        if (tty && line.startsWith("[")) process.stdout.write(`\r${line}   `);
        else console.log(`  ${line}`);
      },
    });
    if (tty && s.load) process.stdout.write("\n");
    results.push(result);
    console.log(
      result.ok ? `✔ passed in ${(result.durationMs / 1000).toFixed(1)} s` : `✘ FAILED: ${result.failure}`,
    );
  }
  if (values.report) writeFileSync(values.report, markdownReport(results));
  if (values.junit) writeFileSync(values.junit, junitReport(results));
  const failed = results.filter((r) => !r.ok).length;
  console.log(`\n${results.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
