/**
 * An O2G client that behaves as the official SDKs do on the wire: discovery, Basic
 * authentication once, the AlcUserId cookie on every later request, a session, the service
 * URLs from the session's service list, and subscriptions read from the chunked polling URL
 * (re-polled when a response ends, OnChannelInformation first). Scenarios, end-to-end tests
 * and benchmarks drive the gateway through it and nothing else.
 */
import { createSecureContext, type SecureContext } from "node:tls";
import { Agent, type Dispatcher, request } from "undici";
import type { O2gEvent } from "./events.js";
import { EventStream } from "./events.js";

const trustContexts = new Map<string, SecureContext>();

/**
 * TLS options that trust `ca`, with one context per CA for the process: given the CA alone, Node
 * makes a context per connection (OpenSSL's setup and the CA's parsing, ~2 ms of CPU each), and
 * the sandboxes of a process all trust the same local CA (scenarios/sandbox-tls.ts).
 */
function trusting(ca: string | Buffer | undefined): { secureContext?: SecureContext } {
  if (!ca) return {};
  const key = String(ca);
  let secureContext = trustContexts.get(key);
  if (!secureContext) {
    secureContext = createSecureContext({ ca });
    trustContexts.set(key, secureContext);
  }
  return { secureContext };
}

export interface LoginOptions {
  /** https://host:port */
  baseUrl: string;
  login: string;
  password: string;
  /** CA certificate(s) to trust (the gateway's local CA) */
  ca?: string | Buffer;
  applicationName?: string;
  /** an administrator session acting for this login */
  supervisedLogin?: string;
  /** connections kept open to the gateway (benchmarks raise it) */
  connections?: number;
  /**
   * Speak over this fetch instead of undici's request (REST and the chunk channel): what msw's
   * setupServer intercepts, so the client can drive the gateway's msw stand-in (gateway/mock).
   */
  fetch?: typeof fetch;
}

export interface O2gResponse<T = unknown> {
  status: number;
  body: T;
}

