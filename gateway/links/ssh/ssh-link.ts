/**
 * The SSH link to one OXE node's maintenance account (`adfexc` by default): one ssh2 connection,
 * kept up with SSH keepalives, re-established with exponential backoff when it drops and moved to
 * the standby's address when the current one cannot be reached, as the CSTA and CMIP links are.
 * One log line per state change.
 *
 * Commands run one per `exec` channel, their output handed over line by line as it arrives. At
 * most `maxChannels` run at once on a node (the OXE, like OpenSSH, limits the sessions of a
 * connection, and its CPU is not ours to spend); the others wait their turn. A long-lived follower
 * (`incvisu -F`) may run outside that count.
 *
 * Host key: pinned keys (known_hosts lines such as `ssh-ed25519 AAAA...`) are the only ones
 * accepted when given; without them any key is accepted and its fingerprint logged, which is how
 * OpenSSH's first contact looks too.
 */
import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import type { ClientChannel, ConnectConfig } from "ssh2";
import ssh2 from "ssh2";
import { backoffMs, nextEndpoint } from "../reconnect.js";
import { LineSplitter } from "./lines.js";

export interface SshEndpoint {
  host: string;
  port: number;
}

export type SshLog = (level: "info" | "warn" | "error", line: string) => void;

export interface SshLinkOptions {
  /** "node 1 SSH": for log lines */
  name: string;
  /** main address first, then the standby's */
  endpoints: readonly SshEndpoint[];
  login: string;
  password?: string;
  /** a private key (OpenSSH or PEM) instead of, or as well as, the password */
  privateKey?: string | Buffer;
  passphrase?: string;
  /** accepted host keys as `type base64` lines; empty or absent: any key */
  hostKeys?: readonly string[];
  keepaliveMs: number;
  /** unanswered keepalives before the connection is declared dead */
  keepaliveCountMax: number;
  connectTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  maxChannels: number;
  log: SshLog;
}

export type SshLinkState = "idle" | "connecting" | "up" | "down" | "stopped";

export interface SshLinkStatus {
  state: SshLinkState;
  /** host:port the link is (or was last) up on */
  endpoint: string;
  upSince: string | null;
  lastError: string;
  /** SHA256 fingerprint of the node's host key, as OpenSSH prints it */
  hostKeyFingerprint: string | null;
  /** exec channels open now (followers included) */
  channels: number;
  /** commands waiting for a channel */
  waiting: number;
  commands: number;
  reconnects: number;
}

export interface ExecOptions {
  signal?: AbortSignal;
  /** runs outside the `maxChannels` count: for a follower that lives as long as the link */
  unlimited?: boolean;
  /** the command is closed and fails after this long; default: no limit */
  timeoutMs?: number;
}

export interface ExecResult {
  /** the command's exit status */
  code: number;
  /** the start of what it wrote on stderr */
  stderr: string;
}

/**
 * Why a command did not complete. `down`: the link was not up; `dropped`: the connection went
 * away (or the channel closed without an exit status) while it ran; `refused`: the node would not
 * open a channel; `timeout` and `aborted`: ours; `output`: unreadable output.
 */
export type SshFailure = "down" | "dropped" | "refused" | "timeout" | "aborted" | "output";

export class SshLinkError extends Error {
  override readonly name = "SshLinkError";
  constructor(
    readonly failure: SshFailure,
    message: string,
  ) {
    super(message);
  }

  /** Running the command again once the link is back may succeed. */
  get retryable(): boolean {
    return this.failure === "down" || this.failure === "dropped" || this.failure === "refused";
  }
}

interface Job {
  readonly command: string;
  readonly onLine: (line: string) => void;
  readonly options: ExecOptions;
  readonly resolve: (r: ExecResult) => void;
  readonly reject: (e: Error) => void;
  /** set once running: ends the job (idempotent) */
  fail?: (e: SshLinkError) => void;
}

const STDERR_KEPT = 4096;

function keyBlob(line: string): string {
  const parts = line.trim().split(/\s+/);
  return (parts.length >= 2 ? parts[1] : parts[0]) ?? "";
}

export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}

interface SshLinkEvents {
  up: [endpointIndex: number];
  down: [reason: string];
}

export class SshLink extends EventEmitter<SshLinkEvents> {
  state: SshLinkState = "idle";
  endpointIndex = 0;
  private client: InstanceType<typeof ssh2.Client> | undefined;
  private readonly waiting: Job[] = [];
  private readonly running = new Set<Job>();
  private limited = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private lastDownReason = "";
  private lastError = "";
  private upSince: Date | null = null;
  private seenKey: string | null = null;
  private readonly pinned: ReadonlySet<string>;
  private commands = 0;
  private reconnects = 0;

  constructor(private readonly options: SshLinkOptions) {
    super();
    if (options.endpoints.length === 0) throw new Error(`${options.name}: no address`);
    this.pinned = new Set((options.hostKeys ?? []).map(keyBlob).filter(Boolean));
    // Waiters for the link (one per request in a retry) come and go; no leak warning for them.
    this.setMaxListeners(0);
  }

