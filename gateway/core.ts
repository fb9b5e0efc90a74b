/**
 * The gateway's state and its links, independent of HTTP: the user directory, the telephony
 * engine, the event bus, sessions, and one NodeLink per configured OXE node. Services reach
 * everything through this object.
 */
import { timingSafeEqual } from "node:crypto";
import type { Logger } from "pino";
import type { GatewayConfig } from "./config/index.js";
import { UserDirectory } from "./domain/directory.js";
import { TelephonyEngine } from "./domain/telephony/index.js";
import { EventBus } from "./events/index.js";
import { type Principal, SessionStore } from "./http/sessions.js";
import { type LinkLog, NodeLink } from "./links/index.js";

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class GatewayCore {
  readonly directory = new UserDirectory();
  readonly bus = new EventBus();
  readonly telephony: TelephonyEngine;
  readonly sessions: SessionStore;
  readonly nodes = new Map<number, NodeLink>();
  readonly startedAt = new Date();
  private readyWaiters: (() => void)[] = [];
  private readonly firstReady = new Set<number>();
  /** ms from start until every node was monitored and snapshotted the first time */
  snapshotMs: number | undefined;

  constructor(
    readonly config: GatewayConfig,
    readonly log: Logger,
  ) {
    this.telephony = new TelephonyEngine(this.directory, this.bus);
    this.sessions = new SessionStore(config.session.ttlSeconds);
    const linkLog: LinkLog = (level, line) => this.log[level](line);
    for (const n of config.nodes) {
      const link = new NodeLink(n, config.links, this.directory, this.telephony, this.bus, linkLog);
      link.on("ready", () => {
        if (this.firstReady.has(n.nodeId)) return;
        this.firstReady.add(n.nodeId);
        if (this.firstReady.size === this.nodes.size) {
          this.snapshotMs = Math.round(performance.now() - this.linksStartedAt);
          const users = [...this.nodes.values()].reduce((s, l) => s + l.status().monitoredUsers, 0);
          this.log.info(
            `snapshot ${users} users in ${this.snapshotMs} ms (${this.nodes.size} node(s), from gateway start)`,
          );
          for (const w of this.readyWaiters.splice(0)) w();
        }
      });
      this.nodes.set(n.nodeId, link);
    }
  }

  /** when the links were started: the snapshot is timed from here */
  private linksStartedAt = 0;

  start(): void {
    this.linksStartedAt = performance.now();
    this.sessions.start();
    for (const n of this.nodes.values()) n.start();
    if (this.nodes.size === 0) this.snapshotMs = 0;
  }

  stop(): void {
    this.sessions.stop();
    for (const s of [...this.bus.subscriptions.values()]) this.bus.remove(s);
    for (const n of this.nodes.values()) n.stop();
  }

  /** Resolves once every node has been monitored and snapshotted once. */
  ready(): Promise<void> {
    if (this.firstReady.size === this.nodes.size) return Promise.resolve();
    return new Promise((r) => this.readyWaiters.push(r));
  }

  node(nodeId: number): NodeLink | undefined {
    return this.nodes.get(nodeId);
  }

  /**
   * Check a login and password: O2G administrators against the configuration; OXE users
   * (`oxe<number>`) against their node, which keeps their password (CMIP action).
   * Returns the principal, null for wrong credentials, or throws when the node cannot answer.
   */
  async authenticate(login: string, password: string): Promise<Principal | null> {
    const admin = this.config.admins.find((a) => a.login === login);
    if (admin) return sameSecret(admin.password, password) ? { login, admin: true } : null;
    const user = this.directory.users.get(login);
    if (!user) return null;
    const node = this.nodes.get(user.nodeId);
    if (!node?.cmip.rose.isUp) throw new NodeUnavailableError(user.nodeId);
    const ok = await node.cmip.action(
      "Subscriber",
      `Node=${user.nodeId}/Subscriber=${user.companyPhone}`,
      "Check_Password",
      password,
    );
    return ok === true ? { login, admin: false } : null;
  }
}

export class NodeUnavailableError extends Error {
  constructor(readonly nodeId: number) {
    super(`OXE node ${nodeId} is not reachable`);
  }
}
