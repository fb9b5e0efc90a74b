/**
 * Which member of an active/passive pair serves, decided by PostgreSQL (lock-connection.ts)
 * and nothing home-made: the member holding the pair's advisory lock is the active one.
 *
 * Roles: `passive` (tries the lock every pollMs; serves discovery only, opens no OXE link),
 * `promoting` (holds the lock, waits out the fence delay before serving), `active`, `fenced`
 * (lost the lock or could not prove it still holds it: stops serving, for good in this process),
 * `stopped`.
 *
 * Why a passive that got the lock waits before serving (split brain). The lock is released at
 * the server at some instant r: the old active's backend ended (SIGKILL, a terminated backend,
 * the server noticing a dead network peer). The old active does not learn of r by itself on a
 * cut network; it only knows when its last heartbeat was *sent* and answered "held", and that
 * send came before r (a heartbeat sent after r answers "not held" or never answers). It serves
 * only while its last good heartbeat was sent less than `lease` = heartbeatMs + heartbeatTimeoutMs
 * ago (`serving()`, checked on every request), and a watchdog fences it (closing its OXE links)
 * once that is no longer so: it stops by r + lease at the latest, plus the watchdog's tick.
 * The new active took the lock at a >= r and serves from a + fenceDelay, with
 * fenceDelay = lease + heartbeatTimeoutMs: the extra timeout covers the watchdog tick
 * (heartbeatMs / 4 at most, capped at 100 ms; the timeout is never shorter in practice) and
 * timers firing late. Intervals are measured on each process's monotonic clock, so wall-clock
 * differences between the machines do not matter. What this cannot cover: an old active whose
 * event loop stalls for longer than the lease may, when it wakes, still deliver OXE events it
 * had queued before its watchdog runs (REST requests are refused by `serving()` at once).
 */
import { EventEmitter } from "node:events";
import type { StoreLogger } from "../sql.js";
import { type LockCheck, LockConnection } from "./lock-connection.js";

export type HaRole = "passive" | "promoting" | "active" | "fenced" | "stopped";

export interface HaTimings {
  /** how often a passive member tries to take the lock */
  pollMs: number;
  /** how often a member holding the lock checks it still does */
  heartbeatMs: number;
  /** a check unanswered for this long fails */
  heartbeatTimeoutMs: number;
}

export interface HaArbiterOptions extends HaTimings {
  databaseUrl: string;
  /** the pair's name: the lock's key and the members' application_name */
  pair: string;
  log: StoreLogger;
}

interface ArbiterEvents {
  /** this member may serve: open the OXE links */
  active: [];
  /** this member must stop serving at once: close the links, refuse requests */
  fenced: [reason: string];
  /** the other member's presence changed (seen while holding the lock or not) */
  peer: [up: boolean];
}

/** How long a member that took the lock waits before it serves (see the header). */
export function fenceDelayMs(t: HaTimings): number {
  return t.heartbeatMs + 2 * t.heartbeatTimeoutMs;
}

export class HaArbiter extends EventEmitter<ArbiterEvents> {
  private state: HaRole = "passive";
  private conn: LockConnection | undefined;
  private timer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  /** monotonic time the last heartbeat that answered "held" was sent */
  private lastHeldSentAt = Number.NEGATIVE_INFINITY;
  private tookLockAt = 0;
  private peerUp: boolean | undefined;
  private readonly lease: number;
  private readonly fenceDelay: number;

  constructor(private readonly opts: HaArbiterOptions) {
    super();
    this.lease = opts.heartbeatMs + opts.heartbeatTimeoutMs;
    this.fenceDelay = fenceDelayMs(opts);
  }

  get role(): HaRole {
    return this.state;
  }

  /** the other member is connected to the database (undefined until first seen) */
  get peerConnected(): boolean | undefined {
    return this.peerUp;
  }

  /** Active, and its hold on the lock proven recently enough to serve this request. */
  serving(): boolean {
    return this.state === "active" && performance.now() - this.lastHeldSentAt <= this.lease;
  }

  /**
   * Connects and makes the first attempt at the lock. Throws when the database cannot be
   * reached at all: a member that cannot reach its arbiter must not start.
   */
  async start(): Promise<void> {
    this.conn = await this.connect();
    await this.poll();
    const tick = Math.min(100, Math.max(10, Math.floor(this.opts.heartbeatMs / 4)));
    this.watchdog = setInterval(() => this.watch(), tick);
  }

