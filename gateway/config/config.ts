/**
 * The gateway's configuration: one typed object with defaults, overridden in turn by a JSON file,
 * environment variables and command-line flags. Printed at start with secrets masked.
 */
import { readFileSync } from "node:fs";
import { DEFAULT_WEBHOOK_DENY } from "../events/webhook-policy.js";
import { maskUrl } from "../store/index.js";
import type { AnalyticsConfig, VoiceMailSettings, WssAgentSettings, XmlPrsSettings } from "./settings.js";

export interface Endpoint {
  host: string;
  port: number;
}

export interface NodeConfig {
  /** the OXE node number */
  nodeId: number;
  /** CSTA link: main call server, and the standby of a redundant pair */
  csta: Endpoint;
  cstaSecondary?: Endpoint;
  /** CMIP link (configuration) */
  cmip: Endpoint;
  cmipSecondary?: Endpoint;
  /** the account the links authenticate with on this node */
  login: string;
  password: string;
  /** SSH to the node's maintenance account (analytics: incidents, charging); absent: no analytics */
  ssh?: Endpoint;
  sshSecondary?: Endpoint;
  /** this node's maintenance account, when it is not the gateway-wide `ssh` one */
  maintenance?: { login?: string; password?: string; privateKey?: string; hostKeys?: string[] };
  /** the node's 4645 voice mail (IMAP); absent: its users have no voice mail */
  imap?: Endpoint;
  imapSecondary?: Endpoint;
  /** the node's PRS (XML applications on its IP Touch sets); absent: no XML PRS on this node */
  prs?: Endpoint;
  prsSecondary?: Endpoint;
}

/** the active/passive pair (gateway/store/ha/arbiter.ts explains the timings) */
export interface HaSettings {
  enabled: boolean;
  /** the other member's address (host:port of its HTTPS API), named to clients a passive member refuses */
  peer: string | null;
  /** the pair's name: its lock's key, so that several pairs may share one database */
  pair: string;
  /** how often the passive member tries to take the lock */
  pollMs: number;
  /** how often the member holding the lock checks it still does */
  heartbeatMs: number;
  /** a check unanswered for this long counts as a lost lock */
  heartbeatTimeoutMs: number;
}

export interface AdminAccount {
  login: string;
  password: string;
}

