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

/**
 * What Set number `i` writes: a speed-dial key of its set, the positions taken in turn. Each
 * `variant` writes the same keys with other numbers: the node reports a change to every
 * association, an unchanged value to none, so each part of a run that repeats another's
 * operations writes a variant of its own to do the same work as the first.
 */
export function keyWrite(
  targets: readonly Target[],
  i: number,
  variant = 0,
): { target: Target; position: number; number: string; mnemonic: string } {
  const target = targetOf(targets, i);
  return {
    target,
    position: (Math.floor(i / targets.length) % target.keys) + 1,
    number: String(20000 + ((i + variant * 30011) % 70000)),
    mnemonic: `K${i % 1000}`,
  };
}
