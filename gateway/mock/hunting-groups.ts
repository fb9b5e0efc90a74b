/**
 * The stand-in's hunting groups: the node's groups and their members' log-on state, answered as
 * the gateway answers (domain/telephony/hunting-groups.ts), each log-on change told as
 * OnDynamicStateChanged. Calls to a group's number are not distributed here (the stand-in's
 * calls know the users' numbers only): the sandbox does that.
 */
import type { HuntingGroupsJson } from "../domain/telephony/hunting-groups.js";
import type { O2gEvent } from "../events/types.js";
import { MockError } from "./errors.js";
import type { MockUser } from "./users.js";

/** group number → member number → logged on; the last two users in the first group. */
export const DEFAULT_HUNTING_GROUPS: Readonly<Record<string, readonly string[]>> = {
  "6011": ["10003", "10004"],
  "6012": [],
  "6013": [],
};

const conflict = (message: string) => new MockError(409, message, { type: "CONFLICT" });

export class MockHuntingGroups {
  private readonly groups = new Map<string, Map<string, boolean>>();

  constructor(
    private readonly publish: (login: string, event: O2gEvent) => void,
    groups: Readonly<Record<string, readonly string[]>> = DEFAULT_HUNTING_GROUPS,
  ) {
    for (const [hg, members] of Object.entries(groups))
      this.groups.set(hg, new Map(members.map((m) => [m, true])));
  }

  private groupOf(u: MockUser): [string, Map<string, boolean>] | undefined {
    for (const [hg, members] of this.groups) if (members.has(u.number)) return [hg, members];
    return undefined;
  }

  private known(hg: string): Map<string, boolean> {
    const g = this.groups.get(hg);
    if (!g) throw new MockError(404, `there is no hunting group ${hg} on OXE node 1`, { type: "NOT_FOUND" });
    return g;
  }

  list(u: MockUser): HuntingGroupsJson {
    const current = this.groupOf(u);
    return { hgList: [...this.groups.keys()], ...(current ? { currentHg: current[0] } : {}) };
  }

  join(u: MockUser, hg: string): void {
    const g = this.known(hg);
    const current = this.groupOf(u);
    if (current?.[0] === hg) return;
    if (current)
      throw conflict(
        `${u.number} is a member of hunting group ${current[0]}: a set belongs to one hunting group`,
      );
    g.set(u.number, true);
  }

  leave(u: MockUser, hg: string): void {
    const g = this.known(hg);
    if (!g.delete(u.number)) return;
    this.told(u, false);
  }

  status(u: MockUser): { logon: boolean } {
    const current = this.groupOf(u);
    if (!current) throw conflict(`${u.number} is not a member of any hunting group`);
    return { logon: current[1].get(u.number) === true };
  }

  setLoggedOn(u: MockUser, on: boolean): void {
    if (this.status(u).logon === on) return;
    this.groupOf(u)![1].set(u.number, on);
    this.told(u, on);
  }

  private told(u: MockUser, logon: boolean): void {
    this.publish(u.loginName, {
      eventName: "OnDynamicStateChanged",
      loginName: u.loginName,
      huntingGroupState: { logon },
    });
  }
}
