import { discardBody, type WebhookPolicy } from "./webhook-policy.js";

/**
 * Sends one subscription's events to its webhook, in order, one request at a time. A failed
 * delivery is retried with exponential backoff (0.5 s doubling up to `retryMaxMs`) and holds
 * back the events behind it, so the receiver sees them in the order they happened; nothing
 * here blocks any other subscriber. Redirects are not followed (a 3xx is a failed delivery:
 * following one would let the receiver send our POST anywhere), and the policy decides which
 * addresses may be reached.
 */
export interface WebhookOptions {
  retryMaxMs: number;
  timeoutMs: number;
  queueLimit: number;
  policy: WebhookPolicy;
  log: (level: "info" | "warn", line: string) => void;
}

export class WebhookSender {
  private readonly queue: string[] = [];
  private sending = false;
  private stopped = false;
  private backoff = 0;
  private timer: NodeJS.Timeout | undefined;
  failures = 0;
  sent = 0;

  constructor(
    readonly url: string,
    private readonly options: WebhookOptions,
  ) {}

  send(line: string): void {
    if (this.stopped) return;
    if (this.queue.length >= this.options.queueLimit) this.queue.shift();
    this.queue.push(line);
    if (!this.sending && !this.timer) void this.pump();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.queue.length = 0;
  }

  private async pump(): Promise<void> {
    this.sending = true;
    while (this.queue.length && !this.stopped) {
      const line = this.queue[0]!;
      let ok = false;
      let why = "";
      try {
        const { policy } = this.options;
        // Addresses in the URL never reach the resolver: they are checked here, names on connecting.
        const refused = policy.refusal(new URL(this.url));
        if (refused) throw new Error(refused);
        const res = await fetch(this.url, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: line,
          redirect: "manual",
          signal: AbortSignal.timeout(this.options.timeoutMs),
          // Node's fetch bundles its own undici; the Agent from the undici package speaks the same protocol.
          dispatcher: policy.dispatcher as unknown as RequestInit["dispatcher"],
        });
        ok = res.ok;
        why =
          res.status >= 300 && res.status < 400 ? `HTTP ${res.status}, not followed` : `HTTP ${res.status}`;
        await discardBody(res, policy.maxReplyBytes);
      } catch (err) {
        // fetch says only "fetch failed"; the refusal or network error is its cause.
        const cause = (err as Error).cause;
        why = cause instanceof Error ? cause.message : (err as Error).message;
      }
      if (ok) {
        this.queue.shift();
        this.sent++;
        this.backoff = 0;
        continue;
      }
      this.failures++;
      this.backoff = this.backoff === 0 ? 500 : Math.min(this.options.retryMaxMs, this.backoff * 2);
      if (this.failures === 1 || this.backoff === this.options.retryMaxMs) {
        this.options.log(
          "warn",
          `webhook ${this.url}: delivery failed (${why}), retrying in ${this.backoff} ms`,
        );
      }
      this.sending = false;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.pump();
      }, this.backoff);
      this.timer.unref();
      return;
    }
    this.sending = false;
  }
}
