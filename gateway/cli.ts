/**
 * npm run gateway -- --nodes 1=127.0.0.1:2555/2556
 * Starts the O2G gateway in front of the nodes given (an emulator, or a real OXE).
 */
import { parseArgs } from "node:util";
import { pino } from "pino";
import { type GatewayConfig, loadGatewayConfig, parseNodes } from "./config/index.js";
import { startGateway } from "./gateway.js";
import { installLastResort } from "./last-resort.js";

const USAGE = `usage: npm run gateway -- [options]
  --config FILE        JSON configuration (see README); env O2G_* and these flags override it
  --nodes SPEC         OXE nodes: "1=host:cstaPort/cmipPort[|standbyHost:cstaPort/cmipPort],2=..."
  --link-login L       account the links authenticate with on every node (default o2g)
  --link-password P    its password (default o2g-link)
  --host H             listen address (default 127.0.0.1)
  --https-port P       HTTPS port of the REST API (default 8443)
  --http-port P        also serve plain HTTP on this port (for curl; the SDKs need HTTPS); it
                       carries passwords in clear, so it listens on loopback unless --http-host
  --http-host H        where the plain-HTTP port listens (default 127.0.0.1)
  --pfx FILE           the server certificate as PKCS#12 (password: env O2G_TLS_PFX_PASSWORD);
                       default: a local CA's, created in the data directory
  --cert FILE --key F  the server certificate and key as PEM instead
  --public-host H      host name to put in the URLs given to clients
  --admin L:P          the O2G administrator account (password: 9+ chars, lower, upper, digit, symbol)
  --data-dir D         where the TLS material is kept (default .data/gateway)
  --log-level L        fatal|error|warn|info|debug (default info)
  --database-url URL   PostgreSQL for what must survive a restart (also DATABASE_URL); default:
                       the embedded pg-mem, in memory
  --ha                 run as one member of an active/passive pair (needs --database-url): the
                       member holding the pair's lock in PostgreSQL serves, the other waits
  --ha-peer H:P        the other member's HTTPS address, named to clients the passive one refuses
  --ha-pair NAME       the pair's name (default o2g): pairs sharing one database need their own`;

/** EX_TEMPFAIL: a supervisor should start the process again */
const FENCED_EXIT = 75;

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        config: { type: "string" },
        nodes: { type: "string" },
        "link-login": { type: "string" },
        "link-password": { type: "string" },
        host: { type: "string" },
        "https-port": { type: "string" },
        "http-port": { type: "string" },
        "http-host": { type: "string" },
        pfx: { type: "string" },
        cert: { type: "string" },
        key: { type: "string" },
        "public-host": { type: "string" },
        admin: { type: "string" },
        "data-dir": { type: "string" },
        "log-level": { type: "string" },
        "database-url": { type: "string" },
        ha: { type: "boolean" },
        "ha-peer": { type: "string" },
        "ha-pair": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const s = (k: string) => values[k] as string | undefined;
  const overrides: Partial<GatewayConfig> = {};
  try {
    if (s("nodes"))
      overrides.nodes = parseNodes(s("nodes")!, s("link-login") ?? "o2g", s("link-password") ?? "o2g-link");
    if (s("host")) overrides.host = s("host")!;
    if (s("https-port")) overrides.httpsPort = Number(s("https-port"));
    if (s("http-port")) overrides.httpPort = Number(s("http-port"));
    if (s("http-host")) overrides.httpHost = s("http-host")!;
    if (s("pfx"))
      overrides.tls = {
        pfxFile: s("pfx")!,
        pfxPassword: process.env.O2G_TLS_PFX_PASSWORD ?? "",
        certFile: null,
        keyFile: null,
      };
    if (s("cert") || s("key"))
      overrides.tls = {
        pfxFile: null,
        pfxPassword: "",
        certFile: s("cert") ?? null,
        keyFile: s("key") ?? null,
      };
    if (s("public-host")) overrides.publicHost = s("public-host")!;
    if (s("data-dir")) overrides.dataDir = s("data-dir")!;
    if (s("database-url")) overrides.store = { databaseUrl: s("database-url")! };
    // Only what is given: the file's and environment's timings stay.
    const ha =
      values.ha || s("ha-peer") || s("ha-pair")
        ? {
            enabled: true,
            ...(s("ha-peer") ? { peer: s("ha-peer")! } : {}),
            ...(s("ha-pair") ? { pair: s("ha-pair")! } : {}),
          }
        : undefined;
    if (s("log-level")) overrides.log = { level: s("log-level") as GatewayConfig["log"]["level"] };
    if (s("admin")) {
      const [login, ...rest] = s("admin")!.split(":");
      overrides.admins = [{ login: login!, password: rest.join(":") }];
    }
    const config = loadGatewayConfig({
      ...(s("config") ? { file: s("config")! } : {}),
      env: process.env,
      overrides: { ...overrides, ...(ha ? { ha } : {}) },
    });
    if (config.nodes.length === 0)
      console.warn("no OXE node configured (--nodes or O2G_NODES): the gateway has nobody to serve");
    const log = pino({ level: config.log.level, base: { svc: "gateway" } });
    installLastResort(log);
    const gw = await startGateway(config, log);
    console.log(`O2G gateway on ${gw.url}/api/rest${gw.caFile ? `   (CA: ${gw.caFile})` : ""}`);
    if (gw.httpUrl) console.warn(`plain HTTP on ${gw.httpUrl}: passwords travel in clear there`);
    if (gw.ha) {
      console.log(
        `high availability: ${gw.ha.role === "active" ? "active" : "passive, waiting for the lock"}`,
      );
      void gw.ha.whenActive().then(() => console.log("high availability: this member is now the active one"));
      // A fenced member does not rejoin in place: it exits, and its supervisor (systemd
      // Restart=, a container's restart policy) starts it again, as the passive member.
      gw.ha.onFenced(async (reason) => {
        console.error(`high availability: fenced (${reason}); exiting to be restarted as the passive member`);
        await gw.stop().catch(() => undefined);
        process.exit(FENCED_EXIT);
      });
    }
    const stop = async () => {
      await gw.stop();
      process.exit(0);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  } catch (err) {
    console.error(`gateway: ${(err as Error).message}`);
    process.exit(1);
  }
}

void main();
