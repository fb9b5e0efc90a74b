/**
 * O2G's Messaging service on the gateway's side: each user's 4645 mailbox, reached through the
 * user's own IMAP login on their node (see credentials.ts for the password), opened on demand,
 * kept current by IMAP IDLE, closed when unused; and the voice mail counters every change
 * updates (counters.ts).
 *
 * A user has one mailbox, named by the user's directory number (the 4645's mailbox number).
 * Voice message ids are the messages' IMAP UIDs, which the server never reuses in a mailbox.
 */
import type { Readable } from "node:stream";
import type { VoiceMailSettings } from "../../config/settings.js";
import {
  type ImapEndpoint,
  type ImapLog,
  MailboxError,
  type MailboxLink,
  MailboxPool,
  type MailboxView,
  type MailMessage,
} from "../../links/imap/index.js";
import type { GwUser, UserDirectory } from "../directory.js";
import { type VoiceMailCount, VoiceMailCounters } from "./counters.js";
import { MailboxCredentials } from "./credentials.js";
import type {
  MailboxCapabilitiesJson,
  MailboxInfoJson,
  MailboxJson,
  PartyInfoJson,
  VoiceMessageJson,
} from "./schema.js";

export type { VoiceMailSettings };

export interface VoiceMailServiceOptions {
  directory: UserDirectory;
  /**
   * The 4645 (IMAP) addresses of node `nodeId`, the main's first (two for a redundant pair);
   * none when the node has no voice mail.
   */
  endpoints(nodeId: number): readonly ImapEndpoint[];
  settings: VoiceMailSettings;
  log: ImapLog;
}

/**
 * `noVoiceMail`: the user's node has no voice mail configured (or no such mailbox);
 * `noMessage`: no such voice message; `noPassword`: the gateway knows no password for the
 * mailbox; `refused`: the voice mail refused the password; `unavailable`: it cannot be reached.
 */
export type VoiceMailFailure = "noVoiceMail" | "noMessage" | "noPassword" | "refused" | "unavailable";

export class VoiceMailError extends Error {
  override readonly name = "VoiceMailError";
  constructor(
    readonly failure: VoiceMailFailure,
    message: string,
  ) {
    super(message);
  }
}

// The wire shapes are schemas (schema.ts); these names stay importable from here.
export type {
  MailboxCapabilitiesJson,
  MailboxInfoJson,
  MailboxJson,
  PartyInfoJson,
  VoiceMessageJson,
} from "./schema.js";

export interface ListOptions {
  newOnly: boolean;
  offset: number;
  limit: number | undefined;
}

/** What the gateway's IMAP side can do: list, fetch and delete; no telephone-side playing. */
const CAPABILITIES: MailboxCapabilitiesJson = {
  listMessages: true,
  getMessages: true,
  getRecord: false,
  play: false,
  pause: false,
  hangup: false,
  record: false,
  resume: false,
  cancel: false,
  forward: false,
  callback: false,
  send: false,
  events: true,
};

export function countOf(view: MailboxView): VoiceMailCount {
  let unread = 0;
  for (const m of view.messages) if (!m.seen) unread++;
  return { unread, total: view.messages.length };
}

export class VoiceMailService {
  readonly credentials = new MailboxCredentials();
  readonly counters = new VoiceMailCounters();
  private readonly pool: MailboxPool;
  /** logins watched (event summary) -> how many watchers */
  private readonly watchers = new Map<string, number>();
  /** logins whose link is held for the watchers -> release */
  private readonly holds = new Map<string, () => void>();

  constructor(private readonly options: VoiceMailServiceOptions) {
    this.pool = new MailboxPool({
      idleCloseMs: options.settings.idleCloseMs,
      maxLinks: options.settings.maxConnections,
    });
  }

  start(): void {
    this.pool.start();
  }

  async stop(): Promise<void> {
    for (const release of this.holds.values()) release();
    this.holds.clear();
    await this.pool.stop();
  }

