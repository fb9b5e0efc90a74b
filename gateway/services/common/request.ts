/**
 * Per-request helpers every service uses: the caller's session (from the AlcUserId cookie), the
 * user a request acts upon (`loginName`), and absolute URLs as the client reached us.
 */
import type { FastifyRequest } from "fastify";
import type { GatewayCore } from "../../core.js";
import type { GwDevice, GwUser } from "../../domain/directory.js";
import type { Session } from "../../domain/sessions.js";
import { badRequest, forbidden, notFound, unauthorized } from "./errors.js";

export const AUTH_COOKIE = "AlcUserId";

declare module "fastify" {
  interface FastifyInstance {
    core: GatewayCore;
  }
}

export function baseUrl(core: GatewayCore, req: FastifyRequest): string {
  const host = core.config.publicHost ?? req.host;
  return `${req.protocol}://${host}`;
}

export function apiRoot(core: GatewayCore, req: FastifyRequest): string {
  return `${baseUrl(core, req)}/api/rest/1.0`;
}

/** The credential named by the request's cookie, whether or not a session is open on it yet. */
export function credential(core: GatewayCore, req: FastifyRequest): Session {
  const token = req.cookies[AUTH_COOKIE];
  const s = core.sessions.get(token);
  if (!s) throw unauthorized(token ? "the session has expired or was closed" : "authentication required");
  return s;
}

/** The caller's open session. */
export function session(core: GatewayCore, req: FastifyRequest): Session {
  const s = credential(core, req);
  if (!s.open) throw unauthorized("no session is open: POST the sessions resource first");
  return s;
}

export function requireAdmin(s: Session): void {
  if (!s.principal.admin) throw forbidden("this service is reserved to O2G administrators");
}

function queryString(req: FastifyRequest, name: string): string | undefined {
  const q = req.query as Record<string, unknown> | undefined;
  const v = q?.[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw badRequest(`query parameter ${name} must appear once`);
  return v;
}

export { queryString };

/** A whole-number query parameter of at least `min`, absent: undefined. */
export function queryInt(req: FastifyRequest, name: string, min: number): number | undefined {
  const v = queryString(req, name);
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v) || Number(v) < min)
    throw badRequest(`${name} must be a whole number${min > 0 ? ` from ${min}` : ""}, not "${v}"`);
  return Number(v);
}

/** `name=true` / `name=false`; absent: undefined (the caller decides what that means). */
export function queryBoolean(req: FastifyRequest, name: string): boolean | undefined {
  const v = queryString(req, name);
  if (v === undefined) return undefined;
  if (v === "true") return true;
  if (v === "false") return false;
  throw badRequest(`${name} must be true or false, not "${v}"`);
}

/** `all`, `all=true`, `all=false`: a flag the SDKs send as `=true`, curl users often bare. */
export function queryFlag(req: FastifyRequest, name: string): boolean {
  const v = queryString(req, name);
  if (v === undefined || v === "false") return false;
  if (v === "" || v === "true") return true;
  throw badRequest(`${name} must be true or false, not "${v}"`);
}

/** Who has already been told (logged) that their `loginName` was ignored: once per session and name. */
const ignoredNames = new WeakMap<Session, Set<string>>();

/**
 * The user a request acts for. An administrator names the user with `loginName`, or acts for the
 * account it supervises. A user session acts for itself: a `loginName` query parameter naming
 * somebody else is ignored, as the SDKs document it (logged once per session and name), while a
 * login named in the path names the resource itself, and another's is forbidden.
 */
export function targetUser(core: GatewayCore, req: FastifyRequest, s: Session, explicit?: string): GwUser {
  const named = explicit ?? queryString(req, "loginName");
  let login: string;
  if (s.principal.admin) {
    const l = named || s.supervised;
    if (!l) throw badRequest("an administrator session must name the user (loginName)");
    login = l;
  } else {
    login = s.principal.login;
    if (named && named !== login) {
      const inPath = (req.params as Record<string, unknown> | undefined)?.loginName === named;
      if (inPath) throw forbidden(`a user session may act only for ${login}`);
      let told = ignoredNames.get(s);
      if (!told) {
        told = new Set();
        ignoredNames.set(s, told);
      }
      if (!told.has(named)) {
        told.add(named);
        req.log.warn(`${login} named loginName=${named}: ignored, a user session acts for itself`);
      }
    }
  }
  const user = core.directory.users.get(login);
  if (!user) throw notFound(`no user ${login}`);
  return user;
}

/**
 * The user a device-addressed request acts for (the SDKs send no `loginName` with basic make
 * call, answer, alternate, DTMF, unpark...): an administrator session without a name acts for
 * the device's owner, any device of the system; everybody else as {@link targetUser} says.
 */
export function deviceUser(
  core: GatewayCore,
  req: FastifyRequest,
  s: Session,
  explicit: string | undefined,
  deviceId: string | undefined,
): GwUser {
  const named = explicit ?? queryString(req, "loginName");
  if (s.principal.admin && !named && deviceId) {
    const d = core.directory.devices.get(deviceId);
    if (!d) throw notFound(`no device ${deviceId}`);
    return d.owner;
  }
  return targetUser(core, req, s, explicit);
}

export function userDevice(user: GwUser, deviceId: string | undefined): GwDevice {
  if (deviceId === undefined || deviceId === "") {
    const d = user.devices[0];
    if (!d) throw badRequest(`${user.loginName} has no device`);
    return d;
  }
  const d = user.devices.find((x) => x.id === deviceId);
  if (!d) throw forbidden(`device ${deviceId} does not belong to ${user.loginName}`);
  return d;
}
