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
    else if (JSON.stringify(x) !== JSON.stringify(y)) modified.push(x);
  }
  for (const [k, y] of b) if (!a.has(k)) removed.push(y);
  return { added, modified, removed };
}
