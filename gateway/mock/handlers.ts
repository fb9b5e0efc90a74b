/**
 * The stand-in's HTTP face: msw request handlers serving the gateway's paths, statuses and JSON
 * (gateway/services/*), on any origin (`*`), so an SDK pointed at any host is answered. Request
 * bodies and query strings are checked with the routes' own schemas; every refusal is O2G's
 * error JSON. The answers name URLs on the origin the request went to, as the gateway does.
 */
import { type HttpHandler, HttpResponse, http, type PathParams } from "msw";
import { type TSchema, Type } from "typebox";
import { ForwardConditionSchema, OverflowConditionSchema } from "../domain/routing/schema.js";
import { MiniMessageBody, OutgoingCallbackBody } from "../domain/telephony/callback-schema.js";
import { EVENT_PACKAGES, type EventPackage } from "../events/types.js";
import * as CC from "../services/callcenter/schemas.js";
import * as CS from "../services/comlog/schemas.js";
import { LoginNameQuery } from "../services/common/schemas.js";
import * as T from "../services/telephony/schemas.js";
import type { ComlogFilter } from "../store/comlog/types.js";
import { MockError } from "./errors.js";
import { badRequest, forbidden, type MockO2g, type MockSession, notFound, TIME_TO_LIVE_S } from "./model.js";
import { routingError, VOICE_MAIL } from "./routing.js";
import { telephonyError } from "./telephony.js";
import { type MockUser, userJson } from "./users.js";
import { check, queryOf } from "./validate.js";

export const AUTH_COOKIE = "AlcUserId";
const PHONE = /^[0-9+*#]{1,32}$/;

interface Ctx {
  request: Request;
  url: URL;
  params: PathParams;
  cookies: Record<string, string>;
  /** the JSON body; undefined when empty (the SDKs post an empty body with a JSON type) */
  body(): Promise<unknown>;
}

type Answer = Response | object | null;

const noContent = (status = 204) => new HttpResponse(null, { status });

function errorResponse(err: MockError): Response {
  return HttpResponse.json(err.body(), { status: err.status, headers: err.extra.headers ?? {} });
}

/** One route: its answer, or O2G's error JSON for whatever it throws (never a bare 500). */
function route(
  method: "get" | "post" | "put" | "delete",
  path: string,
  answer: (ctx: Ctx) => Answer | Promise<Answer>,
): HttpHandler {
  return http[method](path, async ({ request, params, cookies }) => {
    const url = new URL(request.url);
    const ctx: Ctx = {
      request,
      url,
      params,
      cookies,
      body: async () => {
        const text = await request.text();
        if (text.trim() === "") return undefined;
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw badRequest("the body is not JSON");
        }
      },
    };
    try {
      const a = await answer(ctx);
      if (a instanceof Response) return a;
      return new HttpResponse(JSON.stringify(a), { headers: { "Content-Type": "application/json" } });
    } catch (err) {
      if (err instanceof MockError) return errorResponse(err);
      const message = err instanceof Error ? err.message : String(err);
      return errorResponse(
        new MockError(500, `the mock failed: ${message}`, { type: "INTERNAL_SERVER_ERROR" }),
      );
    }
  });
}

const param = (ctx: Ctx, name: string) => String(ctx.params[name] ?? "");

/**
 * The AlcUserId credential a request carries. msw acts as a browser's cookie jar, in Node too:
 * it adds the cookies its answers set on the origin after the request's own, and a request's
 * own cookie comes first in `cookies`.
 */
const credentialOf = (ctx: Ctx): string | undefined => ctx.cookies[AUTH_COOKIE];

