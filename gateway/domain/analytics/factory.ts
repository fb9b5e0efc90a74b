/**
 * A node's analytics from the gateway's configuration: the SSH link to the node's maintenance
 * account and what reads through it. Typed by shape, so the configuration module needs nothing
 * of this one.
 */

import type { AnalyticsConfig } from "../../config/settings.js";
import { type SshEndpoint, SshLink, type SshLog } from "../../links/ssh/index.js";
import { NodeAnalytics } from "./node-analytics.js";

export interface AnalyticsNodeConfig {
  nodeId: number;
  /** the node's SSH address; none: the node is not read for analytics */
  ssh?: SshEndpoint;
  /** the standby call server's, for a redundant pair */
  sshSecondary?: SshEndpoint;
  /** this node's maintenance account, when it is not the gateway-wide one */
  maintenance?: { login?: string; password?: string; privateKey?: string; hostKeys?: string[] };
}

export type { AnalyticsConfig };

/** The analytics of a node, or undefined when no SSH address is configured for it. */
export function nodeAnalyticsFor(
  node: AnalyticsNodeConfig,
  cfg: AnalyticsConfig,
  log: SshLog,
): NodeAnalytics | undefined {
  if (!node.ssh) return undefined;
  const m = node.maintenance ?? {};
  const link = new SshLink({
    name: `node ${node.nodeId} SSH`,
    endpoints: [node.ssh, ...(node.sshSecondary ? [node.sshSecondary] : [])],
    login: m.login ?? cfg.ssh.login,
    ...(m.privateKey !== undefined ? { privateKey: m.privateKey } : {}),
    ...(m.privateKey === undefined || m.password !== undefined
      ? { password: m.password ?? cfg.ssh.password }
      : {}),
    ...(m.hostKeys ? { hostKeys: m.hostKeys } : {}),
    keepaliveMs: cfg.ssh.keepaliveMs,
    keepaliveCountMax: cfg.ssh.keepaliveCountMax,
    connectTimeoutMs: cfg.links.connectTimeoutMs,
    reconnectMinMs: cfg.links.reconnectMinMs,
    reconnectMaxMs: cfg.links.reconnectMaxMs,
    maxChannels: cfg.ssh.maxChannels,
    log,
  });
  return new NodeAnalytics({
    nodeId: node.nodeId,
    link,
    maxChargingFiles: cfg.analytics.maxChargingFiles,
    cachedTickets: cfg.analytics.cachedTickets,
    maxIncidents: cfg.analytics.maxIncidents,
    retryWithinMs: cfg.analytics.retryWithinMs,
    commandTimeoutMs: cfg.ssh.commandTimeoutMs,
    log,
  });
}
