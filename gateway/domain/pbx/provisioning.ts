/**
 * Which of a node's subscribers are O2G users. Every subscriber is one by default (O2G's
 * subscriber filter ALL); an administrator may delete the O2G user of a subscriber that stays on
 * the OXE (Users Management deleteUser), and create it again later (createUsers). The gateway
 * remembers those deletions across re-reads of the node, until the subscriber itself goes.
 */
import type { UserDirectory } from "../directory.js";

export class UserProvisioning {
  private readonly removed = new Map<number, Set<string>>();

  /** The subscriber `number` of node `nodeId` is not an O2G user. */
  isRemoved(nodeId: number, number: string): boolean {
    return this.removed.get(nodeId)?.has(number) ?? false;
  }

  remove(nodeId: number, number: string): void {
    let set = this.removed.get(nodeId);
    if (!set) {
      set = new Set();
      this.removed.set(nodeId, set);
    }
    set.add(number);
  }

  /** Make the subscriber an O2G user again (or forget a subscriber that left the node). */
  restore(nodeId: number, number: string): boolean {
    return this.removed.get(nodeId)?.delete(number) ?? false;
  }

  removedOf(nodeId: number): ReadonlySet<string> {
    return this.removed.get(nodeId) ?? new Set();
  }
}

const registry = new WeakMap<UserDirectory, UserProvisioning>();

/** The provisioning state that goes with a gateway's user directory (one per gateway). */
export function provisioningOf(directory: UserDirectory): UserProvisioning {
  let p = registry.get(directory);
  if (!p) {
    p = new UserProvisioning();
    registry.set(directory, p);
  }
  return p;
}
