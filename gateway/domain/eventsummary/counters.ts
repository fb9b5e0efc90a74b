/**
 * The event summary: per user, what is waiting for them. Missed calls are the unacknowledged
 * records of their communication log (acknowledging there, deleting, or the log dropping its
 * oldest records lowers the count); voice messages come from whoever knows the mailbox. The
 * counters are computed when asked, and recomputed when something that feeds them changed,
 * to tell the user's subscribers only when a number actually moved.
 */
import type { EventPublisher } from "../../events/types.js";
import type { EventSummaryJson } from "./schema.js";

export type { EventSummaryJson };

export interface EventSummarySources {
  /** somebody subscribes to this user's event summary: otherwise a change is not worth a recount */
  watched(loginName: string): boolean;
  /** unacknowledged missed calls in the user's log */
  missedCalls(loginName: string): Promise<number>;
  /** new voice messages, undefined when the mailbox cannot be read */
  voiceMessages?(loginName: string): Promise<number | undefined>;
  /** callback requests left for the user on the OXE, undefined when the node cannot tell */
  callbacks?(loginName: string): Promise<number | undefined>;
  /** the user's text (mini) messages on the OXE, unread and read */
  texts?(loginName: string): Promise<{ unread: number; read: number } | undefined>;
}

export class EventSummaryCounters {
  private readonly last = new Map<string, string>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly sources: EventSummarySources,
    private readonly events: EventPublisher,
    private readonly log: (line: string) => void,
    private readonly coalesceMs = 30,
  ) {}

  async get(loginName: string): Promise<EventSummaryJson> {
    const [missed, voice, callbacks, texts] = await Promise.all([
      this.sources.missedCalls(loginName),
      this.sources.voiceMessages?.(loginName) ?? Promise.resolve(undefined),
      this.sources.callbacks?.(loginName).catch(() => undefined) ?? Promise.resolve(undefined),
      this.sources.texts?.(loginName).catch(() => undefined) ?? Promise.resolve(undefined),
    ]);
    const s: EventSummaryJson = {
      missedCallsNb: missed,
      callBackRequestsNb: callbacks ?? 0,
      faxNb: 0,
      newTextNb: texts?.unread ?? 0,
      oldTextNb: texts?.read ?? 0,
      eventWaiting: missed > 0 || (voice ?? 0) > 0 || (callbacks ?? 0) > 0 || (texts?.unread ?? 0) > 0,
    };
    if (voice !== undefined) s.voiceMessagesNb = voice;
    return s;
  }

  /** Something feeding the user's counters changed: recount soon, tell if it moved. */
  changed(loginName: string): void {
    if (this.stopped || this.pending.has(loginName)) return;
    if (!this.sources.watched(loginName)) {
      // Nobody to tell; whoever subscribes later reads the counters or hears the next change.
      this.last.delete(loginName);
      return;
    }
    const t = setTimeout(() => {
      this.pending.delete(loginName);
      this.get(loginName).then(
        (s) => {
          const key = JSON.stringify(s);
          if (this.last.get(loginName) === key) return;
          this.last.set(loginName, key);
          this.events.publish("eventSummary", loginName, {
            eventName: "OnEventSummaryUpdated",
            loginName,
            eventSummary: s,
          });
        },
        (err: unknown) => this.log(`event summary of ${loginName}: ${(err as Error).message}`),
      );
    }, this.coalesceMs);
    t.unref();
    this.pending.set(loginName, t);
  }

  /** What the last answer was, so a later change is compared with what clients saw. */
  remember(loginName: string, s: EventSummaryJson): void {
    this.last.set(loginName, JSON.stringify(s));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }
}
