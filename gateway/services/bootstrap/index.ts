/**
 * How a client finds and enters the gateway: the discovery document (GET /api/rest), then
 * HTTP Basic authentication, which sets the AlcUserId cookie every later request carries.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { badRequest, forbidden, unauthorized } from "../common/errors.js";
import { AUTH_COOKIE, apiRoot, baseUrl } from "../common/request.js";
import { LoginThrottle, notBefore } from "./login-throttle.js";
import { AuthenticateQuery, AuthenticationSchema, DiscoverySchema } from "./schemas.js";

export const PRODUCT_VERSION = { major: "2", minor: "5" };

function basicCredentials(req: FastifyRequest): { login: string; password: string } {
  const h = req.headers.authorization;
  if (!h) throw unauthorized("HTTP Basic authentication required");
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(h);
  if (!m) throw unauthorized("only HTTP Basic authentication is supported");
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  // RFC 7617: credentials that do not authenticate anyone are a 401 with the challenge again,
  // not a 400 (a client then asks its user again rather than giving up).
  if (colon < 1) throw unauthorized("malformed Basic credentials: login:password, login not empty");
  return { login: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export async function bootstrapService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;
  const throttle = new LoginThrottle(core.config.loginThrottle);
  const { failureDelayMs } = core.config.loginThrottle;
  const sessionsPerUser = core.config.limits.sessionsPerUser;

  app.get(
    "/api/rest",
    {
      schema: { summary: "Discovery: the product and its API versions", response: { 200: DiscoverySchema } },
    },
    async (req) => {
      const auth = `${baseUrl(core, req)}/api/rest/authenticate?version=1.0`;
      return {
        serverInfo: {
          productName: "O2G",
          productType: "o2g-testbench",
          productVersion: PRODUCT_VERSION,
          // Both members of an active/passive pair say so, the passive one included.
          haMode: core.config.ha.enabled,
        },
        versions: [{ id: "1.0", status: "CURRENT", publicUrl: auth, internalUrl: auth }],
      };
    },
  );

  const authenticate = async (
    req: FastifyRequest<{ Querystring: { version?: string } }>,
    reply: FastifyReply,
  ) => {
    const { version } = req.query;
    if (version !== undefined && version !== "1.0")
      throw badRequest(`API version ${version} is not supported`);
    const { login, password } = basicCredentials(req);
    const attempt = await throttle.attempt(login, req.ip);
    const startedAt = performance.now();
    let principal: Awaited<ReturnType<typeof core.authenticate>>;
    try {
      principal = await core.authenticate(login, password);
    } catch (err) {
      await attempt.succeeded(); // the node could not answer: no guess was made
      throw err;
    }
    if (!principal) {
      req.log.info(`authentication refused for "${login}"`);
      await notBefore(startedAt, failureDelayMs);
      throw unauthorized("wrong login or password");
    }
    await attempt.succeeded();
    const held = core.sessions.ofLogin(login).length;
    if (held >= sessionsPerUser)
      throw forbidden(`${login} already has ${held} sessions, the most one user may: log out of one first`);
    const s = core.sessions.authenticate(principal);
    // In memory only, for the session's life: the 4645 logs the user in with this password.
    if (!principal.admin) core.voicemail.remember(s.token, principal.login, password);
    reply.setCookie(AUTH_COOKIE, s.token, {
      path: "/",
      httpOnly: true,
      secure: req.protocol === "https",
      sameSite: "lax",
    });
    const sessions = `${apiRoot(core, req)}/sessions`;
    return { credential: s.token, internalUrl: sessions, publicUrl: sessions };
  };
  const authenticateSchema = {
    schema: {
      summary: "HTTP Basic authentication: sets the AlcUserId cookie and names the sessions resource",
      querystring: AuthenticateQuery,
      response: { 200: AuthenticationSchema },
      security: [{ basic: [] }],
    },
  };
  app.get("/api/rest/authenticate", authenticateSchema, authenticate);
  app.get("/api/rest/1.0", authenticateSchema, authenticate);
}
