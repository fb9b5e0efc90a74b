/**
 * The emulated OXE network as one handle: the generated directory, the call model, and per node
 * the servers of its links. Tests, scenarios and benchmarks drive it through this handle (the
 * phones' keys, faults); the gateway only ever sees its TCP ports.
 */

import { NodeAnalytics } from "./analytics/index.js";
import { AcdTraffic, type AcdTrafficOptions, Ccd, generateCcd } from "./ccd/index.js";
import { generateRsiPoints, RsiPoints, rsiOf } from "./ccd/rsi.js";
import { CcdTicketStore } from "./ccd/stats-tickets.js";
import { type Directory, generateDirectory } from "./directory/index.js";
import { HUNT_GROUP_MEMBER_CLASS } from "./mib/index.js";
import { deskSharingOf } from "./model/desk-sharing.js";
import {
  type Connection,
  type Device,
  ModelError,
  Network,
  type NetworkOptions,
  seedHuntingGroups,
} from "./model/index.js";
import { CmipNodeServer } from "./servers/cmip/node-server.js";
import type { LinkFaults } from "./servers/common/faults.js";
import { CstaNodeServer } from "./servers/csta/node-server.js";
import { ImapNodeServer } from "./servers/imap/index.js";
import { PrsNodeServer } from "./servers/prs/index.js";
import { SshNodeServer } from "./servers/ssh/index.js";
import { VoiceMailStore } from "./voicemail/index.js";
import { type XmlBrowser, XmlBrowsers } from "./xml-browser/index.js";

export interface EmulatorConfig {
  users: number;
  nodes: number;
  seed: number;
  firstNumber?: number;
  /** password of every generated user */
  userPassword?: string;
  host: string;
  /** node i listens on basePort + 10(i-1) (CSTA), +1 (CMIP), +2 (SSH), +3 (IMAP), +4 (PRS); 0 picks free ports */
  basePort: number;
  /** the nodes' maintenance account, for SSH (incidents and charging tickets) */
  maintenanceLogin: string;
  maintenancePassword: string;
  /** keep the nodes' SSH host keys in this directory across runs; default: in memory */
  sshHostKeyDir?: string;
  /** mean ms between two random incidents on a node; 0: only what scenarios raise */
  liveIncidentMeanMs: number;
  /** mean ms between two random public network calls charged on a node; 0: none */
  livePublicCallMeanMs: number;
  /** every node is a main/standby pair of call servers (two addresses) */
  redundant: boolean;
  /** node i's voice mail pilot is voiceMailBase + i; calls forwarded there leave a message */
  voiceMailBase: number;
  /** how long the voice mail lets a call ring, and the longest message it records */
  voiceMailAnswerAfterMs: number;
  voiceMailMaxMs: number;
  /** the account the gateway's links authenticate with */
  linkLogin: string;
  linkPassword: string;
  maxMonitorsPerNode: number;
  maxCstaLinksPerNode: number;
  maxCmipLinksPerNode: number;
  heartbeatMs: number;
  /** the PRS link (XML on IP Touch sets) with TLS from the first octet; default true */
  prsTls?: boolean;
  network: Partial<NetworkOptions>;
  /**
   * Fraction (0..1) of each node's users who are CCD operators; with any, the CCD has processing
   * groups and pilots (see ccd/config.ts). 0 (the default): no CCD.
   */
  agents?: number;
  /** an RSI point's route session timeout (default 30 s, ccd/rsi.ts) */
  rsiRouteTimeoutMs?: number;
  /** an RSI voice guide's length when no duration is asked (default 3 s) */
  rsiVoiceGuideMs?: number;
  /** the CCD's wrap-up time after a distributed call (default 10 s) */
  ccdWrapUpMs?: number;
  /** how long a distributed call rings an agent before it is queued again (default 20 s) */
  ccdRingTimeoutMs?: number;
  /** calls each processing group's queue holds (default 10) */
  ccdQueueSize?: number;
  /**
   * the CCD's calendar clock: "live" runs with the wall clock, "manual" (the default, for tests)
   * moves only when set (ccd/calendar.ts)
   */
  ccdCalendarClock?: "live" | "manual";
  /**
   * Callers to the pilots at this many calls per second, every operator logged on and ready and
   * answering by itself (see ccd/traffic.ts); needs `agents`.
   */
  acdTraffic?: Partial<AcdTrafficOptions>;
  /** the CCD statistics tickets' seeded history (ccd/stats-tickets.ts); `now` pins it in tests */
  ccdStats?: { historyDays?: number; callsPerDay?: number; now?: number };
  log?: (line: string) => void;
}

