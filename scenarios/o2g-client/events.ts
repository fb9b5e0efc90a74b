/**
 * The client side of the chunk channel: POST the polling URL with a bare request (no cookie,
 * as the SDK's fetch), read newline-delimited JSON, and poll again as soon as a response ends.
 */
import { type Dispatcher, request } from "undici";

export interface O2gEvent {
  eventName: string;
  [field: string]: unknown;
}

type Waiter = {
  match: (e: O2gEvent) => boolean;
  resolve: (e: O2gEvent) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
};

export class EventStream {
  /** every event received, in arrival order (while `keepHistory`) */
  readonly events: O2gEvent[] = [];
  /**
   * Whether `events` keeps what arrives (what next() searches first). A client that only listens
   * (onEvent) to a long stream turns it off, as an application would: the history otherwise grows
   * without bound, and with it the process's heap and its garbage collections.
   */
  keepHistory = true;
  /** indexes in `events` already handed out by next() */
  private readonly taken = new Set<number>();
  readonly started: Promise<void>;
  /** how many chunk responses were opened */
  polls = 0;
  private closed = false;
  private abort: AbortController | undefined;
  private waiters: Waiter[] = [];
  private markStarted!: () => void;
  private readonly listeners = new Set<(e: O2gEvent) => void>();

  constructor(
    readonly subscriptionId: string,
    readonly pollingUrl: string,
    /** what polls go through (undefined: undici's global dispatcher) */
    private readonly dispatcher: Dispatcher | undefined,
    poll: boolean,
    /** poll with this fetch rather than undici's request (see LoginOptions.fetch) */
    fetchImpl?: typeof fetch,
  ) {
    this.started = new Promise((r) => {
      this.markStarted = r;
    });
    if (poll)
      void this.loop((signal) =>
        fetchImpl ? this.openWithFetch(fetchImpl, signal) : this.openWithUndici(signal),
      );
  }

  /** A stream fed by push() alone: what a failover client receives through its successive sessions. */
  static fed(name: string): EventStream {
    return new EventStream(name, "", undefined, false);
  }

  onEvent(listener: (e: O2gEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Feed an event received some other way (a webhook). */
  push(e: O2gEvent): void {
    if (e.eventName === "OnChannelInformation") this.markStarted();
    if (this.keepHistory) this.events.push(e);
    for (const l of this.listeners) l(e);
    if (this.waiters.length === 0) return;
    for (const w of [...this.waiters]) {
      if (w.match(e)) {
        clearTimeout(w.timer);
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  }

  /**
   * Poll the chunk URL until closed: each response's lines are events; when it ends, poll again.
   * `open` makes one poll and yields its body's text (undici's request, or a fetch for msw).
   */
  private async loop(open: (signal: AbortSignal) => Promise<AsyncIterable<string>>): Promise<void> {
    while (!this.closed) {
      this.abort = new AbortController();
      try {
        const chunks = await open(this.abort.signal);
        let buffer = "";
        for await (const chunk of chunks) {
          buffer += chunk;
          let nl = buffer.indexOf("\n");
          while (nl >= 0) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (line) this.push(JSON.parse(line) as O2gEvent);
            nl = buffer.indexOf("\n");
          }
        }
        if (buffer.trim()) this.push(JSON.parse(buffer.trim()) as O2gEvent);
      } catch (err) {
        if (this.closed) return;
        if ((err as Error).name !== "AbortError") {
          for (const w of this.waiters.splice(0)) {
            clearTimeout(w.timer);
            w.reject(err as Error);
          }
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    }
  }

  private async openWithUndici(signal: AbortSignal): Promise<AsyncIterable<string>> {
    const res = await request(this.pollingUrl, {
      method: "POST",
      headers: { accept: "*/*" },
      dispatcher: this.dispatcher,
      signal,
    });
    this.polls++;
    if (res.statusCode !== 200) {
      await res.body.text().catch(() => undefined);
      throw new Error(`polling answered ${res.statusCode}`);
    }
    res.body.setEncoding("utf8");
    return res.body as AsyncIterable<string>;
  }

  private async openWithFetch(fetchImpl: typeof fetch, signal: AbortSignal): Promise<AsyncIterable<string>> {
    const res = await fetchImpl(this.pollingUrl, { method: "POST", headers: { accept: "*/*" }, signal });
    this.polls++;
    if (res.status !== 200 || !res.body) {
      await res.text().catch(() => undefined);
      throw new Error(`polling answered ${res.status}`);
    }
    const reader = res.body.getReader();
    // A fetch that is not a socket's (msw's) does not end the body it answered on abort.
    signal.addEventListener("abort", () => void reader.cancel().catch(() => undefined), { once: true });
    const decoder = new TextDecoder();
    return (async function* () {
      for (let r = await reader.read(); !r.done; r = await reader.read())
        yield decoder.decode(r.value, { stream: true });
    })();
  }

  /** Cut the current chunk response from the client side; the stream polls again by itself. */
  dropConnection(): void {
    this.abort?.abort();
  }

  /**
   * The earliest event not handed out yet that matches, waiting for it if need be. Events that
   * do not match stay available to later calls, so a test can take each user's events in the
   * order it cares about while the arrival order is kept in `events`.
   */
  next(match: (e: O2gEvent) => boolean = () => true, timeoutMs = 5000, what = "an event"): Promise<O2gEvent> {
    for (let i = 0; i < this.events.length; i++) {
      if (!this.taken.has(i) && match(this.events[i]!)) {
        this.taken.add(i);
        return Promise.resolve(this.events[i]!);
      }
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        const seen = this.pending().map((e) => e.eventName);
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting for ${what}; not taken: [${seen.join(", ")}]`),
        );
      }, timeoutMs);
      const w: Waiter = {
        match,
        timer,
        reject,
        resolve: (e) => {
          this.taken.add(this.events.lastIndexOf(e));
          resolve(e);
        },
      };
      this.waiters.push(w);
    });
  }

  /** Events not handed out by next() yet, in arrival order. */
  pending(): O2gEvent[] {
    return this.events.filter((_, i) => !this.taken.has(i));
  }

  close(): void {
    this.closed = true;
    this.abort?.abort();
    for (const w of this.waiters.splice(0)) clearTimeout(w.timer);
  }
}
