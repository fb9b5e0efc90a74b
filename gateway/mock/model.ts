/**
 * The whole stand-in in memory: users and their credentials, sessions, subscriptions and the
 * event channel, calls, routing and the communication log. The msw handlers (handlers.ts) are
 * its HTTP face; tests may also reach into it (reset between tests, read a user's calls).
 */
import type { EventPackage, O2gEvent } from "../events/types.js";
import { MockCallbacks } from "./callbacks.js";
import { MockCallCenter } from "./callcenter.js";
import { MockComlog } from "./comlog.js";
import { MockError } from "./errors.js";
import { MockEventHub, type MockSelector, MockSubscription } from "./events.js";
import { MockHuntingGroups } from "./hunting-groups.js";
import { MockRouting } from "./routing.js";
import { MockTelephony } from "./telephony.js";
import { DEFAULT_ADMIN, DEFAULT_USERS, type MockAdmin, type MockUser } from "./users.js";

export interface MockO2gOptions {
  users?: readonly MockUser[];
  admin?: MockAdmin;
}

export interface MockSession {
  token: string;
  login: string;
  admin: boolean;
  /** POST sessions was made on this credential */
  open: boolean;
  supervised: string | undefined;
  created: Date;
  subscriptions: Set<string>;
}

export const TIME_TO_LIVE_S = 1800;

/** Packages whose events concern one login (gateway/events/types.ts PER_USER_PACKAGES). */
const PER_USER: ReadonlySet<EventPackage> = new Set([
  "telephony",
  "eventSummary",
  "unifiedComLog",
  "user",
  "routingManagement",
  "agent",
]);
const ADMIN_ONLY: ReadonlySet<EventPackage> = new Set([
  "system",
  "pbxManagement",
  "userManagement",
  "rti",
  "acdstats",
  "rsi",
]);

export const unauthorized = (message: string) =>
  new MockError(401, message, { type: "UNAUTHORIZED", headers: { "WWW-Authenticate": 'Basic realm="O2G"' } });
export const badRequest = (message: string) => new MockError(400, message, { type: "BAD_REQUEST" });
export const forbidden = (message: string) => new MockError(403, message, { type: "FORBIDDEN" });
export const notFound = (message: string) => new MockError(404, message, { type: "NOT_FOUND" });

export class MockO2g {
  readonly users: ReadonlyMap<string, MockUser>;
  readonly byNumber: ReadonlyMap<string, MockUser>;
  readonly admin: MockAdmin;
  readonly sessions = new Map<string, MockSession>();
  readonly events = new MockEventHub();
  readonly telephony: MockTelephony;
  readonly routing: MockRouting;
  readonly comlog: MockComlog;
  readonly huntingGroups: MockHuntingGroups;
  readonly callbacks: MockCallbacks;
  readonly callCenter: MockCallCenter;

  constructor(options: MockO2gOptions = {}) {
    const users = options.users ?? DEFAULT_USERS;
    this.users = new Map(users.map((u) => [u.loginName, u]));
    this.byNumber = new Map(users.map((u) => [u.number, u]));
    this.admin = options.admin ?? DEFAULT_ADMIN;
    this.comlog = new MockComlog(this.users, this.byNumber, (login, e) =>
      this.publish("unifiedComLog", login, e),
    );
    this.routing = new MockRouting((login, e) => this.publish("routingManagement", login, e));
    this.huntingGroups = new MockHuntingGroups((login, e) => this.publish("telephony", login, e));
    this.callbacks = new MockCallbacks(this.byNumber);
    this.callCenter = new MockCallCenter((login, e) => this.publish("agent", login, e), this.byNumber);
    this.telephony = new MockTelephony(
      this.byNumber,
      (login, e) => {
        this.publish("telephony", login, e);
        this.comlog.builder.onEvent(login, e);
      },
      (u) => this.routing.forCalls(u),
    );
  }

  publish(pkg: EventPackage, login: string | null, event: O2gEvent): void {
    this.events.publish(pkg, login, event);
  }

  // ---- authentication and sessions ---------------------------------------------------------

  /** Basic credentials to a new credential (the AlcUserId cookie's value). */
  authenticate(authorization: string | null): MockSession {
    const m = authorization ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization) : null;
    if (!m) throw unauthorized("HTTP Basic authentication required");
    let decoded: string;
    try {
      decoded = new TextDecoder().decode(Uint8Array.from(atob(m[1]!), (c) => c.charCodeAt(0)));
    } catch {
      throw unauthorized("malformed Basic credentials");
    }
    const colon = decoded.indexOf(":");
    if (colon < 1) throw unauthorized("malformed Basic credentials: login:password, login not empty");
    const login = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const admin = login === this.admin.loginName && password === this.admin.password;
    const user = this.users.get(login);
    if (!admin && user?.password !== password) throw unauthorized("wrong login or password");
    const s: MockSession = {
      token: crypto.randomUUID(),
      login,
      admin,
      open: false,
      supervised: undefined,
      created: new Date(),
      subscriptions: new Set(),
    };
    this.sessions.set(s.token, s);
    return s;
  }

  credential(token: string | undefined): MockSession {
    const s = token ? this.sessions.get(token) : undefined;
    if (!s) throw unauthorized(token ? "the session has expired or was closed" : "authentication required");
    return s;
  }

  session(token: string | undefined): MockSession {
    const s = this.credential(token);
    if (!s.open) throw unauthorized("no session is open: POST the sessions resource first");
    return s;
  }

  closeSession(s: MockSession): void {
    for (const id of s.subscriptions) this.events.remove(id);
    this.sessions.delete(s.token);
  }

  /** The user a request acts for (gateway/http/context.ts targetUser). */
  target(s: MockSession, named: string | null | undefined): MockUser {
    let login: string;
    if (s.admin) {
      const l = named || s.supervised;
      if (!l) throw badRequest("an administrator session must name the user (loginName)");
      login = l;
    } else {
      // As the gateway does (and the SDKs document): a user session's loginName is ignored.
      login = s.login;
    }
    const u = this.users.get(login);
    if (!u) throw notFound(`no user ${login}`);
    return u;
  }

  /** The user's device named in a request (their only one when absent). */
  device(u: MockUser, deviceId: string | undefined): string {
    if (deviceId === undefined || deviceId === "" || deviceId === u.number) return u.number;
    throw forbidden(`device ${deviceId} does not belong to ${u.loginName}`);
  }

  // ---- subscriptions -----------------------------------------------------------------------

  subscribe(s: MockSession, selectors: MockSelector[]): MockSubscription {
    const self = s.supervised ?? s.login;
    for (const sel of selectors) {
      for (const name of sel.names) {
        if (!s.admin && ADMIN_ONLY.has(name))
          throw forbidden(`the ${name} events are reserved to administrators`);
        if (!s.admin && PER_USER.has(name) && sel.ids.some((id) => id !== "*" && id !== self))
          throw forbidden(`a user session may only subscribe to its own events (${self})`);
        if (s.admin && PER_USER.has(name))
          for (const id of sel.ids) if (id !== "*" && !this.users.has(id)) throw badRequest(`no user ${id}`);
      }
    }
    const restrictTo = s.admin ? (s.supervised ?? null) : self;
    const sub = new MockSubscription(crypto.randomUUID(), s.token, restrictTo, selectors);
    this.events.subscriptions.set(sub.id, sub);
    s.subscriptions.add(sub.id);
    return sub;
  }
}