export function createHandlers(model: MockO2g): HttpHandler[] {
  const root = (ctx: Ctx) => `${ctx.url.origin}/api/rest/1.0`;
  const session = (ctx: Ctx) => model.session(credentialOf(ctx));
  /** The session and the user the request acts for (`?loginName=`). */
  const user = (ctx: Ctx): [MockSession, MockUser] => {
    const s = session(ctx);
    const q = check<{ loginName?: string }>(LoginNameQuery, queryOf(ctx.url), "querystring");
    return [s, model.target(s, q.loginName)];
  };

  function sessionInfo(ctx: Ctx, s: MockSession) {
    const services = [
      ["Subscriptions", "/subscriptions"],
      ["Telephony", "/telephony"],
      ["Users", "/users"],
      ["Routing", "/routing"],
      ["ComLog", "/comlog"],
      ["AcdAgent", "/acdagent"],
    ].map(([serviceName, relativeUrl]) => ({ serviceName, serviceVersion: "1.0", relativeUrl }));
    const base = root(ctx);
    return {
      admin: s.admin,
      login: s.supervised ?? s.login,
      timeToLive: TIME_TO_LIVE_S,
      publicBaseUrl: base,
      privateBaseUrl: base,
      services,
      creationDate: s.created.toISOString(),
      expirationDate: new Date(Date.now() + TIME_TO_LIVE_S * 1000).toISOString(),
      otherSessions: [...model.sessions.values()]
        .filter((o) => o !== s && o.login === s.login && o.open)
        .map((o) => ({
          sessionId: o.token.slice(0, 8),
          creationDate: o.created.toISOString(),
          timeToLive: TIME_TO_LIVE_S,
        })),
    };
  }

  // ---- discovery, authentication, sessions -------------------------------------------------

  const authenticate = (ctx: Ctx) => {
    const version = ctx.url.searchParams.get("version");
    if (version !== null && version !== "1.0") throw badRequest(`API version ${version} is not supported`);
    const s = model.authenticate(ctx.request.headers.get("authorization"));
    const sessions = `${root(ctx)}/sessions`;
    // Not HttpOnly: in a browser, msw hands a mocked answer's cookies to document.cookie.
    const secure = ctx.url.protocol === "https:" ? "; Secure" : "";
    return HttpResponse.json(
      { credential: s.token, internalUrl: sessions, publicUrl: sessions },
      { headers: { "Set-Cookie": `${AUTH_COOKIE}=${s.token}; Path=/; SameSite=Lax${secure}` } },
    );
  };

  const SessionBody = Type.Union([
    Type.Null(),
    Type.Object({
      applicationName: Type.Optional(Type.String({ maxLength: 128 })),
      supervisedAccount: Type.Optional(
        Type.Object({
          id: Type.String({ minLength: 1 }),
          type: Type.Optional(Type.Union([Type.Literal("LOGIN_NAME"), Type.Literal("PHONE_NUMBER")])),
        }),
      ),
    }),
  ]);

  const bootstrap = [
    route("get", "*/api/rest", (ctx) => {
      const auth = `${ctx.url.origin}/api/rest/authenticate?version=1.0`;
      return {
        serverInfo: {
          productName: "O2G",
          productType: "o2g-testbench-msw",
          productVersion: { major: "2", minor: "5" },
          haMode: false,
        },
        versions: [{ id: "1.0", status: "CURRENT", publicUrl: auth, internalUrl: auth }],
      };
    }),
    route("get", "*/api/rest/authenticate", authenticate),
    route("get", "*/api/rest/1.0", authenticate),
    route("post", "*/api/rest/1.0/sessions", async (ctx) => {
      const s = model.credential(credentialOf(ctx));
      const body = check<{ supervisedAccount?: { id: string; type?: string } } | null>(
        SessionBody,
        (await ctx.body()) ?? null,
        "body",
      );
      if (body?.supervisedAccount) {
        if (!s.admin) throw forbidden("only an administrator may supervise another account");
        const { id, type = "LOGIN_NAME" } = body.supervisedAccount;
        const u = type === "PHONE_NUMBER" ? model.byNumber.get(id) : model.users.get(id);
        if (!u) throw notFound(`no user ${id}`);
        s.supervised = u.loginName;
      }
      s.open = true;
      return sessionInfo(ctx, s);
    }),
    route("get", "*/api/rest/1.0/sessions", (ctx) => sessionInfo(ctx, session(ctx))),
    route("post", "*/api/rest/1.0/sessions/keepalive", (ctx) => {
      session(ctx);
      return noContent();
    }),
    route("delete", "*/api/rest/1.0/sessions", (ctx) => {
      model.closeSession(model.credential(credentialOf(ctx)));
      return noContent();
    }),
  ];

  // ---- subscriptions and the chunk channel -------------------------------------------------

  const Selector = Type.Object({
    ids: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 1000 })),
    names: Type.Optional(Type.Array(Type.Union(EVENT_PACKAGES.map((n) => Type.Literal(n))))),
  });
  const SubscriptionBody = Type.Object({
    filter: Type.Optional(Type.Object({ selectors: Type.Optional(Type.Array(Selector, { maxItems: 100 })) })),
    version: Type.Optional(Type.Literal("1.0")),
    timeout: Type.Optional(Type.Integer({ minimum: 0 })),
    webHookUrl: Type.Optional(Type.String({ maxLength: 2048 })),
  });
  type SubscriptionRequest = {
    filter?: { selectors?: { ids?: string[]; names?: EventPackage[] }[] };
    webHookUrl?: string;
  };

  const subscriptions = [
    route("post", "*/api/rest/1.0/subscriptions", async (ctx) => {
      const s = session(ctx);
      const body = check<SubscriptionRequest>(SubscriptionBody, (await ctx.body()) ?? {}, "body");
      if (body.webHookUrl !== undefined)
        throw new MockError(501, "webhooks are not implemented by the msw stand-in: poll the chunk URL", {
          type: "NOT_IMPLEMENTED",
        });
      const selectors = (body.filter?.selectors ?? []).map((x) => ({
        ids: x.ids ?? [],
        names: x.names ?? [],
      }));
      const sub = model.subscribe(s, selectors);
      const polling = `${root(ctx)}/subscriptions/${sub.id}/chunk`;
      return {
        subscriptionId: sub.id,
        message: "poll the chunk URL to receive events",
        publicPollingUrl: polling,
        privatePollingUrl: polling,
        status: "ACCEPTED",
      };
    }),
    route("post", "*/api/rest/1.0/subscriptions/:id/chunk", (ctx) => {
      const sub = model.events.subscriptions.get(param(ctx, "id"));
      if (!sub) throw notFound(`no subscription ${param(ctx, "id")}`);
      return new HttpResponse(sub.attach(), {
        headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-cache" },
      });
    }),
    route("delete", "*/api/rest/1.0/subscriptions/:id", (ctx) => {
      const s = session(ctx);
      const id = param(ctx, "id");
      if (!s.subscriptions.has(id)) throw notFound(`no subscription ${id}`);
      model.events.remove(id);
      s.subscriptions.delete(id);
      return noContent();
    }),
  ];

  // ---- telephony ---------------------------------------------------------------------------

  const tel = model.telephony;
  const makeCall = async (ctx: Ctx) => {
    const [, u] = user(ctx);
    const body = check<T.MakeCallBody>(T.MakeCallBody, await ctx.body(), "body");
    model.device(u, body.deviceId);
    if (body.callee === undefined || !PHONE.test(body.callee))
      throw telephonyError(
        400,
        "BAD_PARAMETER_VALUE",
        "INVALID_DESTINATION",
        `callee "${body.callee ?? ""}" is not a phone number`,
      );
    return { callRef: tel.makeCall(u, body.callee) };
  };
  /** hold, retrieve and answer name the device (optional for the first two). */
  const onLeg = (act: (u: MockUser, ref: string) => void, required: boolean) => async (ctx: Ctx) => {
    const [, u] = user(ctx);
    const raw = (await ctx.body()) ?? null;
    const body = check<{ deviceId?: string } | null>(
      required ? T.DeviceBody : T.OptionalDeviceBody,
      raw,
      "body",
    );
    model.device(u, body?.deviceId);
    act(u, param(ctx, "callRef"));
    return noContent();
  };
  const release = (ctx: Ctx) => {
    const [, u] = user(ctx);
    tel.release(u, param(ctx, "callRef"));
    return noContent();
  };
  const calls = "*/api/rest/1.0/telephony";

  const hg = model.huntingGroups;
  const hgNumber = (ctx: Ctx) => {
    const n = param(ctx, "hgNumber");
    if (!/^[0-9]{1,16}$/.test(n)) throw badRequest(`params/hgNumber "${n}" is not a hunting group number`);
    return n;
  };
  const notANumber = (n: string) =>
    telephonyError(400, "BAD_PARAMETER_VALUE", "INVALID_DESTINATION", `"${n}" is not a phone number`);
  const telephony = [
    route("get", `${calls}/huntingGroups`, (ctx) => hg.list(user(ctx)[1])),
    route("post", `${calls}/huntingGroupMember/:hgNumber`, (ctx) => {
      hg.join(user(ctx)[1], hgNumber(ctx));
      return noContent();
    }),
    route("delete", `${calls}/huntingGroupMember/:hgNumber`, (ctx) => {
      hg.leave(user(ctx)[1], hgNumber(ctx));
      return noContent();
    }),
    route("get", `${calls}/huntingGroupLogOn`, (ctx) => hg.status(user(ctx)[1])),
    route("post", `${calls}/huntingGroupLogOn`, (ctx) => {
      hg.setLoggedOn(user(ctx)[1], true);
      return noContent();
    }),
    route("delete", `${calls}/huntingGroupLogOn`, (ctx) => {
      hg.setLoggedOn(user(ctx)[1], false);
      return noContent();
    }),
    route("post", `${calls}/outgoingCallbacks`, async (ctx) => {
      const [, u] = user(ctx);
      const body = check<{ callee: string }>(OutgoingCallbackBody, await ctx.body(), "body");
      if (!PHONE.test(body.callee)) throw notANumber(body.callee);
      model.callbacks.request(u, body.callee);
      return noContent();
    }),
    route("get", `${calls}/incomingCallbacks`, (ctx) => ({
      callbacks: model.callbacks.incoming(user(ctx)[1]),
    })),
    route("delete", `${calls}/incomingCallbacks`, (ctx) => {
      model.callbacks.delete(user(ctx)[1]);
      return noContent();
    }),
    route("delete", `${calls}/incomingCallbacks/:callbackId`, (ctx) => {
      model.callbacks.delete(user(ctx)[1], param(ctx, "callbackId"));
      return noContent();
    }),
    route("get", `${calls}/miniMessages`, (ctx) => model.callbacks.read(user(ctx)[1])),
    route("post", `${calls}/miniMessages`, async (ctx) => {
      const [, u] = user(ctx);
      const body = check<{ recipient: string; message: string }>(MiniMessageBody, await ctx.body(), "body");
      if (!PHONE.test(body.recipient)) throw notANumber(body.recipient);
      model.callbacks.send(u, body.recipient, body.message);
      return noContent();
    }),
    route("post", `${calls}/calls`, makeCall),
    route("post", `${calls}/basicCall`, makeCall),
    route("get", `${calls}/calls`, (ctx) => ({ calls: tel.callsOf(user(ctx)[1]) })),
    route("post", `${calls}/basicCall/answer`, async (ctx) => {
      const [, u] = user(ctx);
      const body = check<{ deviceId: string }>(T.DeviceBody, await ctx.body(), "body");
      model.device(u, body.deviceId);
      tel.answer(u);
      return noContent();
    }),
    route("post", `${calls}/basicCall/dropme`, (ctx) => {
      const [, u] = user(ctx);
      tel.release(u, tel.activeCallRef(u));
      return noContent();
    }),
    route("get", `${calls}/calls/:callRef`, (ctx) => {
      const [, u] = user(ctx);
      return tel.callOf(u, param(ctx, "callRef"));
    }),
    route("delete", `${calls}/calls/:callRef`, release),
    route("post", `${calls}/calls/:callRef/dropme`, release),
    route(
      "post",
      `${calls}/calls/:callRef/answer`,
      onLeg((u, ref) => tel.answer(u, ref), true),
    ),
    route(
      "post",
      `${calls}/calls/:callRef/hold`,
      onLeg((u, ref) => tel.hold(u, ref), false),
    ),
    route(
      "post",
      `${calls}/calls/:callRef/retrieve`,
      onLeg((u, ref) => tel.retrieve(u, ref), false),
    ),
    route("post", `${calls}/calls/:callRef/transfer`, async (ctx) => {
      const [, u] = user(ctx);
      const body = check<{ heldCallRef: string }>(T.HeldCallBody, await ctx.body(), "body");
      tel.transfer(u, param(ctx, "callRef"), body.heldCallRef);
      return noContent();
    }),
    route("get", `${calls}/calls/:callRef/deviceLegs`, (ctx) => {
      const [, u] = user(ctx);
      return { legs: tel.callOf(u, param(ctx, "callRef")).legs };
    }),
    route("get", `${calls}/calls/:callRef/deviceLegs/:legId`, (ctx) => {
      const [, u] = user(ctx);
      const leg = tel.callOf(u, param(ctx, "callRef")).legs.find((l) => l.deviceId === param(ctx, "legId"));
      if (!leg) throw telephonyError(404, "LEG_NOT_FOUND", "INVALID_DEVICE", `no leg ${param(ctx, "legId")}`);
      return leg;
    }),
    route("get", `${calls}/calls/:callRef/participants`, (ctx) => {
      const [, u] = user(ctx);
      return { participants: tel.callOf(u, param(ctx, "callRef")).participants };
    }),
    route("get", `${calls}/state`, (ctx) => tel.telephonicState(user(ctx)[1])),
    route("post", `${calls}/state/snapshot`, (ctx) => {
      tel.publishSnapshot(user(ctx)[1]);
      return noContent();
    }),
    route("get", `${calls}/devices`, (ctx) => ({
      deviceStates: [{ deviceId: user(ctx)[1].number, state: "IN_SERVICE" }],
    })),
    route("get", `${calls}/devices/:deviceId`, (ctx) => {
      const [, u] = user(ctx);
      return { deviceId: model.device(u, param(ctx, "deviceId")), state: "IN_SERVICE" };
    }),
  ];

  // ---- users -------------------------------------------------------------------------------

  const users = [
    route("get", "*/api/rest/1.0/users", (ctx) => {
      session(ctx);
      const phone = ctx.url.searchParams.get("companyPhone");
      if (phone === null) throw badRequest("give companyPhone, or GET /users/{loginName}");
      const u = model.byNumber.get(phone);
      if (!u) throw notFound(`no user has the number ${phone}`);
      return userJson(u);
    }),
    // A user's public information: anybody may read it.
    route("get", "*/api/rest/1.0/users/:loginName", (ctx) => {
      session(ctx);
      const u = model.users.get(param(ctx, "loginName"));
      if (!u) throw notFound(`no user ${param(ctx, "loginName")}`);
      return userJson(u);
    }),
    route("get", "*/api/rest/1.0/logins", (ctx) => {
      const s = session(ctx);
      return { loginNames: s.admin ? [...model.users.keys()] : [s.login] };
    }),
  ];

  // ---- routing -----------------------------------------------------------------------------

  const routing = model.routing;
  const Destination = Type.Object({
    type: Type.Union([Type.Literal("NUMBER"), Type.Literal("VOICEMAIL")]),
    number: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: "^[0-9+*#]+$" })),
    selected: Type.Optional(Type.Boolean()),
  });
  const ForwardRoute = Type.Object({
    forwardType: Type.Optional(ForwardConditionSchema),
    destinations: Type.Array(Destination, { minItems: 1, maxItems: 1 }),
  });
  type ForwardRoute = {
    forwardType?: "IMMEDIATE" | "BUSY" | "NO_ANSWER" | "BUSY_NO_ANSWER";
    destinations: { type: "NUMBER" | "VOICEMAIL"; number?: string }[];
  };
  const OverflowRoute = Type.Object({ overflowType: OverflowConditionSchema });
  type OverflowRoute = { overflowType: "BUSY" | "NO_ANSWER" | "BUSY_NO_ANSWER" };
  const RoutingStateBody = Type.Object({
    forwardRoutes: Type.Optional(Type.Array(ForwardRoute, { maxItems: 1 })),
    overflowRoutes: Type.Optional(Type.Union([Type.Array(OverflowRoute, { maxItems: 1 }), OverflowRoute])),
    dndState: Type.Optional(Type.Object({ activate: Type.Boolean() })),
  });
  /** A routing body refused by its schema: the routing block the SDK reads. */
  const routingBody = async <B>(ctx: Ctx, schema: TSchema): Promise<B> => {
    try {
      return check<B>(schema, await ctx.body(), "body");
    } catch (err) {
      if (!(err instanceof MockError)) throw err;
      throw routingError(400, "BAD_PARAMETER_VALUE", "INVALID_FORWARD_ROUTE", err.helpMessage);
    }
  };
  const setForward = (u: MockUser, f: ForwardRoute) => {
    const d = f.destinations[0]!;
    if (d.type === "NUMBER" && !d.number)
      throw routingError(
        400,
        "BAD_PARAMETER_VALUE",
        "NULL_OR_EMPTY_PARAMETER",
        "a NUMBER destination needs its number",
      );
    routing.setForward(u, f.forwardType ?? "IMMEDIATE", d.type === "VOICEMAIL" ? VOICE_MAIL : d.number!);
  };
  const R = "*/api/rest/1.0/routing";

  const routingRoutes = [
    route("get", R, (ctx) => {
      user(ctx);
      return routing.capabilities();
    }),
    route("post", R, async (ctx) => {
      const [, u] = user(ctx);
      const body = await routingBody<{
        forwardRoutes?: ForwardRoute[];
        overflowRoutes?: OverflowRoute[] | OverflowRoute;
        dndState?: { activate: boolean };
      }>(ctx, RoutingStateBody);
      if (body.forwardRoutes) {
        const f = body.forwardRoutes[0];
        if (f) setForward(u, f);
        else routing.cancelForward(u);
      }
      if (body.overflowRoutes) {
        const o = Array.isArray(body.overflowRoutes) ? body.overflowRoutes[0] : body.overflowRoutes;
        routing.setOverflow(u, o?.overflowType ?? null);
      }
      if (body.dndState) routing.setDnd(u, body.dndState.activate);
      return noContent(200);
    }),
    route("get", `${R}/state`, (ctx) => routing.json(user(ctx)[1])),
    route("post", `${R}/state/snapshot`, (ctx) => {
      routing.changed(user(ctx)[1]);
      return noContent(200);
    }),
    route(
      "get",
      `${R}/forwardroute`,
      (ctx) => routing.json(user(ctx)[1]).forwardRoutes[0] ?? { destinations: [] },
    ),
    route("post", `${R}/forwardroute`, async (ctx) => {
      const [, u] = user(ctx);
      const body = await routingBody<{ forwardRoute: ForwardRoute }>(
        ctx,
        Type.Object({ forwardRoute: ForwardRoute }),
      );
      setForward(u, body.forwardRoute);
      return noContent(200);
    }),
    route("delete", `${R}/forwardroute`, (ctx) => {
      routing.cancelForward(user(ctx)[1]);
      return noContent(200);
    }),
    route(
      "get",
      `${R}/overflowroute`,
      (ctx) => routing.json(user(ctx)[1]).overflowRoutes[0] ?? { destinations: [] },
    ),
    route("post", `${R}/overflowroute`, async (ctx) => {
      const [, u] = user(ctx);
      const body = await routingBody<{ overflowRoutes: OverflowRoute | OverflowRoute[] }>(
        ctx,
        Type.Object({
          overflowRoutes: Type.Union([
            OverflowRoute,
            Type.Array(OverflowRoute, { minItems: 1, maxItems: 1 }),
          ]),
        }),
      );
      const o = Array.isArray(body.overflowRoutes) ? body.overflowRoutes[0]! : body.overflowRoutes;
      routing.setOverflow(u, o.overflowType);
      return noContent(200);
    }),
    route("delete", `${R}/overflowroute`, (ctx) => {
      routing.setOverflow(user(ctx)[1], null);
      return noContent(200);
    }),
    route("get", `${R}/dnd`, (ctx) => routing.json(user(ctx)[1]).dndState),
    route("post", `${R}/dnd`, (ctx) => {
      routing.setDnd(user(ctx)[1], true);
      return noContent(200);
    }),
    route("delete", `${R}/dnd`, (ctx) => {
      routing.setDnd(user(ctx)[1], false);
      return noContent(200);
    }),
  ];

  // ---- communication log -------------------------------------------------------------------

  const comlog = model.comlog;
  const CL = "*/api/rest/1.0/comlog";
  type FilterQuery = {
    loginName?: string;
    afterDate?: string;
    beforeDate?: string;
    comRef?: string;
    remotePartyId?: string;
    role?: "CALLER" | "CALLEE";
    unacknowledged?: boolean;
    unanswered?: boolean;
  };
  const filterOf = (q: FilterQuery): ComlogFilter => {
    const f: ComlogFilter = {};
    if (q.afterDate) f.afterDate = new Date(q.afterDate);
    if (q.beforeDate) f.beforeDate = new Date(q.beforeDate);
    if (f.afterDate && f.beforeDate && f.afterDate >= f.beforeDate)
      throw badRequest("afterDate must be before beforeDate");
    if (q.comRef) f.comRef = q.comRef;
    if (q.remotePartyId) f.remotePartyId = q.remotePartyId;
    if (q.role) f.role = q.role;
    if (q.unacknowledged) f.unacknowledged = true;
    if (q.unanswered) f.unanswered = true;
    return f;
  };
  /** The user and the query string, checked with `schema`. */
  const comlogUser = <Q extends { loginName?: string }>(ctx: Ctx, schema: TSchema): [MockUser, Q] => {
    const s = session(ctx);
    const q = check<Q>(schema, queryOf(ctx.url), "querystring");
    return [model.target(s, q.loginName), q];
  };
  const recordId = (ctx: Ctx) =>
    Number(
      check<{ recordId: string }>(CS.RecordParams, { recordId: param(ctx, "recordId") }, "params").recordId,
    );
  const deleted = (u: MockUser, ids: number[]) => {
    if (ids.length > 0)
      model.publish("unifiedComLog", u.loginName, {
        eventName: "OnComRecordsDeleted",
        loginName: u.loginName,
        recordIds: ids,
      });
  };

  const comlogRoutes = [
    route("get", CL, (ctx) => {
      const [u, q] = comlogUser<FilterQuery & { offset?: number; limit?: number; optimized?: boolean }>(
        ctx,
        CS.QueryComlogQuery,
      );
      const paging = { offset: q.offset ?? 0, limit: Math.min(q.limit ?? CS.MAX_LIMIT, CS.MAX_LIMIT) };
      return comlog.query(u.loginName, filterOf(q), paging, q.optimized ?? false);
    }),
    route("get", `${CL}/:recordId`, (ctx) => {
      const [u] = comlogUser(ctx, LoginNameQuery);
      const id = recordId(ctx);
      const r = comlog.get(u.loginName, id);
      if (!r) throw notFound(`${u.loginName} has no record ${id}`);
      return r;
    }),
    route("delete", `${CL}/:recordId`, (ctx) => {
      const [u] = comlogUser(ctx, LoginNameQuery);
      const id = recordId(ctx);
      const ids = comlog.deleteByIds(u.loginName, [id]);
      if (ids.length === 0) throw notFound(`${u.loginName} has no record ${id}`);
      deleted(u, ids);
      return noContent(200);
    }),
    route("delete", CL, (ctx) => {
      const [u, q] = comlogUser<FilterQuery & { recordIdList?: string }>(ctx, CS.DeleteComlogQuery);
      if (q.recordIdList !== undefined) {
        const ids = q.recordIdList.split(",").filter((x) => x !== "");
        deleted(u, comlog.deleteByIds(u.loginName, ids.map(Number)));
      } else deleted(u, comlog.deleteByFilter(u.loginName, filterOf(q)));
      return noContent(200);
    }),
    route("put", CL, async (ctx) => {
      const [u, q] = comlogUser<{ loginName?: string; acknowledge: boolean }>(ctx, CS.AcknowledgeQuery);
      const body = check<{ recordIds: (number | string)[] }>(CS.AcknowledgeBody, await ctx.body(), "body");
      const changed = comlog.setAcknowledged(u.loginName, body.recordIds.map(Number), q.acknowledge);
      if (changed.length > 0)
        model.publish("unifiedComLog", u.loginName, {
          eventName: q.acknowledge ? "OnComRecordsAck" : "OnComRecordsUnAck",
          loginName: u.loginName,
          recordIds: changed,
        });
      return noContent(200);
    }),
  ];

  // ---- CallCenterAgent (callcenter.ts) ----------------------------------------------------

  const cc = model.callCenter;
  const AG = "*/api/rest/1.0/acdagent";
  const did = (fn: (ctx: Ctx) => void | Promise<void>) => async (ctx: Ctx) => {
    await fn(ctx);
    return noContent();
  };
  const callCenterRoutes = [
    route("get", `${AG}/config`, (ctx) => cc.config(user(ctx)[1])),
    route("get", `${AG}/state`, (ctx) => cc.state(user(ctx)[1])),
    route(
      "post",
      `${AG}/state/snapshot`,
      did((ctx) => cc.snapshot(user(ctx)[1])),
    ),
    route(
      "post",
      `${AG}/logon`,
      did(async (ctx) => {
        const [, u] = user(ctx);
        const b = check<CC.LogonBody>(CC.LogonBody, await ctx.body(), "body");
        cc.logon(u, b.proAcdDeviceNumber, b.pgGroupNumber);
      }),
    ),
    route(
      "post",
      `${AG}/logoff`,
      did((ctx) => cc.logoff(user(ctx)[1])),
    ),
    route(
      "post",
      `${AG}/enter`,
      did(async (ctx) => {
        const [, u] = user(ctx);
        cc.enter(u, check<CC.GroupBody>(CC.GroupBody, await ctx.body(), "body").pgGroupNumber);
      }),
    ),
    route(
      "post",
      `${AG}/exit`,
      did(async (ctx) => {
        const [, u] = user(ctx);
        cc.exit(u, check<CC.GroupBody>(CC.GroupBody, await ctx.body(), "body").pgGroupNumber);
      }),
    ),
    route(
      "post",
      `${AG}/ready`,
      did((ctx) => cc.set(user(ctx)[1], "READY")),
    ),
    route(
      "post",
      `${AG}/pause`,
      did((ctx) => cc.set(user(ctx)[1], "PAUSE")),
    ),
    route(
      "post",
      `${AG}/wrapUp`,
      did((ctx) => cc.set(user(ctx)[1], "WRAPUP")),
    ),
    route(
      "post",
      `${AG}/withdraw`,
      did(async (ctx) => {
        const [, u] = user(ctx);
        cc.withdraw(u, check<CC.WithdrawBody>(CC.WithdrawBody, await ctx.body(), "body").reasonIndex);
      }),
    ),
    route("get", `${AG}/withdrawReasons`, (ctx) => {
      const s = session(ctx);
      const q = check<CC.WithdrawReasonsQuery>(CC.WithdrawReasonsQuery, queryOf(ctx.url), "querystring");
      return cc.withdrawReasons(model.target(s, q.loginName), q.pgNumber);
    }),
    ...(["get", "post", "put", "delete"] as const).map((m) =>
      route(m, `${AG}/*`, (ctx) => {
        session(ctx);
        throw new MockError(501, `acdagent ${ctx.url.pathname} is not implemented by the msw stand-in`, {
          type: "NOT_IMPLEMENTED",
        });
      }),
    ),
  ];

  // ---- the rest ----------------------------------------------------------------------------

  const rest = [
    route("post", `${calls}/*`, (ctx) => {
      session(ctx);
      throw new MockError(501, `telephony ${ctx.url.pathname} is not implemented by the msw stand-in`, {
        type: "NOT_IMPLEMENTED",
      });
    }),
    ...(["get", "post", "put", "delete"] as const).map((m) =>
      route(m, "*/api/rest/1.0/*", (ctx) => {
        throw notFound(`no operation ${ctx.request.method} ${ctx.url.pathname} in the msw stand-in`);
      }),
    ),
  ];

  return [
    ...bootstrap,
    ...subscriptions,
    ...telephony,
    ...users,
    ...routingRoutes,
    ...comlogRoutes,
    ...callCenterRoutes,
    ...rest,
  ];
}
