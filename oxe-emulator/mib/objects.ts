/**
 * The object adapters: each object kind of a node (the node itself, its object model, a
 * subscriber, a programmable or soft key, an entity or cost center, a phone book entry) read and
 * written through its schema attributes, over the directory, the call model and the node's
 * configuration store.
 */
import {
  type CmipValue,
  encodeSchema,
  OBJECT_MODEL_CLASSES_ATTRIBUTE,
  type SchemaClass,
} from "../../protocols/cmip/index.js";
import {
  type Directory,
  type ExternalContact,
  type Subscriber,
  stationTypeByName,
} from "../directory/index.js";
import type { Device, Network, OverflowType } from "../model/index.js";
import { PROG_KEY_ATTRIBUTES as KEY, SUBSCRIBER_ATTRIBUTES as SUB } from "./attribute-ids.js";
import {
  CLASSES,
  ENTITY_CLASS,
  NODE_CLASS,
  OBJECT_MODEL_CLASS,
  PHONE_BOOK_ENTRY_CLASS,
  PROG_KEY_CLASS,
  SUBSCRIBER_CLASS,
  softKeyCount,
} from "./schema.js";
import type { NamedEntry, NodeConfigStore, Overrides } from "./store.js";
import { invalidValue, type ManagedObject, MibError, processingFailure } from "./types.js";

export const EMULATED_OXE_VERSION = "M5.3 (o2g-testbench emulation)";

/** What one object kind does beyond reading. */
export interface MibObject extends ManagedObject {
  write?(attributeId: number, value: CmipValue): void;
  /** refuse a modification whose result would be inconsistent (values: the attributes after it) */
  check?(values: (attributeId: number) => CmipValue | undefined): void;
  remove?(): void;
}

/**
 * What the object kinds below share of their node. The kinds are classes, not closures built per
 * object: a scoped read makes one object per subscriber or key, and closures (each named by the
 * transpiler that runs this code) would cost more than the read itself.
 */
export interface NodeContext {
  readonly nodeId: number;
  readonly root: string;
  readonly store: NodeConfigStore;
  readonly directory: Directory;
  /** the call model's set, where the configuration changes how calls are routed */
  device(directoryNumber: string): Device | undefined;
  subscribers(): Subscriber[];
  removeSubscriber(s: Subscriber): void;
}

export class NodeObject implements MibObject {
  readonly cls = NODE_CLASS;
  readonly instance: string;
  constructor(
    private readonly node: NodeContext,
    private readonly network: Network | undefined,
  ) {
    this.instance = node.root;
  }

  value(id: number): CmipValue | undefined {
    switch (id) {
      case 1:
        return this.node.nodeId;
      case 2:
        return this.node.store.nodeName;
      case 3:
        return EMULATED_OXE_VERSION;
      case 4:
        return this.node.subscribers().length;
      case 5:
        return this.node.subscribers()[0]?.directoryNumber ?? "";
      case 6: {
        const subs = this.node.subscribers();
        return subs[subs.length - 1]?.directoryNumber ?? "";
      }
      case 7:
        return this.network?.voiceMailOf(this.node.nodeId)?.number;
      default:
        return undefined;
    }
  }

  write(id: number, v: CmipValue): void {
    if (id === 2) this.node.store.nodeName = String(v);
  }
}

export class ModelObject implements MibObject {
  readonly cls = OBJECT_MODEL_CLASS;
  readonly instance: string;
  constructor(node: NodeContext) {
    this.instance = `${node.root}/ObjectModel=OXE`;
  }

  value(id: number): CmipValue | undefined {
    return id === OBJECT_MODEL_CLASSES_ATTRIBUTE ? schemaValue() : id === 1 ? "OXE" : undefined;
  }
}

let schema: CmipValue | undefined;

/**
 * The classes as the object model's attribute carries them, built once: the schema is fixed,
 * and every manager reads it on every association (a gateway of 100 nodes, 100 times at once).
 */
function schemaValue(): CmipValue {
  schema ??= encodeSchema(CLASSES);
  return schema;
}

const SUB_DEFS = SUBSCRIBER_CLASS.attributes;

