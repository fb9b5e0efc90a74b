/**
 * Pieces of the per-user call views that have no state of their own: what a call a user cannot
 * act on offers, and what changed between two views of a call (the added, modified and removed
 * legs or participants an OnCallModified carries). Pure, so the msw mock builds its events with
 * the same code as the gateway's engine.
 */
import type { CallCapabilities } from "./schema.js";

export const NO_CALL_CAPS: CallCapabilities = {
  addDevice: false,
  addParticipant: false,
  intruded: false,
  intrusion: false,
  transfer: false,
  blindTransfer: false,
  merge: false,
  redirect: false,
  pickedUp: false,
  redirectToVoiceMail: false,
  overflowToVoiceMail: false,
  dropMe: false,
  terminate: false,
  reject: false,
  callBack: false,
  park: false,
  startRecord: false,
  stopRecord: false,
  pauseRecord: false,
  resumeRecord: false,
  dropParticipant: false,
  muteParticipant: false,
  holdParticipant: false,
};

/**
 * Whether two JSON-shaped values would serialize alike (a key whose value is undefined is no key,
 * as JSON.stringify has it), without serializing them: the engine compares every view it
 * recomputes with the last one told, and two JSON.stringify per comparison were a good part of
 * its cost per CSTA event. Key order is not compared: both sides are built by the same code.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    n++;
    if (!sameJson(x[k], y[k])) return false;
  }
  for (const k in y) if (y[k] !== undefined) n--;
  return n === 0;
}

/** Added, modified and removed elements between two lists, matched by `key`. */
export function diff<T>(before: readonly T[], after: readonly T[], key: (x: T) => string) {
  const b = new Map(before.map((x) => [key(x), x]));
  const a = new Map(after.map((x) => [key(x), x]));
  const added: T[] = [];
  const modified: T[] = [];
  const removed: T[] = [];
  for (const [k, x] of a) {
    const y = b.get(k);
    if (!y) added.push(x);
    else if (!sameJson(x, y)) modified.push(x);
  }
  for (const [k, y] of b) if (!a.has(k)) removed.push(y);
  return { added, modified, removed };
}
