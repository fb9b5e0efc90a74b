/**
 * The gateway's state and its links, independent of HTTP: the user directory, the telephony
 * engine, the event bus, sessions, and one NodeLink per configured OXE node. Services reach
 * everything through this object.
 */
import { timingSafeEqual } from "node:crypto";
import type { Logger } from "pino";
import type { GatewayConfig } from "./config/index.js";
import { nodeAnalyticsFor } from "./domain/analytics/index.js";
import { AgentEvents, PilotMonitors } from "./domain/callcenter/index.js";
import { ComlogBuilder } from "./domain/comlog/index.js";
import { UserDirectory } from "./domain/directory.js";
import { NodeUnavailableError } from "./domain/errors.js";
import {
  EventSummaryCounters,
  MissedCallCounter,
  settleMissedFromCaller,
} from "./domain/eventsummary/index.js";
import {
  announceLicenseExpiry,
  type ExpiryAnnouncer,
  Licenses,
  loadLicenseFile,
  trustedLicenseKeys,
} from "./domain/licensing/index.js";
import { VoiceMailService } from "./domain/messaging/index.js";
import { fromCmip } from "./domain/pbx/index.js";
import { ExternalContacts, PhoneBook } from "./domain/phonebook/index.js";
import { RoutingManager, type RoutingNode } from "./domain/routing/index.js";
import { RsiRouter } from "./domain/rsi/index.js";
import { type Principal, SessionStore } from "./domain/sessions.js";
import { TelephonyEngine } from "./domain/telephony/index.js";
import { XmlPrsService } from "./domain/xml-prs/index.js";
import { EventBus } from "./events/index.js";
import type { LinkLog } from "./links/index.js";
import { PrsClient } from "./links/prs/index.js";
import { NodeLink, routingNode, subscriberRouting } from "./nodes/index.js";

