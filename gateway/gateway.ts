/**
 * startGateway(config): the O2G gateway, up and serving. It binds its HTTP listeners first (so
 * a client can watch the startup through the maintenance service), then opens the links to
 * every configured node.
 */
import type { AddressInfo } from "node:net";
import { type Logger, pino } from "pino";
import { type GatewayConfig, loadGatewayConfig, maskSecrets } from "./config/index.js";
import { GatewayCore } from "./core.js";
import { buildApp, type ExtraRoutes } from "./http/app.js";
import type { RegisteredRoute } from "./http/contract/index.js";
import { serverTls } from "./http/tls.js";
import { HaArbiter, type HaRole } from "./store/ha/index.js";
import { openStore } from "./store/index.js";
import { WssAgent } from "./wss-agent/index.js";

export interface Gateway {
  readonly core: GatewayCore;
  /** https://host:port: the base a client points its SDK at */
  readonly url: string;
  /** http://host:port, when a plain-HTTP port is configured */
  readonly httpUrl: string | undefined;
  /** the local CA to trust (NODE_EXTRA_CA_CERTS) */
  readonly caFile: string;
  /** the REST API's routes as registered, with their schemas */
  readonly routes: readonly RegisteredRoute[];
  /** the WSS agent (Cloud Connectivity), when wssAgent.url is configured */
  readonly wssAgent: WssAgent | undefined;
  /** resolves when every node's users are monitored and snapshotted (a passive member: once active) */
  ready(): Promise<void>;
  /** this gateway's place in an active/passive pair, when configured (`ha.enabled`) */
  readonly ha: HaMember | undefined;
  stop(): Promise<void>;
}

export interface GatewayExtensions {
  /** routes beside the REST API, e.g. the sandbox's console (see ExtraRoutes) */
  extraRoutes?: readonly ExtraRoutes[];
}

export async function startGateway(
  config: GatewayConfig = loadGatewayConfig(),
  logger?: Logger,
  extensions: GatewayExtensions = {},
): Promise<Gateway> {
  const log = logger ?? pino({ level: config.log.level, base: { svc: "gateway" } });
  // The masked copy is a walk of the whole configuration: not made for a line nobody logs.
  if (log.isLevelEnabled("info")) log.info(`configuration ${JSON.stringify(maskSecrets(config))}`);
  const tls = serverTls(config);
  log.info(
    tls.customer
      ? `TLS: the customer certificate ${tls.certFile}`
      : `TLS: ${tls.created ? "created" : "reusing"} the local CA ${tls.caFile} (trust it with NODE_EXTRA_CA_CERTS)`,
  );
  // The per-user limit drops the oldest records while writing: clients hear of it as a deletion.
  let onTrimmed: ((login: string, ids: number[]) => void) | undefined;
  const store = await openStore({
    databaseUrl: config.store.databaseUrl,
    log: log.child({ svc: "store" }),
    // compiled once the startup snapshot is done (GatewayCore), not while it runs
    comlog: { onTrimmed: (login, ids) => onTrimmed?.(login, ids), precompileOnOpen: false },
  });
  const core = new GatewayCore(config, log, store);
  onTrimmed = (login, ids) => core.comlogTrimmed(login, ids);
  // Whether the links were opened, and their closing once asked (fenced, then stopped).
  let started = false;
  let coreStopped: Promise<void> | undefined;
  const stopCore = () => {
    coreStopped ??= core.stop();
    return coreStopped;
  };
  const startCore = () => {
    if (started || coreStopped) return;
    started = true;
    core.start();
  };
  const arbiter = config.ha.enabled ? pairArbiter(config, core, log, startCore, stopCore) : undefined;
  const { app, routes, plain } = await buildApp(core, tls, extensions.extraRoutes);
  await app.listen({
    host: config.host,
    port: config.httpsPort,
    listenTextResolver: (address) => `HTTPS listener on ${address.replace(/^http:/, "https:")}`,
  });
  const port = (app.server.address() as AddressInfo).port;
  const shownHost =
    config.publicHost ?? (config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host);
  const url = `https://${shownHost === "127.0.0.1" ? "localhost" : shownHost}:${port}`;
  let httpUrl: string | undefined;
  if (plain && config.httpPort !== null) {
    const httpPort = config.httpPort;
    await new Promise<void>((resolve, reject) => {
      plain.once("error", reject);
      // Basic passwords and the session cookie travel in clear on it: loopback unless set otherwise.
      plain.listen(httpPort, config.httpHost, () => resolve());
    });
    const plainHost = config.httpHost === "127.0.0.1" ? "localhost" : config.httpHost;
    httpUrl = `http://${plainHost}:${(plain.address() as AddressInfo).port}`;
  }
  log.info(`O2G REST API on ${url}/api/rest${httpUrl ? ` and ${httpUrl}/api/rest` : ""}`);
  if (arbiter) {
    try {
      await arbiter.start();
    } catch (err) {
      await app.close();
      plain?.close();
      await store.close();
      throw new Error(`high availability: cannot reach the pair's arbiter: ${(err as Error).message}`);
    }
  } else startCore();
  // After the listeners: an application reached over the socket finds the same gateway as over HTTPS.
  const wssAgent = config.wssAgent.url
    ? new WssAgent({
        settings: config.wssAgent,
        app,
        subscriptions: core.bus.subscriptions,
        log: log.child({ svc: "wss-agent" }),
        host: new URL(url).host,
        licensed: () => core.licenses.allows("cloudConnectivity"),
      })
    : undefined;
  if (wssAgent && arbiter) {
    // One socket from the pair: the member that serves opens it (over a passive member's socket
    // the application would get 503s), and a fenced one closes it with its links.
    if (arbiter.role === "active") wssAgent.start();
    else arbiter.once("active", () => wssAgent.start());
    arbiter.once("fenced", () => void wssAgent.stop());
  } else wssAgent?.start();
  return {
    core,
    url,
    httpUrl,
    caFile: tls.caFile,
    routes,
    ready: () => core.ready(),
    ha: arbiter && haMember(arbiter),
    wssAgent,
    async stop() {
      await wssAgent?.stop();
      // The links first, the lock after: the other member takes over only once they are closed.
      const released = stopCore().then(() => arbiter?.stop());
      plain?.closeAllConnections();
      await new Promise<void>((r) => (plain ? plain.close(() => r()) : r()));
      app.server.closeAllConnections?.();
      await app.close();
      await released;
      // After the HTTP side: what the last requests and calls wrote is flushed, then closed.
      await store.close();
    },
  };
}

