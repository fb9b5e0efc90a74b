/**
 * Maintenance: the gateway's and each node's status (links, CTI link state, monitored users),
 * for administrators. This is where a client watches the startup snapshot and a switchover.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import type { GatewayCore } from "../../core.js";
import { countManagedUsers } from "../../domain/licensing/index.js";
import { PRODUCT_VERSION } from "../bootstrap/index.js";
import { requireAdmin, session } from "../common/request.js";
import {
  type PbxStatusJson,
  type ServerAddressJson,
  type SystemStatusJson,
  SystemStatusSchema,
} from "./schemas.js";

function serverAddress(hostPort: string): ServerAddressJson {
  const host = hostPort.replace(/:\d+$/, "");
  return /^[\d.]+$/.test(host) ? { ip: host, fqdn: host } : { fqdn: host };
}

/**
 * In a pair, this member answers as the primary (the SDK: "the currently active O2G server") and
 * names the other as the secondary. The peer's version is not known from here (the members see
 * each other only through the database), so secondaryVersion is left out rather than guessed.
 */
function pairStatus(core: GatewayCore): Pick<SystemStatusJson, "secondary" | "secondaryServicesStatus"> {
  const { ha } = core.config;
  if (!ha.enabled) return {};
  const up = core.haPeerConnected();
  return {
    ...(ha.peer ? { secondary: ha.peer.replace(/:\d+$/, "") } : {}),
    secondaryServicesStatus: {
      name: "o2g",
      status: up === undefined ? "UNKNOWN" : up ? "RUNNING" : "NOT_RUNNING",
      mode: "PASSIVE",
    },
  };
}

export async function maintenanceService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;
  app.get(
    "/status",
    {
      schema: {
        summary: "The gateway's status and each node's: links, CTI link, monitored users, licenses",
        "x-o2g-access": "administrator",
        response: { 200: SystemStatusSchema },
      },
    },
    async (req) => {
      requireAdmin(session(core, req));
      return {
        ...pairStatus(core),
        logicalAddress: { fqdn: req.hostname, ip: req.socket.localAddress ?? "" },
        startDate: core.startedAt.toISOString(),
        // A member of an active/passive pair says so, as discovery's haMode does.
        ha: core.config.ha.enabled,
        primary: req.hostname,
        primaryVersion: `${PRODUCT_VERSION.major}.${PRODUCT_VERSION.minor} (o2g-testbench)`,
        primaryServicesStatus: {
          services: [
            { name: "rest", status: "RUNNING", mode: "ACTIVE" },
            { name: "events", status: "RUNNING", mode: "ACTIVE" },
          ],
          globalIPAdress: req.socket.localAddress ?? "",
        },
        pbxs: [...core.nodes.values()].map((n) => {
          const st = n.status();
          const status: PbxStatusJson = {
            name: st.name,
            nodeId: st.nodeId,
            mainAddress: serverAddress(st.mainAddress),
            version: st.version,
            connected: st.connected,
            loaded: st.loaded,
            ctiLinkState: st.ctiLinkState,
            secured: false,
            monitoredUserNumber: st.monitoredUsers,
          };
          if (st.secondaryAddress) status.secondaryAddress = serverAddress(st.secondaryAddress);
          return status;
        }),
        // Every license with its total, its use and the file's last day (the SDK's License).
        license: { type: "FLEXLM" as const, ...core.licenses.status(countManagedUsers(core)) },
        configurationType: "FULL_SERVICES" as const,
        subscriberFilter: "ALL" as const,
      };
    },
  );
}
