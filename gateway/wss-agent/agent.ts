/**
 * The WSS agent (O2G's Cloud Connectivity): the gateway opens one secure websocket to an
 * application's server and serves the REST API and the events over it, for an application that
 * cannot reach the gateway (the gateway is behind the customer's firewall, the application in a
 * cloud). The application's server proves who it is with a JWT whose certificate chains to a CA
 * of the gateway's trust store; the socket's TLS is checked against the same store.
 *
 * Requests go through the fastify application itself (`inject`): same routes, validation,
 * sessions (the cookie travels as a header), errors and services as over HTTPS, nothing copied.
 * Subscriptions made over the socket deliver their events on it. Responses and events are
 * numbered and kept until the application acknowledges them; after a reconnection the rest is
 * sent again, so a dropped socket loses nothing the application had not acknowledged.
 *
 * One connection at a time: a new one is opened only once the last has closed, after a backoff
 * that doubles from reconnectMinMs to reconnectMaxMs and starts over after a successful
 * authentication.
 */

import type { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import type { FastifyInstance, InjectOptions } from "fastify";
import type { JWTPayload } from "jose";
import type { Logger } from "pino";
import WebSocket from "ws";
import type { WssAgentSettings } from "../config/settings.js";
import type { EventSink, Subscription } from "../events/index.js";
import { O2gError } from "../services/common/errors.js";
import {
  type AuthMessage,
  CLOSE,
  type ErrorMessage,
  parseInbound,
  type ReadyMessage,
  type RequestMessage,
} from "./envelope.js";
import { cloudConnectivityLicensed } from "./license.js";
import { type Frame, Outbox } from "./outbox.js";
import { readTrustStore, TokenRefused, verifyApplicationToken } from "./token.js";

export type WssAgentState = "connecting" | "authenticating" | "ready" | "waiting" | "unlicensed" | "stopped";

export interface WssAgentOptions {
  settings: WssAgentSettings;
  /** the gateway's fastify application: requests are served by it */
  app: Pick<FastifyInstance, "inject">;
  /** where subscriptions are found by id, to carry their events */
  subscriptions: ReadonlyMap<string, Subscription>;
  log: Logger;
  /** the Host header of the requests (absolute URLs in answers are built from it) */
  host: string;
  /** the Cloud Connectivity license; default: the licensing call site */
  licensed?: () => boolean;
}

const SUBSCRIBE_PATH = /^\/api\/rest\/1\.0\/subscriptions\/?$/;
const CHUNK_PATH = /^\/api\/rest\/1\.0\/subscriptions\/[^/]+\/chunk\/?$/;
/** Hop-by-hop or meaningless once carried in a message. */
const DROPPED_HEADERS = new Set(["content-length", "connection", "transfer-encoding", "keep-alive", "date"]);

export class WssAgent {
  private ws: WebSocket | undefined;
  private authenticated = false;
  private verifying = false;
  private stopped = false;
  private backoff: number;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private licenseTimer: NodeJS.Timeout | undefined;
  private readonly outbox: Outbox;
  /** request id -> the seq of its response, or "running" */
  private readonly answered = new Map<string, number | "running">();
  private readonly trustPem: string;
  private readonly trust: X509Certificate[];
  private readonly licensed: () => boolean;
  private readonly sink: EventSink;
  state: WssAgentState = "waiting";
  /** the connected application's claims */
  application: JWTPayload | undefined;
  readonly stats = { connections: 0, authenticated: 0, refused: 0, requests: 0, licenseChecks: 0 };

  constructor(private readonly opts: WssAgentOptions) {
    const s = opts.settings;
    if (!s.url) throw new Error("the WSS agent needs wssAgent.url");
    this.trustPem = s.ca ?? readFileSync(s.caFile ?? "", "utf8");
    this.trust = readTrustStore(this.trustPem);
    this.backoff = s.reconnectMinMs;
    this.outbox = new Outbox(s.replayLimit);
    this.licensed = opts.licensed ?? cloudConnectivityLicensed;
    this.sink = {
      deliver: (subscriptionId, line) =>
        this.send(
          this.outbox.push(
            (seq) =>
              `{"type":"event","seq":${seq},"subscriptionId":${JSON.stringify(subscriptionId)},"event":${line}}`,
          ),
        ),
    };
  }

  /** messages kept until acknowledged */
  get unacknowledged(): number {
    return this.outbox.size;
  }

  get dropped(): number {
    return this.outbox.dropped;
  }

  start(): void {
    if (this.stopped || this.licenseTimer) return;
    this.licenseTimer = setInterval(() => this.checkLicense(), this.opts.settings.licenseCheckMs);
    this.licenseTimer.unref();
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.state = "stopped";
    clearInterval(this.licenseTimer);
    clearTimeout(this.reconnectTimer);
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once("close", () => resolve());
      const kill = setTimeout(() => ws.terminate(), 1000);
      kill.unref();
      ws.close(CLOSE.goingAway, "the gateway is stopping");
    });
  }

  /** The license is checked every licenseCheckMs: a lapse closes the socket, a renewal reopens it. */
  private checkLicense(): void {
    if (this.stopped) return;
    if (this.isLicensed()) {
      if (this.state === "unlicensed") this.connect();
      return;
    }
    this.state = "unlicensed";
    this.opts.log.warn("WSS agent: no Cloud Connectivity license, the socket is closed");
    this.ws?.close(CLOSE.unlicensed, "no Cloud Connectivity license");
  }

  private isLicensed(): boolean {
    this.stats.licenseChecks++;
    return this.licensed();
  }

  private connect(): void {
    if (this.stopped || this.ws || this.reconnectTimer) return;
    if (!this.isLicensed()) {
      this.state = "unlicensed";
      this.opts.log.warn("WSS agent: no Cloud Connectivity license, not connecting");
      return;
    }
    const s = this.opts.settings;
    this.state = "connecting";
    this.stats.connections++;
    const ws = new WebSocket(s.url ?? "", {
      ca: this.trustPem,
      handshakeTimeout: s.authTimeoutMs,
      perMessageDeflate: false,
      maxPayload: 2 * 1024 * 1024,
    });
    this.ws = ws;
    let remote = "";
    let authTimer: NodeJS.Timeout | undefined;
    let pinger: NodeJS.Timeout | undefined;
    let alive = true;
    let lastError = "";
    ws.on("upgrade", (res) => {
      remote = res.socket.remoteAddress ?? "";
    });
    ws.on("open", () => {
      this.state = "authenticating";
      authTimer = setTimeout(() => ws.close(CLOSE.authTimeout, "no auth message in time"), s.authTimeoutMs);
      authTimer.unref();
      pinger = setInterval(() => {
        if (!alive) return ws.terminate();
        alive = false;
        ws.ping();
      }, s.pingMs);
      pinger.unref();
    });
    ws.on("pong", () => {
      alive = true;
    });
    ws.on("message", (data, isBinary) => {
      alive = true;
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString()
        : Buffer.from(data as ArrayBuffer).toString();
      void this.onMessage(ws, isBinary ? "" : text, remote, () => clearTimeout(authTimer));
    });
    // A failed connection emits "error" then "close": the close decides what happens next.
    ws.on("error", (err) => {
      lastError = err.message;
    });
    ws.on("close", (code, reason) => {
      clearTimeout(authTimer);
      clearInterval(pinger);
      if (this.ws !== ws) return;
      this.ws = undefined;
      const wasReady = this.authenticated;
      this.authenticated = false;
      this.opts.log.info(
        `WSS agent: connection to ${s.url} closed (${code}${reason.length ? ` ${reason.toString()}` : ""}${lastError ? `, ${lastError}` : ""})`,
      );
      if (this.stopped || this.state === "unlicensed") return;
      if (wasReady) this.backoff = s.reconnectMinMs;
      this.state = "waiting";
      const delay = this.backoff;
      this.backoff = Math.min(s.reconnectMaxMs, this.backoff * 2);
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = undefined;
        this.connect();
      }, delay);
      this.reconnectTimer.unref();
    });
  }

  private async onMessage(ws: WebSocket, text: string, remote: string, authDone: () => void): Promise<void> {
    if (ws !== this.ws) return;
    const msg = text === "" ? { problem: "messages are JSON text frames" } : parseInbound(text);
    if ("problem" in msg) {
      if (this.authenticated) this.sendError({ type: "error", message: msg.problem });
      else ws.close(CLOSE.protocol, msg.problem.slice(0, 120));
      return;
    }
    if (!this.authenticated) {
      if (msg.type !== "auth" || this.verifying)
        return ws.close(CLOSE.protocol, "send one auth message first, then wait for ready");
      return this.authenticate(ws, msg, authDone);
    }
    if (msg.type === "ack") {
      this.outbox.ack(msg.seq);
    } else if (msg.type === "request") {
      await this.request(msg, remote);
    } else {
      this.sendError({ type: "error", message: "already authenticated" });
    }
  }

  private async authenticate(ws: WebSocket, msg: AuthMessage, authDone: () => void): Promise<void> {
    const s = this.opts.settings;
    this.verifying = true;
    let claims: JWTPayload;
    try {
      claims = await verifyApplicationToken(msg.token, {
        trust: this.trust,
        audience: s.audience,
        issuer: s.issuer,
      });
    } catch (err) {
      const why = err instanceof TokenRefused ? err.message : String(err);
      this.stats.refused++;
      this.opts.log.warn(`WSS agent: the application's token is refused: ${why}`);
      if (ws === this.ws) ws.close(CLOSE.tokenRefused, `token refused: ${why}`.slice(0, 120));
      return;
    } finally {
      this.verifying = false;
    }
    if (ws !== this.ws || ws.readyState !== WebSocket.OPEN) return;
    authDone();
    this.authenticated = true;
    this.application = claims;
    this.state = "ready";
    this.stats.authenticated++;
    this.backoff = s.reconnectMinMs;
    if (msg.ack !== undefined) this.outbox.ack(msg.ack);
    const pending = this.outbox.pending();
    const ready: ReadyMessage = { type: "ready", replay: pending.length, dropped: this.outbox.dropped };
    ws.send(JSON.stringify(ready));
    for (const f of pending) ws.send(f.text);
    this.opts.log.info(
      `WSS agent: application ${String(claims.sub ?? claims.iss ?? "?")} authenticated; ${pending.length} message(s) sent again`,
    );
  }

  private async request(msg: RequestMessage, remote: string): Promise<void> {
    const seen = this.answered.get(msg.id);
    if (seen !== undefined) {
      // Sent again after a reconnection: run once, answer with the response kept (if not acknowledged).
      if (seen === "running") return;
      const kept = this.outbox.find(seen);
      if (kept) this.send(kept);
      else
        this.sendError({
          type: "error",
          id: msg.id,
          message: `request ${msg.id} was answered (seq ${seen})`,
        });
      return;
    }
    this.remember(msg.id, "running");
    this.stats.requests++;
    const answer = await this.serve(msg, remote);
    const frame = this.outbox.push((seq) => JSON.stringify({ type: "response", seq, id: msg.id, ...answer }));
    this.remember(msg.id, frame.seq);
    this.send(frame);
    const body = answer.body as { subscriptionId?: unknown } | undefined;
    if (msg.method === "POST" && answer.status === 200 && SUBSCRIBE_PATH.test(pathOf(msg.path))) {
      // After its response, so that the application knows the subscription before its first event.
      const sub =
        typeof body?.subscriptionId === "string"
          ? this.opts.subscriptions.get(body.subscriptionId)
          : undefined;
      if (sub?.mode === "chunk") sub.attachSink(this.sink);
    }
  }

  /** One request through the fastify application, as it would arrive over HTTPS. */
  private async serve(
    msg: RequestMessage,
    remote: string,
  ): Promise<{
    status: number;
    headers: Record<string, string | string[]>;
    body?: unknown;
    bodyBase64?: string;
  }> {
    if (CHUNK_PATH.test(pathOf(msg.path))) {
      const e = new O2gError(
        400,
        "over the WSS agent a subscription's events come as event messages: no chunk channel",
        {
          type: "BAD_REQUEST",
        },
      );
      return { status: 400, headers: { "content-type": "application/json; charset=utf-8" }, body: e.body() };
    }
    const headers: Record<string, string> = { host: this.opts.host };
    for (const [k, v] of Object.entries(msg.headers ?? {})) headers[k.toLowerCase()] = v;
    let payload: string | undefined;
    if (msg.body !== undefined) {
      if (typeof msg.body === "string") payload = msg.body;
      else {
        payload = JSON.stringify(msg.body);
        headers["content-type"] ??= "application/json";
      }
    }
    const options: InjectOptions = {
      method: msg.method as InjectOptions["method"],
      url: msg.path,
      headers,
      remoteAddress: remote || "127.0.0.1",
      ...(payload !== undefined ? { payload } : {}),
    };
    let res: Awaited<ReturnType<FastifyInstance["inject"]>>;
    try {
      res = await this.opts.app.inject(options);
    } catch (err) {
      this.opts.log.error({ err }, "WSS agent: a request could not be served");
      const e = new O2gError(503, "the gateway could not serve the request", {
        type: "SERVICE_UNAVAILABLE",
        canRetry: true,
      });
      return { status: 503, headers: { "content-type": "application/json; charset=utf-8" }, body: e.body() };
    }
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(res.headers)) {
      if (v === undefined || DROPPED_HEADERS.has(k)) continue;
      out[k] = Array.isArray(v) ? v.map(String) : String(v);
    }
    const type = String(res.headers["content-type"] ?? "");
    if (res.rawPayload.length === 0) return { status: res.statusCode, headers: out };
    if (/json/i.test(type)) {
      try {
        return { status: res.statusCode, headers: out, body: JSON.parse(res.payload) };
      } catch {
        return { status: res.statusCode, headers: out, body: res.payload };
      }
    }
    if (/^text\//i.test(type)) return { status: res.statusCode, headers: out, body: res.payload };
    return { status: res.statusCode, headers: out, bodyBase64: res.rawPayload.toString("base64") };
  }

  private remember(id: string, value: number | "running"): void {
    this.answered.delete(id);
    this.answered.set(id, value);
    if (this.answered.size > this.opts.settings.requestIdMemory) {
      const oldest = this.answered.keys().next().value;
      if (oldest !== undefined) this.answered.delete(oldest);
    }
  }

  private send(frame: Frame): void {
    if (this.authenticated && this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame.text);
  }

  private sendError(msg: ErrorMessage): void {
    if (this.authenticated && this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }
}

function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}
