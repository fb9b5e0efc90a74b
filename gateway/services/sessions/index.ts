/**
 * Sessions: opened on an authenticated credential, kept alive by any request (or keepalive),
 * closed by DELETE or after `timeToLive` seconds of silence. The SessionInfo lists the services
 * this caller may use, and the SDK builds every service URL from it.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { GatewayCore } from "../../core.js";
import { licensedManagementUsers } from "../../domain/licensing/index.js";
import { apiRoot, credential, session } from "../../http/context.js";
import { badRequest, forbidden, notFound } from "../../http/errors.js";
import type { Session } from "../../http/sessions.js";

interface ServiceEntry {
  serviceName: string;
  serviceVersion: string;
  relativeUrl: string;
}

/** The services a session may use: only those built and allowed for the caller. */
export function servicesFor(s: Session, core?: GatewayCore): ServiceEntry[] {
  const list: ServiceEntry[] = [
    { serviceName: "Subscriptions", serviceVersion: "1.0", relativeUrl: "/subscriptions" },
    { serviceName: "Telephony", serviceVersion: "1.0", relativeUrl: "/telephony" },
    { serviceName: "Users", serviceVersion: "1.0", relativeUrl: "/users" },
    { serviceName: "VoiceMail", serviceVersion: "1.0", relativeUrl: "/voicemail" },
    { serviceName: "Routing", serviceVersion: "1.0", relativeUrl: "/routing" },
    { serviceName: "EventSummary", serviceVersion: "1.0", relativeUrl: "/eventsummary" },
    { serviceName: "ComLog", serviceVersion: "1.0", relativeUrl: "/comlog" },
    { serviceName: "Directory", serviceVersion: "1.0", relativeUrl: "/directory" },
  ];
  if (s.principal.admin)
    list.push({ serviceName: "Maintenance", serviceVersion: "1.0", relativeUrl: "/maintenance" });
  // The Management license: phone set programming for everyone, PBX and users management for
  // administrators (read-only above 110% of the license, which the services themselves enforce).
  if (core && licensedManagementUsers(core.config) > 0) {
    list.push({
      serviceName: "PhoneSetProgramming",
      serviceVersion: "1.0",
      relativeUrl: "/phonesetprogramming",
    });
    if (s.principal.admin) {
      list.push({ serviceName: "PbxManagement", serviceVersion: "1.0", relativeUrl: "/pbxmanagement" });
      list.push({ serviceName: "UserManagement", serviceVersion: "1.0", relativeUrl: "/usermanagement" });
    }
  }
  if (s.principal.admin)
    list.push({ serviceName: "Analytics", serviceVersion: "1.0", relativeUrl: "/analytics" });
  return list;
}

function sessionInfo(core: GatewayCore, req: FastifyRequest, s: Session) {
  const base = apiRoot(core, req);
  return {
    admin: s.principal.admin,
    login: s.supervised ?? s.principal.login,
    timeToLive: core.sessions.ttlSeconds,
    publicBaseUrl: base,
    privateBaseUrl: base,
    services: servicesFor(s, core),
    creationDate: s.created.toISOString(),
    expirationDate: core.sessions.expiresAt(s).toISOString(),
    otherSessions: core.sessions.others(s).map((o) => ({
      sessionId: o.token.slice(0, 8),
      creationDate: o.created.toISOString(),
      timeToLive: core.sessions.ttlSeconds,
    })),
  };
}

const openSchema = {
  body: {
    type: ["object", "null"],
    properties: {
      applicationName: { type: "string", maxLength: 128 },
      supervisedAccount: {
        type: "object",
        required: ["id"],
        properties: { id: { type: "string", minLength: 1 }, type: { enum: ["LOGIN_NAME", "PHONE_NUMBER"] } },
      },
    },
  },
};

export async function sessionsService(app: FastifyInstance): Promise<void> {
  const core = app.core;

  app.post("/", { schema: openSchema }, async (req) => {
    const s = credential(core, req);
    const body = (req.body ?? {}) as {
      applicationName?: string;
      supervisedAccount?: { id: string; type?: string };
    };
    if (body.supervisedAccount) {
      if (!s.principal.admin) throw forbidden("only an administrator may supervise another account");
      const { id, type = "LOGIN_NAME" } = body.supervisedAccount;
      const user = type === "PHONE_NUMBER" ? core.directory.byPhone(id) : core.directory.users.get(id);
      if (!user) throw notFound(`no user ${id}`);
      s.supervised = user.loginName;
    }
    s.applicationName = body.applicationName ?? null;
    s.open = true;
    req.log.info(
      `session opened for ${s.principal.login}${s.supervised ? ` supervising ${s.supervised}` : ""}`,
    );
    return sessionInfo(core, req, s);
  });

  app.get("/", async (req) => sessionInfo(core, req, session(core, req)));

  app.post("/keepalive", async (req, reply) => {
    session(core, req);
    return reply.code(204).send();
  });

  app.delete("/", async (req, reply) => {
    const s = credential(core, req);
    core.sessions.close(s);
    return reply.code(204).send();
  });

  app.all("/*", async (req) => {
    throw badRequest(`no operation ${req.method} ${req.url.split("?")[0]}`);
  });
}
