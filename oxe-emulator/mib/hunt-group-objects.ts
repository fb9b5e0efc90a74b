/**
 * The hunting groups of a node as managed objects: Hunt_Group (number, name, search mode) and,
 * below it, one Hunt_Group_Member per member set with its log-on state. They read and write the
 * call model's groups themselves, so a change here is what the next call to the group sees.
 */
import type { CmipValue } from "../../protocols/cmip/index.js";
import {
  HUNT_MODES,
  type HuntingGroup,
  type HuntingGroups,
  type HuntMode,
  ModelError,
} from "../model/index.js";
import type { MibObject } from "./objects.js";
import { HUNT_GROUP_CLASS, HUNT_GROUP_MEMBER_CLASS } from "./schema.js";
import { instanceError, invalidValue, processingFailure } from "./types.js";

export class HuntGroupObject implements MibObject {
  readonly cls = HUNT_GROUP_CLASS;
  readonly instance: string;
  constructor(
    root: string,
    readonly group: HuntingGroup,
  ) {
    this.instance = `${root}/Hunt_Group=${group.number}`;
  }

  value(id: number): CmipValue | undefined {
    const g = this.group;
    return id === 1
      ? g.number
      : id === 2
        ? g.name
        : id === 3
          ? g.mode
          : id === 4
            ? g.members.length
            : undefined;
  }

  write(id: number, v: CmipValue): void {
    if (id === 2) this.group.name = String(v);
    else if (id === 3 && (HUNT_MODES as readonly string[]).includes(String(v)))
      this.group.mode = String(v) as HuntMode;
  }
}

export class HuntGroupMemberObject implements MibObject {
  readonly cls = HUNT_GROUP_MEMBER_CLASS;
  readonly instance: string;
  constructor(
    private readonly groups: HuntingGroups,
    private readonly group: HuntingGroup,
    groupInstance: string,
    private readonly number: string,
  ) {
    this.instance = `${groupInstance}/Hunt_Group_Member=${number}`;
  }

  private get member() {
    return this.groups.member(this.group, this.number);
  }

  value(id: number): CmipValue | undefined {
    const m = this.member;
    if (!m) return undefined;
    return id === 1
      ? m.number
      : id === 2
        ? this.group.members.indexOf(m) + 1
        : id === 3
          ? m.loggedOn
          : undefined;
  }

  write(id: number, v: CmipValue): void {
    const m = this.member;
    if (m && id === 3) m.loggedOn = v === true;
  }

  remove(): void {
    this.groups.removeMember(this.group, this.number);
  }
}

/** The member `number` of the group whose object is `groupInstance` (noSuchObjectInstance if none). */
export function memberObject(
  groups: HuntingGroups,
  g: HuntingGroup,
  groupInstance: string,
  number: string,
): HuntGroupMemberObject {
  if (!groups.member(g, number))
    throw instanceError(
      "noSuchObjectInstance",
      `${groupInstance}/Hunt_Group_Member=${number}`,
      `${number} is not a member of hunting group ${g.number}`,
    );
  return new HuntGroupMemberObject(groups, g, groupInstance, number);
}

/** M-CREATE of a member: a set of the group's node that is in no group yet joins the list's end. */
export function createMember(
  groups: HuntingGroups,
  g: HuntingGroup,
  groupInstance: string,
  values: Map<number, CmipValue>,
): HuntGroupMemberObject {
  const number = String(values.get(1));
  const instance = `${groupInstance}/Hunt_Group_Member=${number}`;
  if (groups.member(g, number))
    throw instanceError(
      "duplicateManagedObjectInstance",
      instance,
      `${number} is already in hunting group ${g.number}`,
    );
  try {
    groups.addMember(g, number, values.get(3) !== false);
  } catch (err) {
    if (!(err instanceof ModelError)) throw err;
    if (err.code === "invalidDevice") throw invalidValue(1, number, err.message);
    throw processingFailure(HUNT_GROUP_MEMBER_CLASS.id, instance, err.message);
  }
  return new HuntGroupMemberObject(groups, g, groupInstance, number);
}