export interface GatewayConfig {
  /** where certificates (and later other state) are kept */
  dataDir: string;
  host: string;
  /** HTTPS port for the REST API (0: any free port) */
  httpsPort: number;
  /** optional plain-HTTP port for curl in a sandbox (null: none; the SDKs need HTTPS) */
  httpPort: number | null;
  /** where the plain-HTTP port listens: loopback unless set otherwise, as it carries Basic
   * passwords and the session cookie in clear */
  httpHost: string;
  /** the server certificate: a customer's PKCS#12 (O2G's format) or PEM pair; none: the local CA's */
  tls: {
    pfxFile: string | null;
    pfxPassword: string;
    certFile: string | null;
    keyFile: string | null;
  };
  /** connection limits and timeouts, on the HTTPS and plain-HTTP listeners alike */
  http: {
    /** the whole request head must arrive within this */
    headersTimeoutMs: number;
    /** the whole request (head and body) must arrive within this; event chunk responses are not cut */
    requestTimeoutMs: number;
    /** an idle keep-alive connection is closed after this (a new connection that stays
     * silent, TLS handshake included, falls under headersTimeoutMs) */
    keepAliveTimeoutMs: number;
    /** open connections per listener; more are refused */
    maxConnections: number;
  };
  /** failed logins: per login name and per client address, within a window, then refused a while */
  loginThrottle: {
    failuresPerLogin: number;
    failuresPerAddress: number;
    windowSeconds: number;
    blockSeconds: number;
    /** a refused login is answered no sooner than this: unknown and known logins (whose
     * password the node checks) then take the same time, and guessing takes longer */
    failureDelayMs: number;
  };
  /** what one login may hold at once, over all its sessions */
  limits: {
    sessionsPerUser: number;
    subscriptionsPerUser: number;
  };
  /** the host name clients are told to use in absolute URLs; default: the Host header */
  publicHost: string | null;
  nodes: NodeConfig[];
  admins: AdminAccount[];
  session: { ttlSeconds: number };
  links: {
    heartbeatMs: number;
    /** missed heartbeats before a link is declared dead */
    heartbeatMisses: number;
    invokeTimeoutMs: number;
    connectTimeoutMs: number;
    reconnectMinMs: number;
    reconnectMaxMs: number;
    /** monitor+snapshot requests in flight per node during the startup snapshot */
    snapshotWindow: number;
  };
  events: {
    /** events kept per subscription while nobody polls, before the oldest are dropped */
    queueLimit: number;
    /** keep-alive line on idle chunk responses */
    chunkKeepAliveMs: number;
    /** a chunk response is ended (and the SDK polls again) after this long */
    chunkMaxMs: number;
    webhookRetryMaxMs: number;
    webhookTimeoutMs: number;
    /** CIDR ranges webhooks may not reach (default: loopback, link-local, unspecified, multicast) */
    webhookDeny: string[];
    /** exceptions to webhookDeny (the sandbox allows loopback) */
    webhookAllow: string[];
    /** bytes of a webhook receiver's reply read before the rest is dropped */
    webhookMaxReplyBytes: number;
  };
  /** where what must survive a restart is kept: PostgreSQL, or the embedded pg-mem when null */
  store: { databaseUrl: string | null };
  /** an active/passive pair over one PostgreSQL (O2G's high availability); needs a databaseUrl */
  ha: HaSettings;
  /** SSH links to the nodes' maintenance account (analytics) */
  ssh: AnalyticsConfig["ssh"];
  analytics: AnalyticsConfig["analytics"];
  /** IMAP links to the users' 4645 mailboxes (messaging) */
  imap: VoiceMailSettings;
  /** licensing (gateway/domain/licensing): the signed license file, which keys to trust, and
   * the Management count when it is to differ from the file's */
  licenses: {
    /** the license file (JSON signed with Ed25519); null: none, O2G's quotas without a file
     * apply (5 users of basic telephony, 1 of advanced telephony, 1 of XML PRS, nothing else) */
    file: string | null;
    /** trust licenses signed with the committed TEST key (sandbox, tests, benchmarks only) */
    trustTestKey: boolean;
    /** users the Management license covers, over the file's count (PBX management, phone set
     * programming, users management; above 110% of it, read-only); null: the file's; 0: none */
    management: number | null;
    /** OnLicenseExpiration is sent from this many days before the file's last day */
    expiryWarningDays: number;
  };
  log: { level: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent" };
  /** the WSS agent (Cloud Connectivity): off unless `url` is set */
  wssAgent: WssAgentSettings;
  /** XML PRS: the nodes' PRS links and the XML applications' HTTPS servers */
  xmlPrs: XmlPrsSettings;
  /** compare every response with what its handler returned, and answer 500 on a field the
   * response schema lost (the test suites turn it on: http/contract/response-check.ts) */
  verifyResponses: boolean;
}

export const DEFAULT_GATEWAY_CONFIG: GatewayConfig = {
  dataDir: ".data/gateway",
  verifyResponses: false,
  host: "127.0.0.1",
  httpsPort: 8443,
  httpPort: null,
  httpHost: "127.0.0.1",
  tls: { pfxFile: null, pfxPassword: "", certFile: null, keyFile: null },
  http: {
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    keepAliveTimeoutMs: 5_000,
    maxConnections: 10_000,
  },
  loginThrottle: {
    failuresPerLogin: 10,
    failuresPerAddress: 100,
    windowSeconds: 300,
    blockSeconds: 300,
    failureDelayMs: 250,
  },
  limits: { sessionsPerUser: 100, subscriptionsPerUser: 100 },
  publicHost: null,
  nodes: [],
  admins: [{ login: "admin", password: "Sandbox-Admin-1" }],
  session: { ttlSeconds: 1800 },
  links: {
    heartbeatMs: 5_000,
    heartbeatMisses: 2,
    invokeTimeoutMs: 10_000,
    connectTimeoutMs: 3_000,
    reconnectMinMs: 200,
    reconnectMaxMs: 10_000,
    snapshotWindow: 2_000,
  },
  events: {
    queueLimit: 10_000,
    chunkKeepAliveMs: 15_000,
    chunkMaxMs: 10 * 60_000,
    webhookRetryMaxMs: 30_000,
    webhookTimeoutMs: 5_000,
    webhookDeny: DEFAULT_WEBHOOK_DENY,
    webhookAllow: [],
    webhookMaxReplyBytes: 4096,
  },
  store: { databaseUrl: null },
  ha: { enabled: false, peer: null, pair: "o2g", pollMs: 500, heartbeatMs: 1_000, heartbeatTimeoutMs: 1_000 },
  ssh: {
    login: "adfexc",
    password: "adfexc",
    keepaliveMs: 15_000,
    keepaliveCountMax: 3,
    maxChannels: 4,
    commandTimeoutMs: 60_000,
  },
  analytics: { maxChargingFiles: 100, cachedTickets: 200_000, maxIncidents: 10_000, retryWithinMs: 5_000 },
  imap: {
    secure: false,
    idleCloseMs: 5 * 60_000,
    autoIdleMs: 50,
    connectTimeoutMs: 5_000,
    commandTimeoutMs: 30_000,
    reconnectMinMs: 200,
    reconnectMaxMs: 30_000,
    maxConnections: 2_000,
    downloadChunkBytes: 1024 * 1024,
  },
  licenses: { file: null, trustTestKey: false, management: null, expiryWarningDays: 30 },
  log: { level: "info" },
  wssAgent: {
    url: null,
    ca: null,
    caFile: null,
    audience: "o2g",
    issuer: null,
    authTimeoutMs: 10_000,
    reconnectMinMs: 500,
    reconnectMaxMs: 60_000,
    replayLimit: 10_000,
    requestIdMemory: 10_000,
    licenseCheckMs: 24 * 3600_000,
    pingMs: 30_000,
  },
  xmlPrs: {
    secure: true,
    nodeCa: null,
    ca: null,
    caFile: null,
    fetchTimeoutMs: 5_000,
    maxPageBytes: 64 * 1024,
  },
};

/** O2G's administrator password policy: 9+ characters with a lower, an upper, a digit and a symbol. */
export function adminPasswordProblem(password: string): string | null {
  if (password.length < 9) return "at least 9 characters";
  if (!/[a-z]/.test(password)) return "a lowercase letter";
  if (!/[A-Z]/.test(password)) return "an uppercase letter";
  if (!/[0-9]/.test(password)) return "a digit";
  if (!/[^A-Za-z0-9]/.test(password)) return "a non-alphanumeric character";
  return null;
}

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K];
};

