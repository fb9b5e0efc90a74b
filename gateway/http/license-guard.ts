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
import type { FastifyRequest, preHandlerHookHandler } from "fastify";
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

export function licenseCheck(core: GatewayCore): preHandlerHookHandler {
  // A callback hook, not an async one: it runs on every request, and needs no promise of its own.
  return (req, _reply, done) => {
    const rule = licenseRuleFor(req.method, req.routeOptions.url);
    const schema = req.routeOptions.schema as ContractSchemaExtras | undefined;
    if (!rule || schema?.["x-o2g-not-built"]) return done();
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