export class O2gHttpError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method} ${url} -> ${status} ${JSON.stringify(body)}`);
  }
}

export interface SessionInfo {
  admin: boolean;
  login: string;
  timeToLive: number;
  privateBaseUrl: string;
  services: { serviceName: string; serviceVersion: string; relativeUrl: string }[];
}

export class O2gClient {
  private cookie = "";
  readonly services = new Map<string, string>();
  session!: SessionInfo;
  sessionsUrl = "";
  private readonly streams = new Set<EventStream>();

  private constructor(
    readonly options: LoginOptions,
    readonly dispatcher: Dispatcher,
  ) {}

  /**
   * The chunk channel holds a connection for as long as the subscription lives, so it must not
   * draw from the pool REST requests use (the SDK's bare fetch does not either): one pool with no
   * connection limit for all event streams of a process.
   */
  private static streaming = new Map<string, Dispatcher>();

  static streamingDispatcherFor(ca: string | Buffer | undefined): Dispatcher {
    const key = ca ? String(ca) : "";
    let d = O2gClient.streaming.get(key);
    if (!d) {
      d = new Agent({
        connect: trusting(ca),
        keepAliveTimeout: 30_000,
        bodyTimeout: 0,
        headersTimeout: 30_000,
      });
      O2gClient.streaming.set(key, d);
    }
    return d;
  }

  static dispatcherFor(opts: { ca?: string | Buffer; connections?: number }): Dispatcher {
    return new Agent({
      connect: trusting(opts.ca),
      connections: opts.connections ?? 8,
      keepAliveTimeout: 30_000,
      pipelining: 1,
    });
  }

  static async login(opts: LoginOptions, dispatcher?: Dispatcher): Promise<O2gClient> {
    const c = new O2gClient(opts, dispatcher ?? O2gClient.dispatcherFor(opts));
    await c.open();
    return c;
  }

  private async open(): Promise<void> {
    const o = this.options;
    const disco = await this.raw<{ versions: { id: string; internalUrl: string }[] }>(
      "GET",
      `${o.baseUrl}/api/rest`,
    );
    const v = disco.body.versions.find((x) => x.id === "1.0");
    if (!v) throw new Error("the gateway offers no API version 1.0");
    const basic = Buffer.from(`${o.login}:${o.password}`).toString("base64");
    const auth = await this.raw<{ internalUrl: string }>(
      "GET",
      v.internalUrl.replace(/^http:/, "https:"),
      undefined,
      {
        authorization: `Basic ${basic}`,
      },
    );
    this.sessionsUrl = auth.body.internalUrl;
    const body: Record<string, unknown> = { applicationName: o.applicationName ?? "o2g-testbench" };
    if (o.supervisedLogin) body.supervisedAccount = { id: o.supervisedLogin, type: "LOGIN_NAME" };
    const s = await this.raw<SessionInfo>("POST", this.sessionsUrl, body);
    this.session = s.body;
    for (const svc of s.body.services) {
      const name = svc.serviceName.toLowerCase();
      const url = svc.relativeUrl.startsWith("/telephony")
        ? `${s.body.privateBaseUrl}/telephony`
        : `${s.body.privateBaseUrl}${svc.relativeUrl}`;
      if (!this.services.has(name)) this.services.set(name, url);
    }
  }

  get login(): string {
    return this.options.login;
  }

  /** The Cookie header this client sends (for load tools that replay its requests). */
  get cookieHeader(): string {
    return this.cookie;
  }

  /** One HTTP exchange; throws O2gHttpError on a non-2xx. */
  async raw<T = unknown>(
    method: Dispatcher.HttpMethod,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<O2gResponse<T>> {
    const res = await this.send<T>(method, url, body, headers);
    if (res.status < 200 || res.status > 299) throw new O2gHttpError(method, url, res.status, res.body);
    return res;
  }

  /** One HTTP exchange, whatever its status. */
  async send<T = unknown>(
    method: Dispatcher.HttpMethod,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<O2gResponse<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (method === "POST" || body !== undefined) h["content-type"] = "application/json";
    if (this.options.fetch) return this.sendWithFetch<T>(this.options.fetch, method, url, body, h);
    const res = await request(url, {
      method,
      headers: h,
      body: body === undefined ? (method === "POST" ? "" : undefined) : JSON.stringify(body),
      dispatcher: this.dispatcher,
    });
    const setCookie = res.headers["set-cookie"];
    for (const sc of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const m = /^(AlcUserId=[^;]*)/.exec(sc);
      if (m) this.cookie = m[1]!;
    }
    const text = await res.body.text();
    let parsed: unknown = text;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
    }
    return { status: res.statusCode, body: parsed as T };
  }

  private async sendWithFetch<T>(
    fetchImpl: typeof fetch,
    method: string,
    url: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<O2gResponse<T>> {
    const res = await fetchImpl(url, {
      method,
      headers,
      body: body === undefined ? (method === "POST" ? "" : undefined) : JSON.stringify(body),
    });
    for (const sc of res.headers.getSetCookie()) {
      const m = /^(AlcUserId=[^;]*)/.exec(sc);
      if (m) this.cookie = m[1]!;
    }
    const text = await res.text();
    let parsed: unknown = text;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
    }
    return { status: res.status, body: parsed as T };
  }

  /** URL of `path` under a service, with query parameters. */
  url(service: string, path = "", query: Record<string, string | undefined> = {}): string {
    const base = this.services.get(service.toLowerCase());
    if (!base) throw new Error(`the session lists no ${service} service`);
    const u = new URL(path ? `${base}/${path.replace(/^\//, "")}` : base);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.append(k, v);
    return u.toString();
  }

  get<T = unknown>(service: string, path = "", query: Record<string, string | undefined> = {}) {
    return this.raw<T>("GET", this.url(service, path, query));
  }

  post<T = unknown>(
    service: string,
    path: string,
    body?: unknown,
    query: Record<string, string | undefined> = {},
  ) {
    return this.raw<T>("POST", this.url(service, path, query), body);
  }

  put<T = unknown>(
    service: string,
    path: string,
    body?: unknown,
    query: Record<string, string | undefined> = {},
  ) {
    return this.raw<T>("PUT", this.url(service, path, query), body);
  }

  del<T = unknown>(service: string, path: string, query: Record<string, string | undefined> = {}) {
    return this.raw<T>("DELETE", this.url(service, path, query));
  }

  keepAlive() {
    return this.raw("POST", `${this.sessionsUrl}/keepalive`);
  }

  /**
   * Subscribe and start reading events from the chunk channel; resolves once
   * OnChannelInformation has arrived, as the SDK's subscribe() does.
   */
  async subscribe(
    selectors: { ids?: string[]; names: string[] }[],
    webHookUrl?: string,
  ): Promise<EventStream> {
    const body: Record<string, unknown> = {
      filter: { selectors: selectors.map((s) => ({ ids: s.ids ?? [], names: s.names })) },
      version: "1.0",
    };
    if (webHookUrl) body.webHookUrl = webHookUrl;
    else body.timeout = 0;
    const res = await this.raw<{ subscriptionId: string; privatePollingUrl: string; status: string }>(
      "POST",
      this.url("subscriptions"),
      body,
    );
    if (res.body.status !== "ACCEPTED") throw new Error(`subscription refused: ${JSON.stringify(res.body)}`);
    const stream = new EventStream(
      res.body.subscriptionId,
      res.body.privatePollingUrl,
      O2gClient.streamingDispatcherFor(this.options.ca),
      !webHookUrl,
      this.options.fetch,
    );
    this.streams.add(stream);
    if (!webHookUrl) await stream.started;
    return stream;
  }

  async close(): Promise<void> {
    for (const s of this.streams) s.close();
    await this.send("DELETE", this.sessionsUrl).catch(() => undefined);
  }
}

export type { O2gEvent };
