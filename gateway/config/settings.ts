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
