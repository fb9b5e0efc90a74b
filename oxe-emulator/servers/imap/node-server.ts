/**
 * The IMAP4rev1 server of one emulated node's 4645 voice mail, over TCP with STARTTLS (RFC 3501
 * 6.2.1) on the node's certificate (or the emulator's self-signed one, see common/tls.ts); with
 * `requireTls`, LOGIN and AUTHENTICATE wait for it (LOGINDISABLED). Each user logs in with
 * their own credentials (login name: the directory number, or `oxe` + directory number;
 * password: the user's, from the directory) and sees one mailbox, INBOX, holding their voice
 * messages (see message.ts for the mail format).
 *
 * Why written here rather than taken from a library: the IMAP servers on the npm registry are
 * WildDuck (a whole mail system on MongoDB) and hoodiecrow-imap (a scriptable test mock, little
 * used, untyped, on the imap-handler 0.1 parser); neither serves a store we own in memory. What we
 * need of RFC 3501 (with STARTTLS, LITERAL+, IDLE, UIDPLUS, UNSELECT, NAMESPACE, ID, SASL-IR) fits in a
 * parser (parser.ts), a response writer (wire.ts), the session's state machine (session.ts),
 * FETCH (fetch.ts), SEARCH (search.ts) and the MIME rendering (message.ts).
 *
 * Link faults: `refuseUntil` answers new connections with BYE, `stalled` holds them silently;
 * delays are not applied.
 */
import type net from "node:net";
import tls from "node:tls";
import type { VoiceMailStore } from "../../voicemail/index.js";
import { TcpNodeServer } from "../common/tcp-node-server.js";
import { emulatorTls, serverContext, type TlsMaterial } from "../common/tls.js";
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
  /** the node's own key and certificate for STARTTLS; default: the emulator's self-signed ones */
  tls?: TlsMaterial;
  /** refuse LOGIN and AUTHENTICATE before STARTTLS (LOGINDISABLED); default false */
  requireTls?: boolean;
  log?: (line: string) => void;
}

export class ImapNodeServer extends TcpNodeServer {
  private readonly sockets = new Map<net.Socket, ImapSession | undefined>();
  private nextId = 1;
  private context: Promise<tls.SecureContext> | undefined;

  constructor(
    readonly store: VoiceMailStore,
    private readonly options: ImapServerOptions,
  ) {
    super(options, "imap");
  }

  /** The certificate STARTTLS presents (PEM): what a client trusts as this server's CA. */
  async certificate(): Promise<string> {
    return (this.options.tls ?? (await emulatorTls())).cert;
  }

  private secureContext(): Promise<tls.SecureContext> {
    this.context ??= (async () => serverContext(this.options.tls ?? (await emulatorTls())))();
    return this.context;
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

  /** Drop every connection now (a fault, or a switchover), leaving the listener up. */
  dropLinks(): void {
    for (const [socket, session] of [...this.sockets]) {
      session?.destroy();
      socket.destroy();
    }
  }

  protected onSocket(socket: net.Socket): void {
    socket.on("error", () => {});
    socket.setNoDelay(true);
    this.sockets.set(socket, undefined);
    let gone = false;
    const cleanup = () => {
      if (gone) return;
      gone = true;
      this.sockets.get(socket)?.dispose();
      this.sockets.delete(socket);
    };
    socket.on("close", cleanup);
    if (this.faults.stalled) return;
    const idleMs = this.options.idleTimeoutMs ?? 30 * 60_000;
    const session = new ImapSession(
      socket,
      {
        store: this.store,
        nodeId: this.options.nodeId,
        domain: this.options.domain ?? `node${this.options.nodeId}.oxe.invalid`,
        requireTls: this.options.requireTls ?? false,
        secureContext: () => this.secureContext(),
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
    /** Read commands from `stream`; returns how to stop (STARTTLS hands the bytes to TLS). */
    const attach = (stream: net.Socket): (() => void) => {
      const reader = new CommandReader({
        command: (segments) => session.onCommand(segments),
        continueLiteral: () => session.onContinueLiteral(),
        tooLong: (partial) => session.onTooLong(partial),
        literalTooLarge: (partial) => session.onLiteralTooLarge(partial),
      });
      const onData = (chunk: Buffer) => {
        try {
          reader.feed(chunk);
        } catch (err) {
          this.log(`session ${session.id}: ${(err as Error).message}, closing`);
          stream.destroy();
        }
      };
      stream.on("data", onData);
      return () => stream.off("data", onData);
    };
    let detach = attach(socket);
    session.startTls = (secureContext) => {
      // Whatever the client sent after STARTTLS in cleartext is dropped with the old reader
      // (RFC 3501 6.2.1; the command injection of CVE-2011-0411): commands come from TLS only.
      detach();
      socket.setTimeout(0);
      const secure = new tls.TLSSocket(socket, { isServer: true, secureContext });
      secure.on("error", (err) => {
        this.log(`session ${session.id}: TLS ${err.message}, closing`);
        secure.destroy();
        socket.destroy();
      });
      secure.on("close", cleanup);
      secure.setTimeout(idleMs, () => session.timeout());
      detach = attach(secure);
      return secure;
    };
    socket.setTimeout(idleMs, () => session.timeout());
    session.greet();
  }
}
