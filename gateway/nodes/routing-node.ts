/**
 * A node as the routing manager sees it: CSTA for forwards and DND, the Subscriber object for
 * the overflow to voice mail and the remote extension. The attribute names are the node's own
 * (read from its object model): a node whose model lacks one simply does not offer the feature.
 */
import type { OverflowCondition, RoutingNode, SubscriberRouting } from "../domain/routing/index.js";
import type { NamedAttributes } from "../links/cmip-client.js";
import type { NodeLink } from "./node-link.js";

const OVERFLOW_ATTRIBUTE = "Overflow_To_Voice_Mail";
const REMOTE_ACTIVE = "Remote_Extension_Active";
const REMOTE_NUMBER = "Associated_Set";

const OVERFLOW_FROM_NODE: Record<string, OverflowCondition | null> = {
  None: null,
  Busy: "BUSY",
  No_Answer: "NO_ANSWER",
  Busy_No_Answer: "BUSY_NO_ANSWER",
};

const OVERFLOW_TO_NODE: Record<OverflowCondition, string> = {
  BUSY: "Busy",
  NO_ANSWER: "No_Answer",
  BUSY_NO_ANSWER: "Busy_No_Answer",
};

/** The routing part of a Subscriber's attributes (from a read or a change notification). */
export function subscriberRouting(a: NamedAttributes): Partial<SubscriberRouting> {
  const out: Partial<SubscriberRouting> = {};
  const o = a[OVERFLOW_ATTRIBUTE];
  if (typeof o === "string" && o in OVERFLOW_FROM_NODE) out.overflow = OVERFLOW_FROM_NODE[o] ?? null;
  const r = a[REMOTE_ACTIVE];
  if (typeof r === "boolean") out.remoteExtension = r;
  const n = a[REMOTE_NUMBER];
  if (typeof n === "string") out.hasRemoteExtension = n !== "";
  return out;
}

export function routingNode(link: NodeLink): RoutingNode {
  const has = (name: string) =>
    link.cmip.schema.get("Subscriber")?.attributes.some((a) => a.name === name) ?? false;
  const instance = (dn: string) => `${link.cmip.root}/Subscriber=${dn}`;
  return {
    get cstaUp() {
      return link.csta.isUp;
    },
    get voiceMailNumber() {
      return link.voiceMailNumber;
    },
    get configSupport() {
      return { overflow: has(OVERFLOW_ATTRIBUTE), remoteExtension: has(REMOTE_ACTIVE) && has(REMOTE_NUMBER) };
    },
    getForwarding: (device) => link.csta.getForwarding(device),
    setForwarding: (device, type, destination) => link.csta.setForwarding(device, type, destination),
    getDoNotDisturb: (device) => link.csta.getDoNotDisturb(device),
    setDoNotDisturb: (device, on) => link.csta.setDoNotDisturb(device, on),
    async readConfig(dn) {
      const names = [OVERFLOW_ATTRIBUTE, REMOTE_ACTIVE, REMOTE_NUMBER].filter(has);
      if (names.length === 0) return {};
      return subscriberRouting(await link.cmip.get("Subscriber", instance(dn), names));
    },
    async writeConfig(dn, values) {
      const set: NamedAttributes = {};
      if (values.overflow !== undefined)
        set[OVERFLOW_ATTRIBUTE] = values.overflow === null ? "None" : OVERFLOW_TO_NODE[values.overflow];
      if (values.remoteExtension !== undefined) set[REMOTE_ACTIVE] = values.remoteExtension;
      if (Object.keys(set).length > 0) await link.cmip.set("Subscriber", instance(dn), set);
    },
  };
}