export const DEFAULT_EMULATOR_CONFIG: EmulatorConfig = {
  users: 1000,
  nodes: 1,
  seed: 1,
  host: "127.0.0.1",
  basePort: 0,
  redundant: false,
  voiceMailBase: 8000,
  voiceMailAnswerAfterMs: 1000,
  voiceMailMaxMs: 30_000,
  linkLogin: "o2g",
  linkPassword: "o2g-link",
  maintenanceLogin: "adfexc",
  maintenancePassword: "adfexc",
  liveIncidentMeanMs: 0,
  livePublicCallMeanMs: 0,
  maxMonitorsPerNode: 20_000,
  maxCstaLinksPerNode: 30,
  maxCmipLinksPerNode: 30,
  heartbeatMs: 10_000,
  network: {},
};

export interface Endpoint {
  host: string;
  port: number;
}

/** The servers of one call server (one address) of a node: its five links. */
export interface CallServer {
  readonly csta: CstaNodeServer;
  readonly cmip: CmipNodeServer;
  readonly ssh: SshNodeServer;
  readonly imap: ImapNodeServer;
  readonly prs: PrsNodeServer;
}

export type SwitchoverFlavour = "clean" | "silent";

/**
 * One OXE node: one call server, or a main/standby pair of them with two addresses. Both
 * members share the node's configuration and calls (the model), as a duplicated OXE keeps its
 * standby in step; only the active member accepts links. A switchover makes the standby the
 * active member: "clean" resets the old main's connections, "silent" leaves them open and mute
 * (only a heartbeat can tell), as a call server that froze or lost its network would.
 */
export class EmulatedNode {
  /** index in `members` of the call server that accepts links now */
  private activeIndex = 0;
  switchovers = 0;

  constructor(
    readonly nodeId: number,
    readonly members: readonly CallServer[],
    private readonly host: string,
    readonly analytics: NodeAnalytics,
    readonly voicemail: VoiceMailStore,
    /** the IP Touch sets' XML browsers and the node's XML application settings */
    readonly xml: XmlBrowsers,
  ) {
    for (let i = 1; i < members.length; i++) this.setOffline(members[i]!, true);
  }

  get redundant(): boolean {
    return this.members.length > 1;
  }

  /** The active call server. */
  get active(): CallServer {
    return this.members[this.activeIndex]!;
  }

  get activeMember(): number {
    return this.activeIndex;
  }

  get csta(): CstaNodeServer {
    return this.active.csta;
  }

  get cmip(): CmipNodeServer {
    return this.active.cmip;
  }

  get ssh(): SshNodeServer {
    return this.active.ssh;
  }

  get imap(): ImapNodeServer {
    return this.active.imap;
  }

  get prs(): PrsNodeServer {
    return this.active.prs;
  }

  private endpoint(member: number, port: (m: CallServer) => number): Endpoint {
    const m = this.members[member];
    if (!m) throw new Error(`node ${this.nodeId} has no call server ${member + 1}`);
    return { host: this.host, port: port(m) };
  }

  /** The addresses of the first call server (the main at start): what a gateway is configured with. */
  get cstaEndpoint(): Endpoint {
    return this.endpoint(0, (m) => m.csta.port);
  }

  get cmipEndpoint(): Endpoint {
    return this.endpoint(0, (m) => m.cmip.port);
  }

  get sshEndpoint(): Endpoint {
    return this.endpoint(0, (m) => m.ssh.port);
  }

  get imapEndpoint(): Endpoint {
    return this.endpoint(0, (m) => m.imap.port);
  }

  get prsEndpoint(): Endpoint {
    return this.endpoint(0, (m) => m.prs.port);
  }

  /** The second call server's addresses (the standby at start), for a redundant node. */
  get standby():
    | { csta: Endpoint; cmip: Endpoint; ssh: Endpoint; imap: Endpoint; prs: Endpoint }
    | undefined {
    if (!this.redundant) return undefined;
    return {
      csta: this.endpoint(1, (m) => m.csta.port),
      cmip: this.endpoint(1, (m) => m.cmip.port),
      ssh: this.endpoint(1, (m) => m.ssh.port),
      imap: this.endpoint(1, (m) => m.imap.port),
      prs: this.endpoint(1, (m) => m.prs.port),
    };
  }

