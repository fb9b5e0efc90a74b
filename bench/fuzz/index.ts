/**
 * npm run bench -- fuzz [--inputs N] [--seed S]: every target of targets.ts fed its share of N
 * generated inputs (default 1,000,000 in all), then the link checks; a table of inputs,
 * crashes, hangs and time per target, and the crashing inputs if any.
 */
import { type BenchResult, result } from "../report/report.js";
import { linkChecks } from "./link-check.js";
import { fuzz } from "./run.js";
import { TARGETS } from "./targets.js";

export interface FuzzBenchOptions {
  inputs: number;
  seed: number;
  linkRuns?: number;
  progress: (line: string) => void;
}

export async function fuzzBench(o: FuzzBenchOptions): Promise<{ res: BenchResult; failed: boolean }> {
  const per = Math.ceil(o.inputs / TARGETS.length);
  const rows: BenchResult["rows"] = [];
  const notes: string[] = [];
  let failed = false;
  for (const t of TARGETS) {
    const step = Math.max(1, Math.floor(per / 10));
    let next = step;
    const r = fuzz(t, {
      runs: per,
      seed: o.seed,
      onProgress: (done) => {
        if (done >= next || done === per) {
          o.progress(`  ${t.name}: ${done.toLocaleString("en-US")}/${per.toLocaleString("en-US")} inputs`);
          next += step;
        }
      },
    });
    rows.push({
      target: t.name,
      inputs: r.inputs,
      crashes: r.crashes,
      hangs: r.hangs,
      "slowest input (ms)": Number(r.slowestMs.toFixed(2)),
      "time (s)": Number((r.ms / 1000).toFixed(1)),
      "inputs/s": Math.round(r.inputs / (r.ms / 1000)),
      "allowed errors": t.documented,
    });
    if (r.crashes || r.hangs) failed = true;
    for (const s of r.samples) notes.push(`${t.name} crash: ${s.error} on ${s.input}`);
  }
  const linkRuns = o.linkRuns ?? 2000;
  o.progress(`  link checks: ${linkRuns} garbage inputs, server and client side`);
  const started = performance.now();
  const links = await linkChecks(linkRuns, o.seed);
  rows.push({
    target: "RoseLink garbage then valid APDU",
    inputs: links.runs,
    crashes: links.failures.length,
    hangs: 0,
    "slowest input (ms)": null,
    "time (s)": Number(((performance.now() - started) / 1000).toFixed(1)),
    "inputs/s": null,
    "allowed errors": "link answers or aborts",
  });
  if (links.failures.length) failed = true;
  for (const f of links.failures) notes.push(`link: ${f}`);
  const total = rows.reduce((n, r) => n + Number(r.inputs), 0);
  notes.unshift(
    `${total.toLocaleString("en-US")} inputs in all, seed ${o.seed}: mutations of valid encodings (overwrite, insert, delete, cut) and random bytes, from fast-check.`,
    "A crash is an exception of a type the decoder does not document; a hang is one input taking over 1 s.",
    "The decoders are shared by the emulator (server side) and the gateway (client side); the link checks run a server and a client RoseLink.",
  );
  return { res: result("fuzz", rows, notes), failed };
}
