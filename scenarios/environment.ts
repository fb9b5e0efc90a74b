/**
 * An emulated OXE and a gateway pointed at it, over real sockets: what scenarios, end-to-end
 * tests and benchmarks run against. The gateway is reached only through its REST API and event
 * channel; the emulator handle plays the phones and injects faults.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import type { Dispatcher } from "undici";
import { LOOPBACK_RANGES } from "../gateway/events/index.js";
import { DEFAULT_GATEWAY_CONFIG, type Gateway, type GatewayConfig, startGateway } from "../gateway/index.js";
import { type Emulator, type EmulatorConfig, startEmulator } from "../oxe-emulator/index.js";
import { type FailoverClient, O2gClient } from "./o2g-client/index.js";
import { seedSandboxTls } from "./sandbox-tls.js";
import { testLicenseConfig } from "./test-license.js";

/** What a scenario runs against: the phones (the emulator) and sessions on the gateway. */
export interface ScenarioEnv {
  emulator: Emulator;
  loginUser(number: string): Promise<O2gClient>;
  loginAdmin(supervised?: string): Promise<O2gClient>;
  stop(): Promise<void>;
  /** present when the gateway is an active/passive pair (scenarios/environment-ha.ts) */
  ha?: HaPair;
}

/** The gateway pair of a `gateway: { ha: true }` scenario. */
export interface HaPair {
  /** each member's https://host:port, in the order they started (the first is active at first) */
  members: string[];
  /** a session as the SDK opens one on a pair: primary and secondary host, re-login on failure */
  login(credentials: { login: string; password: string }): Promise<FailoverClient>;
  /** kill -9 of the member that serves now (once: the other is left); its URL */
  killActive(): Promise<string>;
}

/** One gateway, in this process, in front of the emulator. */
export interface Sandbox extends ScenarioEnv {
  gateway: Gateway;
  ca: string;
  dispatcher: Dispatcher;
}

export const ADMIN = { login: "admin", password: "Sandbox-Admin-1" };

export type GatewayOverrides = Partial<Omit<GatewayConfig, "links" | "events" | "licenses" | "xmlPrs">> & {
  links?: Partial<GatewayConfig["links"]>;
  /** over the PRS links the sandbox sets up (TLS on the emulator's certificate) */
  xmlPrs?: Partial<GatewayConfig["xmlPrs"]>;
  events?: Partial<GatewayConfig["events"]>;
  /** over the generous test license every sandbox runs on (scenarios/test-license.ts) */
  licenses?: Partial<GatewayConfig["licenses"]>;
};

export interface SandboxExtras {
  /** serve the web console and the emulator control API, as `npm start` does */
  console?: boolean;
}

export async function startSandbox(
  emu: Partial<EmulatorConfig> = {},
  gw: GatewayOverrides = {},
  extras: SandboxExtras = {},
): Promise<Sandbox> {
  const emulator = await startEmulator({ users: 50, nodes: 1, seed: 1, heartbeatMs: 0, ...emu });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "o2g-gw-"));
  seedSandboxTls(dataDir);
  // The nodes' PRS links (XML on IP Touch sets) run over TLS on the emulator's certificate.
  const prsTls = emulator.config.prsTls ?? true;
  const prsCa = prsTls ? await emulator.nodes[0]?.prs.certificate() : undefined;
  const config: GatewayConfig = {
    ...DEFAULT_GATEWAY_CONFIG,
    dataDir,
    httpsPort: 0,
    admins: [ADMIN],
    // Under vitest every response is compared with what its handler returned: each end-to-end
    // test also checks that the route's response schema loses no field.
    verifyResponses: process.env.VITEST === "true" || process.env.O2G_VERIFY_RESPONSES === "1",
    nodes: emulator.nodes.map((n) => ({
      nodeId: n.nodeId,
      csta: n.cstaEndpoint,
      cmip: n.cmipEndpoint,
      ...(n.standby ? { cstaSecondary: n.standby.csta, cmipSecondary: n.standby.cmip } : {}),
      login: emulator.config.linkLogin,
      password: emulator.config.linkPassword,
      ssh: n.sshEndpoint,
      ...(n.standby ? { sshSecondary: n.standby.ssh, imapSecondary: n.standby.imap } : {}),
      maintenance: {
        login: emulator.config.maintenanceLogin,
        password: emulator.config.maintenancePassword,
        hostKeys: [n.ssh.hostPublicKey],
      },
      imap: n.imapEndpoint,
      prs: n.prsEndpoint,
      ...(n.standby ? { prsSecondary: n.standby.prs } : {}),
    })),
    ...gw,
    links: { ...DEFAULT_GATEWAY_CONFIG.links, ...gw.links },
    xmlPrs: { ...DEFAULT_GATEWAY_CONFIG.xmlPrs, secure: prsTls, nodeCa: prsCa ?? null, ...gw.xmlPrs },
    // A generous TEST license: no test meets the quotas of O2G without a license file unless
    // it sets `licenses` itself.
    licenses: { ...DEFAULT_GATEWAY_CONFIG.licenses, ...testLicenseConfig(dataDir), ...gw.licenses },
    // Like the sandbox: webhook receivers on this machine (the scenario runner's) are allowed.
    events: { ...DEFAULT_GATEWAY_CONFIG.events, webhookAllow: LOOPBACK_RANGES, ...gw.events },
    log: { level: process.env.O2G_TEST_LOG ? "debug" : "warn" },
  };
  // The console's server (its routes, bench runner, scenario player...) is loaded only by the
  // sandboxes that serve it: importing it costs each test file that does not about as much as
  // the gateway itself.
  const consoleServer = extras.console ? await import("../console/server/index.js") : undefined;
  const gateway = await startGateway(config, pino({ level: config.log.level }), {
    extraRoutes: consoleServer
      ? [consoleServer.consoleRoutes({ bundle: await consoleServer.consoleBundle(), emulator })]
      : [],
  });
  await gateway.ready();
  const ca = readFileSync(gateway.caFile, "utf8");
  const clients: O2gClient[] = [];
  const dispatcher = O2gClient.dispatcherFor({ ca });
  return {
    emulator,
    gateway,
    ca,
    dispatcher,
    async loginUser(number) {
      const c = await O2gClient.login(
        { baseUrl: gateway.url, login: `oxe${number}`, password: emulator.directory.options.password, ca },
        dispatcher,
      );
      clients.push(c);
      return c;
    },
    async loginAdmin(supervised) {
      const c = await O2gClient.login(
        { baseUrl: gateway.url, ...ADMIN, ca, ...(supervised ? { supervisedLogin: supervised } : {}) },
        dispatcher,
      );
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) await c.close().catch(() => undefined);
      await dispatcher.close();
      await gateway.stop();
      await emulator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