  private servers(m: CallServer) {
    return [m.csta, m.cmip, m.ssh, m.imap, m.prs] as const;
  }

  /**
   * An offline member keeps its ports (its address is known to the gateway) but closes every
   * connection at once, as a standby OXE does not take CTI links.
   */
  private setOffline(m: CallServer, offline: boolean): void {
    m.csta.faults.offline = offline;
    m.cmip.faults.offline = offline;
    m.ssh.faults.refuseUntil = offline ? Number.POSITIVE_INFINITY : 0;
    m.imap.faults.refuseUntil = offline ? Number.POSITIVE_INFINITY : 0;
    m.prs.faults.offline = offline;
  }

  /**
   * The standby takes over. Nothing the node holds is lost: configuration, users, calls in
   * progress, key programming live in the shared model; the links and their monitors do not
   * survive, which is what the gateway must recover from.
   */
  switchover(flavour: SwitchoverFlavour = "clean"): void {
    if (!this.redundant) throw new Error(`node ${this.nodeId} is not a redundant pair`);
    const old = this.active;
    const next = (this.activeIndex + 1) % this.members.length;
    if (flavour === "clean") {
      for (const s of this.servers(old)) s.dropLinks();
    } else {
      // The old main goes mute: its open links neither read nor write, nobody closes them.
      for (const s of this.servers(old)) s.faults.stalled = true;
    }
    this.setOffline(old, true);
    const m = this.members[next]!;
    for (const s of this.servers(m)) Object.assign(s.faults, { stalled: false, delayMs: 0, jitterMs: 0 });
    this.setOffline(m, false);
    this.activeIndex = next;
    this.switchovers++;
  }

  /** Stop every server of the node (`reset`: drop the open links too). */
  async close(reset = true): Promise<void> {
    for (const m of this.members) m.csta.dispose();
    this.analytics.dispose();
    await Promise.all(this.members.flatMap((m) => this.servers(m).map((s) => s.close(reset))));
  }

  /** Faults apply to every link of the active call server. */
  setFaults(f: Partial<LinkFaults>): void {
    for (const s of this.servers(this.active)) Object.assign(s.faults, f);
  }

  clearFaults(): void {
    this.setFaults({ delayMs: 0, jitterMs: 0, stalled: false, refuseUntil: 0 });
    this.setOffline(this.active, false);
  }
}

/** What a user does with the set on their desk. */
export interface Phone {
  readonly device: Device;
  /** lift the handset: answers a ringing call, or gets dial tone */
  offHook(): Connection;
  answer(): Connection;
  dial(number: string): Connection;
  /** hang up the active call */
  hangUp(): void;
  /** the hunting group prefix: log on (true) or off the set's group (refused if it has none) */
  huntingGroupLog(on: boolean): void;
  /** keys pressed during the active call (DTMF): an RSI point the call waits at hears them */
  digits(keys: string): void;
}

export class Emulator {
  constructor(
    readonly config: EmulatorConfig,
    readonly directory: Directory,
    readonly network: Network,
    readonly nodes: EmulatedNode[],
    /** the CCD (agents, pilots, queues), when the network has operators */
    readonly ccd?: Ccd,
  ) {}

  /** Switch a redundant node over to its standby (see EmulatedNode.switchover). */
  switchover(nodeId: number, flavour: SwitchoverFlavour = "clean"): void {
    this.node(nodeId).switchover(flavour);
  }

  node(nodeId: number): EmulatedNode {
    const n = this.nodes.find((x) => x.nodeId === nodeId);
    if (!n) throw new Error(`no node ${nodeId}`);
    return n;
  }

  /** The XML browser of an IP Touch set (its XML key, menu, keypad, softkeys and screen). */
  xmlSet(number: string): XmlBrowser {
    const sub = this.directory.byNumber.get(number);
    if (!sub) throw new Error(`no set ${number}`);
    return this.node(sub.nodeId).xml.browser(number);
  }

