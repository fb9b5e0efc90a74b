/**
 * CallCenterPilot (O2G service `acdpilotmonitoring`), as the SDK's ccPilot-rest.ts sends it:
 * `POST {pilotNumber}` starts monitoring a CCD pilot, `DELETE {pilotNumber}` stops it; the
 * pilot's calls then come as the `pilot` package's events (domain/callcenter/pilot-monitors.ts).
 * The pilot is looked for on the caller's node (a user session) or on every node (an
 * administrator); an unknown pilot is a 404, stopping a pilot not monitored too.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { GatewayCore } from "../../core.js";
import { pilotInfo } from "../../domain/callcenter/index.js";
import type { NodeLink } from "../../nodes/index.js";
import { notFound } from "../common/errors.js";
import { session, targetUser } from "../common/request.js";
import { NoContent } from "../common/schemas.js";
import { fromCsta, nodeUnavailable } from "../telephony/errors.js";

const PilotParams = Type.Object({
  pilotNumber: Type.String({
    minLength: 1,
    maxLength: 16,
    pattern: "^[0-9]+$",
    description: "a CCD pilot's number",
  }),
});

export async function callCenterPilotService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core: GatewayCore = app.core;

  /** The node whose CCD has `pilot`. */
  async function nodeOf(req: FastifyRequest, pilot: string): Promise<NodeLink> {
    const s = session(core, req);
    const candidates =
      s.principal.admin && !s.supervised
        ? [...core.nodes.values()]
        : [core.node(targetUser(core, req, s).nodeId)].filter((n): n is NodeLink => n !== undefined);
    for (const node of candidates) {
      if (!node.cmip.isUp) continue;
      if (await pilotInfo(node, pilot, false)) {
        if (!node.csta.isUp) throw nodeUnavailable(node.nodeId);
        return node;
      }
    }
    throw notFound(`no CCD pilot ${pilot}`);
  }

  app.post(
    "/:pilotNumber",
    {
      schema: {
        summary: "Starts monitoring a CCD pilot: its calls come as pilot events (monitorStart)",
        params: PilotParams,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const node = await nodeOf(req, req.params.pilotNumber);
      try {
        await core.pilotMonitors.start(node.nodeId, node.csta, req.params.pilotNumber);
      } catch (err) {
        throw fromCsta(err, node.nodeId);
      }
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/:pilotNumber",
    {
      schema: {
        summary: "Stops monitoring a CCD pilot (monitorStop)",
        params: PilotParams,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const node = await nodeOf(req, req.params.pilotNumber);
      if (!(await core.pilotMonitors.stop(node.nodeId, node.csta, req.params.pilotNumber)))
        throw notFound(`CCD pilot ${req.params.pilotNumber} is not monitored`);
      return reply.code(204).send(null);
    },
  );
}
