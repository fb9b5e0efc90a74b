/**
 * What the management services (PBX management, phone set programming, users management) check
 * before they act, in the order a client should hear about it: authenticated (401), allowed to
 * use the service (403), licensed for it (403, read-only above the license). Then the node the
 * request is for, reachable over its configuration link with its object model read (503).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { GatewayCore } from "../../core.js";
import { requireAdmin, session } from "../../http/context.js";
import { badRequest, notFound } from "../../http/errors.js";
import type { NodeLink } from "../../links/index.js";
import { checkManagementLicense } from "../licensing/index.js";
import { fromCmip, nodeUnreachable } from "./errors.js";

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

const NODE_ID = /^[1-9][0-9]{0,4}$/;

export function parseNodeId(raw: string): number {
  if (!NODE_ID.test(raw)) throw badRequest(`"${raw}" is not a node number`);
  return Number(raw);
}

/** The link to node `nodeId`, ready for configuration requests. */
export function configurationLink(core: GatewayCore, nodeId: number): NodeLink {
  const node = core.node(nodeId);
  if (!node) throw notFound(`no OXE node ${nodeId} is connected to this gateway`);
  if (!node.cmip.rose.isUp || node.cmip.schema.size === 0) throw nodeUnreachable(nodeId);
  return node;
}

/**
 * Run a CMIP request on `node`, answering its failure as O2G does (`className`: the class whose
 * attribute a refusal names).
 */
export function onNode<T>(node: NodeLink, request: () => Promise<T>, className?: string): Promise<T> {
  const fail = (err: unknown): never => {
    throw fromCmip(err, node.nodeId, className ? node.cmip.schema.get(className) : undefined);
  };
  try {
    return request().catch(fail);
  } catch (err) {
    return fail(err);
  }
}
