/**
 * Faults a scenario can put on a node's links, to see how the gateway copes: the testbench's
 * way of doing on demand what a lab with real hardware cannot.
 */
export interface LinkFaults {
  /** every outgoing write waits this long (plus up to `jitterMs`) */
  delayMs: number;
  jitterMs: number;
  /** half-open: accept nothing, send nothing, close nothing */
  stalled: boolean;
  /** new associations are refused until this time (ms since epoch) */
  refuseUntil: number;
  /** not the active call server (the standby of a pair): connections are closed at once */
  offline: boolean;
}

export function noFaults(): LinkFaults {
  return { delayMs: 0, jitterMs: 0, stalled: false, refuseUntil: 0, offline: false };
}

/**
 * Writes to a socket through the current faults. Delayed writes keep their order: each waits for
 * the later of its own due time and the previous write.
 */
export class FaultyWriter {
  private lastDue = 0;
  constructor(
    private readonly faults: LinkFaults,
    private readonly write: (bytes: Buffer) => void,
  ) {}

  send(bytes: Buffer): void {
    const f = this.faults;
    if (f.stalled) return;
    if (f.delayMs <= 0 && f.jitterMs <= 0) {
      this.write(bytes);
      return;
    }
    // On the monotonic clock, as the CSTA server's lagged events (a test may fake Date).
    const due = Math.max(performance.now() + f.delayMs + Math.random() * f.jitterMs, this.lastDue);
    this.lastDue = due;
    setTimeout(() => this.write(bytes), Math.max(0, due - performance.now()));
  }
}