const OVERFLOW_FROM_NAME: Record<string, OverflowType | null> = {
  None: null,
  Busy: "busy",
  No_Answer: "noAnswer",
  Busy_No_Answer: "busyNoAnswer",
};

function overflowName(o: OverflowType | null): string {
  return o === "busy"
    ? "Busy"
    : o === "noAnswer"
      ? "No_Answer"
      : o === "busyNoAnswer"
        ? "Busy_No_Answer"
        : "None";
}

export class SubscriberObject implements MibObject {
  readonly cls = SUBSCRIBER_CLASS;
  readonly instance: string;
  constructor(
    private readonly node: NodeContext,
    readonly s: Subscriber,
  ) {
    this.instance = `${node.root}/Subscriber=${s.directoryNumber}`;
  }

  value(id: number): CmipValue | undefined {
    const s = this.s;
    switch (id) {
      case 1:
        return s.directoryNumber;
      case 2:
        return s.lastName;
      case 3:
        return s.firstName;
      case 4:
        return s.stationType.name;
      case 5:
        return s.classOfService;
      case 6:
        return s.costCenter;
      case 7:
        return s.entity;
      case 8:
        return s.loginName;
      case 9:
        return undefined; // Password: write-only
      case 18:
        return s.stationType.keys;
      case 19:
        return softKeyCount(s.stationType.name);
      case 20:
        return overflowName(this.node.device(s.directoryNumber)?.overflow ?? null);
      default: {
        const def = SUB_DEFS[id - 1];
        if (!def || def.id !== id) return undefined;
        return this.node.store.sets.get(s.directoryNumber)?.get(id) ?? def.defaultValue;
      }
    }
  }

  write(id: number, v: CmipValue): void {
    const s = this.s;
    const dn = s.directoryNumber;
    const store = this.node.store;
    switch (id) {
      case 2:
        s.lastName = String(v);
        return;
      case 3:
        s.firstName = String(v);
        return;
      case 4: {
        const t = stationTypeByName(String(v));
        if (!t) return;
        s.stationType = t;
        // A set with fewer keys keeps only the positions it has.
        for (const [map, count] of [
          [store.progKeys, t.keys],
          [store.softKeys, softKeyCount(t.name)],
        ] as const) {
          const keys = map.get(dn);
          if (!keys) continue;
          for (const p of [...keys.keys()]) if (p > count) keys.delete(p);
          if (keys.size === 0) map.delete(dn);
        }
        return;
      }
      case 5:
        s.classOfService = Number(v);
        return;
      case 6:
        s.costCenter = Number(v);
        return;
      case 7:
        s.entity = Number(v);
        return;
      case 9:
        s.password = String(v);
        return;
      case 20: {
        const d = this.node.device(dn);
        if (d) d.overflow = OVERFLOW_FROM_NAME[String(v)] ?? null;
        return;
      }
      default: {
        let o = store.sets.get(dn);
        if (v === SUB_DEFS[id - 1]?.defaultValue) {
          o?.delete(id);
          if (o?.size === 0) store.sets.delete(dn);
          return;
        }
        if (!o) {
          o = new Map();
          store.sets.set(dn, o);
        }
        o.set(id, v);
      }
    }
  }

  check(value: (attributeId: number) => CmipValue | undefined): void {
    const { store, nodeId } = this.node;
    const entity = Number(value(SUB.Entity_Number!));
    if (!store.entities.has(entity))
      throw invalidValue(SUB.Entity_Number!, entity, `there is no Entity ${entity} on node ${nodeId}`);
    const cc = Number(value(SUB.Cost_Center!));
    if (cc !== 0 && !store.costCenters.has(cc))
      throw invalidValue(SUB.Cost_Center!, cc, `there is no Cost_Center ${cc} on node ${nodeId}`);
    const pin = String(value(SUB.Pin_Number!) ?? "");
    if (pin.length > 0 && pin.length < 4) throw invalidValue(SUB.Pin_Number!, pin, "a PIN has 4 to 8 digits");
    const dn = this.s.directoryNumber;
    if (value(SUB.Associated_Set!) === dn)
      throw invalidValue(SUB.Associated_Set!, dn, `${dn} cannot be its own associated set`);
  }

