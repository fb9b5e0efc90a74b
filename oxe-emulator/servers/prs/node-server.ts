/**
 * The PRS server of one emulated call server: where O2G connects to carry the node's IP Touch
 * sets' XML browsing (protocols/prs explains the link, which is ours). O2G authenticates with
 * the node's link account (`hello`); from then on the sets' requests go to it and its pages come
 * back (oxe-emulator/xml-browser). TLS from the first octet when `secure`, on the node's
 * certificate or the emulator's self-signed one (common/tls.ts).
 *
 * Link faults as the other servers take them: `offline` (the standby of a pair) closes a new
 * connection at once, `refuseUntil` answers `refused`, `stalled` reads and writes nothing,
 * delays apply to what the node writes.
 */
import type net from "node:net";
import tls from "node:tls";
import {
  PRS_VERSION,
  type PrsFailure,
  type PrsMessage,
  type PrsPage,
  PrsPeer,
} from "../../../protocols/prs/index.js";
import type { PrsUplink, XmlBrowsers, XmlPageRequest } from "../../xml-browser/index.js";
import { FaultyWriter } from "../common/faults.js";
import { TcpNodeServer } from "../common/tcp-node-server.js";
import { emulatorTls, serverContext, type TlsMaterial } from "../common/tls.js";

export interface PrsServerOptions {
  nodeId: number;
  host: string;
  /** 0 picks a free port */
  port: number;
  /** the link account O2G authenticates with */
  login: string;
  password: string;
  /** TLS from the first octet; default false */
  secure?: boolean;
  /** the node's own key and certificate; default: the emulator's self-signed ones */
  tls?: TlsMaterial;
  /** `hello` must come within this after the connection opens */
  helloTimeoutMs?: number;
  log?: (line: string) => void;
}

interface Pending {
  resolve: (m: PrsPage | PrsFailure) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** One connection from O2G. */
class GatewayConnection implements PrsUplink {
  readonly peer: PrsPeer;
  authenticated = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    readonly stream: net.Socket,
    writer: FaultyWriter,
    private readonly server: PrsNodeServer,
  ) {
    this.peer = new PrsPeer((bytes) => writer.send(bytes), {
      message: (m) => this.onMessage(m),
      refused: (why) => server.note(why),
      fatal: (why) => {
        server.note(`${why}, closing`);
        stream.destroy();
      },
    });
  }

  request(req: XmlPageRequest, timeoutMs: number): Promise<PrsPage | PrsFailure> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error("No answer from the XML service"));
      }, timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
      this.peer.send({ type: "request", id, ...req });
    });
  }

  closed(): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error("XML service unavailable"));
    }
    this.pending.clear();
  }

  private onMessage(m: PrsMessage): void {
    if (!this.authenticated) {
      if (m.type !== "hello") {
        this.peer.send({ type: "refused", reason: "hello expected first" });
        this.stream.end();
        return;
      }
      const problem = this.server.checkHello(m.login, m.password, m.version);
      if (problem) {
        this.peer.send({ type: "refused", reason: problem });
        this.stream.end();
        return;
      }
      this.authenticated = true;
      this.peer.send({ type: "welcome", version: PRS_VERSION, nodeId: this.server.nodeId });
      this.server.linked(this);
      return;
    }
    switch (m.type) {
      case "ping":
        this.peer.send({ type: "pong", seq: m.seq });
        return;
      case "pong":
        return;
      case "page":
      case "failure": {
        const p = this.pending.get(m.id);
        if (!p) return; // answered too late: the set gave up on it
        this.pending.delete(m.id);
        clearTimeout(p.timer);
        p.resolve(m);
        return;
      }
      case "error":
        this.server.note(`O2G refused a frame: ${m.message}`);
        return;
      default:
        this.peer.send({ type: "error", message: `a ${m.type} is not expected from O2G` });
    }
  }
}

export class PrsNodeServer extends TcpNodeServer {
  private readonly connections = new Set<GatewayConnection>();
  private readonly sockets = new Set<net.Socket>();
  private context: Promise<tls.SecureContext> | undefined;
  /** frames and byte runs refused since start (malformed input that did not close a link) */
  refusedFrames = 0;

  constructor(
    readonly browsers: XmlBrowsers,
    private readonly options: PrsServerOptions,
  ) {
    super(options, "prs");
  }

  get secure(): boolean {
    return this.options.secure ?? false;
  }

  /** The certificate TLS presents (PEM): what O2G trusts as this node's CA. */
  async certificate(): Promise<string> {
    return (this.options.tls ?? (await emulatorTls())).cert;
  }

  /** O2G links authenticated now. */
  get linkCount(): number {
    let n = 0;
    for (const c of this.connections) if (c.authenticated) n++;
    return n;
  }

  dropLinks(): void {
    for (const s of [...this.sockets]) s.destroy();
  }

  checkHello(login: string, password: string, version: number): string | null {
    if (version !== PRS_VERSION) return `version ${PRS_VERSION} only`;
    if (login !== this.options.login || password !== this.options.password) return "bad login or password";
    return null;
  }

  linked(c: GatewayConnection): void {
    this.log("O2G linked");
    this.browsers.attach(c);
  }

  note(line: string): void {
    this.refusedFrames++;
    this.log(line);
  }

  private secureContext(): Promise<tls.SecureContext> {
    this.context ??= (async () => serverContext(this.options.tls ?? (await emulatorTls())))();
    return this.context;
  }

  protected onSocket(socket: net.Socket): void {
    socket.on("error", () => {});
    if (this.faults.offline) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    if (this.faults.stalled) return;
    socket.setNoDelay(true);
    if (!this.secure) {
      this.serve(socket, socket);
      return;
    }
    void this.secureContext().then(
      (secureContext) => {
        if (socket.destroyed) return;
        const secure = new tls.TLSSocket(socket, { isServer: true, secureContext });
        secure.on("error", (err) => {
          this.log(`TLS ${err.message}, closing`);
          socket.destroy();
        });
        this.serve(secure, socket);
      },
      (err: unknown) => {
        this.log(`no TLS material: ${(err as Error).message}`);
        socket.destroy();
      },
    );
  }

  private serve(stream: net.Socket, raw: net.Socket): void {
    const writer = new FaultyWriter(this.faults, (bytes) => {
      if (!stream.destroyed) stream.write(bytes);
    });
    const c = new GatewayConnection(stream, writer, this);
    this.connections.add(c);
    if (Date.now() < this.faults.refuseUntil) {
      c.peer.send({ type: "refused", reason: "XML service unavailable, try again later" });
      stream.end();
    }
    const hello = setTimeout(() => {
      if (!c.authenticated) raw.destroy();
    }, this.options.helloTimeoutMs ?? 10_000);
    hello.unref();
    const partial = setInterval(() => c.peer.expirePartial(10_000), 5_000);
    partial.unref();
    stream.on("data", (chunk: Buffer) => {
      if (!this.faults.stalled) c.peer.feed(chunk);
    });
    const gone = () => {
      clearTimeout(hello);
      clearInterval(partial);
      if (!this.connections.delete(c)) return;
      this.browsers.detach(c);
      c.closed();
      if (c.authenticated) this.log("O2G link closed");
    };
    stream.on("close", gone);
    raw.on("close", gone);
  }
}
