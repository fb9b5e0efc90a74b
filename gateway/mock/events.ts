/**
 * The stand-in's event channel: subscriptions that select packages for logins, and the chunk
 * response a client polls, as the gateway's (gateway/events/subscriptions.ts): the first line is
 * OnChannelInformation, events raised while nobody polls are queued for the next poll, one
 * consumer at a time. Web streams only, so it runs in a service worker as well as in Node.
 */
import type { EventPackage, O2gEvent } from "../events/types.js";

export interface MockSelector {
  ids: string[];
  names: EventPackage[];
}

const QUEUE_LIMIT = 1000;

export class MockSubscription {
  private queue: string[] = [];
  private consumer: ReadableStreamDefaultController<Uint8Array> | undefined;
  private readonly encoder = new TextEncoder();

  constructor(
    readonly id: string,
    readonly sessionToken: string,
    /** who a user session may see; null: an administrator's, every login named or all */
    private readonly restrictTo: string | null,
    private readonly selectors: readonly MockSelector[],
  ) {}

  wants(pkg: EventPackage, login: string | null): boolean {
    if (this.restrictTo !== null && login !== this.restrictTo) return false;
    return this.selectors.some(
      (s) =>
        s.names.includes(pkg) &&
        (login === null || s.ids.length === 0 || s.ids.includes("*") || s.ids.includes(login)),
    );
  }

  deliver(event: O2gEvent): void {
    const line = JSON.stringify(event);
    if (this.consumer && this.write(this.consumer, line)) return;
    if (this.queue.length >= QUEUE_LIMIT) this.queue.shift();
    this.queue.push(line);
  }

  /** A poll of the chunk URL: the response body that carries the events from now on. */
  attach(): ReadableStream<Uint8Array> {
    this.detach();
    let mine: ReadableStreamDefaultController<Uint8Array> | undefined;
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        mine = controller;
        this.consumer = controller;
        const info = {
          eventName: "OnChannelInformation",
          text: `subscription ${this.id}: ${this.queue.length} queued event(s)`,
        };
        const backlog = this.queue;
        this.queue = [];
        this.write(controller, JSON.stringify(info));
        for (const line of backlog) this.write(controller, line);
      },
      cancel: () => {
        if (this.consumer === mine) this.consumer = undefined;
      },
    });
  }

  /** Write one line; false when the reader has gone (the line is then the queue's). */
  private write(controller: ReadableStreamDefaultController<Uint8Array>, line: string): boolean {
    try {
      controller.enqueue(this.encoder.encode(`${line}\n`));
      return true;
    } catch {
      if (this.consumer === controller) this.consumer = undefined;
      return false;
    }
  }

  private detach(): void {
    const c = this.consumer;
    this.consumer = undefined;
    try {
      c?.close();
    } catch {
      // already closed by its reader
    }
  }

  close(): void {
    this.detach();
    this.queue = [];
  }
}

export class MockEventHub {
  readonly subscriptions = new Map<string, MockSubscription>();

  publish(pkg: EventPackage, login: string | null, event: O2gEvent): void {
    for (const s of this.subscriptions.values()) if (s.wants(pkg, login)) s.deliver(event);
  }

  remove(id: string): void {
    this.subscriptions.get(id)?.close();
    this.subscriptions.delete(id);
  }
}