  remove(): void {
    this.node.removeSubscriber(this.s);
  }
}

export class KeyObject implements MibObject {
  readonly instance: string;
  private readonly map: Map<string, Map<number, Overrides>>;
  constructor(
    private readonly node: NodeContext,
    readonly cls: SchemaClass,
    private readonly s: Subscriber,
    private readonly position: number,
  ) {
    this.instance = `${node.root}/Subscriber=${s.directoryNumber}/${cls.name}=${position}`;
    this.map = cls === PROG_KEY_CLASS ? node.store.progKeys : node.store.softKeys;
  }

  value(id: number): CmipValue | undefined {
    if (id === 1) return this.position;
    const def = this.cls.attributes[id - 1];
    if (!def || def.id !== id) return undefined;
    return this.map.get(this.s.directoryNumber)?.get(this.position)?.get(id) ?? def.defaultValue;
  }

  write(id: number, v: CmipValue): void {
    const dn = this.s.directoryNumber;
    let keys = this.map.get(dn);
    if (!keys) {
      keys = new Map();
      this.map.set(dn, keys);
    }
    let o = keys.get(this.position);
    if (!o) {
      o = new Map();
      keys.set(this.position, o);
    }
    if (v === this.cls.attributes[id - 1]?.defaultValue) o.delete(id);
    else o.set(id, v);
    if (o.size === 0) keys.delete(this.position);
    if (keys.size === 0) this.map.delete(dn);
  }

  check(value: (attributeId: number) => CmipValue | undefined): void {
    if (this.cls !== PROG_KEY_CLASS) return;
    const fn = String(value(KEY.Key_Function!));
    const number = String(value(KEY.Key_Number!) ?? "");
    if (fn !== "Not_Assigned" && number === "")
      throw invalidValue(KEY.Key_Number!, number, `a ${fn} key needs a Key_Number`);
    if (fn === "Not_Assigned" && (number !== "" || value(KEY.Key_Mnemonic!) !== ""))
      throw invalidValue(
        KEY.Key_Function!,
        fn,
        "a Not_Assigned key has neither number nor mnemonic: give its Key_Function too",
      );
    if (fn === "Supervision" && !this.node.directory.byNumber.has(number))
      throw invalidValue(KEY.Key_Number!, number, `there is no subscriber ${number} to supervise`);
  }
}

/** An Entity or a Cost_Center: a number and a name, which subscribers reference. */
export class NumberedObject implements MibObject {
  readonly instance: string;
  constructor(
    private readonly node: NodeContext,
    readonly cls: SchemaClass,
    private readonly n: number,
    private readonly entry: NamedEntry,
  ) {
    this.instance = `${node.root}/${cls.name}=${n}`;
  }

  value(id: number): CmipValue | undefined {
    return id === 1 ? this.n : id === 2 ? this.entry.name : undefined;
  }

  write(id: number, v: CmipValue): void {
    if (id === 2) this.entry.name = String(v);
  }

  remove(): void {
    const entity = this.cls === ENTITY_CLASS;
    let users = 0;
    for (const s of this.node.subscribers()) if ((entity ? s.entity : s.costCenter) === this.n) users++;
    if (users > 0)
      throw processingFailure(
        this.cls.id,
        this.instance,
        `${this.cls.name} ${this.n} is still used by ${users} subscriber(s) of node ${this.node.nodeId}`,
      );
    (entity ? this.node.store.entities : this.node.store.costCenters).delete(this.n);
  }
}

export class PhoneBookObject implements MibObject {
  readonly cls = PHONE_BOOK_ENTRY_CLASS;
  readonly instance: string;
  constructor(
    node: NodeContext,
    private readonly entry: ExternalContact,
  ) {
    this.instance = `${node.root}/Phone_Book_Entry=${entry.id}`;
  }

  value(id: number): CmipValue | undefined {
    const e = this.entry;
    return id === 1 ? e.id : id === 2 ? e.lastName : id === 3 ? e.firstName : id === 4 ? e.number : undefined;
  }

  write(): void {
    throw new MibError({ error: "accessDenied" }, "the phone book is maintained on the node");
  }
}
