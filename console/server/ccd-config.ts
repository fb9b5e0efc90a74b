/**
 * Who the CCD's operators and pilots are, for the console's call-center wallboard. O2G lists
 * them with CallCenterManagement / CallCenterRealtime, which the gateway does not build yet
 * (gateway/services/callcenter/not-built.ts), and its PBX management does not show the CCD
 * objects: until then the sandbox says it from the emulator's CCD configuration. Configuration
 * only: every state the wallboard shows comes through the public REST API (CallCenterAgent's
 * state, CallCenterPilot's monitoring and the agent and pilot events). Administrators only.
 *
 *   GET /api/console/emulator/ccd    {operators: [{number, loginName, nodeId, type, groups}],
 *                                     pilots: [{number, nodeId, name, groups}]}
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { type Static, Type } from "typebox";
import type { GatewayCore } from "../../gateway/core.js";
import { requireAdmin, session } from "../../gateway/services/common/request.js";
import type { Emulator } from "../../oxe-emulator/index.js";

export const CCD_CONFIG_PATH = "/api/console/emulator/ccd";

const CcdConfig = Type.Object({
  operators: Type.Array(
    Type.Object({
      number: Type.String(),
      loginName: Type.String(),
      nodeId: Type.Integer(),
      type: Type.Union([Type.Literal("agent"), Type.Literal("supervisor")]),
      /** the processing groups it may log on to, its preferred one first */
      groups: Type.Array(Type.String()),
    }),
  ),
  pilots: Type.Array(
    Type.Object({
      number: Type.String(),
      nodeId: Type.Integer(),
      name: Type.String(),
      /** the processing groups whose queues take its calls (its rules') */
      groups: Type.Array(Type.String()),
    }),
  ),
});
export type CcdConfigJson = Static<typeof CcdConfig>;

export function ccdConfigRoutes(emulator: Emulator) {
  return async function ccdConfig(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const core: GatewayCore = app.core;
    app.addHook("onRequest", async (req: FastifyRequest) => requireAdmin(session(core, req)));
    app.get(
      "/",
      { schema: { hide: true, response: { 200: CcdConfig } } },
      async (): Promise<CcdConfigJson> => {
        // A sandbox without operators has no CCD: nothing to list, not an error.
        const config = emulator.ccd?.config;
        return {
          operators: (config?.operators ?? []).map((o) => ({
            number: o.number,
            loginName: o.loginName,
            nodeId: o.nodeId,
            type: o.type,
            groups: [...o.groups],
          })),
          pilots: (config?.pilots ?? []).map((p) => ({
            number: p.number,
            nodeId: p.nodeId,
            name: p.name,
            groups: [...new Set(p.rules.map((r) => r.pg))],
          })),
        };
      },
    );
  };
}
