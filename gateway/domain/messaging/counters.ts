/**
 * Each user's voice mail counters (new and total voice messages), as far as the gateway knows
 * them: set from the mailbox's list every time it is read or changes (IMAP IDLE pushes deposits
 * and deletions at once; a user's own actions through the API change it too). The event summary
 * service listens here to publish OnEventSummaryUpdated.
 *
 * A user whose mailbox the gateway has never opened has no counters (undefined): the gateway does
 * not know them, which is not the same as zero.
 */
export interface VoiceMailCount {
  /** voice messages not yet heard (IMAP: without \Seen) */
  readonly unread: number;
  readonly total: number;
}

export type VoiceMailCountListener = (
  loginName: string,
  now: VoiceMailCount,
  before: VoiceMailCount | undefined,
) => void;

export class VoiceMailCounters {
  private readonly counts = new Map<string, VoiceMailCount>();
  private readonly listeners = new Set<VoiceMailCountListener>();

  get(loginName: string): VoiceMailCount | undefined {
    return this.counts.get(loginName);
  }

  /** Be told of every change, until the returned function is called. */
  onChange(listener: VoiceMailCountListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Record what the mailbox holds now; listeners hear of it only when it changed. */
  set(loginName: string, count: VoiceMailCount): void {
    const before = this.counts.get(loginName);
    if (before && before.unread === count.unread && before.total === count.total) return;
    const now = { unread: count.unread, total: count.total };
    this.counts.set(loginName, now);
    for (const l of this.listeners) {
      try {
        l(loginName, now, before);
      } catch {
        // a listener's failure is its own; the others still hear of the change
      }
    }
  }

  /** Forget a user (deleted, or moved to a node without voice mail). */
  delete(loginName: string): void {
    this.counts.delete(loginName);
  }
}
