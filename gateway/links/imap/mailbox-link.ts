/**
 * The IMAP link to one user's mailbox on a node's 4645 voice mail: an imapflow connection logged
 * in as the user, INBOX selected, IDLE between commands so that a deposit, a deletion or a flag
 * changed elsewhere (the phone's own voice mail menu) is pushed to us at once.
 *
 * The gateway keeps the mailbox's list in memory: each message's headers are read once (they
 * never change), flags are read again whenever the server says something changed. Requests are
 * answered from that list; only the audio is fetched per request.
 *
 * Messages live on the voice mail server, so a dropped link loses nothing: the list is read again
 * when the link comes back. A link someone holds (the event summary watching a user's counters)
 * reconnects by itself with backoff; one nobody holds is reopened by the next request. When the
 * voice mail has two addresses (it runs on the call servers of a redundant pair), an address that
 * cannot be reached sends the link to the other one at once.
 *
 * What the 4645 puts in a voice mail (X-OXE-* headers, the WAV as an audio/* part) is described
 * by the emulator's servers/imap/message.ts; a mail without those headers is still listed, from
 * its envelope.
 */
import { EventEmitter } from "node:events";
import type { Readable } from "node:stream";
import { type FetchMessageObject, ImapFlow, type ImapFlowError, type MessageStructureObject } from "imapflow";
import { backoffMs } from "../reconnect.js";

export interface ImapEndpoint {
  host: string;
  port: number;
}

export type ImapLog = (level: "info" | "warn" | "error", line: string) => void;

export interface MailboxLinkOptions {
  /** "node 1 IMAP oxe10001": for log lines */
  name: string;
  /** the voice mail's address; a second one is tried when the first cannot be reached */
  endpoints: readonly ImapEndpoint[];
  /** TLS from the first byte (IMAPS) */
  secure: boolean;
  /**
   * Without `secure`: STARTTLS when the voice mail offers it ("offered"), a voice mail that does
   * not is refused ("required"), or cleartext ("never", the default: the link then logs in as
   * before, whatever the voice mail offers)
   */
  startTls?: "offered" | "required" | "never";
  /** PEM of the CA the voice mail's certificate is checked against (the node's CA) */
  ca?: string;
  login: string;
  password: string;
  connectTimeoutMs: number;
  /**
   * how long one request waits for the voice mail (the login included) before it fails: a
   * server that ignores a line (the 4645 drops one over its length limit) must not hang it
   */
  commandTimeoutMs?: number;
  /** IDLE starts this long after the last command */
  autoIdleMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** audio is fetched in pieces of this size */
  downloadChunkBytes: number;
  log: ImapLog;
}

export interface MailMessage {
  readonly uid: number;
  /** when the message was left, ms since epoch */
  readonly date: number;
  /** the caller's number; empty when withheld */
  readonly caller: string;
  readonly callerName: string | undefined;
  readonly durationSec: number;
  readonly highPriority: boolean;
  readonly seen: boolean;
  /** the mail's size in bytes (RFC822.SIZE) */
  readonly size: number;
}

export interface MailboxView {
  readonly uidValidity: string;
  /** by UID, oldest first */
  readonly messages: readonly MailMessage[];
}

/**
 * `auth`: the server refused the password; `unavailable`: it could not be reached or the link
 * broke; `noMessage`: no such message; `closed`: the link was closed on purpose meanwhile.
 */
export type MailboxFailure = "auth" | "unavailable" | "noMessage" | "closed";

export class MailboxError extends Error {
  override readonly name = "MailboxError";
  constructor(
    readonly failure: MailboxFailure,
    message: string,
  ) {
    super(message);
  }
}

export type MailboxLinkState = "closed" | "opening" | "open" | "reconnecting" | "stopped";

export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;