function merge<T>(base: T, over: DeepPartial<T> | undefined): T {
  if (!over) return base;
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = (base as Record<string, unknown>)[k];
    out[k] = v && typeof v === "object" && !Array.isArray(v) && b && typeof b === "object" ? merge(b, v) : v;
  }
  return out as T;
}

/** `host:port` into an endpoint. */
export function parseEndpoint(s: string, what: string): Endpoint {
  const m = /^(.+):(\d{1,5})$/.exec(s.trim());
  if (!m) throw new Error(`${what}: "${s}" is not host:port`);
  return { host: m[1]!, port: Number(m[2]) };
}

/**
 * Nodes from the compact form used by env and flags:
 * "1=127.0.0.1:2555/2556,2=10.0.0.2:2555/2556" (nodeId = CSTA host:port / CMIP port), with an
 * optional "|host:port/port" standby pair after each.
 */
export function parseNodes(spec: string, login: string, password: string): NodeConfig[] {
  return spec
    .split(",")
    .filter((s) => s.trim())
    .map((part) => {
      const m = /^\s*(\d+)=([^|]+?)(?:\|(.+))?\s*$/.exec(part);
      if (!m)
        throw new Error(`node "${part}" is not nodeId=host:cstaPort/cmipPort[/sshPort[/imapPort[/prsPort]]]`);
      const set = (s: string) => {
        const [csta, ...ports] = s.split("/");
        const c = parseEndpoint(csta!, `node ${m[1]}`);
        if (ports.some((p) => !/^\d{1,5}$/.test(p) || Number(p) > 65535))
          throw new Error(`node "${part}": ports after the host are numbers (cmip/ssh/imap/prs)`);
        const at = (i: number) =>
          ports[i] === undefined ? undefined : { host: c.host, port: Number(ports[i]) };
        return {
          csta: c,
          cmip: at(0) ?? { host: c.host, port: c.port + 1 },
          ssh: at(1),
          imap: at(2),
          prs: at(3),
        };
      };
      const main = set(m[2]!);
      const node: NodeConfig = { nodeId: Number(m[1]), csta: main.csta, cmip: main.cmip, login, password };
      if (main.ssh) node.ssh = main.ssh;
      if (main.imap) node.imap = main.imap;
      if (main.prs) node.prs = main.prs;
      if (m[3]) {
        const standby = set(m[3]);
        node.cstaSecondary = standby.csta;
        node.cmipSecondary = standby.cmip;
        if (standby.ssh) node.sshSecondary = standby.ssh;
        if (standby.imap) node.imapSecondary = standby.imap;
        if (standby.prs) node.prsSecondary = standby.prs;
      }
      return node;
    });
}

