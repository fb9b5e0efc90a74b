/**
 * The OXE's hunting groups: a number of the numbering plan that is no set but a list of member
 * sets, and a search mode saying which of them a call to the number rings. The OXE's three
 * modes: Sequential (the first free member in list order, the next one when it does not
 * answer), Circular (the same, starting after the member that took the group's last call) and
 * Parallel (every free member at once, the first to answer takes the call, the others stop).
 * Busy, do-not-disturb, out-of-service and logged-off members are skipped; a call finding no
 * member free fails busy, one that nobody answers is released.
 *
 * The CSTA side is plain ECMA-269: the call keeps the group number as its called device, and
 * each member rung is Delivered with cause `distributed` (§12.2.10: the call was distributed by
 * a hunt group); a member the search leaves is cleared from the call.
 *
 * A member logs on and off its group on the set (the OXE's prefix); over the links it is the
 * member object's Logged_On attribute (CMIP), ECMA-269 having no logon for a group that is no
 * ACD group. A set belongs to one group at most (the SDK's "current" group).
 */
import { ModelError } from "./errors.js";
import type { Call, Connection, Device } from "./types.js";

/** The OXE's names for the search modes. */
export const HUNT_MODES = ["Sequential", "Circular", "Parallel"] as const;
export type HuntMode = (typeof HUNT_MODES)[number];

export interface HuntMember {
  readonly number: string;
  loggedOn: boolean;
}

export interface HuntingGroup {
  readonly number: string;
  readonly nodeId: number;
  name: string;
  mode: HuntMode;
  readonly members: HuntMember[];
  /** Circular: the member that took the group's last call (its number), where the search resumes */
  lastServed: string | undefined;
}

/** A call being offered by a group: the members it rang already. */
interface Hunt {
  readonly group: HuntingGroup;
  readonly tried: Set<string>;
}

/** What the call model does for the groups (its own transitions, with their events). */
export interface HuntHost {
  devices: ReadonlyMap<string, Device>;
  /** the device could take a new call now */
  isFree(d: Device): boolean;
  /** ring `member` for `call` (Delivered, cause distributed, the group as called device) */
  ring(call: Call, member: Device): Connection;
  /** take a ringing member out of the call (ConnectionCleared) */
  stopRinging(c: Connection): void;
  /** move the call from a ringing member to the next one (Diverted, cause distributed, then ring) */
  passOn(c: Connection, next: Device): Connection;
  /** the call reaches nobody: the caller hears busy tone */
  fail(call: Call, number: string): void;
  /** nobody answered: the call is released */
  release(call: Call): void;
  /** ms a member rings before a sequential or circular search moves on; a parallel ring's limit */
  readonly noAnswerMs: number;
  readonly ringTimeoutMs: number;
}

export class HuntingGroups {
  private readonly groups = new Map<string, HuntingGroup>();
  /** member set to its group */
  private readonly memberOf = new Map<string, HuntingGroup>();
  private readonly hunts = new WeakMap<Call, Hunt>();

  constructor(private readonly host: HuntHost) {}

  get(number: string): HuntingGroup | undefined {
    return this.groups.get(number);
  }

  /** The groups of a node, in number order. */
  ofNode(nodeId: number): HuntingGroup[] {
    return [...this.groups.values()]
      .filter((g) => g.nodeId === nodeId)
      .sort((a, b) => Number(a.number) - Number(b.number));
  }

  /** The group `number` is a member of. */
  groupOf(number: string): HuntingGroup | undefined {
    return this.memberOf.get(number);
  }

  add(number: string, nodeId: number, name: string, mode: HuntMode): HuntingGroup {
    if (this.groups.has(number) || this.host.devices.has(number))
      throw new ModelError("invalidDevice", `${number} is already in the numbering plan`);
    const g: HuntingGroup = { number, nodeId, name, mode, members: [], lastServed: undefined };
    this.groups.set(number, g);
    return g;
  }

  /** A set of the group's node joins the end of its list (refused if it is in a group already). */
  addMember(g: HuntingGroup, number: string, loggedOn = true): HuntMember {
    const d = this.host.devices.get(number);
    if (!d || d.service || d.nodeId !== g.nodeId)
      throw new ModelError("invalidDevice", `${number} is no set of node ${g.nodeId}`);
    const current = this.memberOf.get(number);
    if (current)
      throw new ModelError(
        "invalidDeviceState",
        `${number} is already a member of hunting group ${current.number}`,
      );
    const m: HuntMember = { number, loggedOn };
    g.members.push(m);
    this.memberOf.set(number, g);
    return m;
  }

  removeMember(g: HuntingGroup, number: string): void {
    const i = g.members.findIndex((m) => m.number === number);
    if (i < 0)
      throw new ModelError("invalidDevice", `${number} is not a member of hunting group ${g.number}`);
    g.members.splice(i, 1);
    this.memberOf.delete(number);
  }

  member(g: HuntingGroup, number: string): HuntMember | undefined {
    return g.members.find((m) => m.number === number);
  }

  /** A set that leaves the numbering plan leaves its group. */
  forget(number: string): void {
    const g = this.memberOf.get(number);
    if (g) this.removeMember(g, number);
  }

  // ---- distribution ----------------------------------------------------------------------

