/**
 * The sample application server for the WSS agent (Cloud Connectivity): an HTTPS + WSS server on
 * loopback that the gateway connects to. It does what an application in a cloud would: on each
 * connection it sends its JSON Web Token (signed with jose, its certificate chain in `x5c`) and
 * how far it got (`ack`), then carries REST requests and receives responses and events, dropping
 * a `seq` it has already seen and acknowledging what it has processed. Requests still
 * unanswered when a socket drops are sent again, with the same id, once the next one is ready.
 *
 * The tests drive it: `session()` logs a user in over the socket, `drop()` cuts the socket as a
 * network failure would, `token` can be swapped for a forged or expired one.
 */

import { createPrivateKey } from "node:crypto";
import { once } from "node:events";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { SignJWT } from "jose";
import { type WebSocket, WebSocketServer } from "ws";
import type { EventMessage, ReadyMessage, ResponseMessage } from "../../gateway/wss-agent/index.js";
import { type Issued, makeTestPki, type TestPki } from "./pki.js";

export interface TokenOptions {
  /** default: the PKI's signer */
  signer?: Issued;
  /** the x5c chain (default: the signer's certificate alone) */
  chain?: Issued[];
  audience?: string;
  issuer?: string;
  /** seconds from now (negative: already expired) */
  expiresIn?: number;
  notBefore?: number;
}

export interface WssAppOptions {
  pki?: TestPki;
  /** acknowledge every message once processed (default); false: the test acks with ack() */
  autoAck?: boolean;
}

interface Pending {
  id: string;
  frame: string;
  resolve: (r: ResponseMessage) => void;
}

export class WssApp {
  readonly pki: TestPki;
  readonly url: string;
  /** how each connection ended, as the server saw it */
  readonly closes: { code: number; reason: string }[] = [];
  readonly readies: ReadyMessage[] = [];
  /** every event, once each, in seq order of arrival */
  readonly events: EventMessage[] = [];
  /** seq numbers that never came (the gateway dropped them past its replay limit) */
  readonly gaps: string[] = [];
  /** frames received again (already seen seq) */
  duplicates = 0;
  connections = 0;
  /** when each connection arrived (Date.now()) */
  readonly connectedAt: number[] = [];
  open = 0;
  maxOpen = 0;
  /** the highest seq processed */
  lastSeq = 0;
  /** true: frames from the gateway are thrown away unread, as if lost on a failing network */
  deaf = false;
  /** the token sent on the next connection */
  token: () => Promise<string>;
  private socket: WebSocket | undefined;
  private ready = false;
  private readonly pending = new Map<string, Pending>();
  private readonly waiters = new Set<() => void>();
  private nextId = 1;

  private constructor(
    private readonly server: https.Server,
    private readonly wss: WebSocketServer,
    pki: TestPki,
    private readonly autoAck: boolean,
  ) {
    this.pki = pki;
    this.url = `wss://localhost:${(server.address() as AddressInfo).port}/o2g`;
    this.token = () => this.makeToken();
    wss.on("connection", (ws) => this.accept(ws));
  }

  static async start(opts: WssAppOptions = {}): Promise<WssApp> {
    const pki = opts.pki ?? makeTestPki();
    const server = https.createServer({ key: pki.server.keyPem, cert: pki.server.certPem });
    const wss = new WebSocketServer({ server, path: "/o2g" });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    return new WssApp(server, wss, pki, opts.autoAck ?? true);
  }

