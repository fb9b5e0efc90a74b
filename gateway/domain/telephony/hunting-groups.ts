/**
 * A user's hunting groups, read and changed over their node's CMIP link (the OXE's Hunt_Group
 * and Hunt_Group_Member objects), and their JSON as the SDK reads it (HuntingGroupsJson,
 * HuntingGroupStatusJson).
 *
 * Logging on and off a group is the member object's Logged_On attribute: ECMA-269 has no log on
 * for a group that is no ACD group (its agent services are for ACD agents), and on the OXE it is
 * the member's own state in its group, configuration the CMIP link reads and writes.
 *
 * A set is a member of one group at most (the SDK's "current" group; the node refuses a second).
 */
import { type Static, Type } from "typebox";
import type { Filter } from "../../../protocols/cmip/index.js";
import type { O2gEvent } from "../../events/types.js";
import type { CmipEvent } from "../../links/cmip-client.js";
import { DomainError, notFound } from "../errors.js";
import { type ConfigurationNode, onNode } from "../pbx/access.js";

export const HuntingGroupsSchema = Type.Object(
  {
    hgList: Type.Optional(
      Type.Array(Type.String(), { description: "the hunting groups of the user's node" }),
    ),
    currentHg: Type.Optional(Type.String({ description: "the group the user is a member of" })),
  },
  { title: "HuntingGroups" },
);
export type HuntingGroupsJson = Static<typeof HuntingGroupsSchema>;

export const HuntingGroupStatusSchema = Type.Object(
  { logon: Type.Boolean({ description: "the user is logged on in their hunting group" }) },
  { title: "HuntingGroupStatus" },
);

export interface Membership {
  group: string;
  loggedOn: boolean;
}

const groupInstance = (node: ConfigurationNode, hg: string) => `${node.cmip.root}/Hunt_Group=${hg}`;
const memberInstance = (node: ConfigurationNode, hg: string, n: string) =>
  `${groupInstance(node, hg)}/Hunt_Group_Member=${n}`;

/** The node's hunting group numbers, in the node's order. */
export async function huntingGroupsOf(node: ConfigurationNode): Promise<string[]> {
  const groups = await onNode(
    node,
    () => node.cmip.list("Hunt_Group", { attributes: ["Hunt_Group_Number"] }),
    "Hunt_Group",
  );
  return groups.map((g) => String(g.attributes.Hunt_Group_Number));
}

/** The group `number` is a member of (one at most), with its log-on state. */
export async function membershipOf(
  node: ConfigurationNode,
  number: string,
  groups?: string[],
): Promise<Membership | undefined> {
  const all = groups ?? (await huntingGroupsOf(node));
  const cls = node.cmip.classDef("Hunt_Group_Member");
  const filter: Filter = { equality: { id: node.cmip.attributeDef(cls, "Member_Number").id, value: number } };
  const found = await onNode(
    node,
    () =>
      Promise.all(
        all.map((hg) =>
          node.cmip
            .list("Hunt_Group_Member", {
              base: groupInstance(node, hg),
              attributes: ["Logged_On"],
              filter,
            })
            .then((ms) => ms.map((m) => ({ group: hg, loggedOn: m.attributes.Logged_On === true }))),
        ),
      ),
    "Hunt_Group_Member",
  );
  return found.flat()[0];
}

/** The group named in a request: it must be one of the node's. */
async function knownGroup(node: ConfigurationNode, hg: string): Promise<string[]> {
  const groups = await huntingGroupsOf(node);
  if (!groups.includes(hg)) throw notFound(`there is no hunting group ${hg} on OXE node ${node.nodeId}`);
  return groups;
}

/** `number` joins group `hg` (nothing to do when it is a member already). */
export async function joinGroup(node: ConfigurationNode, hg: string, number: string): Promise<void> {
  const groups = await knownGroup(node, hg);
  const current = await membershipOf(node, number, groups);
  if (current?.group === hg) return;
  if (current)
    throw new DomainError(
      "conflict",
      `${number} is a member of hunting group ${current.group}: a set belongs to one hunting group`,
    );
  await onNode(
    node,
    () => node.cmip.create("Hunt_Group_Member", { Member_Number: number }, groupInstance(node, hg)),
    "Hunt_Group_Member",
  );
}

/** `number` leaves group `hg` (nothing to do when it is not a member). */
export async function leaveGroup(node: ConfigurationNode, hg: string, number: string): Promise<void> {
  const groups = await knownGroup(node, hg);
  const current = await membershipOf(node, number, groups);
  if (current?.group !== hg) return;
  await onNode(
    node,
    () => node.cmip.delete("Hunt_Group_Member", memberInstance(node, hg, number)),
    "Hunt_Group_Member",
  );
}

/** The membership of a set that must be in a group, for the log-on calls. */
export async function requiredMembership(node: ConfigurationNode, number: string): Promise<Membership> {
  const m = await membershipOf(node, number);
  if (!m)
    throw new DomainError(
      "conflict",
      `${number} is not a member of any hunting group`,
      "notHuntingGroupMember",
    );
  return m;
}

/** Log `number` on or off its group (nothing to do when it already is). */
export async function setLoggedOn(node: ConfigurationNode, number: string, on: boolean): Promise<void> {
  const m = await requiredMembership(node, number);
  if (m.loggedOn === on) return;
  await onNode(
    node,
    () => node.cmip.set("Hunt_Group_Member", memberInstance(node, m.group, number), { Logged_On: on }),
    "Hunt_Group_Member",
  );
}

/**
 * The OnDynamicStateChanged a node's member change tells its user (the SDK's
 * OnDynamicStateChangedJson: the hunting group log-on state), whoever made it: this gateway, the
 * set's own prefix, or a PBX administrator. A member leaving its group is logged off it.
 */
export function dynamicStateOf(
  e: CmipEvent,
  userOf: (number: string) => string | undefined,
): { loginName: string; event: O2gEvent } | undefined {
  if (e.className !== "Hunt_Group_Member") return undefined;
  const loginName = userOf(e.instance.slice(e.instance.lastIndexOf("=") + 1));
  if (!loginName) return undefined;
  let logon: boolean;
  if (e.type === "objectDeletion") logon = false;
  else if (typeof e.attributes.Logged_On === "boolean") logon = e.attributes.Logged_On;
  else return undefined;
  return {
    loginName,
    event: { eventName: "OnDynamicStateChanged", loginName, huntingGroupState: { logon } },
  };
}
