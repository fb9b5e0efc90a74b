/**
 * The link to one node's PRS (protocols/prs: ours): the OXE hands it the XML browsing of its IP
 * Touch sets. The gateway opens it, says `hello` with the node's link account, and from then on
 * answers the node's page requests with what `onRequest` gives. Like the CSTA and CMIP links it
 * is re-established with backoff when it drops, and moved to the node's other address (the
 * standby of a redundant pair) at once after a loss (gateway/links/reconnect.ts): a switchover
 * re-links it. A call server that goes silent is noticed by the ping every `heartbeatMs`.
 */
import { EventEmitter } from "node:events";
import net from "node:net";
import tls from "node:tls";
import {
  PRS_VERSION,
  type PrsFailure,
  type PrsPage,
  PrsPeer,
  type PrsRequest,
} from "../../../protocols/prs/index.js";
import type { Endpoint } from "../../config/index.js";
import { backoffMs, nextEndpoint } from "../reconnect.js";

export type PrsLinkLog = (level: "info" | "warn" | "error", line: string) => void;

export interface PrsClientOptions {
  /** "node 1 prs": for log lines */
  name: string;
  /** main address first, then the standby's */
  endpoints: Endpoint[];
  /** TLS from the first octet, checked against `ca` (the nodes' CA; default: the system's) */
  secure: boolean;
  ca?: string;
  login: string;
  password: string;
  connectTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** a ping this often; 0: none */
  heartbeatMs: number;
  heartbeatMisses: number;
  /** how a set's request is answered (never rejects: a failure is an answer) */
  onRequest(req: PrsRequest): Promise<PrsPage | PrsFailure>;
  log: PrsLinkLog;
}

export type PrsClientState = "idle" | "connecting" | "up" | "down" | "stopped";

interface PrsClientEvents {
  up: [endpointIndex: number];
  down: [reason: string];
}

export class PrsClient extends EventEmitter<PrsClientEvents> {
  state: PrsClientState = "idle";
  endpointIndex = 0;
  /** requests answered since start */
  answered = 0;
  private socket: net.Socket | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private attempt = 0;
  private lastDownReason = "";

  constructor(private readonly options: PrsClientOptions) {
    super();
  }

  get name(): string {
    return this.options.name;
  }

  get isUp(): boolean {
    return this.state === "up";
  }

  get endpoint(): Endpoint {
    return this.options.endpoints[this.endpointIndex]!;
  }

  start(): void {
    if (this.state !== "idle" && this.state !== "stopped") return;
    this.state = "down";
    this.connect();
  }

  /** Stop for good; resolves once the connection is closed. */
  stop(): Promise<void> {
    this.state = "stopped";
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    const socket = this.socket;
    if (!socket || socket.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      socket.once("close", () => resolve());
      socket.destroy();
    });
  }

  /** Cut the connection now (no heartbeat answer); the client reconnects by itself. */
  reset(reason: string): void {
    if (!this.socket || this.state === "stopped") return;
    this.lastDownReason = reason;
    this.socket.destroy();
  }

  private connect(): void {
    if (this.state === "stopped") return;
    const o = this.options;
    const ep = o.endpoints[this.endpointIndex]!;
    this.state = "connecting";
    const socket = o.secure
      ? tls.connect({
          host: ep.host,
          port: ep.port,
          ...(o.ca ? { ca: o.ca } : {}),
          ...(net.isIP(ep.host) ? {} : { servername: ep.host }),
          minVersion: "TLSv1.2",
        })
      : net.connect({ host: ep.host, port: ep.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setTimeout(o.connectTimeoutMs);
    const peer = new PrsPeer(
      (bytes) => {
        if (!socket.destroyed) socket.write(bytes);
      },
      {
        message: (m) => {
          switch (m.type) {
            case "welcome":
              if (this.state === "connecting") this.onWelcome(socket, peer, m.nodeId);
              return;
            case "refused":
              this.lastDownReason = `refused by the node: ${m.reason}`;
              socket.destroy();
              return;
            case "ping":
              peer.send({ type: "pong", seq: m.seq });
              return;
            case "pong":
              this.missed = 0;
              return;
            case "request":
              if (this.state === "up" && this.socket === socket) this.answer(peer, m);
              return;
            case "error":
              o.log("warn", `${this.name}: the node refused a frame: ${m.message}`);
              return;
            default:
              peer.send({ type: "error", message: `a ${m.type} is not expected from the node` });
          }
        },
        refused: (why) => o.log("warn", `${this.name}: ${why}`),
        fatal: (why) => {
          this.lastDownReason = why;
          socket.destroy();
        },
      },
    );
    socket.on(o.secure ? "secureConnect" : "connect", () => {
      peer.send({ type: "hello", version: PRS_VERSION, login: o.login, password: o.password });
    });
    socket.on("data", (chunk: Buffer) => peer.feed(chunk));
    socket.on("timeout", () => {
      this.lastDownReason = `no answer from ${ep.host}:${ep.port}`;
      socket.destroy();
    });
    socket.on("error", (err) => {
      this.lastDownReason = err.message;
    });
    socket.on("close", () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      clearInterval(this.heartbeat);
      const wasUp = this.state === "up";
      if (this.state === "stopped") return;
      this.state = "down";
      const reason = this.lastDownReason || "connection closed";
      this.lastDownReason = "";
      if (wasUp) {
        o.log("warn", `${this.name} down (${reason})`);
        this.emit("down", reason);
      }
      this.scheduleReconnect(wasUp, reason);
    });
  }

  private missed = 0;

  private onWelcome(socket: net.Socket, peer: PrsPeer, nodeId: number): void {
    socket.setTimeout(0);
    this.state = "up";
    this.attempt = 0;
    this.missed = 0;
    const ep = this.endpoint;
    this.options.log(
      "info",
      `${this.name} up on ${ep.host}:${ep.port} (node ${nodeId})${this.endpointIndex > 0 ? " (standby address)" : ""}`,
    );
    const { heartbeatMs, heartbeatMisses } = this.options;
    if (heartbeatMs > 0) {
      let seq = 0;
      this.heartbeat = setInterval(() => {
        if (++this.missed > heartbeatMisses) {
          this.reset(`no heartbeat answer for ${heartbeatMisses} periods`);
          return;
        }
        peer.send({ type: "ping", seq: ++seq });
        // a byte run the node started and never finished is given up on
        peer.expirePartial(heartbeatMs * heartbeatMisses);
      }, heartbeatMs);
      this.heartbeat.unref();
    }
    this.emit("up", this.endpointIndex);
  }

  private answer(peer: PrsPeer, req: PrsRequest): void {
    this.options.onRequest(req).then(
      (answer) => {
        this.answered++;
        peer.send(answer);
      },
      (err: unknown) => {
        this.options.log("error", `${this.name}: request ${req.id} failed: ${(err as Error).message}`);
        peer.send({ type: "failure", id: req.id, reason: "unreachable", message: "XML service error" });
      },
    );
  }

  private scheduleReconnect(wasUp: boolean, reason: string): void {
    const o = this.options;
    this.endpointIndex = nextEndpoint(this.endpointIndex, o.endpoints.length, wasUp, this.attempt);
    const delay = wasUp ? 0 : backoffMs(this.attempt, o.reconnectMinMs, o.reconnectMaxMs);
    if (!wasUp && this.attempt === 0) o.log("warn", `${this.name} cannot connect (${reason}), retrying`);
    this.attempt++;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
    this.retryTimer.unref();
  }
}
