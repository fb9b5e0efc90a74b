/**
 * Which set, key and value the set-programming benchmark's operation number `i` addresses: one
 * numbering for the REST clients (worker.ts) and the bare CMIP client (floor.ts), so that both
 * do the same operations on the same objects.
 */

export interface Target {
  login: string;
  number: string;
  keys: number;
}

/** The set of operation `i`. */
export const targetOf = (targets: readonly Target[], i: number): Target => targets[i % targets.length]!;

/** What Set number `i` writes: a speed-dial key of its set, the positions taken in turn. */
export function keyWrite(
  targets: readonly Target[],
  i: number,
): { target: Target; position: number; number: string; mnemonic: string } {
  const target = targetOf(targets, i);
  return {
    target,
    position: (Math.floor(i / targets.length) % target.keys) + 1,
    number: String(20000 + (i % 70000)),
    mnemonic: `K${i % 1000}`,
  };
}