  get name(): string {
    return this.options.name;
  }

  get isUp(): boolean {
    return this.state === "up";
  }

  get endpoint(): SshEndpoint {
    return this.options.endpoints[this.endpointIndex]!;
  }

  start(): void {
    if (this.state !== "idle" && this.state !== "stopped") return;
    this.state = "down";
    this.connect();
  }

  stop(): void {
    this.state = "stopped";
    clearTimeout(this.retryTimer);
    const c = this.client;
    this.client = undefined;
    this.failAll(new SshLinkError("down", `${this.name} stopped`));
    c?.end();
    c?.destroy();
  }

  /** Cut the connection now; the link reconnects by itself. */
  reset(reason: string): void {
    if (!this.client || this.state === "stopped") return;
    this.lastDownReason = reason;
    this.client.destroy();
  }

  status(): SshLinkStatus {
    const ep = this.endpoint;
    return {
      state: this.state,
      endpoint: `${ep.host}:${ep.port}`,
      upSince: this.upSince?.toISOString() ?? null,
      lastError: this.lastError,
      hostKeyFingerprint: this.seenKey,
      channels: this.running.size,
      waiting: this.waiting.length,
      commands: this.commands,
      reconnects: this.reconnects,
    };
  }

  /** Resolves true once the link is up, false if it is not within `ms`. */
  waitUp(ms: number): Promise<boolean> {
    if (this.isUp) return Promise.resolve(true);
    if (this.state === "stopped" || ms <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (v: boolean) => {
        clearTimeout(timer);
        this.off("up", onUp);
        resolve(v);
      };
      const onUp = () => done(true);
      const timer = setTimeout(() => done(false), ms);
      timer.unref();
      this.on("up", onUp);
    });
  }

  /**
   * Run `command` on the node, handing each line of its standard output to `onLine` as it
   * arrives. Resolves with the exit status once the channel closes; rejects with an
   * SshLinkError when the link cannot carry it to the end.
   */
  exec(command: string, onLine: (line: string) => void, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.state !== "up") {
      return Promise.reject(new SshLinkError("down", `${this.name} is ${this.state}`));
    }
    if (options.signal?.aborted) return Promise.reject(new SshLinkError("aborted", "aborted"));
    return new Promise<ExecResult>((resolve, reject) => {
      const job: Job = { command, onLine, options, resolve, reject };
      if (options.unlimited || this.limited < this.options.maxChannels) this.run(job);
      else {
        this.waiting.push(job);
        options.signal?.addEventListener(
          "abort",
          () => {
            const i = this.waiting.indexOf(job);
            if (i >= 0) {
              this.waiting.splice(i, 1);
              reject(new SshLinkError("aborted", "aborted"));
            }
          },
          { once: true },
        );
      }
    });
  }

  private run(job: Job): void {
    const client = this.client;
    if (!client || this.state !== "up") {
      job.reject(new SshLinkError("down", `${this.name} is ${this.state}`));
      return;
    }
    const limited = !job.options.unlimited;
    if (limited) this.limited++;
    this.running.add(job);
    this.commands++;
    let settled = false;
    let channel: ClientChannel | undefined;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => fail(new SshLinkError("aborted", "aborted"));
    const settle = () => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      job.options.signal?.removeEventListener("abort", onAbort);
      this.running.delete(job);
      if (limited) {
        this.limited--;
        this.pump();
      }
      return true;
    };
    const fail = (e: SshLinkError) => {
      if (!settle()) return;
      try {
        channel?.close();
      } catch {
        // the connection is already gone: nothing to close
      }
      job.reject(e);
    };
    job.fail = fail;
    job.options.signal?.addEventListener("abort", onAbort, { once: true });
    if (job.options.timeoutMs) {
      timer = setTimeout(
        () =>
          fail(
            new SshLinkError(
              "timeout",
              `${job.command.split(" ")[0]}: no end after ${job.options.timeoutMs} ms`,
            ),
          ),
        job.options.timeoutMs,
      );
      timer.unref();
    }
    const opened = (err: Error | undefined, ch: ClientChannel) => {
      if (err) {
        fail(new SshLinkError("refused", `${this.name}: the node refused a channel (${err.message})`));
        return;
      }
      if (settled) {
        ch.close();
        return;
      }
      channel = ch;
      let code: number | null = null;
      let stderr = "";
      const lines = new LineSplitter(job.onLine);
      ch.on("data", (chunk: Buffer) => {
        if (settled) return;
        try {
          lines.push(chunk);
        } catch (e) {
          fail(new SshLinkError("output", `${job.command.split(" ")[0]}: ${(e as Error).message}`));
        }
      });
      ch.stderr.on("data", (chunk: Buffer) => {
        if (stderr.length < STDERR_KEPT)
          stderr += chunk.toString("utf8").slice(0, STDERR_KEPT - stderr.length);
      });
      ch.on("exit", (c: number | null) => {
        code = c;
      });
      ch.on("close", () => {
        if (settled) return;
        try {
          lines.end();
        } catch (e) {
          fail(new SshLinkError("output", (e as Error).message));
          return;
        }
        // No exit status: the connection went away under the command, or the node killed it.
        if (code === null) {
          fail(new SshLinkError("dropped", `${this.name}: ${job.command.split(" ")[0]} cut off`));
          return;
        }
        if (settle()) job.resolve({ code, stderr: stderr.trim() });
      });
    };
    try {
      client.exec(job.command, opened);
    } catch (err) {
      // ssh2 throws at once when its socket is gone and its close event has not run yet.
      fail(new SshLinkError("dropped", `${this.name}: ${(err as Error).message}`));
    }
  }

  private pump(): void {
    while (this.waiting.length && this.limited < this.options.maxChannels && this.state === "up") {
      this.run(this.waiting.shift()!);
    }
  }

  private failAll(e: SshLinkError): void {
    for (const job of [...this.running]) job.fail?.(e);
    for (const job of this.waiting.splice(0)) job.reject(e);
  }

  private connect(): void {
    if (this.state === "stopped") return;
    const ep = this.endpoint;
    this.state = "connecting";
    const client = new ssh2.Client();
    this.client = client;
    let keyOk = true;
    const config: ConnectConfig = {
      host: ep.host,
      port: ep.port,
      username: this.options.login,
      readyTimeout: this.options.connectTimeoutMs,
      keepaliveInterval: this.options.keepaliveMs,
      keepaliveCountMax: this.options.keepaliveCountMax,
      hostVerifier: (key: Buffer) => {
        const fp = fingerprint(key);
        keyOk = this.pinned.size === 0 || this.pinned.has(key.toString("base64"));
        if (!keyOk) this.lastDownReason = `host key ${fp} is not one of the pinned keys`;
        else this.seenKey = fp;
        return keyOk;
      },
    };
    if (this.options.password !== undefined) config.password = this.options.password;
    if (this.options.privateKey !== undefined) config.privateKey = this.options.privateKey;
    if (this.options.passphrase !== undefined) config.passphrase = this.options.passphrase;
    // The node's keyboard-interactive prompt asks for the same password (OpenSSH's default method).
    if (this.options.password !== undefined) {
      config.tryKeyboard = true;
      const password = this.options.password;
      client.on("keyboard-interactive", (_n, _i, _l, prompts, finish) => finish(prompts.map(() => password)));
    }
    client.on("ready", () => {
      if (this.client !== client) return;
      this.state = "up";
      this.attempt = 0;
      this.upSince = new Date();
      this.lastError = "";
      const pin = this.pinned.size ? "pinned host key" : `host key ${this.seenKey}, not pinned`;
      this.options.log(
        "info",
        `${this.name} up on ${ep.host}:${ep.port}${this.endpointIndex > 0 ? " (standby address)" : ""} (${pin})`,
      );
      this.emit("up", this.endpointIndex);
      this.pump();
    });
    client.on("error", (err: Error & { level?: string }) => {
      if (!this.lastDownReason || keyOk) this.lastDownReason = err.message;
    });
    client.on("close", () => {
      if (this.client !== client) return;
      this.client = undefined;
      const wasUp = this.state === "up";
      const reason = this.lastDownReason || "connection closed";
      this.lastDownReason = "";
      this.lastError = reason;
      this.upSince = null;
      if (this.state === "stopped") return;
      // Down before the commands are failed: their callers may retry at once, and must wait.
      this.state = "down";
      this.failAll(new SshLinkError("dropped", `${this.name} went down (${reason})`));
      if (wasUp) {
        this.options.log("warn", `${this.name} down (${reason})`);
        this.emit("down", reason);
      }
      this.scheduleReconnect(wasUp, reason);
    });
    try {
      client.connect(config);
    } catch (err) {
      // ssh2 refuses some settings at once (a private key it cannot parse): no socket, no close.
      this.client = undefined;
      this.state = "down";
      this.lastError = (err as Error).message;
      this.scheduleReconnect(false, this.lastError);
      return;
    }
    // Each exec is a few small packets each way: Nagle's algorithm against the peer's delayed
    // ACKs would add some 40 ms to every command.
    client.setNoDelay(true);
  }

  private scheduleReconnect(wasUp: boolean, reason: string): void {
    const o = this.options;
    this.endpointIndex = nextEndpoint(this.endpointIndex, o.endpoints.length, wasUp, this.attempt);
    const delay = wasUp ? 0 : backoffMs(this.attempt, o.reconnectMinMs, o.reconnectMaxMs);
    if (!wasUp && this.attempt === 0)
      this.options.log("warn", `${this.name} cannot connect (${reason}), retrying`);
    this.attempt++;
    this.reconnects++;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
    this.retryTimer.unref();
  }
}