  phone(number: string): Phone {
    const net = this.network;
    // A desk sharing set someone is logged on plays that user's number.
    const device = deskSharingOf(net).deviceAt(number);
    return {
      device,
      offHook: () => net.deferEvents(() => net.offHook(device)),
      answer: () => net.deferEvents(() => net.offHook(device)),
      dial: (n) => net.deferEvents(() => net.dial(device, n)),
      hangUp: () => net.deferEvents(() => net.onHook(device)),
      digits: (keys) => {
        if (!/^[0-9*#A-D]{1,64}$/.test(keys)) throw new Error(`"${keys}" are not keys of a set`);
        const c = device.connections.find((x) => x.state === "connected");
        if (!c) throw new ModelError("noActiveCall", `device ${device.number} has no active call`);
        rsiOf(net)?.digits(c.call, keys);
      },
      huntingGroupLog: (on) => {
        const g = net.huntingGroups.groupOf(number);
        if (!g) throw new ModelError("invalidDeviceState", `${number} is in no hunting group`);
        // The member object's change, reported over CMIP as a manager's would be.
        this.node(device.nodeId).active.cmip.localChange((mib) =>
          mib.set({
            objectClass: HUNT_GROUP_MEMBER_CLASS.id,
            instance: `Node=${device.nodeId}/Hunt_Group=${g.number}/Hunt_Group_Member=${number}`,
            modifications: [{ id: 3, value: on }],
          }),
        );
      },
    };
  }

  /** the `acdTraffic` generator, when asked for */
  acdTraffic: AcdTraffic | undefined;

  async stop(): Promise<void> {
    this.acdTraffic?.dispose();
    this.ccd?.close();
    for (const n of this.nodes) await n.close();
    for (const call of [...this.network.activeCalls()]) {
      clearTimeout(call.ringTimer);
      clearTimeout(call.failTimer);
    }
  }
}

/**
 * The node's 4645 voice mail on the call server: its pilot number answers calls sent to it
 * (forwarded, overflowed, deflected) and, once the caller hangs up, the message is in the
 * mailbox of the user the call was meant for. As on the OXE, a user's mailbox is on their own
 * node: a call for a user of another node does not leave a message here.
 */
function attachVoiceMail(
  network: Network,
  nodeId: number,
  pilot: string,
  store: VoiceMailStore,
  config: EmulatorConfig,
): void {
  network.addServiceDevice(pilot, nodeId, "Voice mail", {
    kind: "voicemail",
    answerAfterMs: config.voiceMailAnswerAfterMs,
    maxDurationMs: config.voiceMailMaxMs,
  });
  network.onCallEnded((s) => {
    if (s.answeredBy !== pilot || s.answeredAt === undefined) return;
    const mailbox = s.lastRedirectionDevice ?? s.calledDevice;
    const owner = mailbox ? network.devices.get(mailbox) : undefined;
    if (!owner || owner.service || owner.nodeId !== nodeId || !s.callingDevice) return;
    const caller = network.devices.get(s.callingDevice)?.subscriber;
    const durationSec = Math.max(1, Math.round((s.endedAt - s.answeredAt) / 1000));
    try {
      store.deposit(owner.number, {
        caller: s.callingDevice,
        ...(caller && !network.devices.get(s.callingDevice)?.service
          ? { callerName: `${caller.firstName} ${caller.lastName}`.trim() }
          : {}),
        durationSec,
      });
    } catch (err) {
      config.log?.(
        `[node ${nodeId} voicemail] message for ${owner.number} not kept: ${(err as Error).message}`,
      );
    }
  });
}

/** The sets with an XML browser: the IP Touch sets with a large display. */
export const XML_STATION_TYPES: ReadonlySet<string> = new Set(["IPTouch8068", "IPTouch8038"]);

export async function startEmulator(partial: Partial<EmulatorConfig> = {}): Promise<Emulator> {
  const config: EmulatorConfig = { ...DEFAULT_EMULATOR_CONFIG, ...partial };
  const dirOptions: Parameters<typeof generateDirectory>[0] = {
    users: config.users,
    nodes: config.nodes,
    seed: config.seed,
  };
  if (config.firstNumber !== undefined) dirOptions.firstNumber = config.firstNumber;
  if (config.userPassword !== undefined) dirOptions.password = config.userPassword;
  const directory = generateDirectory(dirOptions);
  const network = new Network(directory, config.network);
  const ccd =
    config.agents && config.agents > 0
      ? new Ccd(
          network,
          generateCcd(directory, {
            agents: config.agents,
            seed: config.seed,
            ...(config.ccdWrapUpMs !== undefined ? { wrapUpMs: config.ccdWrapUpMs } : {}),
            ...(config.ccdRingTimeoutMs !== undefined ? { ringTimeoutMs: config.ccdRingTimeoutMs } : {}),
            ...(config.ccdQueueSize !== undefined ? { queueSize: config.ccdQueueSize } : {}),
          }),
          { calendarClock: config.ccdCalendarClock ?? "manual" },
        )
      : undefined;
  // RSI points come with the CCD (ccd/rsi.ts); the CSTA servers find them on the network.
  if (ccd)
    new RsiPoints(network, generateRsiPoints(directory), {
      ...(config.rsiRouteTimeoutMs !== undefined ? { routeTimeoutMs: config.rsiRouteTimeoutMs } : {}),
      ...(config.rsiVoiceGuideMs !== undefined ? { voiceGuideMs: config.rsiVoiceGuideMs } : {}),
    });
  const nodes: EmulatedNode[] = [];
  try {
    for (let nodeId = 1; nodeId <= config.nodes; nodeId++) {
      const base = config.basePort === 0 ? 0 : config.basePort + (nodeId - 1) * 10;
      const common = { nodeId, host: config.host, login: config.linkLogin, password: config.linkPassword };
      const analytics = new NodeAnalytics({ nodeId, seed: config.seed, directory, network });
      if (ccd) {
        analytics.ccdTickets = new CcdTicketStore(ccd.config, {
          nodeId,
          seed: config.seed,
          ...config.ccdStats,
        });
        analytics.ccdTickets.attach(ccd);
      }
      analytics.startLive({
        incidentMeanMs: config.liveIncidentMeanMs,
        publicCallMeanMs: config.livePublicCallMeanMs,
      });
      const voicemail = new VoiceMailStore({ nodeId, directory, seed: config.seed });
      const members: CallServer[] = [];
      const xml = new XmlBrowsers({
        nodeId,
        hasBrowser: (dn) => {
          const sub = directory.byNumber.get(dn);
          return sub?.nodeId === nodeId && XML_STATION_TYPES.has(sub.stationType.name);
        },
      });
      // The standby's ports follow the main's: +5 (CSTA) .. +8 (IMAP).
      for (let member = 0; member < (config.redundant ? 2 : 1); member++) {
        const port = (offset: number) => (base === 0 ? 0 : base + member * 5 + offset);
        const memberLog = config.log
          ? {
              log: (line: string) =>
                config.log!(config.redundant ? line.replace("]", ` ${member === 0 ? "A" : "B"}]`) : line),
            }
          : {};
        const csta = new CstaNodeServer(network, {
          ...common,
          ...memberLog,
          port: port(0),
          maxLinks: config.maxCstaLinksPerNode,
          maxMonitors: config.maxMonitorsPerNode,
          heartbeatMs: config.heartbeatMs,
          ...(ccd ? { ccd } : {}),
        });
        const cmip = new CmipNodeServer(directory, {
          ...common,
          ...memberLog,
          port: port(1),
          maxLinks: config.maxCmipLinksPerNode,
          network,
        });
        const ssh = new SshNodeServer(analytics, {
          nodeId,
          host: config.host,
          port: port(2),
          login: config.maintenanceLogin,
          password: config.maintenancePassword,
          ...(config.sshHostKeyDir ? { hostKeyDir: config.sshHostKeyDir } : {}),
          ...memberLog,
        });
        const imap = new ImapNodeServer(voicemail, {
          nodeId,
          host: config.host,
          port: port(3),
          ...memberLog,
        });
        const prs = new PrsNodeServer(xml, {
          ...common,
          ...memberLog,
          port: port(4),
          secure: config.prsTls ?? true,
        });
        members.push({ csta, cmip, ssh, imap, prs });
        await csta.listen();
        await cmip.listen();
        await ssh.listen();
        await imap.listen();
        await prs.listen();
      }
      nodes.push(new EmulatedNode(nodeId, members, config.host, analytics, voicemail, xml));
      attachVoiceMail(network, nodeId, String(config.voiceMailBase + nodeId), voicemail, config);
      deskSharingOf(network).addSets(nodeId);
    }
    seedHuntingGroups(
      network.huntingGroups,
      new Map([...directory.byNode].map(([n, subs]) => [n, subs.map((s) => s.directoryNumber)])),
    );
  } catch (err) {
    for (const n of nodes) await n.close();
    throw err;
  }
  const emulator = new Emulator(config, directory, network, nodes, ccd);
  if (ccd && config.acdTraffic) {
    const traffic = new AcdTraffic(network, ccd, { seed: config.seed, ...config.acdTraffic });
    traffic.staffAll();
    traffic.start();
    emulator.acdTraffic = traffic;
  }
  return emulator;
}
