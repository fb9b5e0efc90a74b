/**
 * The SSH and IMAP links of each node, for the console's board. O2G's Maintenance status tells
 * the CSTA link (ctiLinkState) and the CMIP one (connected) of a node but nothing of its SSH link
 * (incidents and charging) or its 4645 (IMAP voice mail): the real PbxStatus has no such field,
 * so the gateway does not grow one. The console, which the sandbox runs inside the gateway's
 * process, reads them here instead, administrators only, outside the OpenAPI document:
 *
 *   GET /api/console/links   {nodes: [{nodeId, ssh: {state, endpoint, lastError}, imap: {state, endpoint}}]}
 *
 * SSH: the node's SSH link as the gateway holds it (up, connecting, down...). IMAP: the gateway
 * opens one IMAP session per user's mailbox on demand, not one per node, so "the node's IMAP
 * link" is whether its 4645 answers: a connection that reads the server's "* OK" greeting, on
 * the main address then the standby's.
 */
import net from "node:net";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { requireAdmin, session } from "../../gateway/services/common/request.js";

export const LINKS_PATH = "/api/console/links";

const LinkState = Type.Union([
  Type.Literal("UP"),
  Type.Literal("DOWN"),
  Type.Literal("CONNECTING"),
  Type.Literal("NONE"),
]);
const NodeLinksAnswer = Type.Object({
  nodes: Type.Array(
    Type.Object({
      nodeId: Type.Integer(),
      ssh: Type.Object({ state: LinkState, endpoint: Type.String(), lastError: Type.String() }),
      imap: Type.Object({
        state: LinkState,
        endpoint: Type.String(),
        member: Type.Union([Type.Literal("main"), Type.Literal("standby"), Type.Literal("")]),
      }),
    }),
  ),
});

interface Endpoint {
  host: string;
  port: number;
}

const PROBE_MS = 1000;

/** Whether an IMAP server answers at this address with its greeting, within PROBE_MS. */
export function imapAnswers(ep: Endpoint): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(ep.port, ep.host);
    let seen = "";
    const done = (ok: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), PROBE_MS);
    s.on("data", (d) => {
      seen += d.toString("latin1");
      if (seen.includes("\r\n")) {
        // Polite: log out before closing, as a client would.
        s.write("a LOGOUT\r\n");
        done(/^\* (OK|PREAUTH)/.test(seen));
      }
    });
    s.on("error", () => done(false));
    s.on("close", () => done(false));
  });
}

export async function linkRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;
  app.addHook("onRequest", async (req: FastifyRequest) => requireAdmin(session(core, req)));
  app.get("/", { schema: { hide: true, response: { 200: NodeLinksAnswer } } }, async () => ({
    nodes: await Promise.all(
      [...core.nodes.values()].map(async (n) => {
        const ssh = n.analytics?.status().link;
        const c = n.config;
        const at = (e: Endpoint) => `${e.host}:${e.port}`;
        let imap: { state: "UP" | "DOWN" | "NONE"; endpoint: string; member: "main" | "standby" | "" } = {
          state: "NONE",
          endpoint: "",
          member: "",
        };
        if (c.imap) {
          if (await imapAnswers(c.imap)) imap = { state: "UP", endpoint: at(c.imap), member: "main" };
          else if (c.imapSecondary && (await imapAnswers(c.imapSecondary)))
            imap = { state: "UP", endpoint: at(c.imapSecondary), member: "standby" };
          else imap = { state: "DOWN", endpoint: at(c.imap), member: "" };
        }
        return {
          nodeId: n.nodeId,
          ssh: ssh
            ? {
                state:
                  ssh.state === "up"
                    ? ("UP" as const)
                    : ssh.state === "connecting"
                      ? ("CONNECTING" as const)
                      : ("DOWN" as const),
                endpoint: ssh.endpoint,
                lastError: ssh.lastError,
              }
            : { state: "NONE" as const, endpoint: "", lastError: "" },
          imap,
        };
      }),
    ),
  }));
}