interface Meta {
  readonly uid: number;
  readonly date: number;
  readonly caller: string;
  readonly callerName: string | undefined;
  readonly durationSec: number;
  readonly highPriority: boolean;
  readonly size: number;
  /** the body part holding the recording */
  readonly audioPart: string;
}

const HEADERS = ["x-oxe-caller-number", "x-oxe-caller-name", "x-oxe-duration", "importance", "x-priority"];

/** RFC 2047 encoded-words (the 4645 encodes non-ASCII names so). */
export function decodeWords(text: string): string {
  return text
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (whole, charset: string, enc: string, data: string) => {
      const bytes =
        enc.toUpperCase() === "B"
          ? Buffer.from(data, "base64")
          : Buffer.from(
              data
                .replace(/_/g, " ")
                .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
              "latin1",
            );
      try {
        return new TextDecoder(charset.toLowerCase()).decode(bytes);
      } catch {
        return whole;
      }
    });
}

/** Header lines (as fetched) into a lower-cased name -> value map, folded lines unfolded. */
export function parseHeaderLines(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of raw.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    out.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return out;
}

function audioPartOf(node: MessageStructureObject | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type.toLowerCase().startsWith("audio/")) return node.part ?? "1";
  for (const child of node.childNodes ?? []) {
    const p = audioPartOf(child);
    if (p) return p;
  }
  return undefined;
}

