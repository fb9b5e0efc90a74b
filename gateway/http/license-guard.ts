/**
 * Per-user licenses at the HTTP edge: which license each REST call needs (O2G's mapping:
 * Foundation for basic telephony, Advanced Telephony for the rest of telephony, voice mail,
 * routing, event summary, communication log and directory; Analytics for analytics), taken
 * for the user the call acts for at the first call that needs it (gateway/domain/licensing/
 * licenses.ts says how they are held and given back).
 *
 * It runs as a preHandler, after validation: a malformed request is answered 400 and takes no
 * license. A request without an open session, acting for somebody the caller may not act for,
 * or for a user that does not exist is left to its handler, which refuses it (401, 403, 404)
 * without taking a license for it. The management services have their own guard
 * (management-guard.ts): their license is sized on the nodes, not taken per user.
 */
import type { FastifyRequest, onRouteHookHandler, preHandlerHookHandler } from "fastify";
import type { GatewayCore } from "../core.js";
import type { LicenseName } from "../domain/licensing/index.js";
import { credential } from "../services/common/request.js";
import type { ContractSchemaExtras } from "../services/common/schemas.js";

const API = "/api/rest/1.0";

/** Who a license is taken for: the user the call acts for, or the administrator calling. */
type Subject = "user" | "administrator";

interface LicenseRule {
  license: LicenseName;
  subject: Subject;
}

/**
 * Basic telephony (Foundation): make a call, answer, drop, and read one's calls, devices and
 * state. Everything else the Telephony service does is advanced telephony.
 */
const BASIC_TELEPHONY = new Set([
  "POST /basicCall",
  "POST /basicCall/answer",
  "POST /basicCall/dropme",
  "POST /calls",
  "POST /calls/:callRef/answer",
  "DELETE /calls/:callRef",
  "POST /calls/:callRef/dropme",
  "POST /state/snapshot",
]);

const ADVANCED_SERVICES = ["/routing", "/voicemail", "/eventsummary", "/comlog", "/directory"];

/** The license a route needs, by method and route pattern; null: none (sessions, users, maintenance...). */
export function licenseRuleFor(method: string, routeUrl: string | undefined): LicenseRule | null {
  if (!routeUrl?.startsWith(API)) return null;
  const path = routeUrl.slice(API.length);
  if (path === "/telephony" || path.startsWith("/telephony/")) {
    const op = path.slice("/telephony".length) || "/";
    const basic = method === "GET" || method === "HEAD" || BASIC_TELEPHONY.has(`${method} ${op}`);
    return { license: basic ? "foundation" : "advancedTelephony", subject: "user" };
  }
  for (const prefix of ADVANCED_SERVICES)
    if (path === prefix || path.startsWith(`${prefix}/`))
      return { license: "advancedTelephony", subject: "user" };
  if (path === "/acdagent" || path.startsWith("/acdagent/"))
    return { license: "contactCenterAgent", subject: "user" };
  if (path === "/analytics" || path.startsWith("/analytics/"))
    return { license: "analytics", subject: "administrator" };
  return null;
}

function namedLogin(req: FastifyRequest): string | undefined {
  const q = (req.query as Record<string, unknown> | undefined)?.loginName;
  if (typeof q === "string" && q !== "") return q;
  const p = (req.params as Record<string, unknown> | undefined)?.loginName;
  return typeof p === "string" && p !== "" ? p : undefined;
}

/** An administrator's device-addressed request (no loginName) acts for the device's owner. */
function namedDevice(core: GatewayCore, req: FastifyRequest): string | undefined {
  const fromParams = (req.params as Record<string, unknown> | undefined)?.deviceId;
  const body = req.body;
  const fromBody = body && typeof body === "object" ? (body as Record<string, unknown>).deviceId : undefined;
  const id = typeof fromParams === "string" ? fromParams : fromBody;
  return typeof id === "string" ? core.directory.devices.get(id)?.owner.loginName : undefined;
}

/**
 * Whom a request's license is taken for, and which login holds it; null when the handler will
 * refuse the request anyway.
 */
function claimOf(
  core: GatewayCore,
  req: FastifyRequest,
  rule: LicenseRule,
): { subject: string; holder: string } | null {
  let s: ReturnType<typeof credential>;
  try {
    s = credential(core, req);
  } catch {
    return null;
  }
  if (!s.open) return null;
  const holder = s.principal.login;
  if (rule.subject === "administrator") return s.principal.admin ? { subject: holder, holder } : null;
  // A user session acts for itself whoever its loginName names (the handler ignores the name).
  if (!s.principal.admin) return { subject: holder, holder };
  const login = namedLogin(req) ?? s.supervised ?? namedDevice(core, req);
  return login && core.directory.users.has(login) ? { subject: login, holder } : null;
}

/** The preHandler that takes `rule`'s license for a request, if it names somebody to take it for. */
function takeLicense(core: GatewayCore, rule: LicenseRule): preHandlerHookHandler {
  // A callback hook, not an async one: it needs no promise of its own.
  return (req, _reply, done) => {
    const claim = claimOf(core, req, rule);
    if (claim === null) return done();
    try {
      core.licenses.checkIn(rule.license, claim.subject, claim.holder);
      done();
    } catch (err) {
      done(err as Error);
    }
  };
}

/**
 * An onRoute hook: each route that needs a license gets, as it is registered, a preHandler that
 * takes it (its rule worked out once, from the route's method and pattern); a route that needs
 * none gets no hook at all, and its requests pay nothing for licensing.
 */
export function licenseRoutes(core: GatewayCore): onRouteHookHandler {
  // One preHandler per rule (a handful), not one per route: ~200 routes take a license.
  const byRule = new Map<string, preHandlerHookHandler>();
  const hookFor = (rule: LicenseRule): preHandlerHookHandler => {
    const key = `${rule.license} ${rule.subject}`;
    let hook = byRule.get(key);
    if (!hook) {
      hook = takeLicense(core, rule);
      byRule.set(key, hook);
    }
    return hook;
  };
  return (route) => {
    const schema = route.schema as ContractSchemaExtras | undefined;
    if (schema?.["x-o2g-not-built"]) return;
    let hook: preHandlerHookHandler;
    if (Array.isArray(route.method)) {
      // Several methods on one route: the rule depends on the request's.
      const url = route.url;
      hook = (req, reply, done) => {
        const rule = licenseRuleFor(req.method, url);
        if (rule) hookFor(rule).call(req.server, req, reply, done);
        else done();
      };
    } else {
      const rule = licenseRuleFor(route.method, route.url);
      if (!rule) return;
      hook = hookFor(rule);
    }
    // A new array: a HEAD route shares the GET route's options, arrays included.
    const own = route.preHandler;
    route.preHandler = own === undefined ? [hook] : [...(Array.isArray(own) ? own : [own]), hook];
  };
}
