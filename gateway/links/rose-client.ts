/**
 * A link to one OXE service (CSTA or CMIP) of one node: a TCP connection wrapped around a
 * RoseLink, associated with ACSE, re-established with exponential backoff when it drops, and
 * moved to the node's other address (the standby of a redundant pair) when the current one
 * cannot be reached. One log line per state change.
 */
import { EventEmitter } from "node:events";
import net from "node:net";
import { type Aare, AssociateResult, type UserInformation } from "../../protocols/acse/index.js";
import {
  type ErrorCodec,
  type OperationSpec,
  RemoteOperationError,
  RoseLink,
} from "../../protocols/rose/index.js";
import type { Endpoint } from "../config/index.js";
import { backoffMs, nextEndpoint } from "./reconnect.js";

export type RoseClientState = "idle" | "connecting" | "associating" | "up" | "down" | "stopped";

export interface RoseClientOptions<E> {
  /** "node 1 csta": for log lines */
  name: string;
  /** main address first, then the standby's */
  endpoints: Endpoint[];
  applicationContext: string;
  /** user-information of the AARQ (CMIP: the CMIPUserInfo proposed) */
  userInformation?: UserInformation[];
  login: string;
  password: string;
  operations: ReadonlyMap<number, OperationSpec<unknown, unknown>>;
  errors: ErrorCodec<E>;
  invokeTimeoutMs: number;
  connectTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  highWaterMark?: number;
  log: (level: "info" | "warn" | "error", line: string) => void;
}

export interface RoseClientEvents {
  up: [endpointIndex: number];
  down: [reason: string];
  invoked: [op: OperationSpec<unknown, unknown>, invokeId: number, argument: unknown];
  drain: [];
}

export class RoseClient<E> extends EventEmitter<RoseClientEvents> {
  state: RoseClientState = "idle";
  /** index in `endpoints` of the address the link is (or was last) up on */
  endpointIndex = 0;
  private socket: net.Socket | undefined;
  private current: RoseLink<E> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private lastDownReason = "";

  constructor(private readonly options: RoseClientOptions<E>) {
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

  /** The association to invoke on, or undefined while the link is not up. */
  get link(): RoseLink<E> | undefined {
    return this.state === "up" ? this.current : undefined;
  }

  start(): void {
    if (this.state !== "idle" && this.state !== "stopped") return;
    this.state = "down";
    this.connect();
  }

  /**
   * Stop for good. An open association is released in order (ACSE RLRQ, the peer's RLRE, then
   * the connection closes); a peer that does not answer within `releaseTimeoutMs` is cut off.
   * Resolves once the connection is closed.
   */
  stop(releaseTimeoutMs = 2000): Promise<void> {
    this.state = "stopped";
    clearTimeout(this.retryTimer);
    const socket = this.socket;
    const link = this.current;
    if (!socket || socket.destroyed) return Promise.resolve();
    if (link?.state !== "associated") {
      socket.destroy();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const cut = setTimeout(() => socket.destroy(), releaseTimeoutMs);
      cut.unref();
      socket.once("close", () => {
        clearTimeout(cut);
        resolve();
      });
      link.release();
      link.flush();
    });
  }

  /** Cut the connection now (heartbeat lost); the client reconnects by itself. */
  reset(reason: string): void {
    if (!this.socket || this.state === "stopped") return;
    this.lastDownReason = reason;
    this.socket.destroy();
  }

  invoke<A, R>(op: OperationSpec<A, R>, argument: NoInfer<A>): Promise<R> {
    const link = this.link;
    if (!link) return Promise.reject(new RemoteOperationError<E>(op.name, { kind: "closed" }));
    return link.invokeAsync(op, argument);
  }

  private connect(): void {
    if (this.state === "stopped") return;
    const ep = this.options.endpoints[this.endpointIndex]!;
    this.state = "connecting";
    const socket = net.connect({ host: ep.host, port: ep.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setTimeout(this.options.connectTimeoutMs);
    let opened = false;
    const link = new RoseLink<E>(
      {
        operations: this.options.operations,
        errors: this.options.errors,
        invokeTimeoutMs: this.options.invokeTimeoutMs,
        highWaterMark: this.options.highWaterMark ?? 2_000,
        // One write per event-loop turn for every request served in it (see RoseLinkOptions).
        flushOn: "immediate",
      },
      {
        output: (bytes) => {
          if (!socket.destroyed) socket.write(bytes);
        },
        associationAnswered: (aare) => this.onAare(aare, socket),
        invoked: (op, invokeId, arg) => this.emit("invoked", op, invokeId, arg),
        protocolError: (message, fatal) =>
          this.options.log(fatal ? "error" : "warn", `${this.name}: ${message}`),
        close: () => socket.destroy(),
        aborted: () => {
          this.lastDownReason = "aborted by the peer";
        },
        released: () => {
          this.lastDownReason = "released by the peer";
        },
        drain: () => this.emit("drain"),
      },
    );
    this.current = link;
    socket.on("connect", () => {
      opened = true;
      this.state = "associating";
      link.associate({
        applicationContext: this.options.applicationContext,
        credentials: { login: this.options.login, password: this.options.password },
        implementationInformation: "o2g-testbench gateway",
        ...(this.options.userInformation ? { userInformation: this.options.userInformation } : {}),
      });
    });
    socket.on("data", (chunk) => link.feed(chunk));
    socket.on("timeout", () => {
      this.lastDownReason = opened ? "association timed out" : `no answer from ${ep.host}:${ep.port}`;
      socket.destroy();
    });
    socket.on("error", (err) => {
      this.lastDownReason = err.message;
    });
    socket.on("close", () => {
      link.transportClosed();
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.current = undefined;
      const wasUp = this.state === "up";
      if (this.state === "stopped") return;
      this.state = "down";
      const reason = this.lastDownReason || "connection closed";
      this.lastDownReason = "";
      if (wasUp) {
        this.options.log("warn", `${this.name} down (${reason})`);
        this.emit("down", reason);
      }
      this.scheduleReconnect(wasUp, reason);
    });
  }

  private onAare(aare: Aare, socket: net.Socket): void {
    if (aare.result !== AssociateResult.accepted) {
      this.lastDownReason = `association refused (result ${aare.result}, ${aare.diagnostic.source} diagnostic ${aare.diagnostic.value})`;
      socket.destroy();
      return;
    }
    socket.setTimeout(0);
    this.state = "up";
    this.attempt = 0;
    const ep = this.endpoint;
    this.options.log(
      "info",
      `${this.name} up on ${ep.host}:${ep.port}${this.endpointIndex > 0 ? " (standby address)" : ""}`,
    );
    this.emit("up", this.endpointIndex);
  }

  private scheduleReconnect(wasUp: boolean, reason: string): void {
    const o = this.options;
    this.endpointIndex = nextEndpoint(this.endpointIndex, o.endpoints.length, wasUp, this.attempt);
    const delay = wasUp ? 0 : backoffMs(this.attempt, o.reconnectMinMs, o.reconnectMaxMs);
    if (!wasUp && this.attempt === 0)
      this.options.log("warn", `${this.name} cannot connect (${reason}), retrying`);
    this.attempt++;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
    this.retryTimer.unref();
  }
}
