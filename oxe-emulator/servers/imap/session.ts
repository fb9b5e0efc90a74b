/**
 * One IMAP connection (RFC 3501): its state (not authenticated, authenticated, selected), the
 * command table, and the bookkeeping that keeps the client's view of the mailbox consistent.
 *
 * The view: a session numbers messages by sequence number; another session (or a deposit, or
 * the gateway deleting through another connection) changes the mailbox under it. Changes are
 * reported as untagged EXISTS / EXPUNGE / FETCH (FLAGS) responses at the end of the next command,
 * except that EXPUNGE is held back during FETCH, STORE and SEARCH (RFC 3501 7.4.1: sequence
 * numbers must not shift under them), and at once while the client IDLEs (RFC 2177).
 *
 * A user sees only their own mailbox: it is INBOX, the only name there is.
 */
import type net from "node:net";
import type tls from "node:tls";
import type { Subscriber } from "../../directory/index.js";
import {
  canonicalFlag,
  type MessageFlag,
  type VoiceMailChange,
  VoiceMailError,
  type VoiceMailStore,
  type VoiceMessage,
} from "../../voicemail/index.js";
import { type FetchItem, fetchResponse, flagList, parseFetchItems, setsSeen } from "./fetch.js";
import { VoiceMail } from "./message.js";
import {
  ImapParseError,
  inSequenceSet,
  parseSequenceSet,
  type SeqRange,
  type Token,
  tokenize,
} from "./parser.js";
import { BadCharsetError, compileSearch } from "./search.js";
import { list, type Piece, safeText } from "./wire.js";

const BASE_CAPABILITIES = "IMAP4rev1 LITERAL+ SASL-IR ID IDLE NAMESPACE UIDPLUS UNSELECT";
/** What the server offers once a client may log in (over TLS, or in cleartext when allowed). */
export const CAPABILITIES = `${BASE_CAPABILITIES} AUTH=PLAIN`;

/**
 * The capabilities for a connection: STARTTLS until TLS is on (RFC 3501 6.2.1), and when TLS is
 * required, LOGINDISABLED in place of AUTH=PLAIN (RFC 3501 6.2.3: no password in cleartext).
 */
export function capabilities(secure: boolean, requireTls: boolean): string {
  if (secure) return CAPABILITIES;
  return requireTls
    ? `${BASE_CAPABILITIES} STARTTLS LOGINDISABLED`
    : `${BASE_CAPABILITIES} STARTTLS AUTH=PLAIN`;
}

const SYSTEM_FLAGS = "(\\Answered \\Flagged \\Deleted \\Seen \\Draft)";
/** a client pipelining more than this many commands is read no further until they are done */
const MAX_QUEUED = 64;
/** output beyond this is waited on before the next message of a FETCH is written */
const HIGH_WATER = 1024 * 1024;
const MAX_LOGIN_FAILURES = 3;
const MAIL_CACHE = 32;

export interface SessionHost {
  readonly store: VoiceMailStore;
  readonly nodeId: number;
  readonly domain: string;
  /** LOGIN and AUTHENTICATE only over TLS */
  readonly requireTls: boolean;
  /** the TLS context STARTTLS negotiates with (the node's certificate) */
  secureContext(): Promise<tls.SecureContext>;
  log(line: string): void;
}

type State = "notAuthenticated" | "authenticated" | "selected" | "logout";

interface ViewEntry {
  readonly uid: number;
  /** kept even once expunged elsewhere, until the expunge is reported */
  message: VoiceMessage;
  /** the flags the client was last told of */
  known: string;
}

interface Selection {
  readonly mailbox: string;
  readonly readOnly: boolean;
  readonly view: ViewEntry[];
  /** highest UID the client has been told exists */
  maxUid: number;
}

class Reply {
  constructor(
    readonly status: "OK" | "NO" | "BAD",
    readonly text: string,
  ) {}
}