  /** A token as the application makes it (jose), valid unless the options say otherwise. */
  async makeToken(o: TokenOptions = {}): Promise<string> {
    const signer = o.signer ?? this.pki.signer;
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ app: "wss-app" })
      .setProtectedHeader({ alg: "RS256", x5c: (o.chain ?? [signer]).map((c) => c.certB64) })
      .setSubject("sample-application")
      .setIssuer(o.issuer ?? "wss-app")
      .setAudience(o.audience ?? "o2g")
      .setIssuedAt(now)
      .setExpirationTime(now + (o.expiresIn ?? 3600));
    if (o.notBefore !== undefined) jwt.setNotBefore(now + o.notBefore);
    return jwt.sign(createPrivateKey(signer.keyPem));
  }

  private accept(ws: WebSocket): void {
    this.connections++;
    this.connectedAt.push(Date.now());
    this.open++;
    this.maxOpen = Math.max(this.maxOpen, this.open);
    this.socket = ws;
    this.ready = false;
    ws.on("close", (code, reason) => {
      this.open--;
      this.closes.push({ code, reason: reason.toString() });
      if (this.socket === ws) {
        this.socket = undefined;
        this.ready = false;
      }
      this.wake();
    });
    ws.on("message", (data) => this.onMessage(ws, String(data)));
    void this.token().then((token) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: "auth", token, ack: this.lastSeq }));
    });
  }

  private onMessage(ws: WebSocket, text: string): void {
    if (this.deaf) return;
    const msg = JSON.parse(text) as
      | ReadyMessage
      | ResponseMessage
      | EventMessage
      | { type: "error"; message: string };
    if (msg.type === "ready") {
      this.readies.push(msg);
      this.ready = true;
      // What the gateway may never have received goes again; it runs each id once.
      for (const p of this.pending.values()) ws.send(p.frame);
    } else if (msg.type === "response" || msg.type === "event") {
      if (msg.seq <= this.lastSeq) {
        this.duplicates++;
        return;
      }
      // Acks are cumulative: a gap would be a lost message, never acknowledged past.
      if (msg.seq !== this.lastSeq + 1) this.gaps.push(`seq ${msg.seq} after ${this.lastSeq}`);
      this.lastSeq = msg.seq;
      if (msg.type === "event") this.events.push(msg);
      else {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p?.resolve(msg);
      }
      if (this.autoAck) this.ack();
    }
    this.wake();
  }

  /** Acknowledges everything processed so far. */
  ack(seq = this.lastSeq): void {
    if (this.ready) this.socket?.send(JSON.stringify({ type: "ack", seq }));
  }

  /** One REST request over the socket; resolves with its response, across reconnections. */
  request(
    method: string,
    path: string,
    opts: { headers?: Record<string, string>; body?: unknown } = {},
  ): Promise<ResponseMessage> {
    const id = `r${this.nextId++}`;
    const frame = JSON.stringify({ type: "request", id, method, path, ...opts });
    return new Promise((resolve) => {
      this.pending.set(id, { id, frame, resolve });
      if (this.ready) this.socket?.send(frame);
    });
  }

  /** Logs a user in over the socket (Basic, then the AlcUserId cookie on every request) and opens a session. */
  async session(login: string, password: string): Promise<WssAppSession> {
    const basic = Buffer.from(`${login}:${password}`).toString("base64");
    const auth = await this.request("GET", "/api/rest/authenticate?version=1.0", {
      headers: { authorization: `Basic ${basic}` },
    });
    if (auth.status !== 200) throw new Error(`authenticate: ${auth.status} ${JSON.stringify(auth.body)}`);
    const setCookie = auth.headers["set-cookie"];
    const cookie = [setCookie ?? []]
      .flat()
      .map((c) => /^(AlcUserId=[^;]*)/.exec(c)?.[1])
      .find(Boolean);
    if (!cookie) throw new Error("authenticate: no AlcUserId cookie");
    const s = new WssAppSession(this, cookie);
    const opened = await s.send("POST", "/api/rest/1.0/sessions", { applicationName: "wss-app" });
    if (opened.status !== 200) throw new Error(`session: ${opened.status} ${JSON.stringify(opened.body)}`);
    return s;
  }

  /** Resolves when `cond` holds, re-checked on every message and close, and every 20 ms (for
   * conditions on the gateway's side, which tell the application nothing). */
  async until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
    if (cond()) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!cond()) return;
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters.delete(check);
        resolve();
      };
      const poll = setInterval(check, 20);
      const timer = setTimeout(() => {
        clearInterval(poll);
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}`));
      }, ms);
      this.waiters.add(check);
    });
  }

  /** The first event (from the `from`-th on) that `pred` accepts. */
  async event(pred: (e: EventMessage) => boolean, what: string, from = 0): Promise<EventMessage> {
    let found: EventMessage | undefined;
    await this.until(() => {
      found = this.events.slice(from).find(pred);
      return found !== undefined;
    }, what);
    return found!;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Cuts the socket as a network failure would (no closing handshake). */
  drop(): void {
    this.socket?.terminate();
  }

  async stop(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** A user's REST session over the socket: the cookie on every request, as a browser would. */
export class WssAppSession {
  constructor(
    readonly app: WssApp,
    readonly cookie: string,
  ) {}

  send(method: string, path: string, body?: unknown): Promise<ResponseMessage> {
    return this.app.request(method, path, {
      headers: { cookie: this.cookie },
      ...(body !== undefined ? { body } : {}),
    });
  }
}
