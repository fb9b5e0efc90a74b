/**
 * The SSH server of one emulated OXE node: the maintenance account (`adfexc` by default) logs in
 * with its password and runs the commands of ./commands.ts, either one per `exec` channel (what
 * the gateway does: `ssh adfexc@node incvisu -n 50`) or in an interactive `shell`.
 *
 * A shell with a terminal (pty) behaves like a small line editor: a banner, a prompt, echo,
 * backspace, Ctrl-C to interrupt a command (or drop the line), Ctrl-D on an empty line to leave.
 * A shell without a terminal (`ssh -T node < script`) reads one command per line and writes only
 * what the commands write, so its output parses like the exec one's.
 *
 * Link faults: `refuseUntil` closes new connections at once, `stalled` holds them silently;
 * delays are not applied to SSH (its own flow control would hide them anyway).
 */
import type net from "node:net";
import { StringDecoder } from "node:string_decoder";
import type { AuthContext, Connection, ServerChannel } from "ssh2";
import ssh2 from "ssh2";
import type { NodeAnalytics } from "../../analytics/index.js";
import { TcpNodeServer } from "../common/tcp-node-server.js";
import { type CommandOutput, EXIT_OK, isExit, runCommand } from "./commands.js";
import { hostKeyFor, publicKeyLine } from "./host-key.js";

export interface SshServerOptions {
  nodeId: number;
  host: string;
  /** 0 picks a free port */
  port: number;
  /** the maintenance account */
  login: string;
  password: string;
  /** the node's private host key (OpenSSH or PEM); default: made once per node and kept */
  hostKey?: string;
  /** keep the made host key in this directory, so it survives the process */
  hostKeyDir?: string;
  /** simultaneous connections; more are closed at once */
  maxConnections?: number;
  log?: (line: string) => void;
}

/** A connection gets this many wrong passwords before the node raises an incident about it. */
const FAILED_LOGINS_INCIDENT = 3;
/** the incident the catalog has for repeated failed maintenance logins */
const FAILED_LOGINS_CODE = 305;
/** Buffered output is sent once it reaches this size (or when a command waits or ends). */
const CHUNK = 32 * 1024;

export class SshNodeServer extends TcpNodeServer {
  readonly hostPublicKey: string;
  private readonly hostKey: string;
  private readonly ssh: InstanceType<typeof ssh2.Server>;
  private readonly sockets = new Set<net.Socket>();
  private readonly sessions = new Set<AbortController>();
  private nextId = 1;

  constructor(
    readonly analytics: NodeAnalytics,
    private readonly options: SshServerOptions,
  ) {
    super(options, "ssh");
    this.hostKey = options.hostKey ?? hostKeyFor(options.nodeId, options.hostKeyDir);
    this.hostPublicKey = publicKeyLine(this.hostKey);
    this.ssh = new ssh2.Server(
      {
        hostKeys: [this.hostKey],
        ident: "OXE-emulator",
        banner: `OmniPCX Enterprise node ${options.nodeId} (o2g-testbench emulator): authorized maintenance only\n`,
      },
      (client) => this.onClient(client),
    );
  }

  /** TCP connections open now (authenticated or not). */
  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Drop every connection now (a fault, or a switchover), leaving the listener up. */
  dropLinks(): void {
    for (const s of this.sessions) s.abort();
    for (const socket of [...this.sockets]) socket.destroy();
  }

