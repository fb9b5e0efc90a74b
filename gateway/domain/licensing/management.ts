/**
 * The Management license (PBX management, phone set programming, users management). Unlike
 * the per-user licenses it is not taken by sessions: it is sized on the number of users of the
 * connected nodes. Above 110% of the licensed count the services stay usable read-only (GET
 * only); without the license they are not offered at all.
 *
 * The vendor measures the count once a day; the gateway measures it on each request instead
 * (a sum over the nodes, not a walk over the users), so a test or a lab sees the rule bite as
 * soon as the nodes grow, and stop biting as soon as they shrink.
 */
import type { GatewayConfig } from "../../config/index.js";
import type { UserDirectory } from "../directory.js";
import { forbidden } from "../errors.js";
import type { ConfigurationNode } from "../pbx/access.js";
import { provisioningOf } from "../pbx/provisioning.js";
import type { Licenses } from "./licenses.js";

/** What the license reads of the gateway (the gateway core is one). */
export interface LicensedGateway {
  readonly config: GatewayConfig;
  readonly directory: UserDirectory;
  readonly nodes: ReadonlyMap<number, ConfigurationNode>;
  readonly licenses: Licenses;
}

/** The tolerance over the licensed count before the services turn read-only. */
export const MANAGEMENT_TOLERANCE = 1.1;

export interface ManagementLicenseState {
  licensed: number;
  /** users of the connected nodes */
  used: number;
  /** the most users before read-only: 110% of `licensed` */
  limit: number;
  readOnly: boolean;
}

/** The licensed count: the license file's (or `licenses.management` when configured). */
export function licensedManagementUsers(core: Pick<LicensedGateway, "licenses">): number {
  return core.licenses.total("management");
}

/** The users the license counts: every subscriber of each node whose configuration link is up. */
export function countManagedUsers(core: LicensedGateway): number {
  const prov = provisioningOf(core.directory);
  let used = 0;
  for (const node of core.nodes.values()) {
    if (!node.cmip.isUp) continue;
    // Subscribers whose O2G user was deleted are still the node's users.
    used += core.directory.usersOfNode(node.nodeId).length + prov.removedOf(node.nodeId).size;
  }
  return used;
}

export function managementLicense(core: LicensedGateway): ManagementLicenseState {
  const licensed = licensedManagementUsers(core);
  const used = countManagedUsers(core);
  const limit = Math.floor(licensed * MANAGEMENT_TOLERANCE);
  return { licensed, used, limit, readOnly: used > limit };
}

const READ_METHODS = new Set(["GET", "HEAD"]);

/**
 * Refuse what the license does not allow: anything without the license, anything but a read
 * when the nodes have outgrown it (403, with the figures in the message).
 */
export function checkManagementLicense(core: LicensedGateway, method: string, service: string): void {
  const licensed = licensedManagementUsers(core);
  if (licensed === 0)
    throw forbidden(
      `${service} needs a Management license, and this gateway has none`,
      "NO_MANAGEMENT_LICENSE",
    );
  if (READ_METHODS.has(method)) return;
  const st = managementLicense(core);
  if (st.readOnly)
    throw forbidden(
      `${service} is read-only: the connected nodes have ${st.used} users, more than 110% of the ${st.licensed} the Management license covers (${st.limit}); only GET is allowed`,
      "MANAGEMENT_LICENSE_EXCEEDED",
    );
}
