/**
 * The open mailbox links of the gateway, one per user, opened on demand and closed after
 * `idleCloseMs` without use (unless held). A 4645 serves thousands of mailboxes but not thousands
 * of idle sessions of one client: `maxLinks` bounds them, the least recently used idle link
 * making room for a new one.
 */
import { MailboxError, MailboxLink, type MailboxLinkOptions } from "./mailbox-link.js";

export interface MailboxPoolOptions {
  idleCloseMs: number;
  maxLinks: number;
}

export class MailboxPool {
  private readonly links = new Map<string, MailboxLink>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: MailboxPoolOptions) {}

  get size(): number {
    return this.links.size;
  }

  start(): void {
    const period = Math.max(50, Math.min(30_000, this.options.idleCloseMs / 4));
    this.sweeper = setInterval(() => this.sweep(), period);
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.links.values()];
    this.links.clear();
    await Promise.all(all.map((l) => l.stop()));
  }

  peek(key: string): MailboxLink | undefined {
    return this.links.get(key);
  }

  /**
   * The link for `key`, made with `options()` when there is none, or when the one there logs in
   * with another password (the user changed it) or to another address.
   */
  get(key: string, options: () => MailboxLinkOptions, setup?: (link: MailboxLink) => void): MailboxLink {
    const existing = this.links.get(key);
    if (existing) {
      const o = options();
      const where = (l: MailboxLinkOptions) => l.endpoints.map((e) => `${e.host}:${e.port}`).join(",");
      const same = existing.options.password === o.password && where(existing.options) === where(o);
      if (same) return existing;
      this.drop(key);
    }
    if (this.links.size >= this.options.maxLinks) this.makeRoom();
    const link = new MailboxLink(options());
    this.links.set(key, link);
    setup?.(link);
    return link;
  }

  /** Close and forget a link. */
  drop(key: string): void {
    const link = this.links.get(key);
    if (!link) return;
    this.links.delete(key);
    void link.stop();
  }

  private makeRoom(): void {
    let oldest: [string, MailboxLink] | undefined;
    for (const entry of this.links) {
      if (entry[1].inUse) continue;
      if (!oldest || entry[1].lastUsed < oldest[1].lastUsed) oldest = entry;
    }
    if (!oldest) {
      throw new MailboxError(
        "unavailable",
        `${this.options.maxLinks} mailboxes are open and in use: try again later`,
      );
    }
    this.drop(oldest[0]);
  }

  private sweep(): void {
    const now = performance.now();
    for (const [key, link] of this.links) {
      if (!link.inUse && now - link.lastUsed >= this.options.idleCloseMs) {
        if (link.isOpen)
          link.options.log(
            "info",
            `${link.name} closed after ${Math.round((now - link.lastUsed) / 1000)} s unused`,
          );
        this.drop(key);
      }
    }
  }
}