  /** Our own listener hands sockets to ssh2, so faults can refuse or stall them first. */
  protected onSocket(socket: net.Socket): void {
    socket.on("error", () => {});
    if (Date.now() < this.faults.refuseUntil) {
      socket.destroy();
      return;
    }
    const max = this.options.maxConnections ?? 20;
    if (this.sockets.size >= max) {
      this.log(`connection refused: ${max} already open`);
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    if (this.faults.stalled) return;
    this.ssh.injectSocket(socket);
  }

  private checkPassword(login: string, password: string): boolean {
    return login === this.options.login && password === this.options.password;
  }

  private onClient(client: Connection): void {
    const id = this.nextId++;
    const abort = new AbortController();
    this.sessions.add(abort);
    let failures = 0;
    const failed = (user: string) => {
      failures++;
      this.log(`connection ${id}: authentication failed for "${user}"`);
      if (failures === FAILED_LOGINS_INCIDENT) this.analytics.incidents.raise({ code: FAILED_LOGINS_CODE });
    };
    client.on("authentication", (ctx: AuthContext) => {
      const methods: ("password" | "keyboard-interactive")[] = ["password", "keyboard-interactive"];
      if (ctx.method === "password") {
        if (this.checkPassword(ctx.username, ctx.password)) ctx.accept();
        else {
          failed(ctx.username);
          ctx.reject(methods);
        }
      } else if (ctx.method === "keyboard-interactive") {
        ctx.prompt([{ prompt: "Password: ", echo: false }], (answers) => {
          if (this.checkPassword(ctx.username, answers[0] ?? "")) ctx.accept();
          else {
            failed(ctx.username);
            ctx.reject(methods);
          }
        });
      } else {
        ctx.reject(methods);
      }
    });
    client.on("ready", () => {
      this.log(`connection ${id}: ${this.options.login} logged in`);
      client.on("session", (acceptSession) => {
        const session = acceptSession();
        let pty = false;
        session.on("pty", (accept) => {
          pty = true;
          accept?.();
        });
        session.on("window-change", (accept) => accept?.());
        session.on("env", (accept) => accept?.());
        let running: AbortController | undefined;
        // `ssh -t node incvisu -F` then Ctrl-C: the client sends a signal, or 0x03 as data.
        session.on("signal", (accept) => {
          accept?.();
          running?.abort();
        });
        session.on("exec", (accept, _reject, info) => {
          const channel = accept();
          this.log(`connection ${id}: exec ${info.command}`);
          running = new AbortController();
          void this.exec(channel, info.command, pty, AbortSignal.any([abort.signal, running.signal]));
        });
        session.on("shell", (accept) => {
          new Shell(this, accept(), pty, abort.signal).start();
        });
        session.on("sftp", (_accept, reject) => reject());
        session.on("subsystem", (_accept, reject) => reject());
      });
      client.on("request", (_accept, reject) => reject?.());
      client.on("tcpip", (_accept, reject) => reject());
    });
    client.on("error", () => {});
    client.on("close", () => {
      abort.abort();
      this.sessions.delete(abort);
    });
  }

  private async exec(channel: ServerChannel, command: string, pty: boolean, session: AbortSignal) {
    const abort = new AbortController();
    channel.on("close", () => abort.abort());
    channel.on("data", (d: Buffer) => {
      if (d.includes(0x03)) abort.abort();
    });
    const out = new ChannelOutput(channel, pty ? "\r\n" : "\n", false);
    const status = isExit(command)
      ? EXIT_OK
      : await runCommand(command, this.context(out, AbortSignal.any([session, abort.signal])));
    await out.flush();
    if (!out.closed) {
      channel.exit(status);
      channel.end();
    }
  }

  /** What a command sees of the node. */
  context(out: CommandOutput, signal: AbortSignal) {
    return { analytics: this.analytics, nodeId: this.options.nodeId, out, signal };
  }
}

/** Channel output with batching and flow control: `line` waits while the peer is not reading. */
class ChannelOutput implements CommandOutput {
  private buf = "";
  closed = false;

  constructor(
    private readonly channel: ServerChannel,
    private readonly eol: string,
    /** errors go with the output (a terminal shows both alike) rather than to stderr */
    private readonly errorsInline: boolean,
  ) {
    channel.once("close", () => {
      this.closed = true;
    });
  }

  async line(text: string): Promise<void> {
    this.buf += text + this.eol;
    if (this.buf.length >= CHUNK) await this.flush();
  }

  async flush(): Promise<void> {
    const chunk = this.buf;
    this.buf = "";
    if (!chunk || this.closed) return;
    if (this.channel.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.channel.off("drain", done);
        this.channel.off("close", done);
        resolve();
      };
      this.channel.on("drain", done);
      this.channel.on("close", done);
    });
  }

  /** Send now, unbuffered: prompts and echo. */
  raw(text: string): void {
    if (!this.closed) this.channel.write(text);
  }

  error(text: string): void {
    if (this.closed) return;
    if (this.errorsInline) this.buf += text + this.eol;
    else {
      // Whatever is buffered came first: send it before the error.
      const pending = this.buf;
      this.buf = "";
      if (pending) this.channel.write(pending);
      this.channel.stderr.write(text + this.eol);
    }
  }
}

