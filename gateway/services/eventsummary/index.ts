/** The Event summary service: the counters of what waits for a user. */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { EventSummarySchema } from "../../domain/eventsummary/schema.js";
import { session, targetUser } from "../common/request.js";
import { LoginNameQuery } from "../common/schemas.js";

export async function eventSummaryService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;
  app.get(
    "/",
    {
      schema: {
        summary: "The user's counters: missed calls, voice messages, callback requests...",
        querystring: LoginNameQuery,
        response: { 200: EventSummarySchema },
      },
    },
    async (req) => {
      const u = targetUser(core, req, session(core, req), req.query.loginName);
      await core.store.comlog.flush().catch(() => {});
      const s = await core.eventSummary.get(u.loginName);
      core.eventSummary.remember(u.loginName, s);
      return s;
    },
  );
}
