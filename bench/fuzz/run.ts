/**
 * The fuzz loop: fast-check generates inputs (mutations of a target's valid seeds, and plain
 * random bytes) and each is decoded; an exception of an undocumented type is a crash, an
 * input that takes longer than `hangMs` to decode is a hang. Inputs are counted, not shrunk:
 * the first few crashing inputs are kept, in hex, for the report.
 */
import fc from "fast-check";
import type { FuzzTarget } from "./targets.js";

export interface FuzzOutcome {
  target: string;
  inputs: number;
  crashes: number;
  hangs: number;
  /** slowest single input, ms */
  slowestMs: number;
  ms: number;
  samples: { input: string; error: string }[];
}

/** One byte-level edit: overwrite, insert, delete, or cut the input there. */
const edit = fc.record({
  op: fc.integer({ min: 0, max: 3 }),
  at: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
});

function mutate(seed: Uint8Array, edits: { op: number; at: number; byte: number }[]): Uint8Array {
  let b = Buffer.from(seed);
  for (const e of edits) {
    const at = b.length ? e.at % (b.length + 1) : 0;
    if (e.op === 0 && at < b.length) b[at] = e.byte;
    else if (e.op === 1) b = Buffer.concat([b.subarray(0, at), Buffer.of(e.byte), b.subarray(at)]);
    else if (e.op === 2) b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
    else b = b.subarray(0, at);
  }
  return b;
}

export function inputs(seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const mutated = fc
    .tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 6 }))
    .map(([s, edits]) => mutate(s, edits));
  return fc.oneof(
    { weight: 3, arbitrary: mutated },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }) },
    { weight: 1, arbitrary: fc.constantFrom(...seeds) },
  );
}

export function fuzz(
  target: FuzzTarget,
  opts: { runs: number; seed: number; hangMs?: number; onProgress?: (done: number) => void; batch?: number },
): FuzzOutcome {
  const hangMs = opts.hangMs ?? 1000;
  const batch = opts.batch ?? 20_000;
  const out: FuzzOutcome = {
    target: target.name,
    inputs: 0,
    crashes: 0,
    hangs: 0,
    slowestMs: 0,
    ms: 0,
    samples: [],
  };
  const arb = inputs(target.seeds);
  const started = performance.now();
  for (let done = 0, round = 0; done < opts.runs; round++) {
    const n = Math.min(batch, opts.runs - done);
    fc.assert(
      fc.property(arb, (input) => {
        const t0 = performance.now();
        try {
          target.run(input);
        } catch (err) {
          if (!target.expected(err)) {
            out.crashes++;
            if (out.samples.length < 5)
              out.samples.push({
                input: Buffer.from(input).toString("hex").slice(0, 400),
                error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
              });
          }
        }
        const took = performance.now() - t0;
        if (took > out.slowestMs) out.slowestMs = took;
        if (took > hangMs) out.hangs++;
        out.inputs++;
        return true;
      }),
      { numRuns: n, seed: opts.seed + round, endOnFailure: true },
    );
    done += n;
    opts.onProgress?.(done);
  }
  out.ms = performance.now() - started;
  return out;
}
