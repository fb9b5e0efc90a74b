/**
 * Maintenance: the gateway's and each node's status (links, CTI link state, monitored users),
 * for administrators. This is where a client watches the startup snapshot and a switchover.
 */
import type { FastifyInstance } from "fastify";
import { managementLicenseInfo } from "../../domain/licensing/index.js";
import { requireAdmin, session } from "../../http/context.js";
import { PRODUCT_VERSION } from "../bootstrap/index.js";

function serverAddress(hostPort: string | null) {
  if (!hostPort) return undefined;
  const host = hostPort.replace(/:\d+$/, "");
  return /^[\d.]+$/.test(host) ? { ip: host, fqdn: host } : { fqdn: host };
}

export async function maintenanceService(app: FastifyInstance): Promise<void> {
  const core = app.core;
  app.get("/status", async (req) => {
    requireAdmin(session(core, req));
    return {
      logicalAddress: { fqdn: req.hostname, ip: req.socket.localAddress ?? "" },
      startDate: core.startedAt.toISOString(),
      ha: false,
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
        const status: Record<string, unknown> = {
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
      license: { type: "FLEXLM", status: "OK", lics: [managementLicenseInfo(core)] },
      configurationType: "FULL_SERVICES",
      subscriberFilter: "ALL",
    };
  });
}
