/**
 * Event subscriptions and their delivery. A subscription selects packages of events for some
 * logins; its events go to a chunked HTTP response the client keeps polling, or to a webhook.
 * Events raised while no chunk response is open are queued (bounded, oldest dropped first and
 * counted), so a client that re-polls loses nothing. A subscription made over the WSS agent's
 * socket hands its events to a sink instead (the agent numbers them and keeps them until the
 * application acknowledges them).
 */
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import {
  EVENT_PACKAGES,
  type EventPackage,
  type O2gEvent,
  OBJECT_ID_PACKAGES,
  PER_USER_PACKAGES,
} from "./types.js";
import { WebhookSender } from "./webhook.js";
import type { WebhookPolicy } from "./webhook-policy.js";

export interface Selector {
  ids: string[];
  names: EventPackage[];
}

/** Where a subscription's events go when it is carried by the WSS agent's socket. */
export interface EventSink {
  deliver(subscriptionId: string, line: string): void;
}

export interface SubscriptionOptions {
  sessionToken: string;
  /** the login whose events a user session may see; null for an administrator (any login) */
  restrictTo: string | null;
  selectors: Selector[];
  webHookUrl?: string;
  queueLimit: number;
  keepAliveMs: number;
  chunkMaxMs: number;
  webhookRetryMaxMs: number;
  webhookTimeoutMs: number;
  /** required with a webHookUrl: where webhooks may go */
  webhookPolicy?: WebhookPolicy;
  log: (level: "info" | "warn", line: string) => void;
}

export class Subscription {
  readonly id = randomBytes(16).toString("hex");
  /** per package: "all" logins, or the set of logins */
  readonly filter = new Map<EventPackage, "all" | Set<string>>();
  private queue: string[] = [];
  private dropped = 0;
  private consumer: ServerResponse | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  private maxTimer: NodeJS.Timeout | undefined;
  private readonly webhook: WebhookSender | undefined;
  private sink: EventSink | undefined;
  /**
   * Lines for the chunk response, written together once the current tick is over: one CSTA read
   * carries many events, and a write per event cost four socket writes (HTTP chunk framing)
   * and a TLS record each, the gateway's largest share of an event's delivery.
   */
  private batch: string[] = [];
  private flushScheduled = false;
  private readonly flushNow = () => this.flush();
  delivered = 0;

  constructor(readonly options: SubscriptionOptions) {
    for (const sel of options.selectors) {
      for (const name of sel.names) {
        const ids = sel.ids.filter((x) => x !== "*");
        if (OBJECT_ID_PACKAGES.has(name)) {
          if (ids.length === 0 || sel.ids.includes("*")) this.filter.set(name, "all");
          else this.add(name, ids);
          continue;
        }
        const wantsAll = sel.ids.length === 0 || sel.ids.includes("*") || !PER_USER_PACKAGES.has(name);
        if (options.restrictTo !== null && PER_USER_PACKAGES.has(name)) {
          this.add(name, [options.restrictTo]);
        } else if (wantsAll) {
          this.filter.set(name, "all");
        } else {
          this.add(name, ids);
        }
      }
    }
    if (options.webHookUrl) {
      if (!options.webhookPolicy) throw new Error("a webhook subscription needs a webhook policy");
      this.webhook = new WebhookSender(options.webHookUrl, {
        retryMaxMs: options.webhookRetryMaxMs,
        timeoutMs: options.webhookTimeoutMs,
        queueLimit: options.queueLimit,
        policy: options.webhookPolicy,
        log: options.log,
      });
    }
  }

  private add(name: EventPackage, ids: string[]): void {
    const cur = this.filter.get(name);
    if (cur === "all") return;
    const set = cur ?? new Set<string>();
    for (const id of ids) set.add(id);
    this.filter.set(name, set);
  }

  get mode(): "chunk" | "webhook" | "websocket" {
    return this.webhook ? "webhook" : this.sink ? "websocket" : "chunk";
  }

  get queued(): number {
    return this.queue.length;
  }

  get droppedEvents(): number {
    return this.dropped;
  }

