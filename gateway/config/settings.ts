/**
 * Settings of the parts of the gateway that the configuration configures, declared here, at the
 * bottom of the gateway's layers, so that config/ needs nothing of the modules it sets up: they
 * import their settings' types from here.
 */

export interface AnalyticsConfig {
  /** SSH links to the nodes' maintenance account */
  ssh: {
    login: string;
    password: string;
    keepaliveMs: number;
    /** unanswered keepalives before the link is declared dead */
    keepaliveCountMax: number;
    /** commands running at once on a node */
    maxChannels: number;
    commandTimeoutMs: number;
  };
  analytics: {
    /** charging files one request may read (O2G's limit) */
    maxChargingFiles: number;
    /** parsed tickets kept across requests, per node */
    cachedTickets: number;
    /** incidents held per node */
    maxIncidents: number;
    /** how long a request waits for a dropped SSH link to come back */
    retryWithinMs: number;
  };
  links: { connectTimeoutMs: number; reconnectMinMs: number; reconnectMaxMs: number };
}

export interface VoiceMailSettings {
  /** IMAPS (TLS from the first byte) rather than plain IMAP */
  secure: boolean;
  /**
   * Plain IMAP upgraded by STARTTLS: "offered" when the voice mail offers it, "required" (a
   * voice mail without it is refused), "never". Absent: "offered" when `ca` is given, else
   * "never" (an upgrade would fail on a certificate nobody said to trust).
   */
  startTls?: "offered" | "required" | "never";
  /** PEM of the CA that signed the voice mails' certificates (the nodes' CA) */
  ca?: string;
  /** a mailbox nobody used (or watches) for this long is logged out */
  idleCloseMs: number;
  /** IDLE starts this long after the last command */
  autoIdleMs: number;
  connectTimeoutMs: number;
  /** one request waits this long for the voice mail (the login included), then fails alone */
  commandTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** mailboxes open at once, at most */
  maxConnections: number;
  downloadChunkBytes: number;
}

/**
 * The WSS agent (Cloud Connectivity): one outgoing secure websocket to an application's server,
 * carrying the REST API and the events as JSON messages (the README's "WSS agent" section).
 */
export interface WssAgentSettings {
  /** wss:// URL of the application's server; null: no agent */
  url: string | null;
  /** the trust store, PEM (one or more CA certificates): the application's JWT must chain to one
   * of them (its `x5c` header), and the server's TLS certificate must be signed by one */
  ca: string | null;
  /** a PEM file read at start when `ca` is not given */
  caFile: string | null;
  /** the audience (`aud`) the application's JWT must name */
  audience: string;
  /** when set, the issuer (`iss`) the application's JWT must carry */
  issuer: string | null;
  /** the application sends its token within this after the socket opens, or the socket is closed */
  authTimeoutMs: number;
  /** reconnection backoff: from min, doubling on each failure, up to max */
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** responses and events kept until the application acknowledges them (replayed after a
   * reconnection); past it the oldest are dropped and counted */
  replayLimit: number;
  /** request ids remembered, so that a request sent again after a reconnection is not run twice */
  requestIdMemory: number;
  /** the Cloud Connectivity license is checked on each connection and this often */
  licenseCheckMs: number;
  /** the gateway pings the application this often; a socket without a pong by the next ping is dropped */
  pingMs: number;
}

/**
 * XML PRS: the links to the nodes' PRS (the IP Touch sets' XML browsing, protocols/prs) and the
 * HTTPS calls to the XML applications (gateway/domain/xml-prs).
 */
export interface XmlPrsSettings {
  /** TLS from the first octet on the links to the nodes' PRS */
  secure: boolean;
  /** PEM of the CA the nodes' PRS certificates are checked against; null: the system's */
  nodeCa: string | null;
  /** PEM of the CA(s) the XML applications' HTTPS certificates are checked against; null: the
   * system's (or caFile's) */
  ca: string | null;
  /** a PEM file read at start when `ca` is not given */
  caFile: string | null;
  /** an application that has not answered within this is reported unreachable to the set */
  fetchTimeoutMs: number;
  /** a page over this many bytes is refused */
  maxPageBytes: number;
}
