/**
 * What a node's configuration holds beyond the directory: set programming (keys, soft keys,
 * PIN, lock, camp-on, associate), entities and cost centers, the node's name. Kept apart from
 * the CMIP server, once per node of a directory: the two call servers of a redundant node share
 * one configuration, as a duplicated OXE keeps its standby's database in step, so nothing
 * programmed is lost on a switchover. Sparse: a set nobody programmed costs nothing, so 100,000
 * users stay cheap.
 */
import type { CmipValue } from "../../protocols/cmip/index.js";
import {
  type Directory,
  type ExternalContact,
  externalContactCount,
  generateExternalContacts,
} from "../directory/index.js";

/** Attribute values that differ from the class defaults, by attribute id. */
export type Overrides = Map<number, CmipValue>;

export interface NamedEntry {
  name: string;
}

export class NodeConfigStore {
  nodeName: string;
  /** per Subscriber directory number: Subscriber attributes the directory does not hold */
  readonly sets = new Map<string, Overrides>();
  /** per directory number, per key position */
  readonly progKeys = new Map<string, Map<number, Overrides>>();
  readonly softKeys = new Map<string, Map<number, Overrides>>();
  readonly entities = new Map<number, NamedEntry>();
  readonly costCenters = new Map<number, NamedEntry>();
  /** the node's phone book of external numbers */
  readonly phoneBook: readonly ExternalContact[];

  constructor(nodeId: number, directory: Directory) {
    this.nodeName = `OXE-${nodeId}`;
    this.phoneBook = generateExternalContacts(
      directory.options.seed,
      nodeId,
      externalContactCount(directory.byNode.get(nodeId)?.length ?? 0),
    );
    // The generated users reference entities and cost centers: the node has them all.
    for (const s of directory.byNode.get(nodeId) ?? []) {
      if (!this.entities.has(s.entity)) this.entities.set(s.entity, { name: `Entity ${s.entity}` });
      if (s.costCenter > 0 && !this.costCenters.has(s.costCenter))
        this.costCenters.set(s.costCenter, { name: `Cost center ${s.costCenter}` });
    }
    if (!this.entities.has(1)) this.entities.set(1, { name: "Entity 1" });
  }

  /** Forget everything programmed for a set (its subscriber was deleted). */
  forgetSet(number: string): void {
    this.sets.delete(number);
    this.progKeys.delete(number);
    this.softKeys.delete(number);
  }
}

interface NetworkConfig {
  readonly nodes: Map<number, NodeConfigStore>;
  /** the next Subscriber.index to hand out (a created subscriber comes after the generated ones) */
  nextIndex: number;
}

const stores = new WeakMap<Directory, NetworkConfig>();

function network(directory: Directory): NetworkConfig {
  let n = stores.get(directory);
  if (!n) {
    n = { nodes: new Map(), nextIndex: directory.subscribers.length };
    stores.set(directory, n);
  }
  return n;
}

/** The configuration of node `nodeId` of the network `directory` describes (one per node). */
export function nodeConfig(directory: Directory, nodeId: number): NodeConfigStore {
  const n = network(directory);
  let s = n.nodes.get(nodeId);
  if (!s) {
    s = new NodeConfigStore(nodeId, directory);
    n.nodes.set(nodeId, s);
  }
  return s;
}

export function allocateSubscriberIndex(directory: Directory): number {
  const n = network(directory);
  return n.nextIndex++;
}