import type { Store } from "./store/index.js";

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class GatewayCore {
  readonly directory = new UserDirectory();
  readonly bus = new EventBus();
  readonly telephony: TelephonyEngine;
  readonly routing: RoutingManager;
  /** CCD operators' state changes, as the `agent` package's events */
  readonly agentEvents: AgentEvents;
  /** CCD pilots monitored for the CallCenterPilot service */
  readonly pilotMonitors: PilotMonitors;
  /** the RSI points this gateway serves (the Rsi service) */
  readonly rsi: RsiRouter;
  readonly comlog: ComlogBuilder;
  readonly eventSummary: EventSummaryCounters;
  private readonly missedCalls: MissedCallCounter;
  readonly phoneBook: PhoneBook;
  readonly sessions: SessionStore;
  /** the license file's grants and who holds the per-user licenses */
  readonly licenses: Licenses;
  private expiryAnnouncer: ExpiryAnnouncer | undefined;
  /** the users' 4645 mailboxes (IMAP) and their voice mail counters */
  readonly voicemail: VoiceMailService;
  private readonly routingNodes = new Map<number, RoutingNode>();
  private readonly untap: () => void;
  readonly nodes = new Map<number, NodeLink>();
  /** XML PRS: the sets' page requests answered from the XML applications */
  readonly xmlPrs: XmlPrsService;
  /** per node with a PRS address, the link its IP Touch sets' XML browsing comes over */
  readonly prsLinks = new Map<number, PrsClient>();
  readonly startedAt = new Date();
  private readyWaiters: (() => void)[] = [];
  private readonly firstReady = new Set<number>();
  /** ms from start until every node was monitored and snapshotted the first time */
  snapshotMs: number | undefined;
  /** this process's CPU ms (user + system, all threads) over the same span: what the snapshot cost the gateway */
  snapshotCpuMs: number | undefined;
  /**
   * Why this gateway serves nothing but discovery now, or null when it serves: set by the
   * high-availability pair (a passive or fenced member), read by the HTTP edge on every request.
   */
  notServing: () => string | null = () => null;
  /**
   * Whether the other member of a high-availability pair is alive (its heartbeat in the shared
   * database), undefined before the first check or outside a pair; set by the pair's arbiter.
   */
  haPeerConnected: () => boolean | undefined = () => undefined;
  /** missed calls being acknowledged in the store for an answered caller */
  private readonly settling = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    readonly config: GatewayConfig,
    readonly log: Logger,
    readonly store: Store,
  ) {
    this.telephony = new TelephonyEngine(this.directory, this.bus);
    this.agentEvents = new AgentEvents(this.directory, this.bus);
    this.pilotMonitors = new PilotMonitors(this.bus);
    this.rsi = new RsiRouter(
      this.bus,
      (n) => this.directory.byPhone(n) !== undefined,
      (l) => this.log.warn(l),
    );
    this.sessions = new SessionStore(config.session.ttlSeconds);
    const licenseSource = loadLicenseFile(
      config.licenses.file,
      trustedLicenseKeys({ trustTestKey: config.licenses.trustTestKey }),
    );
    (licenseSource.state === "INVALID" ? log.error.bind(log) : log.info.bind(log))(
      `licenses: ${licenseSource.message}`,
    );
    this.licenses = new Licenses({
      source: licenseSource,
      managementOverride: config.licenses.management,
      warningDays: config.licenses.expiryWarningDays,
    });
    // Check-out: the licenses a login took go back when its last session ends (logout or timeout).
    this.sessions.onEnd((s) => {
      if (this.sessions.ofLogin(s.principal.login).length === 0) this.licenses.checkOut(s.principal.login);
    });
    this.phoneBook = new PhoneBook(this.directory, new ExternalContacts());
    this.routing = new RoutingManager({
      directory: this.directory,
      events: this.bus,
      node: (id) => this.routingNodes.get(id),
    });
    this.missedCalls = new MissedCallCounter(
      async (login) => (await store.comlog.query(login, { unacknowledged: true }, { limit: 1 })).totalCount,
    );
    this.eventSummary = new EventSummaryCounters(
      {
        watched: (login) => this.bus.wants("eventSummary", login),
        missedCalls: (login) => this.missedCalls.get(login),
        // Unread voice messages, when the user's mailbox is open or can be (their password is known).
        voiceMessages: async (login) => {
          const known = this.voicemail.counters.get(login);
          if (known) return known.unread;
          const user = this.directory.users.get(login);
          if (!user || !this.voicemail.hasVoiceMail(user) || !this.voicemail.credentials.has(login))
            return undefined;
          return (await this.voicemail.count(user).catch(() => undefined))?.unread;
        },
        // The OXE keeps callback requests and text messages: asked over the user's CSTA link.
        callbacks: async (login) => {
          const at = this.cstaOf(login);
          if (!at) return undefined;
          return (await at.csta.getCallBack(at.device)).filter((e) => e.targetDevice === at.device).length;
        },
        texts: async (login) => {
          const at = this.cstaOf(login);
          return at ? at.csta.countTextMessages(at.device) : undefined;
        },
      },
      this.bus,
      (line) => this.log.warn(line),
    );
    this.comlog = new ComlogBuilder({
      repository: store.comlog,
      events: this.bus,
      isVoiceMail: (n) => {
        for (const l of this.nodes.values()) if (l.voiceMailNumber === n) return true;
        return false;
      },
      identity: (login) => {
        const u = this.directory.users.get(login);
        if (!u) return undefined;
        return {
          id: { loginName: u.loginName, phoneNumber: u.companyPhone },
          firstName: u.firstName,
          lastName: u.lastName,
          type: { main: "USER" },
        };
      },
      onRecord: (login, record) => {
        if (record.acknowledged) {
          // A record the builder finishes while the gateway stops is stored by the store's last
          // flush; the settling of its caller's missed calls would find the store closed.
          if (this.stopping) return;
          // An answered call from a caller the user had missed settles those missed calls.
          const settling = settleMissedFromCaller(store.comlog, this.bus, login, record).then(
            (ids) => {
              if (ids.length > 0) this.comlogChanged(login);
            },
            (err: unknown) => this.log.warn(`comlog: missed calls of ${login}: ${(err as Error).message}`),
          );
          // Finished before the store closes (stop() waits for them), not cut off by it.
          this.settling.add(settling);
          void settling.finally(() => this.settling.delete(settling));
          return;
        }
        this.missedCalls.added(login);
        this.eventSummary.changed(login);
      },
      log: (line) => this.log.warn(line),
    });
    // The log is made of what users were told of their calls, so it reads the telephony events.
    this.untap = this.bus.tap((pkg, login, event) => {
      if (pkg === "telephony" && login !== null) this.comlog.onEvent(login, event);
    });
    const linkLog: LinkLog = (level, line) => this.log[level](line);
    this.voicemail = new VoiceMailService({
      directory: this.directory,
      endpoints: (nodeId) => {
        const n = config.nodes.find((x) => x.nodeId === nodeId);
        return n?.imap ? [n.imap, ...(n.imapSecondary ? [n.imapSecondary] : [])] : [];
      },
      settings: config.imap,
      log: linkLog,
    });
    // The passwords a session gave for mailboxes go with the session.
    this.sessions.onEnd((s) => this.voicemail.sessionEnded(s.token));
    // A user's event summary counts their voice messages: while someone subscribes to it, the
    // mailbox stays open (IMAP IDLE), so a deposit changes the counter at once.
    this.voicemail.counters.onChange((login) => this.eventSummary.changed(login));
    const watching = new Map<string, (() => void)[]>();
    this.bus.onMembership((sub, added) => {
      if (!added) {
        for (const release of watching.get(sub.id) ?? []) release();
        watching.delete(sub.id);
        return;
      }
      const who = sub.filter.get("eventSummary");
      if (who === undefined || who === "all") return; // not every mailbox of the network for one supervisor
      watching.set(
        sub.id,
        [...who].map((login) => this.voicemail.watch(login)),
      );
    });
    this.xmlPrs = new XmlPrsService({
      directory: this.directory,
      licenses: this.licenses,
      settings: config.xmlPrs,
      log: linkLog,
    });
    for (const n of config.nodes) {
      if (n.prs)
        this.prsLinks.set(
          n.nodeId,
          new PrsClient({
            name: `node ${n.nodeId} prs`,
            endpoints: [n.prs, ...(n.prsSecondary ? [n.prsSecondary] : [])],
            secure: config.xmlPrs.secure,
            ...(config.xmlPrs.nodeCa ? { ca: config.xmlPrs.nodeCa } : {}),
            login: n.login,
            password: n.password,
            connectTimeoutMs: config.links.connectTimeoutMs,
            reconnectMinMs: config.links.reconnectMinMs,
            reconnectMaxMs: config.links.reconnectMaxMs,
            heartbeatMs: config.links.heartbeatMs,
            heartbeatMisses: config.links.heartbeatMisses,
            onRequest: (req) => this.xmlPrs.handle(n.nodeId, req),
            log: linkLog,
          }),
        );
      const link = new NodeLink(
        n,
        config.links,
        this.directory,
        this.telephony,
        this.bus,
        linkLog,
        nodeAnalyticsFor(n, config, linkLog),
      );
      link.on("ready", () => {
        if (this.firstReady.has(n.nodeId)) return;
        this.firstReady.add(n.nodeId);
        if (this.firstReady.size === this.nodes.size) {
          this.snapshotMs = Math.round(performance.now() - this.linksStartedAt);
          const cpu = process.cpuUsage(this.linksStartedCpu);
          this.snapshotCpuMs = Math.round((cpu.user + cpu.system) / 1000);
          const users = [...this.nodes.values()].reduce((s, l) => s + l.status().monitoredUsers, 0);
          this.log.info(
            `snapshot ${users} users in ${this.snapshotMs} ms (${this.nodes.size} node(s), from gateway start)`,
          );
          for (const w of this.readyWaiters.splice(0)) w();
          // Build the directory search index now rather than in the first user's search.
          setImmediate(() => this.phoneBook.size);
          // The communication log's statements too: compiled while the snapshot ran, they took
          // a core from it (pg-mem's thread), more than the snapshot of 1,000 users itself.
          this.store.comlog.precompile();
        }
      });
      link.on("feature", (device, ev) => this.routing.onSwitchFeature(device, ev));
      // The callee's callback counter moves with the OXE's CallBack events (set, cancelled, used up).
      link.on("callBack", (device, ev) => {
        if (ev.targetDevice === device) this.deviceSummaryChanged(device);
      });
      // ... and its text message counters with the set's message lamp (a message came or was read).
      link.on("messageWaiting", (device) => this.deviceSummaryChanged(device));
      link.on("agent", (device, ev) => this.agentEvents.onAgentEvent(device, ev));
      link.on("otherMonitor", (report) => this.pilotMonitors.onReport(n.nodeId, report));
      this.rsi.attach(n.nodeId, link.csta);
      link.on("ctiDown", () => this.pilotMonitors.forgetNode(n.nodeId));
      link.on("ctiUp", () => void this.pilotMonitors.restore(n.nodeId, link.csta, (l) => this.log.warn(l)));
      link.on("phoneBook", (contacts) => this.phoneBook.externals.set(n.nodeId, contacts));
      link.on("ctiDown", () => this.routing.forgetNode(n.nodeId));
      // Subscriber changes only: the node reports every key programmed (Prog_Key) too, and an
      // event no listener asks for is not decoded.
      link.cmip.onEvent((e) => {
        if (e.type === "objectDeletion") return;
        const dn = /Subscriber=([^/]+)$/.exec(e.instance)?.[1];
        const changes = subscriberRouting(e.attributes);
        if (dn && Object.keys(changes).length > 0) this.routing.onConfigChanged(dn, changes);
      }, "Subscriber");
      this.nodes.set(n.nodeId, link);
      this.routingNodes.set(n.nodeId, routingNode(link));
    }
  }

  /** The log's per-user limit removed these records. */
  comlogTrimmed(loginName: string, recordIds: number[]): void {
    this.bus.publish("unifiedComLog", loginName, { eventName: "OnComRecordsDeleted", loginName, recordIds });
    this.comlogChanged(loginName);
  }

  /** The event summary of the device's owner is to be read again. */
  private deviceSummaryChanged(device: string): void {
    const owner = this.directory.devices.get(device)?.owner;
    if (owner) this.eventSummary.changed(owner.loginName);
  }

  /** The CSTA link of the user's node, while it is up, and their main device. */
  private cstaOf(login: string): { csta: NodeLink["csta"]; device: string } | undefined {
    const u = this.directory.users.get(login);
    const device = u?.devices[0]?.id;
    const link = u ? this.nodes.get(u.nodeId) : undefined;
    return link?.csta.isUp && device ? { csta: link.csta, device } : undefined;
  }

  /** A user's log was acknowledged, unacknowledged or cut: their missed calls are to count again. */
  comlogChanged(loginName: string): void {
    this.missedCalls.invalidate(loginName);
    this.eventSummary.changed(loginName);
  }

  /** when the links were started: the snapshot is timed from here */
  private linksStartedAt = 0;
  private linksStartedCpu: NodeJS.CpuUsage | undefined;

  start(): void {
    this.linksStartedAt = performance.now();
    this.linksStartedCpu = process.cpuUsage();
    this.sessions.start();
    this.expiryAnnouncer = announceLicenseExpiry(this.licenses, this.bus);
    this.voicemail.start();
    for (const n of this.nodes.values()) n.start();
    for (const p of this.prsLinks.values()) p.start();
    if (this.nodes.size === 0) {
      this.snapshotMs = 0;
      this.store.comlog.precompile();
    }
  }

  /**
   * Stops everything; resolves once every node's links were released in order (monitors
   * stopped, RLRQ answered by RLRE, or cut after a bounded wait), so that a node does not keep
   * a dead association and its monitors until its own timers notice.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.untap();
    this.routing.stop();
    this.eventSummary.stop();
    this.expiryAnnouncer?.stop();
    this.sessions.stop();
    const voicemail = this.voicemail.stop();
    for (const s of [...this.bus.subscriptions.values()]) this.bus.remove(s);
    await Promise.all([
      voicemail,
      ...[...this.nodes.values()].map((n) => n.stop()),
      ...[...this.prsLinks.values()].map((p) => p.stop()),
    ]);
    while (this.settling.size > 0) await Promise.all(this.settling);
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
    // The link may drop while the node checks (a switchover): that is a 503 to retry, as when
    // it was down before, not an internal error.
    const ok = await node.cmip
      .action("Subscriber", `Node=${user.nodeId}/Subscriber=${user.companyPhone}`, "Check_Password", password)
      .catch((err: unknown) => {
        throw fromCmip(err, user.nodeId);
      });
    return ok === true ? { login, admin: false } : null;
  }
}

export { NodeUnavailableError };