function metaOf(m: FetchMessageObject): Meta {
  const h = parseHeaderLines(m.headers?.toString("utf8") ?? "");
  const from = m.envelope?.from?.[0];
  const local = from?.address?.split("@")[0] ?? "";
  const caller = h.get("x-oxe-caller-number") ?? (/^[0-9*#+]+$/.test(local) ? local : "");
  const named = h.get("x-oxe-caller-name");
  const callerName = named !== undefined ? decodeWords(named) : caller ? from?.name || undefined : undefined;
  const duration = Number(h.get("x-oxe-duration") ?? "0");
  const date = m.envelope?.date ?? m.internalDate;
  return {
    uid: m.uid,
    date: date ? new Date(date).getTime() : 0,
    caller,
    callerName,
    durationSec: Number.isFinite(duration) ? duration : 0,
    highPriority: h.get("importance")?.toLowerCase() === "high" || /^[12]\b/.test(h.get("x-priority") ?? ""),
    size: m.size ?? 0,
    audioPart: audioPartOf(m.bodyStructure) ?? "2",
  };
}

interface MailboxLinkEvents {
  /** the list of messages changed (or was read again after a reconnection) */
  changed: [view: MailboxView];
  up: [];
  down: [reason: string];
  /** the server refused the password: the link will not try again with it */
  refused: [];
}

export class MailboxLink extends EventEmitter<MailboxLinkEvents> {
  state: MailboxLinkState = "closed";
  /** when a request last used the link (performance.now()): idle links are closed by the pool */
  lastUsed = performance.now();
  private client: ImapFlow | undefined;
  private opening: Promise<void> | undefined;
  private uidValidity = "";
  private readonly metas = new Map<number, Meta>();
  private current: MailboxView | undefined;
  private holds = 0;
  private busy = 0;
  private syncing: Promise<void> | undefined;
  private dirty = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastError = "";
  /** index in `endpoints` of the address the link is (or was last) up on */
  private endpointIndex = 0;

  constructor(readonly options: MailboxLinkOptions) {
    super();
  }

  get name(): string {
    return this.options.name;
  }

  /** The list as last read; undefined before the first open. */
  get view(): MailboxView | undefined {
    return this.current;
  }

  /** Held, or a request is running on it: not to be closed for idleness. */
  get inUse(): boolean {
    return this.holds > 0 || this.busy > 0;
  }

  /** a getter, so that TypeScript does not narrow it across an await that may stop the link */
  private get stopped(): boolean {
    return this.state === "stopped";
  }

  get isOpen(): boolean {
    return this.state === "open";
  }

  /** Open the mailbox (if it is not) and give its list. */
  async open(): Promise<MailboxView> {
    this.lastUsed = performance.now();
    if (this.state === "stopped") throw new MailboxError("closed", `${this.name} is closed`);
    if (this.state !== "open" || !this.client?.usable) {
      this.opening ??= this.connect()
        .catch((err: unknown) => {
          if (err instanceof MailboxError) throw err;
          // Connected, but reading the list failed: the connection is not to be trusted.
          this.client?.close();
          throw new MailboxError("unavailable", `${this.name}: ${(err as Error).message}`);
        })
        .finally(() => {
          this.opening = undefined;
        });
      await this.within("the login", this.opening);
    }
    return this.current!;
  }

  /**
   * Keep the link open (reconnecting when it drops) until the returned function is called: for
   * counters that must follow the mailbox without anyone asking.
   */
  hold(): () => void {
    this.holds++;
    if (this.state !== "open") {
      this.open().catch((err: Error) => {
        if (!(err instanceof MailboxError && err.failure === "auth")) this.scheduleReconnect(err.message);
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.lastUsed = performance.now();
    };
  }

  /**
   * The list, current: as held while the link IDLEs (the server pushes every change at once),
   * read again otherwise (just after a command, a change may not be announced yet).
   */
  async fresh(): Promise<MailboxView> {
    await this.open();
    if (!this.client?.idling) await this.within("reading the list", this.sync());
    return this.current!;
  }

  /** The recording of message `uid`, as a stream of the WAV's bytes. */
  async audio(uid: number): Promise<Readable> {
    return this.using(async (client) => {
      await this.known([uid]);
      const meta = this.metas.get(uid)!;
      const d = await client.download(String(uid), meta.audioPart, {
        uid: true,
        chunkSize: this.options.downloadChunkBytes,
      });
      if (!d.content) throw this.noMessage(uid);
      return d.content;
    });
  }

  /** The whole recording in memory (for a byte range of it). */
  async audioBytes(uid: number): Promise<Buffer> {
    const content = await this.audio(uid);
    const chunks: Buffer[] = [];
    for await (const c of content) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
    return Buffer.concat(chunks);
  }

  async markSeen(uids: readonly number[]): Promise<void> {
    await this.using(async (client) => {
      await this.known(uids);
      await client.messageFlagsAdd(uids.join(","), ["\\Seen"], { uid: true });
    });
    await this.within("reading the list", this.sync());
  }

  async remove(uids: readonly number[]): Promise<void> {
    await this.using(async (client) => {
      await this.known(uids);
      await client.messageDelete(uids.join(","), { uid: true });
    });
    await this.within("reading the list", this.sync());
  }

  /** Log out and forget the connection; a later open() connects again. */
  async close(): Promise<void> {
    clearTimeout(this.retryTimer);
    const c = this.client;
    this.client = undefined;
    if (this.state !== "stopped") this.state = "closed";
    if (!c) return;
    await Promise.race([c.logout().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
    c.close();
  }

  /** Close for good. */
  async stop(): Promise<void> {
    this.state = "stopped";
    await this.close();
  }

  private noMessage(uid: number): MailboxError {
    return new MailboxError("noMessage", `no voice message ${uid} in ${this.options.login}'s mailbox`);
  }

  /**
   * Every UID is in the list, read again first if one is not: outside IDLE (just after a
   * command) a message deposited a moment ago is not yet announced.
   */
  private async known(uids: readonly number[]): Promise<void> {
    const missing = () => {
      const have = new Set(this.current?.messages.map((m) => m.uid));
      return uids.find((uid) => !have.has(uid));
    };
    if (missing() === undefined) return;
    await this.sync();
    const uid = missing();
    if (uid !== undefined) throw this.noMessage(uid);
  }

  private async using<T>(f: (client: ImapFlow) => Promise<T>): Promise<T> {
    this.busy++;
    try {
      await this.open();
      const client = this.client;
      if (!client) throw new MailboxError("unavailable", `${this.name} closed`);
      try {
        return await this.within("the command", f(client));
      } catch (err) {
        if (err instanceof MailboxError) throw err;
        throw new MailboxError("unavailable", `${this.name}: ${(err as Error).message}`);
      }
    } finally {
      this.busy--;
      this.lastUsed = performance.now();
    }
  }

  /**
   * `work`, or a MailboxError once the voice mail has kept this request waiting too long. Only
   * the request fails: the link stays, and imapflow's own socket timeout judges the connection.
   */
  private within<T>(what: string, work: Promise<T>): Promise<T> {
    const ms = this.options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new MailboxError("unavailable", `${this.name}: no answer to ${what} within ${ms} ms`)),
        ms,
      );
    });
    work.catch(() => undefined); // lost the race: its failure is nobody's now
    return Promise.race([work, late]).finally(() => clearTimeout(timer));
  }

  /** Connect to the current address, then to the other ones while they cannot be reached. */
  private async connect(): Promise<void> {
    const n = this.options.endpoints.length;
    for (let tried = 1; ; tried++) {
      try {
        await this.connectTo(this.options.endpoints[this.endpointIndex]!);
        return;
      } catch (err) {
        if (!(err instanceof MailboxError) || err.failure !== "unavailable" || tried >= n || this.stopped)
          throw err;
        this.endpointIndex = (this.endpointIndex + 1) % n;
      }
    }
  }

  private async connectTo(ep: ImapEndpoint): Promise<void> {
    const o = this.options;
    const wasUp = this.current !== undefined;
    this.state = this.state === "reconnecting" ? "reconnecting" : "opening";
    const client = new ImapFlow({
      host: ep.host,
      port: ep.port,
      secure: o.secure,
      // imapflow upgrades whenever STARTTLS is offered unless told otherwise: say which.
      ...(o.secure
        ? {}
        : { doSTARTTLS: o.startTls === "required" ? true : o.startTls === "offered" ? undefined : false }),
      ...(o.ca ? { tls: { ca: o.ca } } : {}),
      auth: { user: o.login, pass: o.password },
      logger: false,
      autoIdleDelay: o.autoIdleMs,
      // IDLE is restarted now and then, so an idle link carries traffic and a dead peer is noticed.
      maxIdleTime: 120_000,
      connectionTimeout: o.connectTimeoutMs,
      greetingTimeout: o.connectTimeoutMs,
      clientInfo: { name: "o2g-testbench gateway" },
    });
    // imapflow emits 'error' once per connection; an unhandled one would end the process.
    client.on("error", (err: Error) => {
      this.lastError = err.message;
    });
    client.on("close", () => this.onClose(client));
    // Not from inside imapflow's handler: the untagged response that raised it is still being
    // processed, and our FETCH must queue behind it.
    const changed = () =>
      setImmediate(() => {
        if (this.client === client) void this.sync().catch(() => undefined);
      });
    client.on("exists", changed);
    client.on("expunge", changed);
    client.on("flags", changed);
    // A login the server never answers would keep `opening` (and every later request) waiting:
    // past the command timeout the attempt is abandoned and its connection closed.
    const ms = o.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    let overdue = false;
    const watchdog = setTimeout(() => {
      overdue = true;
      client.close();
    }, ms);
    try {
      await client.connect();
      await client.mailboxOpen("INBOX");
    } catch (err) {
      if (overdue) {
        if (!this.stopped) this.state = "closed";
        throw new MailboxError("unavailable", `${o.name}: no answer to the login within ${ms} ms`);
      }
      client.close();
      if (!this.stopped) this.state = "closed";
      const e = err as ImapFlowError;
      if (e.authenticationFailed) {
        this.emit("refused");
        throw new MailboxError("auth", `${o.name}: the voice mail refused the password`);
      }
      throw new MailboxError("unavailable", `${o.name}: ${e.message}`);
    } finally {
      clearTimeout(watchdog);
    }
    if (this.stopped) {
      client.close();
      throw new MailboxError("closed", `${o.name} is closed`);
    }
    this.client = client;
    this.attempt = 0;
    clearTimeout(this.retryTimer);
    // Open once the list is read: a request never finds an open link without its list.
    await this.sync();
    this.state = "open";
    const standby = this.endpointIndex > 0 ? " (second address)" : "";
    o.log("info", `${o.name} up on ${ep.host}:${ep.port}${standby}${wasUp ? " again" : ""}`);
    this.emit("up");
  }

  private onClose(client: ImapFlow): void {
    if (this.client !== client) return;
    this.client = undefined;
    const reason = client.byeReason ?? (this.lastError || "connection closed");
    this.lastError = "";
    if (this.state === "stopped" || this.state === "closed") return;
    this.state = "closed";
    this.options.log("warn", `${this.name} down (${reason})`);
    this.emit("down", reason);
    if (this.holds > 0) this.scheduleReconnect(reason);
  }

  private scheduleReconnect(reason: string): void {
    if (this.state === "stopped" || this.holds === 0) return;
    const o = this.options;
    const delay = this.attempt === 0 ? 0 : backoffMs(this.attempt - 1, o.reconnectMinMs, o.reconnectMaxMs);
    if (this.attempt === 1) o.log("warn", `${this.name} cannot reconnect (${reason}), retrying`);
    this.attempt++;
    this.state = "reconnecting";
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (this.holds === 0 || this.state === "stopped" || this.state === "open") return;
      this.open().catch((err: Error) => {
        if (err instanceof MailboxError && err.failure === "auth") return;
        this.scheduleReconnect(err.message);
      });
    }, delay);
    this.retryTimer.unref();
  }

  /** Read the list again; runs one at a time, and once more if something changed meanwhile. */
  private sync(): Promise<void> {
    this.dirty = true;
    this.syncing ??= (async () => {
      try {
        while (this.dirty) {
          this.dirty = false;
          await this.syncOnce();
        }
      } finally {
        this.syncing = undefined;
      }
    })();
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const client = this.client;
    const box = client?.mailbox;
    if (!client || !box) return;
    const uidValidity = String(box.uidValidity);
    if (uidValidity !== this.uidValidity) {
      // New UIDVALIDITY: the UIDs we knew name other messages now (RFC 3501 2.3.1.1).
      this.metas.clear();
      this.uidValidity = uidValidity;
    }
    const flags =
      box.exists > 0
        ? await client.fetchAll("1:*", { uid: true, flags: true })
        : ([] as FetchMessageObject[]);
    const unknown = flags.filter((m) => !this.metas.has(m.uid)).map((m) => m.uid);
    if (unknown.length) {
      const metas = await client.fetchAll(
        unknown.join(","),
        { uid: true, envelope: true, size: true, internalDate: true, bodyStructure: true, headers: HEADERS },
        { uid: true },
      );
      for (const m of metas) this.metas.set(m.uid, metaOf(m));
    }
    const present = new Set<number>();
    const messages: MailMessage[] = [];
    for (const f of flags.sort((a, b) => a.uid - b.uid)) {
      const meta = this.metas.get(f.uid);
      if (!meta) continue;
      present.add(f.uid);
      const { audioPart: _part, ...rest } = meta;
      messages.push({ ...rest, seen: f.flags?.has("\\Seen") ?? false });
    }
    for (const uid of this.metas.keys()) if (!present.has(uid)) this.metas.delete(uid);
    const before = this.current;
    const view: MailboxView = { uidValidity, messages };
    this.current = view;
    if (!before || signature(before) !== signature(view)) this.emit("changed", view);
  }
}

function signature(v: MailboxView): string {
  return `${v.uidValidity}:${v.messages.map((m) => `${m.uid}${m.seen ? "s" : "u"}`).join(",")}`;
}
