/**
 * The management services' door (PBX management, phone set programming, users management),
 * checked in the order a client should hear about it: authenticated (401), allowed to use the
 * service (403, administrators only where `adminOnly`), licensed for it (403, read-only above the
 * license). It wraps the service's plugin here, at the HTTP edge, so the domain knows nothing of
 * fastify and the service nothing of who may call it.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from "fastify";
import { checkManagementLicense } from "../domain/licensing/index.js";
import { requireAdmin, session } from "../services/common/request.js";
import { named } from "./named-plugin.js";

export interface GuardOptions {
  /** the service's name, for messages */
  service: string;
  adminOnly: boolean;
}

/** Session, role and license checks for every route of a management service plugin. */
export function guardManagementService(app: FastifyInstance, opts: GuardOptions): void {
  const core = app.core;
  // A callback hook, not an async one: it runs on every request of the service, and needs no
  // promise of its own.
  app.addHook("onRequest", (req: FastifyRequest, _reply, done) => {
    try {
      const s = session(core, req);
      if (opts.adminOnly) requireAdmin(s);
      checkManagementLicense(core, req.method, opts.service);
      done();
    } catch (err) {
      done(err as Error);
    }
  });
}

/**
 * `plugin` behind the guard: the hook belongs to the encapsulated scope that registers the
 * plugin, so it covers the service's routes and nothing else.
 */
export function guarded(plugin: FastifyPluginAsync, opts: GuardOptions): FastifyPluginAsync {
  const inner = named(plugin);
  return named(async (scope) => {
    guardManagementService(scope, opts);
    await scope.register(inner);
  }, `guarded(${inner.name})`);
}
