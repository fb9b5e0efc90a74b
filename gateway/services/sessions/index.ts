/**
 * Sessions: opened on an authenticated credential, kept alive by any request (or keepalive),
 * closed by DELETE or after `timeToLive` seconds of silence. The SessionInfo lists the services
 * this caller may use, and the SDK builds every service URL from it.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { GatewayCore } from "../../core.js";
import type { LicenseName } from "../../domain/licensing/index.js";
import type { Session } from "../../domain/sessions.js";
import { forbidden, notFound } from "../common/errors.js";
import { apiRoot, credential, session } from "../common/request.js";
import { NoContent } from "../common/schemas.js";
import { OpenSessionBody, type ServiceEntry, SessionInfoSchema } from "./schemas.js";

/** The services a session may use: only those built, allowed for the caller and licensed. */
export function servicesFor(s: Session, core?: GatewayCore): ServiceEntry[] {
  // Without a core (unit tests of the list) every license is taken as granted.
  const has = (name: LicenseName) => !core || core.licenses.allows(name);
  const list: ServiceEntry[] = [
    { serviceName: "Subscriptions", serviceVersion: "1.0", relativeUrl: "/subscriptions" },
    { serviceName: "Users", serviceVersion: "1.0", relativeUrl: "/users" },
  ];
  // Basic telephony needs Foundation, the rest of Telephony Advanced Telephony: either opens it.
  if (has("foundation") || has("advancedTelephony"))
    list.splice(1, 0, { serviceName: "Telephony", serviceVersion: "1.0", relativeUrl: "/telephony" });
  if (has("advancedTelephony"))
    list.push(
      { serviceName: "VoiceMail", serviceVersion: "1.0", relativeUrl: "/voicemail" },
      { serviceName: "Routing", serviceVersion: "1.0", relativeUrl: "/routing" },
      { serviceName: "EventSummary", serviceVersion: "1.0", relativeUrl: "/eventsummary" },
      { serviceName: "ComLog", serviceVersion: "1.0", relativeUrl: "/comlog" },
      { serviceName: "Directory", serviceVersion: "1.0", relativeUrl: "/directory" },
    );
  if (s.principal.admin)
    list.push({ serviceName: "Maintenance", serviceVersion: "1.0", relativeUrl: "/maintenance" });
  // The Management license: phone set programming for everyone, PBX and users management for
  // administrators (read-only above 110% of the license, which the services themselves enforce).
  if (has("management")) {
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
  // The Contact Center Agent license opens the CCD operators' service (taken per agent).
  if (has("contactCenterAgent"))
    list.push(
      { serviceName: "AcdAgent", serviceVersion: "1.0", relativeUrl: "/acdagent" },
      { serviceName: "AcdPilotMonitoring", serviceVersion: "1.0", relativeUrl: "/acdpilotmonitoring" },
    );
  // O2G's CONTACTCENTER_SRV has no license of its own here: the contact center's license opens
  // the pilots' management to administrators.
  if (s.principal.admin && has("contactCenterAgent"))
    list.push({ serviceName: "AcdManagement", serviceVersion: "1.0", relativeUrl: "/acdmanagement" });
  // The CCD's real-time indicators, for administrators only (the SDK's CallCenterRealtime), under
  // the same contact center license.
  if (s.principal.admin && has("contactCenterAgent"))
    list.push({ serviceName: "AcdRealtime", serviceVersion: "1.0", relativeUrl: "/acdrealtime" });
  // The CCD's statistics reports (the SDK's CallCenterStatistics, named "acd statistics" in its
  // service list), for administrators, under the same license.
  if (s.principal.admin && has("contactCenterAgent"))
    list.push({ serviceName: "ACD Statistics", serviceVersion: "1.0", relativeUrl: "/acdstatistics" });
  // RSI points serve applications: administrators (no CONTACTCENTER_RSI license is modelled).
  if (s.principal.admin) list.push({ serviceName: "AcdRsi", serviceVersion: "1.0", relativeUrl: "/acdrsi" });
  if (s.principal.admin && has("analytics"))
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
    // No part of another session's token: even a prefix narrows the search for the credential.
    otherSessions: core.sessions.others(s).map((o) => ({
      sessionId: o.id,
      creationDate: o.created.toISOString(),
      timeToLive: core.sessions.ttlSeconds,
    })),
  };
}

export async function sessionsService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;

  app.post(
    "/",
    {
      schema: {
        summary: "Opens a session on the authenticated credential (an administrator may supervise a user)",
        body: OpenSessionBody,
        response: { 200: SessionInfoSchema },
      },
    },
    async (req) => {
      const s = credential(core, req);
      const body = req.body ?? {};
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
    },
  );

  app.get(
    "/",
    { schema: { summary: "The session's information", response: { 200: SessionInfoSchema } } },
    async (req) => sessionInfo(core, req, session(core, req)),
  );

  app.post(
    "/keepalive",
    { schema: { summary: "Keeps the session alive", response: { 204: NoContent } } },
    async (req, reply) => {
      session(core, req);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/",
    { schema: { summary: "Closes the session (and its subscriptions)", response: { 204: NoContent } } },
    async (req, reply) => {
      const s = credential(core, req);
      core.sessions.close(s);
      return reply.code(204).send(null);
    },
  );
}