/** A gateway's place in an active/passive pair, as its host program sees it. */
export interface HaMember {
  readonly role: HaRole;
  /** the other member is connected to the database (undefined until seen once) */
  readonly peerConnected: boolean | undefined;
  /** resolves when this member becomes the active one */
  whenActive(): Promise<void>;
  /** called once if this member is fenced: it serves nothing more and is to be restarted */
  onFenced(fn: (reason: string) => void): void;
}

/**
 * The member of the pair: links opened only once the database made it the active one, closed
 * at once when fenced; requests refused (503) whenever it does not serve; the system events
 * of the pair (OnServerStart, OnRemoteServerLinkDown/Up for the other member).
 */
function pairArbiter(
  config: GatewayConfig,
  core: GatewayCore,
  log: Logger,
  startCore: () => void,
  stopCore: () => Promise<void>,
): HaArbiter {
  // The pair forms only with the High Availability license (a test-signed one in the sandbox).
  if (!core.licenses.allows("highAvailability"))
    throw new Error(
      "high availability needs the High Availability license: none in the license file (licenses.file)",
    );
  const { ha } = config;
  const arbiter = new HaArbiter({
    databaseUrl: config.store.databaseUrl!,
    pair: ha.pair,
    pollMs: ha.pollMs,
    heartbeatMs: ha.heartbeatMs,
    heartbeatTimeoutMs: ha.heartbeatTimeoutMs,
    log: log.child({ svc: "ha" }),
  });
  const other = ha.peer ? ` (the other member: ${ha.peer})` : "";
  core.notServing = () => {
    if (arbiter.serving()) return null;
    switch (arbiter.role) {
      case "fenced":
        return `this O2G lost its high-availability lock and stopped serving${other}`;
      case "active": // its last heartbeat is too old to answer for the lock
        return `this O2G cannot confirm it is the active member of its pair${other}`;
      default:
        return `this O2G is the passive member of a high-availability pair${other}`;
    }
  };
  const system = (eventName: string) => core.bus.publish("system", null, { eventName });
  arbiter.on("active", () => {
    startCore();
    system("OnServerStart");
  });
  arbiter.on("peer", (up) => {
    if (arbiter.role === "active") system(up ? "OnRemoteServerLinkUp" : "OnRemoteServerLinkDown");
  });
  arbiter.on("fenced", () => void stopCore());
  core.haPeerConnected = () => arbiter.peerConnected;
  return arbiter;
}

function haMember(arbiter: HaArbiter): HaMember {
  return {
    get role() {
      return arbiter.role;
    },
    get peerConnected() {
      return arbiter.peerConnected;
    },
    whenActive: () =>
      arbiter.role === "active" ? Promise.resolve() : new Promise((r) => arbiter.once("active", () => r())),
    onFenced: (fn) => {
      arbiter.once("fenced", fn);
    },
  };
}
