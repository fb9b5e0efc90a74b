/**
 * Desk sharing on the OXE: a node has a few desk sharing sets (DSS), sets of their own number
 * that belong to nobody. A user logs on to a free one with their own number: from then on the
 * set carries the user's number (its handset answers and places the user's calls) and its own
 * number is out of reach; logging off gives the set its number back.
 *
 * Numbering (ours): node n's sets are DESK_SET_BASE + DESK_SETS_PER_NODE·(n−1) + 1..3, a
 * 4-digit range below the hunting groups and CCD numbers (6000s, 7000s) and the voice mail
 * pilots (8000 + n). Any user of the node may log on (the OXE's "desk sharing user" right is
 * not modelled).
 *
 * ECMA-269 has no desk sharing service: the log on and log off travel as OXE private requests
 * in the escape service (protocols/csta/feature-services.ts).
 */
import type { Subscriber } from "../directory/index.js";
import { ModelError } from "./errors.js";
import type { Network } from "./network.js";
import type { Device } from "./types.js";

export const DESK_SET_BASE = 5000;
export const DESK_SETS_PER_NODE = 3;

export const deskSetNumber = (nodeId: number, i: number): string =>
  String(DESK_SET_BASE + DESK_SETS_PER_NODE * (nodeId - 1) + i);

export class DeskSharing {
  /** desk set number -> the number of the user logged on it */
  private readonly occupants = new Map<string, string>();
  private readonly sets = new Set<string>();

  constructor(private readonly net: Network) {}

  /** Node `nodeId`'s desk sharing sets, made in the numbering plan. */
  addSets(nodeId: number, count = DESK_SETS_PER_NODE): string[] {
    const made: string[] = [];
    for (let i = 1; i <= count; i++) {
      const number = deskSetNumber(nodeId, i);
      if (this.net.devices.has(number)) continue;
      const subscriber: Subscriber = {
        index: -1,
        directoryNumber: number,
        nodeId,
        firstName: "",
        lastName: `Desk sharing set ${i}`,
        loginName: "",
        password: "",
        stationType: { name: "DSS set", kind: "DESKPHONE", weight: 0, keys: 0 },
        classOfService: 0,
        costCenter: 0,
        entity: 0,
      };
      this.net.addDevice(subscriber);
      this.sets.add(number);
      made.push(number);
    }
    return made;
  }

  isDeskSet(number: string): boolean {
    return this.sets.has(number);
  }

  /** The user logged on the set, if any. */
  occupant(set: string): string | undefined {
    return this.occupants.get(set);
  }

  /** The set the user is logged on, if any. */
  setOf(user: string): string | undefined {
    for (const [set, u] of this.occupants) if (u === user) return set;
    return undefined;
  }

  logOn(user: Device, set: string): void {
    const dss = this.net.devices.get(set);
    if (!dss || !this.sets.has(set) || dss.nodeId !== user.nodeId)
      throw new ModelError("invalidDevice", `${set} is no desk sharing set of node ${user.nodeId}`);
    if (this.sets.has(user.number) || user.service)
      throw new ModelError("invalidDevice", `${user.number} cannot log on a desk sharing set`);
    if (this.occupants.has(set) || dss.connections.length > 0)
      throw new ModelError("invalidDeviceState", `desk sharing set ${set} is in use`);
    if (this.setOf(user.number))
      throw new ModelError(
        "invalidDeviceState",
        `${user.number} is already logged on ${this.setOf(user.number)}`,
      );
    this.occupants.set(set, user.number);
    // The set's own number is gone while it carries the user's: calls to it are not obtainable.
    dss.outOfService = true;
  }

  logOff(user: Device): string {
    const set = this.setOf(user.number);
    if (!set)
      throw new ModelError("invalidDeviceState", `${user.number} is not logged on a desk sharing set`);
    this.occupants.delete(set);
    const dss = this.net.devices.get(set);
    if (dss) dss.outOfService = false;
    return set;
  }

  /** The device a physical set plays now: the user logged on a desk set, else the set itself. */
  deviceAt(number: string): Device {
    return this.net.device(this.occupants.get(number) ?? number);
  }
}

const DESKS = new WeakMap<Network, DeskSharing>();

/** The network's desk sharing, made the first time it is asked for. */
export function deskSharingOf(net: Network): DeskSharing {
  let d = DESKS.get(net);
  if (!d) {
    d = new DeskSharing(net);
    DESKS.set(net, d);
  }
  return d;
}
