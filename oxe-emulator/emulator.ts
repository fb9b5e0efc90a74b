/**
 * The emulated OXE network as one handle: the generated directory, the call model, and per node
 * the servers of its links. Tests, scenarios and benchmarks drive it through this handle (the
 * phones' keys, faults); the gateway only ever sees its TCP ports.
 */

import { NodeAnalytics } from "./analytics/index.js";
import { type Directory, generateDirectory } from "./directory/index.js";
import { type Connection, type Device, Network, type NetworkOptions } from "./model/index.js";
import { CmipNodeServer } from "./servers/cmip/node-server.js";
import type { LinkFaults } from "./servers/common/faults.js";
import { CstaNodeServer } from "./servers/csta/node-server.js";
import { ImapNodeServer } from "./servers/imap/index.js";
import { SshNodeServer } from "./servers/ssh/index.js";
import { VoiceMailStore } from "./voicemail/index.js";

export interface EmulatorConfig {
  users: number;
  nodes: number;
  seed: number;
  firstNumber?: number;
  /** password of every generated user */
  userPassword?: string;
  host: string;
  /** node i listens on basePort + 10(i-1) (CSTA), +1 (CMIP), +2 (SSH), +3 (IMAP); 0 picks free ports */
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
  /** the account the gateway's links authenticate with */
  linkLogin: string;
  linkPassword: string;
  maxMonitorsPerNode: number;
  maxCstaLinksPerNode: number;
  maxCmipLinksPerNode: number;
  heartbeatMs: number;
  network: Partial<NetworkOptions>;
  log?: (line: string) => void;
}

export const DEFAULT_EMULATOR_CONFIG: EmulatorConfig = {
  users: 1000,
  nodes: 1,
  seed: 1,
  host: "127.0.0.1",
  basePort: 0,
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

export class EmulatedNode {
  constructor(
    readonly nodeId: number,
    readonly csta: CstaNodeServer,
    readonly cmip: CmipNodeServer,
    readonly ssh: SshNodeServer,
    readonly imap: ImapNodeServer,
    private readonly host: string,
  ) {}

  /** the node's incidents and charging tickets (what its SSH server reads out) */
  get analytics(): NodeAnalytics {
    return this.ssh.analytics;
  }

  /** the node's 4645 voice mail (what its IMAP server serves) */
  get voicemail(): VoiceMailStore {
    return this.imap.store;
  }

  get sshEndpoint(): Endpoint {
    return { host: this.host, port: this.ssh.port };
  }

  get imapEndpoint(): Endpoint {
    return { host: this.host, port: this.imap.port };
  }

  /** Stop every server of the node (`reset`: drop the open links too). */
  async close(reset = true): Promise<void> {
    this.csta.dispose();
    this.analytics.dispose();
    await Promise.all([
      this.csta.close(reset),
      this.cmip.close(reset),
      this.ssh.close(reset),
      this.imap.close(reset),
    ]);
  }

  get cstaEndpoint(): Endpoint {
    return { host: this.host, port: this.csta.port };
  }

  get cmipEndpoint(): Endpoint {
    return { host: this.host, port: this.cmip.port };
  }

  /** Faults apply to every link of the node. */
  setFaults(f: Partial<LinkFaults>): void {
    Object.assign(this.csta.faults, f);
    Object.assign(this.cmip.faults, f);
    Object.assign(this.ssh.faults, f);
    Object.assign(this.imap.faults, f);
  }

  clearFaults(): void {
    this.setFaults({ delayMs: 0, jitterMs: 0, stalled: false, refuseUntil: 0 });
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
}

export class Emulator {
  constructor(
    readonly config: EmulatorConfig,
    readonly directory: Directory,
    readonly network: Network,
    readonly nodes: EmulatedNode[],
  ) {}

  node(nodeId: number): EmulatedNode {
    const n = this.nodes.find((x) => x.nodeId === nodeId);
    if (!n) throw new Error(`no node ${nodeId}`);
    return n;
  }

  phone(number: string): Phone {
    const net = this.network;
    const device = net.device(number);
    return {
      device,
      offHook: () => net.deferEvents(() => net.offHook(device)),
      answer: () => net.deferEvents(() => net.offHook(device)),
      dial: (n) => net.deferEvents(() => net.dial(device, n)),
      hangUp: () => net.deferEvents(() => net.onHook(device)),
    };
  }

  async stop(): Promise<void> {
    for (const n of this.nodes) await n.close();
    for (const call of [...this.network.activeCalls()]) {
      clearTimeout(call.ringTimer);
      clearTimeout(call.failTimer);
    }
  }
}

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
  const nodes: EmulatedNode[] = [];
  try {
    for (let nodeId = 1; nodeId <= config.nodes; nodeId++) {
      const base = config.basePort === 0 ? 0 : config.basePort + (nodeId - 1) * 10;
      const common = { nodeId, host: config.host, login: config.linkLogin, password: config.linkPassword };
      const logOpt = config.log ? { log: config.log } : {};
      const csta = new CstaNodeServer(network, {
        ...common,
        ...logOpt,
        port: base,
        maxLinks: config.maxCstaLinksPerNode,
        maxMonitors: config.maxMonitorsPerNode,
        heartbeatMs: config.heartbeatMs,
      });
      const cmip = new CmipNodeServer(directory, {
        ...common,
        ...logOpt,
        port: base === 0 ? 0 : base + 1,
        maxLinks: config.maxCmipLinksPerNode,
      });
      const analytics = new NodeAnalytics({ nodeId, seed: config.seed, directory, network });
      analytics.startLive({
        incidentMeanMs: config.liveIncidentMeanMs,
        publicCallMeanMs: config.livePublicCallMeanMs,
      });
      const ssh = new SshNodeServer(analytics, {
        nodeId,
        host: config.host,
        port: base === 0 ? 0 : base + 2,
        login: config.maintenanceLogin,
        password: config.maintenancePassword,
        ...(config.sshHostKeyDir ? { hostKeyDir: config.sshHostKeyDir } : {}),
        ...logOpt,
      });
      const voicemail = new VoiceMailStore({ nodeId, directory, seed: config.seed });
      const imap = new ImapNodeServer(voicemail, {
        nodeId,
        host: config.host,
        port: base === 0 ? 0 : base + 3,
        ...logOpt,
      });
      nodes.push(new EmulatedNode(nodeId, csta, cmip, ssh, imap, config.host));
      await csta.listen();
      await cmip.listen();
      await ssh.listen();
      await imap.listen();
    }
  } catch (err) {
    for (const n of nodes) await n.close();
    throw err;
  }
  return new Emulator(config, directory, network, nodes);
}
