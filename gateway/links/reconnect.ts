/**
 * The reconnection policy every link to a node follows (CSTA, CMIP, SSH, IMAP): after a loss
 * try the other address of a redundant pair at once (on a switchover the standby is where the
 * node now lives); while it keeps failing, alternate the addresses and back off exponentially.
 */

/** Delay before connection attempt number `attempt` (0-based) of a run of failures. */
export function backoffMs(attempt: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(attempt, 10));
}

/** The address index to try next, of `count`. */
export function nextEndpoint(index: number, count: number, wasUp: boolean, attempt: number): number {
  return count > 1 && (wasUp || attempt % 2 === 1) ? (index + 1) % count : index;
}
