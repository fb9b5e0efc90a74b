/**
 * Event subscriptions: created in a session, delivered on a chunked HTTP response the client
 * polls (the subscription id in the URL is the credential: the SDK polls with a bare fetch,
 * without the session cookie) or posted to a webhook. They end with their session.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { PER_USER_PACKAGES, parseSelectors, Subscription, WebhookPolicy } from "../../events/index.js";
import { badRequest, forbidden, notFound } from "../common/errors.js";
import { apiRoot, session } from "../common/request.js";
import { NoContent } from "../common/schemas.js";
import {
  ChunkStream,
  SubscribeBody,
  SubscriptionAnswer,
  SubscriptionParams,
  SubscriptionStatus,
} from "./schemas.js";

const ADMIN_PACKAGES = new Set(["system", "pbxManagement", "userManagement", "rti", "acdstats", "rsi"]);

export async function subscriptionsService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;
  const ev = core.config.events;
  const webhookPolicy = new WebhookPolicy({
    deny: ev.webhookDeny,
    allow: ev.webhookAllow,
    maxReplyBytes: ev.webhookMaxReplyBytes,
  });
  app.addHook("onClose", async () => webhookPolicy.close());
  const perUser = core.config.limits.subscriptionsPerUser;

  core.sessions.onEnd((s) => {
    for (const id of s.subscriptions) {
      const sub = core.bus.subscriptions.get(id);
      if (sub) core.bus.remove(sub);
    }
  });

  app.post(
    "/",
    {
      schema: {
        summary: "Subscribes to event packages: on the chunk channel, or posted to a webhook",
        body: SubscribeBody,
        response: { 200: SubscriptionAnswer },
      },
    },
    async (req) => {
      const s = session(core, req);
      const body = req.body;
      if (body.version !== undefined && body.version !== "1.0")
        throw badRequest(`event API version ${String(body.version)} is not supported`);
      const selectors = parseSelectors(body.filter);
      if (typeof selectors === "string") throw badRequest(selectors);
      let webHookUrl: string | undefined;
      if (body.webHookUrl !== undefined) {
        let u: URL;
        try {
          u = new URL(body.webHookUrl);
        } catch {
          throw badRequest(`webHookUrl "${body.webHookUrl}" is not a URL`);
        }
        if (u.protocol !== "https:" && u.protocol !== "http:")
          throw badRequest("webHookUrl must be http or https");
        const refused = webhookPolicy.refusal(u);
        if (refused) throw forbidden(`webHookUrl refused: ${refused}`);
        webHookUrl = u.toString();
      }
      const self = s.supervised ?? s.principal.login;
      if (!s.principal.admin) {
        for (const sel of selectors) {
          for (const name of sel.names) {
            if (ADMIN_PACKAGES.has(name))
              throw forbidden(`the ${name} events are reserved to administrators`);
            if (PER_USER_PACKAGES.has(name) && sel.ids.some((id) => id !== "*" && id !== self)) {
              throw forbidden(`a user session may only subscribe to its own events (${self})`);
            }
          }
        }
      } else {
        for (const sel of selectors) {
          for (const id of sel.ids) {
            if (id !== "*" && PER_USER_PACKAGES.has(sel.names[0]!) && !core.directory.users.has(id)) {
              throw badRequest(`no user ${id}`);
            }
          }
        }
      }
      const held = core.sessions.ofLogin(s.principal.login).reduce((n, x) => n + x.subscriptions.size, 0);
      if (held >= perUser)
        throw forbidden(
          `${s.principal.login} already holds ${held} subscriptions, the most one user may: delete one first`,
        );
      const log = req.log; // not the request: the subscription outlives it
      const sub = new Subscription({
        sessionToken: s.token,
        restrictTo: s.principal.admin ? (s.supervised ?? null) : self,
        selectors,
        ...(webHookUrl ? { webHookUrl } : {}),
        queueLimit: ev.queueLimit,
        keepAliveMs: ev.chunkKeepAliveMs,
        chunkMaxMs: ev.chunkMaxMs,
        webhookRetryMaxMs: ev.webhookRetryMaxMs,
        webhookTimeoutMs: ev.webhookTimeoutMs,
        webhookPolicy,
        log: (level, line) => log[level](line),
      });
      core.bus.add(sub);
      s.subscriptions.add(sub.id);
      const polling = `${apiRoot(core, req)}/subscriptions/${sub.id}/chunk`;
      return {
        subscriptionId: sub.id,
        message: webHookUrl
          ? `events will be posted to ${webHookUrl}`
          : "poll the chunk URL to receive events",
        publicPollingUrl: polling,
        privatePollingUrl: polling,
        status: "ACCEPTED" as const,
      };
    },
  );

  app.post(
    "/:id/chunk",
    {
      schema: {
        summary: "The chunk channel: events of the subscription, streamed (the id is the credential)",
        params: SubscriptionParams,
        response: { 200: ChunkStream },
        security: [],
      },
    },
    async (req, reply) => {
      const sub = core.bus.subscriptions.get(req.params.id);
      if (!sub) throw notFound(`no subscription ${req.params.id}`);
      if (sub.mode !== "chunk")
        throw badRequest(
          sub.mode === "webhook"
            ? "this subscription delivers to a webhook"
            : "this subscription delivers on the application's websocket (WSS agent)",
        );
      reply.hijack();
      sub.attach(reply.raw);
    },
  );

  app.get(
    "/:id",
    {
      schema: {
        summary: "How a subscription fares",
        params: SubscriptionParams,
        response: { 200: SubscriptionStatus },
      },
    },
    async (req) => {
      const s = session(core, req);
      const sub = core.bus.subscriptions.get(req.params.id);
      if (!sub || !s.subscriptions.has(sub.id)) throw notFound(`no subscription ${req.params.id}`);
      return {
        subscriptionId: sub.id,
        mode: sub.mode,
        polling: sub.polling,
        queued: sub.queued,
        delivered: sub.delivered,
        dropped: sub.droppedEvents,
        packages: [...sub.filter.keys()],
      };
    },
  );

  app.delete(
    "/:id",
    { schema: { summary: "Ends a subscription", params: SubscriptionParams, response: { 204: NoContent } } },
    async (req, reply) => {
      const s = session(core, req);
      const sub = core.bus.subscriptions.get(req.params.id);
      if (!sub || !s.subscriptions.has(sub.id)) throw notFound(`no subscription ${req.params.id}`);
      core.bus.remove(sub);
      s.subscriptions.delete(sub.id);
      return reply.code(204).send(null);
    },
  );
}