  /** Leaves the pair: ends the lock connection, which releases the lock at the server. */
  async stop(): Promise<void> {
    this.state = "stopped";
    clearTimeout(this.timer);
    clearInterval(this.watchdog);
    await this.conn?.close();
    this.conn = undefined;
  }

  private connect(): Promise<LockConnection> {
    return LockConnection.open({
      url: this.opts.databaseUrl,
      pair: this.opts.pair,
      timeoutMs: this.opts.heartbeatTimeoutMs,
      onLost: (reason) => this.connectionLost(reason),
    });
  }

  private connectionLost(reason: string): void {
    if (this.state === "active" || this.state === "promoting") this.fence(`lock connection lost: ${reason}`);
    else if (this.state === "passive")
      this.opts.log.warn(`HA: lock connection lost (${reason}), reconnecting`);
  }

  private schedule(ms: number, fn: () => Promise<void>): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void fn(), ms);
  }

  private seen(check: LockCheck): void {
    const up = check.peers > 0;
    if (up === this.peerUp) return;
    const first = this.peerUp === undefined;
    this.peerUp = up;
    this.opts.log.info(`HA: the other member is ${up ? "connected" : "not connected"} to the database`);
    if (!first || !up) this.emit("peer", up);
  }

  /** Passive: one attempt at the lock, then the next one. */
  private async poll(): Promise<void> {
    if (this.state !== "passive") return;
    try {
      if (!this.conn || this.conn.isLost) {
        await this.conn?.close();
        this.conn = await this.connect();
      }
      const sentAt = performance.now();
      const check = await this.conn.tryTake();
      if (this.state !== "passive") return;
      this.seen(check);
      if (check.held) {
        this.state = "promoting";
        this.tookLockAt = sentAt;
        this.lastHeldSentAt = sentAt;
        this.opts.log.info(`HA: took the lock; serving in ${this.fenceDelay} ms (fence delay)`);
        this.schedule(this.opts.heartbeatMs, () => this.heartbeat());
        return;
      }
    } catch (err) {
      this.opts.log.warn(`HA: cannot try the lock: ${(err as Error).message}`);
      await this.conn?.close();
      this.conn = undefined;
    }
    this.schedule(this.opts.pollMs, () => this.poll());
  }

  /** Promoting or active: prove the lock is still ours. */
  private async heartbeat(): Promise<void> {
    if (this.state !== "promoting" && this.state !== "active") return;
    const sentAt = performance.now();
    let check: LockCheck;
    try {
      if (!this.conn) throw new Error("no lock connection");
      check = await this.conn.check();
    } catch (err) {
      this.fence(`heartbeat failed: ${(err as Error).message}`);
      return;
    }
    if (this.state !== "promoting" && this.state !== "active") return;
    if (!check.held) {
      this.fence("the lock is no longer held by this member");
      return;
    }
    this.lastHeldSentAt = sentAt;
    this.seen(check);
    if (this.state === "promoting" && sentAt - this.tookLockAt >= this.fenceDelay) {
      this.state = "active";
      this.opts.log.info("HA: active");
      this.emit("active");
    }
    // From the send, not the answer: the lease counts from sends too.
    this.schedule(Math.max(0, this.opts.heartbeatMs - (performance.now() - sentAt)), () => this.heartbeat());
  }

  private watch(): void {
    if (this.state !== "active" && this.state !== "promoting") return;
    if (performance.now() - this.lastHeldSentAt > this.lease)
      this.fence(`no heartbeat answered within ${this.lease} ms`);
  }

  /**
   * Stop serving, for good in this process: its OXE links and sessions are closed by whoever
   * listens, and a member that was fenced restarts (as passive) rather than rejoins, so that no
   * half-closed state is ever promoted again.
   */
  private fence(reason: string): void {
    if (this.state === "fenced" || this.state === "stopped") return;
    const was = this.state;
    if (was === "promoting") {
      // It never served: nothing to undo, it may try again as a passive member.
      this.opts.log.warn(`HA: gave up the promotion: ${reason}`);
      this.state = "passive";
      void this.conn?.close();
      this.conn = undefined;
      this.schedule(this.opts.pollMs, () => this.poll());
      return;
    }
    this.state = "fenced";
    clearTimeout(this.timer);
    clearInterval(this.watchdog);
    this.opts.log.error(`HA: fenced (was ${was}): ${reason}`);
    void this.conn?.close();
    this.conn = undefined;
    this.emit("fenced", reason);
  }
}
