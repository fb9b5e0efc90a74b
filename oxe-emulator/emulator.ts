/**
 * The emulated OXE network as one handle: the generated directory, the call model, and per node
 * the servers of its links. Tests, scenarios and benchmarks drive it through this handle (the
 * phones' keys, faults); the gateway only ever sees its TCP ports.
 */

import { type Directory, generateDirectory } from "./directory/index.js";
import { type Connection, type Device, Network, type NetworkOptions } from "./model/index.js";
import { CmipNodeServer } from "./servers/cmip/node-server.js";
import type { LinkFaults } from "./servers/common/faults.js";
import { CstaNodeServer } from "./servers/csta/node-server.js";

export interface EmulatorConfig {
  users: number;
  nodes: number;
  seed: number;
  firstNumber?: number;
  /** password of every generated user */
  userPassword?: string;
  host: string;
  /** node i listens on basePort + 10(i-1) (CSTA) and +1 (CMIP); 0 picks free ports */
  basePort: number;
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
    private readonly host: string,
  ) {}

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
    for (const n of this.nodes) {
      n.csta.dispose();
      await Promise.all([n.csta.close(), n.cmip.close()]);
    }
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
      nodes.push(new EmulatedNode(nodeId, csta, cmip, config.host));
      await csta.listen();
      await cmip.listen();
    }
  } catch (err) {
    for (const n of nodes) await Promise.all([n.csta.close(), n.cmip.close()]);
    throw err;
  }
  return new Emulator(config, directory, network, nodes);
}
