/**
 * How a client finds and enters the gateway: the discovery document (GET /api/rest), then
 * HTTP Basic authentication, which sets the AlcUserId cookie every later request carries.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { AUTH_COOKIE, apiRoot, baseUrl } from "../../http/context.js";
import { badRequest, unauthorized } from "../../http/errors.js";

export const PRODUCT_VERSION = { major: "2", minor: "5" };

function basicCredentials(req: FastifyRequest): { login: string; password: string } {
  const h = req.headers.authorization;
  if (!h) throw unauthorized("HTTP Basic authentication required");
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(h);
  if (!m) throw unauthorized("only HTTP Basic authentication is supported");
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 1) throw badRequest("malformed Basic credentials");
  return { login: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export async function bootstrapService(app: FastifyInstance): Promise<void> {
  const core = app.core;

  app.get("/api/rest", async (req) => {
    const auth = `${baseUrl(core, req)}/api/rest/authenticate?version=1.0`;
    return {
      serverInfo: {
        productName: "O2G",
        productType: "o2g-testbench",
        productVersion: PRODUCT_VERSION,
        haMode: false,
      },
      versions: [{ id: "1.0", status: "CURRENT", publicUrl: auth, internalUrl: auth }],
    };
  });

  const authenticate = async (req: FastifyRequest, reply: import("fastify").FastifyReply) => {
    const { version } = (req.query ?? {}) as { version?: string };
    if (version !== undefined && version !== "1.0")
      throw badRequest(`API version ${version} is not supported`);
    const { login, password } = basicCredentials(req);
    const principal = await core.authenticate(login, password);
    if (!principal) {
      req.log.info(`authentication refused for "${login}"`);
      throw unauthorized("wrong login or password");
    }
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
  app.get("/api/rest/authenticate", authenticate);
  app.get("/api/rest/1.0", authenticate);
}
