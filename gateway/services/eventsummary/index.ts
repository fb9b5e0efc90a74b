/** The Event summary service: the counters of what waits for a user. */
import type { FastifyInstance } from "fastify";
import { session, targetUser } from "../../http/context.js";

export async function eventSummaryService(app: FastifyInstance): Promise<void> {
  const core = app.core;
  app.get("/", async (req) => {
    const u = targetUser(core, req, session(core, req));
    await core.store.comlog.flush().catch(() => {});
    const s = await core.eventSummary.get(u.loginName);
    core.eventSummary.remember(u.loginName, s);
    return s;
  });
}