  /** One event, already serialized once for every subscriber. */
  deliver(line: string): void {
    this.delivered++;
    if (this.webhook) {
      this.webhook.send(line);
      return;
    }
    if (this.sink) {
      this.sink.deliver(this.id, line);
      return;
    }
    const res = this.consumer;
    if (res && !res.writableEnded && !res.destroyed) {
      this.batch.push(line);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        process.nextTick(this.flushNow);
      }
      return;
    }
    this.enqueue(line);
  }

  private enqueue(line: string): void {
    if (this.queue.length >= this.options.queueLimit) {
      this.queue.shift();
      if (this.dropped++ === 0)
        this.options.log("warn", `subscription ${this.id}: queue full, dropping oldest events`);
    }
    this.queue.push(line);
  }

  /** The lines batched for the chunk response go out; if it ended meanwhile, they wait for the next poll. */
  private flush(): void {
    this.flushScheduled = false;
    const lines = this.batch;
    if (lines.length === 0) return;
    this.batch = [];
    const res = this.consumer;
    if (res && !res.writableEnded && !res.destroyed) {
      // The closing newline joined in rather than appended: `join() + "\n"` is a rope that the
      // HTTP layer flattens, one more copy of every chunk (9% of what the event path allocated, in a heap profile).
      lines.push("");
      res.write(lines.join("\n"));
    } else for (const line of lines) this.enqueue(line);
  }

  /** A client polls the chunk URL: this response now carries the events. */
  attach(res: ServerResponse): void {
    this.detach(true);
    this.consumer = res;
    res.writeHead(200, {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "no-cache",
      "X-Accel-Buffering": "no",
    });
    const info: O2gEvent = {
      eventName: "OnChannelInformation",
      text: `subscription ${this.id}: ${this.queue.length} queued event(s)${this.dropped ? `, ${this.dropped} dropped` : ""}`,
    };
    res.write(`${JSON.stringify(info)}\n`);
    const backlog = this.queue;
    this.queue = [];
    if (backlog.length) res.write(`${backlog.join("\n")}\n`);
    res.on("close", () => {
      if (this.consumer === res) this.detach(false);
    });
    this.keepAlive = setInterval(() => {
      if (!res.writableEnded) res.write("\n");
    }, this.options.keepAliveMs);
    this.keepAlive.unref();
    // Ending a long response now and then lets proxies and the SDK's re-poll keep it fresh.
    this.maxTimer = setTimeout(() => this.detach(true), this.options.chunkMaxMs);
    this.maxTimer.unref();
  }

  /** From now on the events go to `sink`; those queued so far go first, in order. */
  attachSink(sink: EventSink): void {
    if (this.webhook) throw new Error("a webhook subscription delivers to its webhook");
    this.detach(true);
    this.sink = sink;
    const backlog = this.queue;
    this.queue = [];
    for (const line of backlog) sink.deliver(this.id, line);
  }

  private detach(end: boolean): void {
    // What this response was promised goes with it, ahead of whatever is queued later.
    this.flush();
    clearInterval(this.keepAlive);
    clearTimeout(this.maxTimer);
    const res = this.consumer;
    this.consumer = undefined;
    if (end && res && !res.writableEnded) res.end();
  }

  get polling(): boolean {
    return this.consumer !== undefined;
  }

  close(): void {
    this.detach(true);
    this.webhook?.stop();
    this.sink = undefined;
    // Whoever still holds the subscription (a late request) must not keep its backlog alive.
    this.queue = [];
  }
}

/** Validation of a subscription request body; returns an error message or the selectors. */
export function parseSelectors(filter: unknown): Selector[] | string {
  if (filter === undefined || filter === null) return [];
  if (typeof filter !== "object") return "filter must be an object";
  const selectors = (filter as { selectors?: unknown }).selectors;
  if (selectors === undefined) return [];
  if (!Array.isArray(selectors)) return "filter.selectors must be an array";
  const out: Selector[] = [];
  for (const [i, s] of selectors.entries()) {
    if (!s || typeof s !== "object") return `filter.selectors[${i}] must be an object`;
    const { ids = [], names = [] } = s as { ids?: unknown; names?: unknown };
    if (!Array.isArray(ids) || ids.some((x) => typeof x !== "string"))
      return `filter.selectors[${i}].ids must be strings`;
    if (!Array.isArray(names) || names.some((x) => typeof x !== "string"))
      return `filter.selectors[${i}].names must be strings`;
    for (const n of names as string[]) {
      if (!EVENT_PACKAGES.includes(n as EventPackage))
        return `filter.selectors[${i}]: unknown event package "${n}"`;
    }
    out.push({ ids: ids as string[], names: names as EventPackage[] });
  }
  return out;
}