export interface ConfigSources {
  file?: string;
  env?: NodeJS.ProcessEnv;
  overrides?: DeepPartial<GatewayConfig>;
}

/** Defaults, then the file, then O2G_* environment variables, then explicit overrides (flags). */
export function loadGatewayConfig(src: ConfigSources = {}): GatewayConfig {
  let cfg = DEFAULT_GATEWAY_CONFIG;
  if (src.file) cfg = merge(cfg, JSON.parse(readFileSync(src.file, "utf8")) as DeepPartial<GatewayConfig>);
  const env = src.env ?? {};
  const envOver: DeepPartial<GatewayConfig> = {};
  if (env.O2G_DATA_DIR) envOver.dataDir = env.O2G_DATA_DIR;
  if (env.O2G_HOST) envOver.host = env.O2G_HOST;
  if (env.O2G_HTTPS_PORT) envOver.httpsPort = Number(env.O2G_HTTPS_PORT);
  if (env.O2G_HTTP_PORT) envOver.httpPort = Number(env.O2G_HTTP_PORT);
  if (env.O2G_HTTP_HOST) envOver.httpHost = env.O2G_HTTP_HOST;
  if (env.O2G_TLS_PFX)
    envOver.tls = { pfxFile: env.O2G_TLS_PFX, pfxPassword: env.O2G_TLS_PFX_PASSWORD ?? "" };
  if (env.O2G_PUBLIC_HOST) envOver.publicHost = env.O2G_PUBLIC_HOST;
  if (env.O2G_VERIFY_RESPONSES) envOver.verifyResponses = env.O2G_VERIFY_RESPONSES === "1";
  if (env.O2G_LOG_LEVEL) envOver.log = { level: env.O2G_LOG_LEVEL as GatewayConfig["log"]["level"] };
  if (env.O2G_ADMIN) {
    const [login, ...rest] = env.O2G_ADMIN.split(":");
    envOver.admins = [{ login: login!, password: rest.join(":") }];
  }
  const dbUrl = env.O2G_DATABASE_URL ?? env.DATABASE_URL;
  if (dbUrl) envOver.store = { databaseUrl: dbUrl };
  if (env.O2G_HA === "1" || env.O2G_HA_PEER)
    envOver.ha = { enabled: true, ...(env.O2G_HA_PEER ? { peer: env.O2G_HA_PEER } : {}) };
  if (env.O2G_LICENSE_MANAGEMENT || env.O2G_LICENSE_FILE)
    envOver.licenses = {
      ...(env.O2G_LICENSE_FILE ? { file: env.O2G_LICENSE_FILE } : {}),
      ...(env.O2G_LICENSE_MANAGEMENT ? { management: Number(env.O2G_LICENSE_MANAGEMENT) } : {}),
    };
  if (env.O2G_WSS_AGENT_URL)
    envOver.wssAgent = { url: env.O2G_WSS_AGENT_URL, caFile: env.O2G_WSS_AGENT_CA_FILE ?? null };
  if (env.O2G_NODES) {
    envOver.nodes = parseNodes(
      env.O2G_NODES,
      env.O2G_LINK_LOGIN ?? "o2g",
      env.O2G_LINK_PASSWORD ?? "o2g-link",
    );
  }
  cfg = merge(cfg, envOver);
  cfg = merge(cfg, src.overrides);
  validate(cfg);
  return cfg;
}

