/**
 * The emulator control API: what only the PBX side can do, for the console and for demos
 * (lift a handset, dial on the set, hang up, switch a call server over). Administrators only;
 * registered by the sandbox next to the REST API, never by a production gateway (gateway/
 * knows nothing of the emulator). Documented in README.md, "The web console".
 *
 *   GET  /api/console/emulator/nodes                          the nodes, redundant or not, active member
 *   POST /api/console/emulator/nodes/{nodeId}/switchover       the standby takes over (redundant nodes)
 *   POST /api/console/emulator/devices/{number}/offhook        lift the handset (answers what rings)
 *   POST /api/console/emulator/devices/{number}/hangup         put it down
 *   POST /api/console/emulator/devices/{number}/dial           {"number": "10001"}: dial on the set
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { GatewayCore } from "../../gateway/core.js";
import { conflict, notFound } from "../../gateway/services/common/errors.js";
import { requireAdmin, session } from "../../gateway/services/common/request.js";
import { NoContent, PhoneNumber } from "../../gateway/services/common/schemas.js";
import type { Emulator } from "../../oxe-emulator/index.js";

export const CONTROL_ROOT = "/api/console/emulator";

const NodeParams = Type.Object({ nodeId: Type.Integer({ minimum: 1, maximum: 1000 }) });
const DeviceParams = Type.Object({ number: PhoneNumber });
const DialBody = Type.Object({ number: PhoneNumber });
const NodeList = Type.Object({
  nodes: Type.Array(
    Type.Object({
      nodeId: Type.Integer(),
      redundant: Type.Boolean(),
      activeMember: Type.Integer({ description: "0: the main call server, 1: the standby" }),
    }),
  ),
});

export function emulatorControlRoutes(emulator: Emulator) {
  return async function emulatorControl(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const core: GatewayCore = app.core;
    app.addHook("onRequest", async (req: FastifyRequest) => requireAdmin(session(core, req)));

    const node = (nodeId: number) => {
      const n = emulator.nodes.find((x) => x.nodeId === nodeId);
      if (!n) throw notFound(`no node ${nodeId}`);
      return n;
    };
    const phone = (number: string) => {
      if (!emulator.network.devices.has(number)) throw notFound(`no device ${number}`);
      return emulator.phone(number);
    };
    // The model refuses what the set's state does not allow (hang up with no call, dial while
    // ringing): that is the caller's conflict, not the server's failure.
    const act = (what: () => unknown) => {
      try {
        what();
      } catch (err) {
        throw conflict((err as Error).message);
      }
    };
    const hidden = { hide: true } as const;

    app.get("/nodes", { schema: { ...hidden, response: { 200: NodeList } } }, async () => ({
      nodes: emulator.nodes.map((n) => ({
        nodeId: n.nodeId,
        redundant: n.redundant,
        activeMember: n.activeMember,
      })),
    }));
    app.post(
      "/nodes/:nodeId/switchover",
      { schema: { ...hidden, params: NodeParams, response: { 204: NoContent } } },
      async (req, reply) => {
        const n = node(req.params.nodeId);
        if (!n.redundant) throw conflict(`node ${n.nodeId} is not a main/standby pair`);
        n.switchover("clean");
        return reply.code(204).send(null);
      },
    );
    for (const action of ["offhook", "hangup"] as const) {
      app.post(
        `/devices/:number/${action}`,
        { schema: { ...hidden, params: DeviceParams, response: { 204: NoContent } } },
        async (req, reply) => {
          const p = phone(req.params.number);
          act(() => (action === "offhook" ? p.offHook() : p.hangUp()));
          return reply.code(204).send(null);
        },
      );
    }
    app.post(
      "/devices/:number/dial",
      { schema: { ...hidden, params: DeviceParams, body: DialBody, response: { 204: NoContent } } },
      async (req, reply) => {
        const p = phone(req.params.number);
        act(() => p.dial(req.body.number));
        return reply.code(204).send(null);
      },
    );
  };
}
