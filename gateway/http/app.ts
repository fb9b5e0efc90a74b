/**
 * The HTTP side: one fastify application served over HTTPS (and, if configured, plain HTTP for
 * curl in a sandbox), O2G's error format for every failure, and the service plugins.
 */
import http from "node:http";
import https from "node:https";
import cookie from "@fastify/cookie";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  LogController,
} from "fastify";
import type { GatewayCore } from "../core.js";
import { DomainError } from "../domain/errors.js";
import { analyticsService } from "../services/analytics/index.js";
import { bootstrapService, PRODUCT_VERSION } from "../services/bootstrap/index.js";
import {
  callCenterAgentService,
  callCenterManagementService,
  callCenterPilotService,
  callCenterRealtimeService,
  callCenterStatisticsService,
} from "../services/callcenter/index.js";
import { comlogService } from "../services/comlog/index.js";
import { O2gError, o2gErrorOf, statusName, unavailable } from "../services/common/errors.js";
import { directoryService } from "../services/directory/index.js";
import { eventSummaryService } from "../services/eventsummary/index.js";
import { maintenanceService } from "../services/maintenance/index.js";
import { messagingService } from "../services/messaging/index.js";
import { pbxManagementService } from "../services/pbxmanagement/index.js";
import { phoneSetProgrammingService } from "../services/phonesetprogramming/index.js";
import { routingService } from "../services/routing/index.js";
import { rsiService } from "../services/rsi/index.js";
import { sessionsService } from "../services/sessions/index.js";
import { subscriptionsService } from "../services/subscriptions/index.js";
import { telephonyService } from "../services/telephony/index.js";
import { userManagementService } from "../services/usermanagement/index.js";
import { usersService } from "../services/users/index.js";
import {
  cachedSerializerCompiler,
  checkResponsesAgainstSchemas,
  O2gErrorSchema,
  type RegisteredRoute,
  registerContract,
  validatorCompiler,
} from "./contract/index.js";
import { useO2gJsonBodies } from "./json-body.js";
import { licenseRoutes } from "./license-guard.js";
import { limitServer, serverOptions } from "./listeners.js";
import { guarded } from "./management-guard.js";
import { named } from "./named-plugin.js";
import { deferredChildLogger } from "./request-logger.js";
import { type TlsMaterial, tlsServerOptions } from "./tls.js";

/** The schemas responses refer to by name; one object, so serializers are shared across apps. */
const SHARED_SCHEMAS = { O2gError: O2gErrorSchema };

export interface HttpServers {
  app: FastifyInstance;
  /** the REST API's routes as registered (what the OpenAPI document must list) */
  routes: readonly RegisteredRoute[];
  /** the plain-HTTP server, when configured */
  plain: http.Server | undefined;
}

/**
 * Routes a host program adds beside the REST API (the sandbox's web console and emulator
 * control API): registered last, under the same error handler, TLS and listeners. They are not
 * O2G's, so they stay out of the OpenAPI document (`schema.hide`) and out of `routes`.
 */
export type ExtraRoutes = (app: FastifyInstance) => Promise<void>;

/** authentication and the versioned API; discovery and the API's documentation stay open */
const SERVED_BY_THE_ACTIVE = /^\/api\/rest\/(?:1\.0|authenticate)(?:[/?]|$)/;

