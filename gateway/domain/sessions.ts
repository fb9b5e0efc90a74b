/**
 * Authenticated clients and their sessions. Authenticating (HTTP Basic) hands out a credential,
 * carried by the AlcUserId cookie as the real O2G does; opening a session binds it to an
 * application. A session unused for its time-to-live expires, and its subscriptions end with it.
 */
import { randomBytes } from "node:crypto";

export interface Principal {
  /** the login the session acts as */
  login: string;
  admin: boolean;
}

export interface Session {
  readonly token: string;
  /** how other sessions of the login are told of this one: random, unrelated to the token */
  readonly id: string;
  readonly principal: Principal;
  /** an administrator session opened on behalf of this user (supervisedAccount) */
  supervised: string | null;
  applicationName: string | null;
  readonly created: Date;
  lastSeen: number;
  /** false until POST sessions: the credential exists, the session does not yet */
  open: boolean;
  readonly subscriptions: Set<string>;
}

export class SessionStore {
  private readonly byToken = new Map<string, Session>();
  /** per login, its credentials and sessions: the per-user cap counts them */
  private readonly byLogin = new Map<string, Set<Session>>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(s: Session, reason: "closed" | "expired") => void>();

  constructor(readonly ttlSeconds: number) {}

  start(): void {
    const period = Math.min(10_000, Math.max(250, (this.ttlSeconds * 1000) / 10));
    this.sweeper = setInterval(() => this.sweep(), period);
    this.sweeper.unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
    for (const s of [...this.byToken.values()]) this.end(s, "closed");
  }

  onEnd(listener: (s: Session, reason: "closed" | "expired") => void): void {
    this.listeners.add(listener);
  }

  /** A credential for an authenticated principal. */
  authenticate(principal: Principal): Session {
    const s: Session = {
      token: randomBytes(24).toString("base64url"),
      id: randomBytes(8).toString("hex"),
      principal,
      supervised: null,
      applicationName: null,
      created: new Date(),
      lastSeen: Date.now(),
      open: false,
      subscriptions: new Set(),
    };
    this.byToken.set(s.token, s);
    let mine = this.byLogin.get(principal.login);
    if (!mine) {
      mine = new Set();
      this.byLogin.set(principal.login, mine);
    }
    mine.add(s);
    return s;
  }

  /** The live session a token names, touched (any request keeps a session alive). */
  get(token: string | undefined): Session | undefined {
    if (!token) return undefined;
    const s = this.byToken.get(token);
    if (!s) return undefined;
    if (this.expired(s)) {
      this.end(s, "expired");
      return undefined;
    }
    s.lastSeen = Date.now();
    return s;
  }

  /** Sessions of the same login (the SessionInfo's otherSessions). */
  others(s: Session): Session[] {
    return this.ofLogin(s.principal.login).filter((x) => x !== s && x.open);
  }

  /** Every credential and session a login holds now, expired ones left out. */
  ofLogin(login: string): Session[] {
    const mine = [...(this.byLogin.get(login) ?? [])];
    for (const x of mine) if (this.expired(x)) this.end(x, "expired");
    return mine.filter((x) => this.byToken.has(x.token));
  }

  /** Logins with at least one open session (for licence counting). */
  get openCount(): number {
    let n = 0;
    for (const s of this.byToken.values()) if (s.open) n++;
    return n;
  }

  close(s: Session): void {
    this.end(s, "closed");
  }

  expiresAt(s: Session): Date {
    return new Date(s.lastSeen + this.ttlSeconds * 1000);
  }

  private expired(s: Session): boolean {
    return Date.now() - s.lastSeen > this.ttlSeconds * 1000;
  }

  private end(s: Session, reason: "closed" | "expired"): void {
    if (!this.byToken.delete(s.token)) return;
    const mine = this.byLogin.get(s.principal.login);
    mine?.delete(s);
    if (mine?.size === 0) this.byLogin.delete(s.principal.login);
    for (const l of this.listeners) l(s, reason);
  }

  private sweep(): void {
    for (const s of [...this.byToken.values()]) if (this.expired(s)) this.end(s, "expired");
  }
}