/** An interactive session: reads lines, runs them one after the other. */
class Shell {
  private readonly out: ChannelOutput;
  private readonly decoder = new StringDecoder("utf8");
  private line = "";
  private readonly queue: string[] = [];
  private running: AbortController | undefined;
  private busy = false;
  private eof = false;
  private closed = false;
  private lastStatus = EXIT_OK;
  private afterCr = false;
  /** 0: plain input; 1: after ESC; 2: inside a CSI / SS3 sequence (arrow keys...), skipped */
  private escape = 0;

  constructor(
    private readonly server: SshNodeServer,
    private readonly channel: ServerChannel,
    private readonly pty: boolean,
    private readonly session: AbortSignal,
  ) {
    this.out = new ChannelOutput(channel, pty ? "\r\n" : "\n", pty);
  }

  private get prompt(): string {
    return `(${this.server.nodeId})oxe> `;
  }

  start(): void {
    if (this.pty) {
      this.out.raw(
        `OmniPCX Enterprise node ${this.server.nodeId}, maintenance shell. Type help for the commands.\r\n${this.prompt}`,
      );
    }
    this.channel.on("data", (chunk: Buffer) => this.onInput(this.decoder.write(chunk)));
    this.channel.on("end", () => {
      this.eof = true;
      if (this.line && !this.pty) this.submit(this.line);
      this.line = "";
      void this.pump();
    });
    this.channel.on("close", () => {
      this.closed = true;
      this.running?.abort();
    });
  }

  private onInput(text: string): void {
    for (const ch of text) {
      const code = ch.codePointAt(0)!;
      if (this.escape === 1) {
        this.escape = ch === "[" || ch === "O" ? 2 : 0;
        continue;
      }
      if (this.escape === 2) {
        if (code >= 0x40 && code <= 0x7e) this.escape = 0;
        continue;
      }
      if (ch === "\n" && this.afterCr) {
        this.afterCr = false;
        continue;
      }
      this.afterCr = ch === "\r";
      if (ch === "\r" || ch === "\n") {
        if (this.pty) this.out.raw("\r\n");
        this.submit(this.line);
        this.line = "";
      } else if (code === 0x03) {
        if (this.running) {
          this.running.abort();
          if (this.pty) this.out.raw("^C\r\n");
        } else if (this.pty) {
          this.line = "";
          this.out.raw(`^C\r\n${this.prompt}`);
        }
      } else if (code === 0x04) {
        if (this.line === "") {
          this.submit("exit");
        }
      } else if (code === 0x7f || code === 0x08) {
        if (this.line) {
          this.line = [...this.line].slice(0, -1).join("");
          if (this.pty) this.out.raw("\b \b");
        }
      } else if (code === 0x15) {
        if (this.pty) this.out.raw("\b \b".repeat([...this.line].length));
        this.line = "";
      } else if (code === 0x1b) {
        this.escape = 1;
      } else if (code >= 0x20) {
        this.line += ch;
        if (this.pty) this.out.raw(ch);
      }
    }
  }

  private submit(line: string): void {
    this.queue.push(line);
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.busy || this.closed) return;
    this.busy = true;
    try {
      while (this.queue.length && !this.closed) {
        const line = this.queue.shift()!;
        if (isExit(line)) {
          this.finish(this.lastStatus);
          return;
        }
        const abort = new AbortController();
        this.running = abort;
        this.lastStatus = await runCommand(
          line,
          this.server.context(this.out, AbortSignal.any([this.session, abort.signal])),
        );
        this.running = undefined;
        await this.out.flush();
        if (this.pty && !this.closed) this.out.raw(this.prompt);
      }
      if (this.eof && !this.closed) this.finish(this.lastStatus);
    } finally {
      this.busy = false;
    }
  }

  private finish(status: number): void {
    if (this.closed) return;
    this.closed = true;
    void this.out.flush().then(() => {
      this.channel.exit(status);
      this.channel.end();
    });
  }
}
