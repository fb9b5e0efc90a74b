/**
 * CallCenterRealtime (O2G service `acdrealtime`), the ten calls of the SDK's ccRealtime-rest.ts:
 * the CCD objects that have real-time indicators (all, or agents, pilots, queues, agent and other
 * processing groups), the session's context (GET, POST, DELETE ctx) and POST snapshot, which
 * starts the `rti` package's events (domain/callcenter/realtime.ts says how they are made).
 *
 * Administrators only, as the SDK says ("available only to administrators"); a user session is
 * refused 403. A context's events go to the subscriptions of the session that set it, those
 * that selected the `rti` package (itself reserved to administrators), not to other sessions.
 * POST snapshot without a context is a 409: there is nothing to start.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { GatewayCore } from "../../core.js";
import { CallCenterRealtime, type RtiKind } from "../../domain/callcenter/realtime.js";
import { RtiContextSchema, RtiObjectsSchema } from "../../domain/callcenter/realtime-schema.js";
import type { Session } from "../../domain/sessions.js";
import { conflict, notFound } from "../common/errors.js";
import { requireAdmin, session } from "../common/request.js";
import { NoContent } from "../common/schemas.js";

export async function callCenterRealtimeService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core: GatewayCore = app.core;
  /** The owner session's subscriptions to the rti package. */
  const listeners = (owner: object) =>
    [...(owner as Session).subscriptions]
      .map((id) => core.bus.subscriptions.get(id))
      .filter((sub) => sub?.filter.has("rti") === true);
  const rt = new CallCenterRealtime({
    nodes: () => core.nodes.values(),
    deliver: (owner, event) => {
      const line = JSON.stringify(event);
      for (const sub of listeners(owner)) sub?.deliver(line);
    },
    wants: (owner) => listeners(owner).length > 0,
    log: (msg) => app.log.warn(msg),
  });
  core.sessions.onEnd((s) => rt.deleteContext(s));
  app.addHook("onClose", async () => rt.close());

  const admin = (req: FastifyRequest): Session => {
    const s = session(core, req);
    requireAdmin(s);
    return s;
  };

  const lists: { url: string; kinds: RtiKind[]; summary: string }[] = [
    {
      url: "/",
      kinds: ["agent", "pilot", "queue", "pgAgent", "pgOther"],
      summary: "The CCD objects that have real-time indicators (getRtiObjects)",
    },
    { url: "/agents", kinds: ["agent"], summary: "The CCD agents that have indicators (getAgents)" },
    { url: "/pilots", kinds: ["pilot"], summary: "The CCD pilots that have indicators (getPilots)" },
    { url: "/queues", kinds: ["queue"], summary: "The CCD queues that have indicators (getQueues)" },
    {
      url: "/pgAgents",
      kinds: ["pgAgent"],
      summary: "The agent processing groups that have indicators (getAgentProcessingGroups)",
    },
    {
      url: "/pgOthers",
      kinds: ["pgOther"],
      summary: "The other processing groups that have indicators (getOtherProcessingGroups)",
    },
  ];
  for (const l of lists)
    app.get(l.url, { schema: { summary: l.summary, response: { 200: RtiObjectsSchema } } }, async (req) => {
      admin(req);
      return rt.objects(l.kinds);
    });

  app.get(
    "/ctx",
    {
      schema: {
        summary: "The session's indicator context: objects, attributes, periods (getContext)",
        response: { 200: RtiContextSchema },
      },
    },
    async (req) => {
      const ctx = rt.context(admin(req));
      if (!ctx) throw notFound("this session has no real-time context");
      return ctx;
    },
  );

  app.post(
    "/ctx",
    {
      schema: {
        summary: "Sets or replaces the session's indicator context (setContext)",
        body: RtiContextSchema,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      rt.setContext(admin(req), req.body);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/ctx",
    {
      schema: {
        summary: "Deletes the session's indicator context: its events stop (deleteContext)",
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      if (!rt.deleteContext(admin(req))) throw notFound("this session has no real-time context");
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/snapshot",
    {
      schema: {
        summary: "Starts the context's events: every indicator now, then what changes (start)",
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      if (!rt.start(admin(req))) throw conflict("set a real-time context (POST ctx) before starting it");
      return reply.code(204).send(null);
    },
  );
}