const ok = (text: string) => new Reply("OK", text);
const no = (text: string) => new Reply("NO", text);
const bad = (text: string) => new Reply("BAD", text);

type Handler = (args: readonly Token[], uid: boolean) => Reply | Promise<Reply>;

interface CommandSpec {
  readonly states: readonly State[];
  readonly run: Handler;
  /** untagged EXPUNGE may not be sent while answering it (RFC 3501 7.4.1) */
  readonly holdsExpunge?: (uid: boolean) => boolean;
}

const ANY: readonly State[] = ["notAuthenticated", "authenticated", "selected"];
const AUTHED: readonly State[] = ["authenticated", "selected"];
const SELECTED: readonly State[] = ["selected"];

function atom(t: Token | undefined, what: string): string {
  if (!t || t.type === "list") throw new ImapParseError(`${what} expected`);
  return t.value;
}

function isInbox(name: string): boolean {
  return name.toUpperCase() === "INBOX";
}

/** LIST's wildcards: `*` matches anything, `%` anything but the hierarchy delimiter. */
function matches(name: string, pattern: string): boolean {
  const re = pattern
    .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/%/g, "[^/]*");
  return new RegExp(`^${re}$`, "i").test(name);
}

export class ImapSession {
  private state: State = "notAuthenticated";
  private user: Subscriber | undefined;
  private selected: Selection | undefined;
  private readonly queue: Buffer[][] = [];
  private busy = false;
  private closed = false;
  /** the tag of the command being handled, for those that answer later (IDLE, AUTHENTICATE) */
  private currentTag = "*";
  private idleTag: string | undefined;
  private authTag: string | undefined;
  private failures = 0;
  private readonly mails = new Map<VoiceMessage, VoiceMail>();
  private readonly unsubscribe: () => void;
  private readonly commands: ReadonlyMap<string, CommandSpec>;
  private secure = false;
  /** run once the tagged answer is out (STARTTLS: the handshake begins right after it) */
  private afterReply: (() => void) | undefined;
  /**
   * Hands the connection to TLS (set by the server, which owns the reading side): the socket
   * to use from now on.
   */
  startTls: ((context: tls.SecureContext) => net.Socket) | undefined;

  constructor(
    private socket: net.Socket,
    private readonly host: SessionHost,
    readonly id: number,
  ) {
    this.unsubscribe = host.store.onChange((c) => this.onStoreChange(c));
    this.commands = this.commandTable();
  }

  greet(): void {
    this.send(
      `* OK [CAPABILITY ${this.capabilityList()}] OXE node ${this.host.nodeId} 4645 voice mail ready\r\n`,
    );
  }

  /** Refuse the connection politely (a fault, or too many connections). */
  refuse(text: string): void {
    this.send(`* BYE ${text}\r\n`);
    this.socket.end();
  }

  get loggedInAs(): string | undefined {
    return this.user?.directoryNumber;
  }

  // ---- input -----------------------------------------------------------------------------

  onCommand(segments: Buffer[]): void {
    if (this.closed) return;
    this.queue.push(segments);
    if (this.queue.length > MAX_QUEUED) this.socket.pause();
    void this.pump();
  }

  onContinueLiteral(): void {
    this.send("+ Ready for literal data\r\n");
  }

  onTooLong(partial: string): void {
    const tag = /^([^\s]+)\s/.exec(partial)?.[1];
    this.send(`${tag && /^[\x21-\x7e]+$/.test(tag) ? tag : "*"} BAD Command line too long\r\n`);
  }

  /** A non-synchronizing literal too large to read: refuse the command and close (RFC 7888 §4). */
  onLiteralTooLarge(partial: string): void {
    const tag = /^([^\s]+)\s/.exec(partial)?.[1];
    this.send(`${tag && /^[\x21-\x7e]+$/.test(tag) ? tag : "*"} BAD Literal too large\r\n`);
    this.send("* BYE Literal too large, closing\r\n");
    this.socket.end();
  }

