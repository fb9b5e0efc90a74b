/**
 * Telephony's CCD pilot transfer information (getPilotInfo), as the SDK's telephony-rest.ts sends
 * it: `pilots/{pilotNumber}/transferInfo` (the pilot on the user's node) and the SDKs' older
 * `pilots/{nodeId}/{pilotNumber}/transferInfo`, each with an optional body (agent number,
 * priority or supervised transfer, skills). Read over the node's CMIP link from its CCD_Pilot
 * object (domain/callcenter/pilots.ts). An unknown pilot is a 404.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { PilotInfoSchema, pilotInfo } from "../../domain/callcenter/index.js";
import { configurationLink } from "../../domain/pbx/index.js";
import { notFound } from "../common/errors.js";
import { session, targetUser } from "../common/request.js";
import { LoginNameQuery } from "../common/schemas.js";
import { Skills } from "./schemas.js";

const PilotNumber = Type.String({
  minLength: 1,
  maxLength: 16,
  pattern: "^[0-9]+$",
  description: "a CCD pilot's number",
});
const PilotParams = Type.Object({ pilotNumber: PilotNumber });
const NodePilotParams = Type.Object({
  nodeId: Type.Integer({ minimum: 1, maximum: 999 }),
  pilotNumber: PilotNumber,
});
const PilotQuery = Type.Object({
  agentNumber: Type.Optional(Type.String({ maxLength: 64 })),
  priorityTransfer: Type.Optional(Type.Boolean()),
  supervisedTransfer: Type.Optional(Type.Boolean()),
  skills: Type.Optional(Skills),
});
const PilotBody = Type.Union([PilotQuery, Type.Null()]);

export async function pilotRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;

  async function answer(nodeId: number, pilot: string, supervised: boolean | undefined) {
    const info = await pilotInfo(configurationLink(core, nodeId), pilot, supervised === true);
    if (!info) throw notFound(`no CCD pilot ${pilot} on node ${nodeId}`);
    return info;
  }

  app.post(
    "/pilots/:pilotNumber/transferInfo",
    {
      schema: {
        summary:
          "Whether a call can be transferred to a CCD pilot of the user's node, and its queue (getPilotInfo)",
        params: PilotParams,
        querystring: LoginNameQuery,
        body: PilotBody,
        response: { 200: PilotInfoSchema },
      },
    },
    async (req) => {
      const u = targetUser(core, req, session(core, req));
      return answer(u.nodeId, req.params.pilotNumber, req.body?.supervisedTransfer);
    },
  );

  // The SDKs' index (2.5.9) names the node in the path.
  app.post(
    "/pilots/:nodeId/:pilotNumber/transferInfo",
    {
      schema: {
        summary: "Whether a call can be transferred to a CCD pilot of a node, and its queue (getPilotInfo)",
        params: NodePilotParams,
        querystring: LoginNameQuery,
        body: PilotBody,
        response: { 200: PilotInfoSchema },
      },
    },
    async (req) => {
      targetUser(core, req, session(core, req));
      return answer(req.params.nodeId, req.params.pilotNumber, req.body?.supervisedTransfer);
    },
  );
}