export function validate(cfg: GatewayConfig): void {
  for (const a of cfg.admins) {
    const problem = adminPasswordProblem(a.password);
    if (problem) throw new Error(`administrator "${a.login}": the password needs ${problem}`);
  }
  const ids = new Set<number>();
  for (const n of cfg.nodes) {
    if (ids.has(n.nodeId)) throw new Error(`node ${n.nodeId} is configured twice`);
    ids.add(n.nodeId);
  }
  if (cfg.session.ttlSeconds <= 0) throw new Error("session.ttlSeconds must be positive");
  const positive = (what: string, v: number) => {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${what} must be a positive whole number`);
  };
  for (const [k, v] of Object.entries(cfg.http)) positive(`http.${k}`, v);
  for (const [k, v] of Object.entries(cfg.loginThrottle)) positive(`loginThrottle.${k}`, v);
  for (const [k, v] of Object.entries(cfg.limits)) positive(`limits.${k}`, v);
  positive("events.webhookMaxReplyBytes", cfg.events.webhookMaxReplyBytes);
  if ((cfg.tls.certFile === null) !== (cfg.tls.keyFile === null))
    throw new Error("tls.certFile and tls.keyFile go together");
  if (cfg.tls.pfxFile !== null && cfg.tls.certFile !== null)
    throw new Error("tls: a PKCS#12 file or a PEM pair, not both");
  if (cfg.ha.enabled && !cfg.store.databaseUrl)
    throw new Error(
      "high availability (--ha) needs PostgreSQL (--database-url or DATABASE_URL): the pair's arbiter is an advisory lock there, which the embedded pg-mem cannot hold",
    );
  for (const k of ["pollMs", "heartbeatMs", "heartbeatTimeoutMs"] as const) positive(`ha.${k}`, cfg.ha[k]);
  const mgmt = cfg.licenses.management;
  if (mgmt !== null && (!Number.isInteger(mgmt) || mgmt < 0))
    throw new Error("licenses.management must be a whole number of users (0: no Management license) or null");
  if (!Number.isInteger(cfg.licenses.expiryWarningDays) || cfg.licenses.expiryWarningDays < 0)
    throw new Error("licenses.expiryWarningDays must be a whole number of days");
  const wss = cfg.wssAgent;
  if (wss.url !== null) {
    if (!/^wss:\/\//i.test(wss.url)) throw new Error(`wssAgent.url "${wss.url}" must be a wss:// URL`);
    if (wss.ca === null && wss.caFile === null)
      throw new Error("wssAgent: a trust store (ca or caFile) is needed to check the application");
  }
  for (const k of [
    "authTimeoutMs",
    "reconnectMinMs",
    "reconnectMaxMs",
    "replayLimit",
    "requestIdMemory",
    "licenseCheckMs",
    "pingMs",
  ] as const)
    positive(`wssAgent.${k}`, wss[k]);
  positive("xmlPrs.fetchTimeoutMs", cfg.xmlPrs.fetchTimeoutMs);
  positive("xmlPrs.maxPageBytes", cfg.xmlPrs.maxPageBytes);
}

/** The configuration as it may be printed: passwords replaced by stars. */
export function maskSecrets(cfg: GatewayConfig): unknown {
  return JSON.parse(
    JSON.stringify(cfg, (k, v) => {
      if ((k === "password" || k === "privateKey" || k === "pfxPassword") && typeof v === "string")
        return "*".repeat(Math.min(v.length, 8));
      if (k === "databaseUrl" && typeof v === "string") return maskUrl(v);
      // Certificates are not secret, but a PEM is kilobytes in a one-line log: its first line says enough.
      if (typeof v === "string" && v.startsWith("-----BEGIN "))
        return `${v.split(/\r?\n/, 1)[0]} (${v.length} chars)`;
      return v;
    }),
  );
}
