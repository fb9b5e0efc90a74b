/**
 * startGateway(config): the O2G gateway, up and serving. It binds its HTTP listeners first (so
 * a client can watch the startup through the maintenance service), then opens the links to
 * every configured node.
 */
import type { AddressInfo } from "node:net";
import { type Logger, pino } from "pino";
import { type GatewayConfig, loadGatewayConfig, maskSecrets } from "./config/index.js";
import { GatewayCore } from "./core.js";
import { buildApp } from "./http/app.js";
import type { RegisteredRoute } from "./http/contract/index.js";
import { serverTls } from "./http/tls.js";
import { openStore } from "./store/index.js";

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
  /** resolves when every node's users are monitored and snapshotted */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

export async function startGateway(
  config: GatewayConfig = loadGatewayConfig(),
  logger?: Logger,
): Promise<Gateway> {
  const log = logger ?? pino({ level: config.log.level, base: { svc: "gateway" } });
  log.info(`configuration ${JSON.stringify(maskSecrets(config))}`);
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
    comlog: { onTrimmed: (login, ids) => onTrimmed?.(login, ids) },
  });
  const core = new GatewayCore(config, log, store);
  onTrimmed = (login, ids) => core.comlogTrimmed(login, ids);
  const { app, routes, plain } = await buildApp(core, tls);
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
  core.start();
  return {
    core,
    url,
    httpUrl,
    caFile: tls.caFile,
    routes,
    ready: () => core.ready(),
    async stop() {
      const released = core.stop();
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
