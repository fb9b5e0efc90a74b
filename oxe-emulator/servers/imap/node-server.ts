/**
 * The IMAP4rev1 server of one emulated node's 4645 voice mail (plain TCP; no STARTTLS: the
 * testbench runs on loopback). Each user logs in with their own credentials (login name: the
 * directory number, or `oxe` + directory number; password: the user's, from the directory) and
 * sees one mailbox, INBOX, holding their voice messages (see message.ts for the mail format).
 *
 * Why written here rather than taken from a library: the IMAP servers on the npm registry are
 * WildDuck (a whole mail system on MongoDB) and hoodiecrow-imap (a scriptable test mock, little
 * used, untyped, on the imap-handler 0.1 parser); neither serves a store we own in memory. What we
 * need of RFC 3501 (with LITERAL+, IDLE, UIDPLUS, UNSELECT, NAMESPACE, ID, SASL-IR) fits in a
 * parser (parser.ts), a response writer (wire.ts), the session's state machine (session.ts),
 * FETCH (fetch.ts), SEARCH (search.ts) and the MIME rendering (message.ts).
 *
 * Link faults: `refuseUntil` answers new connections with BYE, `stalled` holds them silently;
 * delays are not applied.
 */
import type net from "node:net";
import type { VoiceMailStore } from "../../voicemail/index.js";
import { type LinkFaults, noFaults } from "../common/faults.js";
import { closeTcp, listenTcp } from "../common/listen.js";
import { CommandReader } from "./parser.js";
import { ImapSession } from "./session.js";

export interface ImapServerOptions {
  nodeId: number;
  host: string;
  /** 0 picks a free port */
  port: number;
  /** the domain of the mail addresses; default `node<id>.oxe.invalid` (RFC 2606) */
  domain?: string;
  /** a silent connection is logged out after this long (RFC 3501 5.4: at least 30 minutes) */
  idleTimeoutMs?: number;
  maxConnections?: number;
  log?: (line: string) => void;
}

export class ImapNodeServer {
  readonly faults: LinkFaults = noFaults();
  private server: net.Server | undefined;
  private boundPort = 0;
  private readonly sockets = new Map<net.Socket, ImapSession | undefined>();
  private nextId = 1;

  constructor(
    readonly store: VoiceMailStore,
    private readonly options: ImapServerOptions,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  get nodeId(): number {
    return this.options.nodeId;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Directory numbers of the users logged in now, one per session. */
  get loggedIn(): string[] {
    const out: string[] = [];
    for (const s of this.sockets.values()) if (s?.loggedInAs) out.push(s.loggedInAs);
    return out;
  }

  async listen(port = this.options.port, host = this.options.host): Promise<number> {
    const l = await listenTcp((socket) => this.onSocket(socket), port, host);
    this.server = l.server;
    this.boundPort = l.port;
    return l.port;
  }

  /** Stop listening; `reset` also drops every connection. */
  async close(reset = true): Promise<void> {
    if (reset) this.dropLinks();
    const server = this.server;
    this.server = undefined;
    await closeTcp(server);
  }

  /** Drop every connection now (a fault, or a switchover), leaving the listener up. */
  dropLinks(): void {
    for (const socket of [...this.sockets.keys()]) socket.destroy();
  }

  private log(line: string): void {
    this.options.log?.(`[node ${this.options.nodeId} imap] ${line}`);
  }

  private onSocket(socket: net.Socket): void {
    socket.on("error", () => {});
    socket.setNoDelay(true);
    this.sockets.set(socket, undefined);
    socket.on("close", () => {
      this.sockets.get(socket)?.dispose();
      this.sockets.delete(socket);
    });
    if (this.faults.stalled) return;
    const session = new ImapSession(
      socket,
      {
        store: this.store,
        nodeId: this.options.nodeId,
        domain: this.options.domain ?? `node${this.options.nodeId}.oxe.invalid`,
        log: (line) => this.log(line),
      },
      this.nextId++,
    );
    this.sockets.set(socket, session);
    const max = this.options.maxConnections ?? 1000;
    if (Date.now() < this.faults.refuseUntil) {
      session.refuse("Voice mail unavailable, try again later");
      return;
    }
    if (this.sockets.size > max) {
      session.refuse(`Too many connections (${max})`);
      return;
    }
    const reader = new CommandReader({
      command: (segments) => session.onCommand(segments),
      continueLiteral: () => session.onContinueLiteral(),
      tooLong: (partial) => session.onTooLong(partial),
      literalTooLarge: (partial) => session.onLiteralTooLarge(partial),
    });
    socket.on("data", (chunk: Buffer) => {
      try {
        reader.feed(chunk);
      } catch (err) {
        this.log(`session ${session.id}: ${(err as Error).message}, closing`);
        socket.destroy();
      }
    });
    socket.setTimeout(this.options.idleTimeoutMs ?? 30 * 60_000, () => session.timeout());
    session.greet();
  }
}