  /** Whether `call` is still being offered by a group (rung, not answered yet). */
  isHunting(call: Call): boolean {
    return this.hunts.has(call);
  }

  /** A call reached the group's number. */
  offer(call: Call, g: HuntingGroup): void {
    const hunt: Hunt = { group: g, tried: new Set() };
    this.hunts.set(call, hunt);
    if (g.mode === "Parallel") {
      const free = this.candidates(call, hunt);
      if (free.length === 0) {
        this.noMember(call, g);
        return;
      }
      for (const d of free) {
        hunt.tried.add(d.number);
        this.host.ring(call, d);
      }
      this.arm(call, this.host.ringTimeoutMs, () => this.host.release(call));
      return;
    }
    this.next(call, hunt);
  }

  /**
   * Ring the next free member (the call moving on from `from`, the member that did not answer);
   * at the end of the list the call is released, or fails busy if no member was free at all.
   */
  private next(call: Call, hunt: Hunt, from?: Connection): void {
    const d = this.candidates(call, hunt)[0];
    if (!d) {
      this.hunts.delete(call);
      if (hunt.tried.size === 0) this.host.fail(call, hunt.group.number);
      else this.host.release(call);
      return;
    }
    hunt.tried.add(d.number);
    const c = from ? this.host.passOn(from, d) : this.host.ring(call, d);
    this.arm(call, this.host.noAnswerMs, () => {
      if (c.state === "alerting" && call.connections.includes(c)) this.next(call, hunt, c);
    });
  }

  private noMember(call: Call, g: HuntingGroup): void {
    this.hunts.delete(call);
    this.host.fail(call, g.number);
  }

  private arm(call: Call, ms: number, fn: () => void): void {
    clearTimeout(call.ringTimer);
    // The call's own ring timer: answering or ending the call cancels it.
    call.ringTimer = setTimeout(() => {
      if (!call.ended && this.hunts.has(call)) fn();
    }, ms);
    call.ringTimer.unref();
  }

  /** Free, logged-on members not rung yet, in the order the mode searches them. */
  private candidates(call: Call, hunt: Hunt): Device[] {
    const g = hunt.group;
    let order = g.members;
    if (g.mode === "Circular" && g.lastServed !== undefined) {
      const i = g.members.findIndex((m) => m.number === g.lastServed);
      if (i >= 0) order = [...g.members.slice(i + 1), ...g.members.slice(0, i + 1)];
    }
    const out: Device[] = [];
    for (const m of order) {
      if (!m.loggedOn || hunt.tried.has(m.number)) continue;
      const d = this.host.devices.get(m.number);
      if (!d || call.connections.some((c) => c.device === d) || !this.host.isFree(d)) continue;
      out.push(d);
    }
    return out;
  }

  /** A member answered: the search ends; a parallel ring stops on the other members. */
  answered(c: Connection): void {
    const hunt = this.hunts.get(c.call);
    if (!hunt) return;
    this.hunts.delete(c.call);
    hunt.group.lastServed = c.device.number;
    for (const other of [...c.call.connections])
      if (other !== c && other.state === "alerting" && hunt.tried.has(other.device.number))
        this.host.stopRinging(other);
  }

  /**
   * A member turns down the call ringing on it (`c`, still in the call): a parallel ring goes on
   * on the others, a sequential or circular search moves the call on to the next member (or
   * releases it at the end of the list). Returns whether the group took care of `c`; if not
   * (the last member of a parallel ring), the call model clears it as any other.
   */
  declined(c: Connection): boolean {
    const hunt = this.hunts.get(c.call);
    if (!hunt?.tried.has(c.device.number)) return false;
    if (hunt.group.mode === "Parallel") {
      const others = c.call.connections.some(
        (x) => x !== c && x.state === "alerting" && hunt.tried.has(x.device.number),
      );
      if (others) this.host.stopRinging(c);
      else this.hunts.delete(c.call);
      return others;
    }
    this.next(c.call, hunt, c);
    return true;
  }

  /** The caller left before anyone answered. */
  abandoned(call: Call): void {
    this.hunts.delete(call);
  }
}

/** Hunting group numbers: a 4-digit range below the voice mail pilots (8000 + node). */
export const HUNT_GROUP_BASE = 6000;

/**
 * Each node's configured groups, as the seed makes the rest of the node: one group per mode,
 * numbered HUNT_GROUP_BASE + 10 x node + 1..3, whose members are the node's last users, three
 * each, all logged on (the first users of a node are kept out of groups: many scenarios use
 * them as plain sets).
 */
export function seedHuntingGroups(
  groups: HuntingGroups,
  nodeUsers: ReadonlyMap<number, readonly string[]>,
): void {
  for (const [nodeId, users] of nodeUsers) {
    const pool = users.slice(-9);
    HUNT_MODES.forEach((mode, k) => {
      const number = String(HUNT_GROUP_BASE + nodeId * 10 + k + 1);
      let g: HuntingGroup;
      try {
        g = groups.add(number, nodeId, `${mode} group ${nodeId}`, mode);
      } catch {
        return; // the number is a set's in this numbering plan: no group there
      }
      for (const n of pool.slice(k * 3, k * 3 + 3)) {
        if (users.length >= 12) groups.addMember(g, n);
      }
    });
  }
}