  /** Mailboxes open now. */
  get openMailboxes(): number {
    return this.pool.size;
  }

  hasVoiceMail(user: GwUser): boolean {
    return this.options.endpoints(user.nodeId).length > 0;
  }

  /** The mailboxes of `user`: one, named by their number, when their node has voice mail. */
  mailboxes(user: GwUser): MailboxJson[] {
    if (!this.hasVoiceMail(user)) return [];
    const name = `${user.firstName} ${user.lastName}`.trim() || user.companyPhone;
    return [{ id: user.companyPhone, name, capabilities: { ...CAPABILITIES } }];
  }

  /**
   * A password for `login`'s mailbox, given by session `token` (the user's at authentication,
   * or one given with getMailboxInfo).
   */
  remember(token: string, login: string, password: string): void {
    this.credentials.remember(token, login, password);
    if (this.watchers.has(login)) this.holdFor(login);
  }

  /** Session `token` ended: the mailboxes only it knew a password for are closed. */
  sessionEnded(token: string): void {
    for (const login of this.credentials.forget(token)) {
      this.holds.get(login)?.();
      this.holds.delete(login);
      const user = this.options.directory.users.get(login);
      if (user) this.pool.drop(this.key(user));
    }
  }

  /**
   * Keep `loginName`'s mailbox open and its counters current (IDLE), until the returned function
   * is called: for the event summary of a subscribed user. Without a known password nothing is
   * opened until one is given (the user logs in).
   */
  watch(loginName: string): () => void {
    this.watchers.set(loginName, (this.watchers.get(loginName) ?? 0) + 1);
    this.holdFor(loginName);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.watchers.get(loginName) ?? 1) - 1;
      if (n > 0) {
        this.watchers.set(loginName, n);
        return;
      }
      this.watchers.delete(loginName);
      this.holds.get(loginName)?.();
      this.holds.delete(loginName);
    };
  }

  /** The counters of `user`'s mailbox, read now (opening it if need be). */
  async count(user: GwUser): Promise<VoiceMailCount> {
    return countOf(await this.view(user));
  }

  async info(user: GwUser): Promise<MailboxInfoJson> {
    const v = await this.view(user);
    const c = countOf(v);
    let bytes = 0;
    for (const m of v.messages) bytes += m.size;
    return { totalVoiceMsg: c.total, newVoiceMsg: c.unread, storageUsage: bytes };
  }

  /** Voice messages, newest first. */
  async messages(user: GwUser, o: ListOptions): Promise<VoiceMessageJson[]> {
    const v = await this.view(user);
    const out: VoiceMessageJson[] = [];
    let skipped = 0;
    for (let i = v.messages.length - 1; i >= 0; i--) {
      const m = v.messages[i]!;
      if (o.newOnly && m.seen) continue;
      if (skipped < o.offset) {
        skipped++;
        continue;
      }
      if (o.limit !== undefined && out.length >= o.limit) break;
      out.push(this.messageJson(m));
    }
    return out;
  }

  /** The recording of a message, streamed. */
  async audio(user: GwUser, voicemailId: string): Promise<Readable> {
    return this.on(user, (link) => link.audio(this.uid(voicemailId)));
  }

  /** The recording of a message, in memory. */
  async audioBytes(user: GwUser, voicemailId: string): Promise<Buffer> {
    return this.on(user, (link) => link.audioBytes(this.uid(voicemailId)));
  }

  /** Mark messages as heard. */
  async acknowledge(user: GwUser, voicemailIds: readonly string[]): Promise<void> {
    const uids = voicemailIds.map((id) => this.uid(id));
    await this.on(user, (link) => link.markSeen(uids));
  }

  /** Delete messages: all of them, or none when one does not exist. */
  async remove(user: GwUser, voicemailIds: readonly string[]): Promise<void> {
    const uids = [...new Set(voicemailIds.map((id) => this.uid(id)))];
    await this.on(user, (link) => link.remove(uids));
  }

  private key(user: GwUser): string {
    return `${user.nodeId}/${user.loginName}`;
  }

  private uid(voicemailId: string): number {
    if (!/^\d{1,10}$/.test(voicemailId))
      throw new VoiceMailError("noMessage", `no voice message ${voicemailId}`);
    return Number(voicemailId);
  }

  private holdFor(login: string): void {
    if (this.holds.has(login)) return;
    const user = this.options.directory.users.get(login);
    if (!user || !this.hasVoiceMail(user) || !this.credentials.has(login)) return;
    try {
      this.holds.set(login, this.link(user).hold());
    } catch {
      // no room for another mailbox now: the counters follow on the next request
    }
  }

  private link(user: GwUser): MailboxLink {
    const endpoints = this.options.endpoints(user.nodeId);
    if (endpoints.length === 0)
      throw new VoiceMailError("noVoiceMail", `node ${user.nodeId} of ${user.loginName} has no voice mail`);
    const password = this.credentials.passwordFor(user.loginName);
    if (password === undefined) {
      throw new VoiceMailError(
        "noPassword",
        `the gateway knows no password for ${user.loginName}'s mailbox: the user must log in, or the mailbox password be given (POST the mailbox with {password})`,
      );
    }
    const s = this.options.settings;
    const login = user.loginName;
    try {
      return this.pool.get(
        this.key(user),
        () => ({
          name: `node ${user.nodeId} IMAP ${login}`,
          endpoints,
          secure: s.secure,
          startTls: s.startTls ?? (s.ca ? "offered" : "never"),
          ...(s.ca ? { ca: s.ca } : {}),
          login,
          password,
          connectTimeoutMs: s.connectTimeoutMs,
          commandTimeoutMs: s.commandTimeoutMs,
          autoIdleMs: s.autoIdleMs,
          reconnectMinMs: s.reconnectMinMs,
          reconnectMaxMs: s.reconnectMaxMs,
          downloadChunkBytes: s.downloadChunkBytes,
          log: this.options.log,
        }),
        (link) => {
          link.on("changed", (view) => this.counters.set(login, countOf(view)));
          link.on("refused", () => this.credentials.refuse(login, link.options.password));
        },
      );
    } catch (err) {
      throw this.translate(err);
    }
  }

  private async view(user: GwUser): Promise<MailboxView> {
    return this.on(user, (link) => link.fresh());
  }

  private async on<T>(user: GwUser, f: (link: MailboxLink) => Promise<T>): Promise<T> {
    const link = this.link(user);
    try {
      return await f(link);
    } catch (err) {
      throw this.translate(err);
    }
  }

  private translate(err: unknown): unknown {
    if (!(err instanceof MailboxError)) return err;
    switch (err.failure) {
      case "auth":
        return new VoiceMailError("refused", err.message);
      case "noMessage":
        return new VoiceMailError("noMessage", err.message);
      default:
        return new VoiceMailError("unavailable", err.message);
    }
  }

  private messageJson(m: MailMessage): VoiceMessageJson {
    const j: VoiceMessageJson = {
      voicemailId: String(m.uid),
      duration: m.durationSec,
      date: new Date(m.date).toISOString(),
      unread: !m.seen,
      highPriority: m.highPriority,
    };
    if (m.caller) j.from = this.party(m.caller, m.callerName);
    return j;
  }

  private party(number: string, name: string | undefined): PartyInfoJson {
    const user = this.options.directory.byPhone(number);
    if (user) {
      return {
        id: { loginName: user.loginName, phoneNumber: number },
        firstName: user.firstName,
        lastName: user.lastName,
        displayName: `${user.firstName} ${user.lastName}`.trim(),
        type: { main: "USER" },
      };
    }
    return { id: { phoneNumber: number }, displayName: name ?? number, type: { main: "EXTERNAL" } };
  }
}
