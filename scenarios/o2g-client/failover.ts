/**
 * The official SDK's high-availability behaviour (O2GServers with a primary and a secondary
 * host, src/internal/o2g-application.ts there), on top of O2gClient: the session is watched
 * (keepalive), and once it is lost the client emits `sessionLost`, switches to the secondary
 * host for good (`serverSwitched`, once), logs in again with backoff, subscribes again with the
 * same selectors and emits `reconnected`. Events of every session reach the same listeners, so
 * a caller sees one stream across the failover.
 */
import { EventEmitter } from "node:events";
import type { Dispatcher } from "undici";
import { type LoginOptions, O2gClient } from "./client.js";
import type { EventStream, O2gEvent } from "./events.js";

export interface FailoverOptions extends Omit<LoginOptions, "baseUrl"> {
  /** https://host:port of each member of the pair */
  primary: string;
  secondary?: string;
  /** waits before each recovery attempt (the SDK's: 2, 4, 8, 16, 30 s) */
  backoffMs?: readonly number[];
  /** how often the session is checked (the SDK: its keepalive, at 0.9 × timeToLive) */
  keepAliveMs?: number;
  dispatcher?: Dispatcher;
}

interface FailoverEvents {
  sessionLost: [reason: string];
  serverSwitched: [{ from: string; to: string }];
  reconnected: [];
}

const SDK_BACKOFF = [2_000, 4_000, 8_000, 16_000, 30_000];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FailoverClient extends EventEmitter<FailoverEvents> {
  private current: O2gClient;
  private host: string;
  private usingSecondary = false;
  private selectors: { ids?: string[]; names: string[] }[] | undefined;
  private stream: EventStream | undefined;
  private readonly eventListeners = new Set<(e: O2gEvent) => void>();
  private watch: NodeJS.Timeout | undefined;
  private recovering = false;
  private closed = false;
  /** sessions opened: 1 after login, one more per recovery */
  logins = 0;

  private constructor(
    private readonly opts: FailoverOptions,
    first: O2gClient,
    host: string,
  ) {
    super();
    this.current = first;
    this.host = host;
  }

  /** Logs in on the primary host, or (as the SDK's login loop) on the secondary if it fails. */
  static async login(opts: FailoverOptions): Promise<FailoverClient> {
    let host = opts.primary;
    let switched = false;
    for (let attempt = 0; ; attempt++) {
      try {
        const c = await O2gClient.login({ ...opts, baseUrl: host }, opts.dispatcher);
        const fc = new FailoverClient(opts, c, host);
        fc.usingSecondary = switched;
        fc.logins = 1;
        fc.startWatching();
        return fc;
      } catch (err) {
        if (!opts.secondary || attempt >= 5) throw err;
        if (!switched) {
          host = opts.secondary;
          switched = true;
        }
        await sleep(opts.backoffMs?.[Math.min(attempt, opts.backoffMs.length - 1)] ?? 5_000);
      }
    }
  }

  get client(): O2gClient {
    return this.current;
  }

  get currentHost(): string {
    return this.host;
  }

  /** Subscribes now and again after every recovery. */
  async subscribe(selectors: { ids?: string[]; names: string[] }[]): Promise<void> {
    this.selectors = selectors;
    await this.listen();
  }

  onEvent(fn: (e: O2gEvent) => void): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watch);
    this.stream?.close();
    await this.current.close().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    if (!this.selectors) return;
    const stream = await this.current.subscribe(this.selectors);
    this.stream = stream;
    const deliver = (e: O2gEvent) => {
      for (const l of this.eventListeners) l(e);
    };
    // What arrived while subscribe() waited for the channel to open (its OnChannelInformation
    // at least) is in the stream already: hand it over first, then follow.
    for (const e of stream.events) deliver(e);
    stream.onEvent(deliver);
  }

  private startWatching(): void {
    this.watch = setInterval(() => {
      if (this.recovering || this.closed) return;
      this.current.keepAlive().then(
        (r) => {
          // The SDK takes any non-2xx keepalive as the session gone.
          if (r.status >= 300) void this.recover(`keepalive answered ${r.status}`);
        },
        (err: Error) => void this.recover(err.message),
      );
    }, this.opts.keepAliveMs ?? 10_000);
  }

  private async recover(reason: string): Promise<void> {
    if (this.recovering || this.closed) return;
    this.recovering = true;
    this.emit("sessionLost", reason);
    this.stream?.close();
    this.stream = undefined;
    const backoff = this.opts.backoffMs ?? SDK_BACKOFF;
    for (let attempt = 0; !this.closed; attempt++) {
      if (this.opts.secondary && !this.usingSecondary) {
        // As the SDK: once on the secondary, it stays there.
        this.usingSecondary = true;
        this.emit("serverSwitched", { from: this.host, to: this.opts.secondary });
        this.host = this.opts.secondary;
      }
      await sleep(backoff[Math.min(attempt, backoff.length - 1)]!);
      try {
        const c = await O2gClient.login({ ...this.opts, baseUrl: this.host }, this.opts.dispatcher);
        this.current = c;
        this.logins++;
        // The session is valid even if subscribing fails; the next check will tell.
        await this.listen().catch(() => undefined);
        this.recovering = false;
        this.emit("reconnected");
        return;
      } catch {
        // next attempt
      }
    }
  }
}