  /** Drop the connection now, whatever carries it (TCP, or TLS over it). */
  destroy(): void {
    this.socket.destroy();
  }

  private capabilityList(): string {
    return capabilities(this.secure, this.host.requireTls);
  }

  timeout(): void {
    this.send("* BYE Autologout; idle for too long\r\n");
    this.socket.end();
  }

  dispose(): void {
    this.closed = true;
    this.unsubscribe();
    this.mails.clear();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length && !this.closed) {
        const segments = this.queue.shift()!;
        await this.handle(segments);
        if (this.queue.length <= MAX_QUEUED / 2 && this.socket.isPaused()) this.socket.resume();
      }
    } finally {
      this.busy = false;
    }
  }

  private async handle(segments: Buffer[]): Promise<void> {
    // Commands pipelined behind a LOGOUT (or the BYE after too many failures) get no answer.
    if (this.loggingOut()) return;
    if (this.idleTag !== undefined) return this.endIdle(segments[0]!.toString("utf8").trim());
    if (this.authTag !== undefined) return this.finishAuthenticate(segments[0]!.toString("utf8").trim());
    let tokens: Token[];
    try {
      tokens = tokenize(segments);
    } catch (err) {
      const tag = /^([^\s(){"]+)/.exec(segments[0]!.toString("latin1"))?.[1] ?? "*";
      this.send(`${safeText(tag)} BAD ${safeText((err as Error).message)}\r\n`);
      return;
    }
    const [tagToken, nameToken, ...rest] = tokens;
    if (tagToken?.type !== "atom" || tagToken.value === "*" || tagToken.value === "+") {
      if (tokens.length) this.send("* BAD Tag expected\r\n");
      return;
    }
    const tag = tagToken.value;
    if (nameToken?.type !== "atom") {
      this.send(`${tag} BAD Command expected\r\n`);
      return;
    }
    let name = nameToken.value.toUpperCase();
    let args = rest;
    let uid = false;
    if (name === "UID") {
      const sub = rest[0];
      if (sub?.type !== "atom") {
        this.send(`${tag} BAD UID needs a command\r\n`);
        return;
      }
      name = sub.value.toUpperCase();
      if (!["FETCH", "STORE", "SEARCH", "EXPUNGE", "COPY", "MOVE"].includes(name)) {
        this.send(`${tag} BAD UID ${safeText(name)} is not a UID command\r\n`);
        return;
      }
      uid = true;
      args = rest.slice(1);
    }
    const spec = this.commands.get(name);
    if (!spec) {
      this.send(`${tag} BAD Unknown command ${safeText(name)}\r\n`);
      return;
    }
    if (!spec.states.includes(this.state)) {
      // RFC 3501 6: a command outside the states it is defined in is not a valid command
      // there (its formal syntax has no place for it): BAD, as servers answer. NO is for a
      // valid command that failed.
      const why =
        this.state === "notAuthenticated"
          ? "log in first"
          : spec.states.includes("notAuthenticated")
            ? "already logged in"
            : spec.states.includes("selected")
              ? "no mailbox selected"
              : "not allowed now";
      this.send(`${tag} BAD [CLIENTBUG] ${name} is not valid in this state, ${why}\r\n`);
      return;
    }
    let reply: Reply;
    this.currentTag = tag;
    try {
      reply = await spec.run(args, uid);
    } catch (err) {
      if (err instanceof ImapParseError) reply = bad(err.message);
      else if (err instanceof VoiceMailError) reply = no(err.message);
      else {
        this.host.log(`session ${this.id}: ${name} failed: ${(err as Error).stack ?? err}`);
        reply = no("[SERVERBUG] Internal error");
      }
    }
    if (this.closed) return;
    if (this.idleTag !== undefined || this.authTag !== undefined) return;
    if (this.selected) this.sync(!spec.holdsExpunge?.(uid));
    this.send(`${tag} ${reply.status} ${safeText(reply.text, 300)}\r\n`);
    if (this.loggingOut()) this.socket.end();
    const after = this.afterReply;
    this.afterReply = undefined;
    after?.();
  }

  /** A method, not a field test: the handler just awaited may have changed the state. */
  private loggingOut(): boolean {
    return this.state === "logout";
  }

  // ---- output ----------------------------------------------------------------------------

  private send(...pieces: Piece[]): void {
    if (this.closed || this.socket.destroyed) return;
    for (const p of pieces) this.socket.write(p);
  }

  private async drained(): Promise<void> {
    if (this.socket.writableLength < HIGH_WATER || this.closed) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off("drain", done);
        this.socket.off("close", done);
        resolve();
      };
      this.socket.on("drain", done);
      this.socket.on("close", done);
    });
  }

  // ---- the view of the selected mailbox --------------------------------------------------

  private onStoreChange(c: VoiceMailChange): void {
    if (this.idleTag !== undefined && this.selected?.mailbox === c.mailbox) this.sync(true);
  }

  /** Tell the client what changed in its mailbox since it last heard. */
  private sync(expungeAllowed: boolean): void {
    const sel = this.selected;
    if (!sel) return;
    const current = this.host.store.list(sel.mailbox);
    const byUid = new Map(current.map((m) => [m.uid, m]));
    if (expungeAllowed) {
      for (let i = 0; i < sel.view.length; ) {
        if (byUid.has(sel.view[i]!.uid)) i++;
        else {
          this.send(`* ${i + 1} EXPUNGE\r\n`);
          sel.view.splice(i, 1);
        }
      }
    }
    sel.view.forEach((v, i) => {
      const m = byUid.get(v.uid);
      if (!m) return;
      v.message = m;
      const flags = flagList(m);
      if (flags !== v.known) {
        v.known = flags;
        this.send(`* ${i + 1} FETCH (UID ${v.uid} FLAGS ${flags})\r\n`);
      }
    });
    const fresh = current.filter((m) => m.uid > sel.maxUid);
    if (fresh.length) {
      for (const m of fresh) sel.view.push({ uid: m.uid, message: m, known: flagList(m) });
      sel.maxUid = fresh[fresh.length - 1]!.uid;
      this.send(`* ${sel.view.length} EXISTS\r\n`);
    }
  }

  private mail(m: VoiceMessage): VoiceMail {
    let mail = this.mails.get(m);
    if (!mail) {
      const store = this.host.store;
      const owner = store.owner(m.mailbox);
      mail = new VoiceMail(m, {
        nodeId: this.host.nodeId,
        domain: this.host.domain,
        ownerName: owner ? `${owner.firstName} ${owner.lastName}` : m.mailbox,
        uidValidity: store.uidValidity,
        audio: () => store.audio(m),
      });
      this.mails.set(m, mail);
      if (this.mails.size > MAIL_CACHE) this.mails.delete(this.mails.keys().next().value!);
    }
    return mail;
  }

  /** The view entries a sequence set (or UID set) names, with their sequence numbers. */
  private resolve(setText: string, uid: boolean): { seq: number; entry: ViewEntry }[] {
    const sel = this.selected!;
    const set: SeqRange[] | undefined = parseSequenceSet(setText);
    if (!set) throw new ImapParseError(`bad sequence set "${safeText(setText, 32)}"`);
    const out: { seq: number; entry: ViewEntry }[] = [];
    const maxUid = sel.view.length ? sel.view[sel.view.length - 1]!.uid : 0;
    sel.view.forEach((entry, i) => {
      if (uid ? inSequenceSet(set, entry.uid, maxUid) : inSequenceSet(set, i + 1, sel.view.length)) {
        out.push({ seq: i + 1, entry });
      }
    });
    return out;
  }

  // ---- commands --------------------------------------------------------------------------

  private commandTable(): Map<string, CommandSpec> {
    const holdUnlessUid = (uid: boolean) => !uid;
    return new Map<string, CommandSpec>([
      ["CAPABILITY", { states: ANY, run: () => this.capability() }],
      ["NOOP", { states: ANY, run: () => ok("NOOP completed") }],
      ["CHECK", { states: SELECTED, run: () => ok("CHECK completed") }],
      ["LOGOUT", { states: ANY, run: () => this.logout() }],
      ["ID", { states: ANY, run: () => this.idCommand() }],
      ["STARTTLS", { states: ["notAuthenticated"], run: (a) => this.starttls(a) }],
      ["LOGIN", { states: ["notAuthenticated"], run: (a) => this.login(a) }],
      ["AUTHENTICATE", { states: ["notAuthenticated"], run: (a) => this.authenticate(a) }],
      ["SELECT", { states: AUTHED, run: (a) => this.select(a, false) }],
      ["EXAMINE", { states: AUTHED, run: (a) => this.select(a, true) }],
      ["LIST", { states: AUTHED, run: (a) => this.list(a, "LIST") }],
      ["LSUB", { states: AUTHED, run: (a) => this.list(a, "LSUB") }],
      ["STATUS", { states: AUTHED, run: (a) => this.status(a) }],
      ["NAMESPACE", { states: AUTHED, run: () => this.namespace() }],
      ["SUBSCRIBE", { states: AUTHED, run: (a) => this.subscribe(a) }],
      ["UNSUBSCRIBE", { states: AUTHED, run: (a) => this.subscribe(a) }],
      ["CREATE", { states: AUTHED, run: () => no("[CANNOT] The voice mail has only INBOX") }],
      ["DELETE", { states: AUTHED, run: () => no("[CANNOT] The voice mail has only INBOX") }],
      ["RENAME", { states: AUTHED, run: () => no("[CANNOT] The voice mail has only INBOX") }],
      ["APPEND", { states: AUTHED, run: () => no("[CANNOT] Messages are left by callers, not appended") }],
      ["IDLE", { states: AUTHED, run: () => this.idle() }],
      ["CLOSE", { states: SELECTED, run: () => this.close(true) }],
      ["UNSELECT", { states: SELECTED, run: () => this.close(false) }],
      ["EXPUNGE", { states: SELECTED, run: (a, uid) => this.expunge(a, uid) }],
      ["FETCH", { states: SELECTED, run: (a, uid) => this.fetch(a, uid), holdsExpunge: holdUnlessUid }],
      ["STORE", { states: SELECTED, run: (a, uid) => this.store(a, uid), holdsExpunge: holdUnlessUid }],
      ["SEARCH", { states: SELECTED, run: (a, uid) => this.search(a, uid), holdsExpunge: holdUnlessUid }],
      ["COPY", { states: SELECTED, run: () => no("[CANNOT] There is no other mailbox to copy to") }],
      ["MOVE", { states: SELECTED, run: () => no("[CANNOT] There is no other mailbox to move to") }],
    ]);
  }

  private capability(): Reply {
    this.send(`* CAPABILITY ${this.capabilityList()}\r\n`);
    return ok("CAPABILITY completed");
  }

  private logout(): Reply {
    this.send("* BYE Logging out\r\n");
    this.state = "logout";
    this.selected = undefined;
    return ok("LOGOUT completed");
  }

  private idCommand(): Reply {
    this.send(
      `* ID ("name" "OXE 4645 voice mail" "vendor" "o2g-testbench" "node" "${this.host.nodeId}")\r\n`,
    );
    return ok("ID completed");
  }

  /** The user a login name stands for: the directory number, or `oxe` + directory number. */
  private userFor(login: string): Subscriber | undefined {
    const number = /^oxe\d+$/i.test(login) ? login.slice(3) : login;
    return this.host.store.owner(number);
  }

  private authenticated(login: string, password: string): Reply {
    const user = this.userFor(login);
    if (!user || user.password !== password) {
      this.failures++;
      this.host.log(`session ${this.id}: login failed for "${safeText(login, 32)}"`);
      if (this.failures >= MAX_LOGIN_FAILURES) {
        this.send("* BYE Too many login failures\r\n");
        this.state = "logout";
      }
      return no("[AUTHENTICATIONFAILED] Invalid credentials");
    }
    this.user = user;
    this.state = "authenticated";
    this.host.log(`session ${this.id}: ${user.directoryNumber} logged in`);
    return ok(`[CAPABILITY ${CAPABILITIES}] Logged in`);
  }

  private async starttls(args: readonly Token[]): Promise<Reply> {
    if (args.length) throw new ImapParseError("STARTTLS takes no argument");
    if (this.secure || !this.startTls) return bad("TLS is already active");
    const context = await this.host.secureContext();
    const start = this.startTls;
    this.afterReply = () => {
      // Commands the client pipelined behind STARTTLS came in cleartext: dropped, never run.
      this.queue.length = 0;
      this.socket = start(context);
      this.secure = true;
    };
    return ok("Begin TLS negotiation now");
  }

  /** LOGINDISABLED: no password before TLS (RFC 3501 6.2.3; PRIVACYREQUIRED of RFC 5530). */
  private cleartextRefused(): Reply | undefined {
    return this.host.requireTls && !this.secure
      ? no("[PRIVACYREQUIRED] Log in after STARTTLS: passwords are not taken in cleartext")
      : undefined;
  }

  private login(args: readonly Token[]): Reply {
    if (args.length !== 2) throw new ImapParseError("LOGIN takes a user name and a password");
    const refused = this.cleartextRefused();
    if (refused) return refused;
    return this.authenticated(atom(args[0], "user name"), atom(args[1], "password"));
  }

  private authenticate(args: readonly Token[]): Reply {
    const mech = atom(args[0], "mechanism").toUpperCase();
    if (mech !== "PLAIN") return no("[CANNOT] Only PLAIN is supported");
    const refused = this.cleartextRefused();
    if (refused) return refused;
    const initial = args[1];
    if (initial) return this.checkPlain(atom(initial, "initial response"));
    this.authTag = this.currentTag;
    this.send("+ \r\n");
    return ok("");
  }

  private checkPlain(b64: string): Reply {
    if (b64 === "=") return no("[AUTHENTICATIONFAILED] Invalid credentials");
    const parts = Buffer.from(b64, "base64").toString("utf8").split("\0");
    if (parts.length !== 3) return bad("Malformed PLAIN response");
    return this.authenticated(parts[1]!, parts[2]!);
  }

  private async finishAuthenticate(line: string): Promise<void> {
    const tag = this.authTag!;
    this.authTag = undefined;
    const reply = line === "*" ? bad("AUTHENTICATE cancelled") : this.checkPlain(line);
    this.send(`${tag} ${reply.status} ${safeText(reply.text, 300)}\r\n`);
    if (this.loggingOut()) this.socket.end();
  }

  private mailboxArg(t: Token | undefined): string {
    return atom(t, "mailbox name");
  }

  private select(args: readonly Token[], readOnly: boolean): Reply {
    const name = this.mailboxArg(args[0]);
    // A failed SELECT leaves no mailbox selected (RFC 3501 6.3.1).
    this.selected = undefined;
    this.state = "authenticated";
    if (!isInbox(name)) return no("[NONEXISTENT] No such mailbox");
    const number = this.user!.directoryNumber;
    const box = this.host.store.mailbox(number);
    const view = box.messages.map((m) => ({ uid: m.uid, message: m, known: flagList(m) }));
    this.selected = { mailbox: number, readOnly, view, maxUid: view.at(-1)?.uid ?? 0 };
    this.state = "selected";
    this.send(
      `* FLAGS ${SYSTEM_FLAGS}\r\n`,
      `* OK [PERMANENTFLAGS ${readOnly ? "()" : SYSTEM_FLAGS}] Flags permitted\r\n`,
      `* ${view.length} EXISTS\r\n`,
      "* 0 RECENT\r\n",
    );
    const firstUnseen = view.findIndex((v) => !v.message.flags.has("\\Seen"));
    if (firstUnseen >= 0) this.send(`* OK [UNSEEN ${firstUnseen + 1}] First unseen\r\n`);
    this.send(
      `* OK [UIDVALIDITY ${box.uidValidity}] UIDs valid\r\n`,
      `* OK [UIDNEXT ${box.uidNext}] Predicted next UID\r\n`,
    );
    return ok(`[${readOnly ? "READ-ONLY" : "READ-WRITE"}] ${readOnly ? "EXAMINE" : "SELECT"} completed`);
  }

  private list(args: readonly Token[], command: "LIST" | "LSUB"): Reply {
    if (args.length !== 2) throw new ImapParseError(`${command} takes a reference and a mailbox pattern`);
    const reference = atom(args[0], "reference");
    const pattern = atom(args[1], "mailbox pattern");
    if (pattern === "" && command === "LIST") {
      this.send('* LIST (\\Noselect) "/" ""\r\n');
    } else if (matches("INBOX", reference + pattern)) {
      this.send(`* ${command} (\\HasNoChildren) "/" INBOX\r\n`);
    }
    return ok(`${command} completed`);
  }

  private status(args: readonly Token[]): Reply {
    const name = this.mailboxArg(args[0]);
    const items = args[1];
    if (items?.type !== "list" || items.items.length === 0) {
      throw new ImapParseError("STATUS takes a list of items");
    }
    if (!isInbox(name)) return no("[NONEXISTENT] No such mailbox");
    const box = this.host.store.mailbox(this.user!.directoryNumber);
    const values: string[] = [];
    for (const t of items.items) {
      const item = atom(t, "status item").toUpperCase();
      const value: Record<string, number> = {
        MESSAGES: box.messages.length,
        RECENT: 0,
        UIDNEXT: box.uidNext,
        UIDVALIDITY: box.uidValidity,
        UNSEEN: box.messages.filter((m) => !m.flags.has("\\Seen")).length,
      };
      if (!(item in value)) throw new ImapParseError(`unknown status item ${safeText(item, 20)}`);
      values.push(`${item} ${value[item]}`);
    }
    this.send(`* STATUS INBOX ${list(values)}\r\n`);
    return ok("STATUS completed");
  }

  private namespace(): Reply {
    this.send('* NAMESPACE (("" "/")) NIL NIL\r\n');
    return ok("NAMESPACE completed");
  }

  private subscribe(args: readonly Token[]): Reply {
    return isInbox(this.mailboxArg(args[0])) ? ok("Done") : no("[NONEXISTENT] No such mailbox");
  }

  private idle(): Reply {
    this.idleTag = this.currentTag;
    this.send("+ idling\r\n");
    // Whatever happened before the IDLE began is news too.
    if (this.selected) this.sync(true);
    return ok("");
  }

  private endIdle(line: string): void {
    const tag = this.idleTag!;
    this.idleTag = undefined;
    if (this.selected) this.sync(true);
    if (line.toUpperCase() === "DONE") this.send(`${tag} OK IDLE terminated\r\n`);
    else this.send(`${tag} BAD Expected DONE\r\n`);
  }

  private close(expunge: boolean): Reply {
    const sel = this.selected!;
    if (expunge && !sel.readOnly) this.host.store.expunge(sel.mailbox);
    this.selected = undefined;
    this.state = "authenticated";
    return ok(expunge ? "CLOSE completed" : "UNSELECT completed");
  }

  private expunge(args: readonly Token[], uid: boolean): Reply {
    const sel = this.selected!;
    if (sel.readOnly) return no("[READ-ONLY] Mailbox is read-only");
    if (uid) {
      const uids = this.resolve(atom(args[0], "UID set"), true).map((x) => x.entry.uid);
      this.host.store.expunge(sel.mailbox, uids);
    } else {
      this.host.store.expunge(sel.mailbox);
    }
    // The untagged EXPUNGEs come from sync(), as for anybody else's expunge.
    return ok("EXPUNGE completed");
  }

  private async fetch(args: readonly Token[], uid: boolean): Promise<Reply> {
    const sel = this.selected!;
    const targets = this.resolve(atom(args[0], "sequence set"), uid);
    const items: FetchItem[] = parseFetchItems(args[1]);
    if (args.length > 2) throw new ImapParseError("FETCH takes a sequence set and attributes");
    const markSeen = setsSeen(items) && !sel.readOnly;
    for (const { seq, entry } of targets) {
      let withFlags = false;
      if (markSeen && !entry.message.flags.has("\\Seen")) {
        this.host.store.setFlags(sel.mailbox, [entry.uid], "add", ["\\Seen"]);
        entry.message = this.host.store.get(sel.mailbox, entry.uid) ?? entry.message;
        withFlags = true;
      }
      const message = entry.message;
      const pieces = fetchResponse(items, message, () => this.mail(message), { uid, withFlags });
      if (withFlags || items.some((i) => i.kind === "FLAGS")) entry.known = flagList(message);
      this.send(`* ${seq} FETCH `, ...pieces, "\r\n");
      await this.drained();
    }
    return ok(`${uid ? "UID " : ""}FETCH completed`);
  }

  private store(args: readonly Token[], uid: boolean): Reply {
    const sel = this.selected!;
    if (sel.readOnly) return no("[READ-ONLY] Mailbox is read-only");
    const targets = this.resolve(atom(args[0], "sequence set"), uid);
    const what = atom(args[1], "+FLAGS, -FLAGS or FLAGS").toUpperCase();
    const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(what);
    if (!m) throw new ImapParseError(`bad STORE item ${safeText(what, 20)}`);
    const rest = args.slice(2);
    const raw = rest.length === 1 && rest[0]!.type === "list" ? rest[0]!.items : rest;
    const flags: MessageFlag[] = [];
    for (const t of raw) {
      const name = atom(t, "flag");
      if (!/^\\?[^\s(){"\\\]%*]+$/.test(name)) throw new ImapParseError(`bad flag ${safeText(name, 20)}`);
      // Keywords and \Recent are not permanent here (PERMANENTFLAGS has no \*): left aside.
      const f = canonicalFlag(name);
      if (f) flags.push(f);
    }
    const op = m[1] === "+" ? "add" : m[1] === "-" ? "remove" : "replace";
    this.host.store.setFlags(
      sel.mailbox,
      targets.map((x) => x.entry.uid),
      op,
      flags,
    );
    for (const { seq, entry } of targets) {
      const current = this.host.store.get(sel.mailbox, entry.uid);
      if (current) entry.message = current;
      const flagsNow = flagList(entry.message);
      entry.known = flagsNow;
      if (!m[2]) this.send(`* ${seq} FETCH (${uid ? `UID ${entry.uid} ` : ""}FLAGS ${flagsNow})\r\n`);
    }
    return ok(`${uid ? "UID " : ""}STORE completed`);
  }

  private search(args: readonly Token[], uid: boolean): Reply {
    const sel = this.selected!;
    let predicate: ReturnType<typeof compileSearch>;
    try {
      predicate = compileSearch(args);
    } catch (err) {
      if (err instanceof BadCharsetError) return no("[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset");
      throw err;
    }
    const bounds = { maxSeq: sel.view.length, maxUid: sel.view.at(-1)?.uid ?? 0 };
    const found: number[] = [];
    sel.view.forEach((entry, i) => {
      const target = {
        seq: i + 1,
        uid: entry.uid,
        message: entry.message,
        mail: () => this.mail(entry.message),
      };
      if (predicate(target, bounds)) found.push(uid ? entry.uid : i + 1);
    });
    this.send(`* SEARCH${found.map((n) => ` ${n}`).join("")}\r\n`);
    return ok(`${uid ? "UID " : ""}SEARCH completed`);
  }
}