export async function buildApp(
  core: GatewayCore,
  tls: TlsMaterial,
  extraRoutes: readonly ExtraRoutes[] = [],
): Promise<HttpServers> {
  let handler: http.RequestListener | undefined;
  const app = Fastify({
    loggerInstance: core.log as FastifyBaseLogger,
    // Requests are not logged one by one: at benchmark rates that would be the bottleneck.
    logController: new LogController({ disableRequestLogging: true }),
    // ...and most requests log nothing at all: their child logger is made on their first line.
    childLoggerFactory: deferredChildLogger,
    bodyLimit: 1024 * 1024,
    // What the router refuses before any route runs (a URL that does not decode, a path
    // parameter over the length limit) is answered in O2G's shape too, never fastify's.
    frameworkErrors: (err, _req, res) => {
      const status = err.statusCode === 414 ? 414 : 400;
      const message =
        status === 414 ? "a path segment is too long" : "the URL does not decode (bad percent-encoding)";
      const reply = res as unknown as FastifyReply;
      void reply
        .code(status)
        .send(new O2gError(status, message, { type: statusName(status), innerMessage: err.code }).body());
    },
    serverFactory: (h) => {
      handler = h;
      return limitServer(
        https.createServer({ ...serverOptions(core.config.http), ...tlsServerOptions(tls) }, h),
        core.config.http,
      );
    },
  });
  app.decorate("core", core);
  // A number where the catalogue wants a string is a client error in a body; a query is text.
  app.setValidatorCompiler(validatorCompiler());
  app.setSerializerCompiler(cachedSerializerCompiler(SHARED_SCHEMAS));
  await app.register(cookie);
  const routes = await registerContract(app, `${PRODUCT_VERSION.major}.${PRODUCT_VERSION.minor}`);
  if (core.config.verifyResponses) checkResponsesAgainstSchemas(app);

  useO2gJsonBodies(app);
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) =>
    done(null, String(body) || undefined),
  );

  app.setErrorHandler((err: FastifyError | O2gError | DomainError, req, reply) => {
    // The domain says what went wrong; O2G's words for it are chosen here.
    if (err instanceof DomainError) err = o2gErrorOf(err);
    if (err instanceof O2gError) {
      for (const [k, v] of Object.entries(err.extra.headers ?? {})) reply.header(k, v);
      return reply.code(err.status).send(err.body());
    }
    const status =
      typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 500
        ? err.statusCode
        : 500;
    if (status === 500) req.log.error({ err }, "unhandled error");
    const body = new O2gError(status, status === 500 ? "internal error" : err.message, {
      type: err.validation ? "BAD_REQUEST" : statusName(status),
      innerMessage: err.code ?? "",
    }).body();
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    const e = new O2gError(404, `no resource ${req.method} ${req.url.split("?")[0]}`, { type: "NOT_FOUND" });
    return reply.code(404).send(e.body());
  });

  // High availability: a member that is not the active one (passive, or fenced) answers the
  // discovery document and nothing else of the API, so that a client moves on to the other.
  // A callback hook, not an async one: it runs on every request and needs no promise of its own.
  app.addHook("onRequest", (req, _reply, done) => {
    const why = core.notServing();
    if (why !== null && SERVED_BY_THE_ACTIVE.test(req.url)) done(unavailable(why));
    else done();
  });
  // Per-user licenses (Foundation, Advanced Telephony, Analytics), taken after validation by a
  // preHandler on each route that needs one (the services below are registered after this).
  app.addHook("onRoute", licenseRoutes(core));
  // named(): fastify names an unnamed plugin by searching every loaded module (named-plugin.ts).
  await app.register(named(bootstrapService));
  await app.register(named(sessionsService), { prefix: "/api/rest/1.0/sessions" });
  await app.register(named(subscriptionsService), { prefix: "/api/rest/1.0/subscriptions" });
  await app.register(named(telephonyService), { prefix: "/api/rest/1.0/telephony" });
  await app.register(named(usersService), { prefix: "/api/rest/1.0" });
  await app.register(named(maintenanceService), { prefix: "/api/rest/1.0/maintenance" });
  // Who may use the management services is the HTTP edge's to check, around each plugin.
  await app.register(guarded(pbxManagementService, { service: "PBX management", adminOnly: true }), {
    prefix: "/api/rest/1.0/pbxmanagement",
  });
  await app.register(
    guarded(phoneSetProgrammingService, { service: "Phone set programming", adminOnly: false }),
    { prefix: "/api/rest/1.0/phonesetprogramming" },
  );
  await app.register(guarded(userManagementService, { service: "Users management", adminOnly: true }), {
    prefix: "/api/rest/1.0/usermanagement",
  });
  await app.register(named(analyticsService), {
    prefix: "/api/rest/1.0/analytics",
    node: (nodeId: number) => core.node(nodeId)?.analytics,
  });
  await app.register(named(messagingService), {
    prefix: "/api/rest/1.0/voicemail",
    voicemail: core.voicemail,
  });
  await app.register(named(routingService), { prefix: "/api/rest/1.0/routing" });
  await app.register(named(comlogService), { prefix: "/api/rest/1.0/comlog" });
  await app.register(named(eventSummaryService), { prefix: "/api/rest/1.0/eventsummary" });
  await app.register(named(directoryService), { prefix: "/api/rest/1.0/directory" });
  await app.register(named(callCenterAgentService), { prefix: "/api/rest/1.0/acdagent" });
  await app.register(named(callCenterPilotService), { prefix: "/api/rest/1.0/acdpilotmonitoring" });
  await app.register(named(rsiService), { prefix: "/api/rest/1.0/acdrsi" });
  await app.register(named(callCenterRealtimeService), { prefix: "/api/rest/1.0/acdrealtime" });
  await app.register(named(callCenterManagementService), { prefix: "/api/rest/1.0/acdmanagement" });
  await app.register(named(callCenterStatisticsService), { prefix: "/api/rest/1.0/acdstatistics" });
  for (const extra of extraRoutes) await app.register(named(extra, extra.name || "extra routes"));

  await app.ready();
  const plain =
    core.config.httpPort === null
      ? undefined
      : limitServer(http.createServer(serverOptions(core.config.http), handler), core.config.http);
  return { app, routes, plain };
}
