/**
 * The managed objects of one emulated node, seen through its schema: the node itself, its object
 * model, one Subscriber per user (derived from the directory, not copied, so 100,000 users cost
 * no extra memory here), each set's programmable and soft keys, entities and cost centers. Reads,
 * and the changes a manager makes (M-SET, M-CREATE, M-DELETE), validated as a PBX validates them:
 * every refusal is the X.711 error a manager expects, naming the attribute at fault.
 *
 * Changes are real: a created subscriber joins the directory and the call model (it can log in
 * and call), a deleted one leaves them, and every change is returned as the X.721 notification
 * the CMIP server then reports to its managers.
 */
import {
  type Attribute,
  type BaseObject,
  type CmipErrorName,
  type CmipEventName,
  type CmipValue,
  type CreateArgument,
  classCapabilities,
  encodeSchema,
  type Filter,
  OBJECT_MODEL_CLASSES_ATTRIBUTE,
  type ObjectResult,
  type SchemaAttribute,
  type SchemaClass,
  type Scope,
  type SetArgument,
} from "../../protocols/cmip/index.js";
import {
  type Directory,
  type ExternalContact,
  type Subscriber,
  stationTypeByName,
} from "../directory/index.js";
import type { Device, Network, OverflowType } from "../model/index.js";
import { ModelError } from "../model/index.js";
import {
  attr,
  CLASSES,
  COST_CENTER_CLASS,
  classById,
  classByName,
  ENTITY_CLASS,
  NODE_CLASS,
  OBJECT_MODEL_CLASS,
  PHONE_BOOK_ENTRY_CLASS,
  PROG_KEY_CLASS,
  SOFT_KEY_CLASS,
  SUBSCRIBER_CLASS,
  softKeyCount,
} from "./schema.js";
import {
  allocateSubscriberIndex,
  type NamedEntry,
  type NodeConfigStore,
  nodeConfig,
  type Overrides,
} from "./store.js";

export const EMULATED_OXE_VERSION = "M5.3 (o2g-testbench emulation)";

export interface ManagedObject {
  readonly cls: SchemaClass;
  readonly instance: string;
  /** a readable attribute's value (write-only ones are never given out, not even to filters) */
  value(attributeId: number): CmipValue | undefined;
}

/** What one object kind does beyond reading. */
interface MibObject extends ManagedObject {
  write?(attributeId: number, value: CmipValue): void;
  /** refuse a modification whose result would be inconsistent (values: the attributes after it) */
  check?(values: (attributeId: number) => CmipValue | undefined): void;
  remove?(): void;
}

export interface MibErrorDetail {
  attributeId?: number;
  value?: CmipValue;
}

/** A refusal, in X.711's terms (the CMIP server answers it as the error of that name). */
export class MibError extends Error {
  constructor(
    readonly code: CmipErrorName,
    message: string,
    readonly detail: MibErrorDetail = {},
  ) {
    super(message);
  }
}

/** An X.721 notification of a change: what the CMIP server reports to its managers. */
export interface MibChange {
  type: CmipEventName;
  objectClass: number;
  instance: string;
  attributes: Attribute[];
}

export interface MibResult {
  result: ObjectResult;
  changes: MibChange[];
}

const SUB = Object.fromEntries(SUBSCRIBER_CLASS.attributes.map((x) => [x.name, x.id])) as Record<
  string,
  number
>;
const KEY = Object.fromEntries(PROG_KEY_CLASS.attributes.map((x) => [x.name, x.id])) as Record<
  string,
  number
>;
const SOFT = Object.fromEntries(SOFT_KEY_CLASS.attributes.map((x) => [x.name, x.id])) as Record<
  string,
  number
>;

const patterns = new WeakMap<SchemaAttribute, RegExp>();

/** Why `v` is not a valid value of `def` (type, length, range, pattern, enumeration), or null. */
export function valueProblem(def: SchemaAttribute, v: CmipValue): string | null {
  switch (def.type) {
    case "string": {
      if (typeof v !== "string") return `${def.name} must be a string, not ${describe(v)}`;
      if (def.min !== undefined && v.length < def.min)
        return `${def.name} must have at least ${def.min} character(s)`;
      if (def.max !== undefined && v.length > def.max)
        return `${def.name} must have at most ${def.max} character(s)`;
      if (def.pattern) {
        let re = patterns.get(def);
        if (!re) {
          re = new RegExp(def.pattern);
          patterns.set(def, re);
        }
        if (!re.test(v)) return `${def.name} "${v}" does not match ${def.pattern}`;
      }
      return null;
    }
    case "integer":
      if (typeof v !== "number" || !Number.isSafeInteger(v))
        return `${def.name} must be an integer, not ${describe(v)}`;
      if (def.min !== undefined && v < def.min) return `${def.name} ${v} is below ${def.min}`;
      if (def.max !== undefined && v > def.max) return `${def.name} ${v} is above ${def.max}`;
      return null;
    case "boolean":
      return typeof v === "boolean" ? null : `${def.name} must be a boolean, not ${describe(v)}`;
    case "enum":
      if (typeof v !== "string") return `${def.name} must be one of its names, not ${describe(v)}`;
      return def.values?.includes(v)
        ? null
        : `${def.name} "${v}" is not one of ${(def.values ?? []).join(", ")}`;
  }
}

function describe(v: CmipValue): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** "Node=1/Subscriber=10001/Prog_Key=3" as [["Node","1"],["Subscriber","10001"],["Prog_Key","3"]]. */
function parseInstance(instance: string): [string, string][] | null {
  const out: [string, string][] = [];
  for (const part of instance.split("/")) {
    const eq = part.indexOf("=");
    if (eq <= 0 || eq === part.length - 1) return null;
    out.push([part.slice(0, eq), part.slice(eq + 1)]);
  }
  return out;
}

const POSITION = /^[1-9][0-9]{0,2}$/;

/**
 * What the object kinds below share of their node. The kinds are classes, not closures built per
 * object: a scoped read makes one object per subscriber or key, and closures (each named by the
 * transpiler that runs this code) would cost more than the read itself.
 */
interface NodeContext {
  readonly nodeId: number;
  readonly root: string;
  readonly store: NodeConfigStore;
  readonly directory: Directory;
  /** the call model's set, where the configuration changes how calls are routed */
  device(directoryNumber: string): Device | undefined;
  subscribers(): Subscriber[];
  removeSubscriber(s: Subscriber): void;
}

class NodeObject implements MibObject {
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

class ModelObject implements MibObject {
  readonly cls = OBJECT_MODEL_CLASS;
  readonly instance: string;
  constructor(node: NodeContext) {
    this.instance = `${node.root}/ObjectModel=OXE`;
  }

  value(id: number): CmipValue | undefined {
    return id === OBJECT_MODEL_CLASSES_ATTRIBUTE ? encodeSchema(CLASSES) : id === 1 ? "OXE" : undefined;
  }
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

class SubscriberObject implements MibObject {
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
      throw new MibError("invalidAttributeValue", `there is no Entity ${entity} on node ${nodeId}`, {
        attributeId: SUB.Entity_Number!,
        value: entity,
      });
    const cc = Number(value(SUB.Cost_Center!));
    if (cc !== 0 && !store.costCenters.has(cc))
      throw new MibError("invalidAttributeValue", `there is no Cost_Center ${cc} on node ${nodeId}`, {
        attributeId: SUB.Cost_Center!,
        value: cc,
      });
    const pin = String(value(SUB.Pin_Number!) ?? "");
    if (pin.length > 0 && pin.length < 4)
      throw new MibError("invalidAttributeValue", "a PIN has 4 to 8 digits", {
        attributeId: SUB.Pin_Number!,
        value: pin,
      });
    const dn = this.s.directoryNumber;
    if (value(SUB.Associated_Set!) === dn)
      throw new MibError("invalidAttributeValue", `${dn} cannot be its own associated set`, {
        attributeId: SUB.Associated_Set!,
        value: dn,
      });
  }

  remove(): void {
    this.node.removeSubscriber(this.s);
  }
}

class KeyObject implements MibObject {
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
      throw new MibError("invalidAttributeValue", `a ${fn} key needs a Key_Number`, {
        attributeId: KEY.Key_Number!,
        value: number,
      });
    if (fn === "Not_Assigned" && (number !== "" || value(KEY.Key_Mnemonic!) !== ""))
      throw new MibError(
        "invalidAttributeValue",
        "a Not_Assigned key has neither number nor mnemonic: give its Key_Function too",
        { attributeId: KEY.Key_Function!, value: fn },
      );
    if (fn === "Supervision" && !this.node.directory.byNumber.has(number))
      throw new MibError("invalidAttributeValue", `there is no subscriber ${number} to supervise`, {
        attributeId: KEY.Key_Number!,
        value: number,
      });
  }
}

/** An Entity or a Cost_Center: a number and a name, which subscribers reference. */
class NumberedObject implements MibObject {
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
      throw new MibError(
        "processingFailure",
        `${this.cls.name} ${this.n} is still used by ${users} subscriber(s) of node ${this.node.nodeId}`,
      );
    (entity ? this.node.store.entities : this.node.store.costCenters).delete(this.n);
  }
}

class PhoneBookObject implements MibObject {
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
    throw new MibError("accessDenied", "the phone book is maintained on the node");
  }
}

export class NodeMib implements NodeContext {
  readonly root: string;
  readonly store: NodeConfigStore;
  private readonly planDigits: number;

  constructor(
    readonly nodeId: number,
    readonly directory: Directory,
    private readonly network?: Network,
  ) {
    this.root = `Node=${nodeId}`;
    this.store = nodeConfig(directory, nodeId);
    this.planDigits = String(directory.options.firstNumber).length;
  }

  get nodeName(): string {
    return this.store.nodeName;
  }

  subscribers(): Subscriber[] {
    return this.directory.byNode.get(this.nodeId) ?? [];
  }

  device(directoryNumber: string): Device | undefined {
    return this.network?.devices.get(directoryNumber);
  }

  // ---- the objects ------------------------------------------------------------------------

  private nodeObject(): MibObject {
    return new NodeObject(this, this.network);
  }

  private modelObject(): MibObject {
    return new ModelObject(this);
  }

  subscriberObject(s: Subscriber): MibObject {
    return new SubscriberObject(this, s);
  }

  private keyObject(cls: SchemaClass, s: Subscriber, position: number): MibObject {
    return new KeyObject(this, cls, s, position);
  }

  private numberedObject(cls: SchemaClass, n: number): MibObject {
    const e = (cls === ENTITY_CLASS ? this.store.entities : this.store.costCenters).get(n);
    if (!e) throw new MibError("noSuchObjectInstance", `no ${cls.name} ${n} on node ${this.nodeId}`);
    return new NumberedObject(this, cls, n, e);
  }

  // ---- naming -----------------------------------------------------------------------------

  private subscriberOf(dn: string): Subscriber {
    const s = this.directory.byNumber.get(dn);
    if (!s || s.nodeId !== this.nodeId)
      throw new MibError("noSuchObjectInstance", `no Subscriber ${dn} on node ${this.nodeId}`);
    return s;
  }

  /** The object an instance names, whatever its class. */
  resolve(instance: string): MibObject {
    const path = parseInstance(instance);
    if (!path || path[0]![0] !== "Node")
      throw new MibError("invalidObjectInstance", `"${instance}" is not an instance name of this node`);
    if (path[0]![1] !== String(this.nodeId))
      throw new MibError("noSuchObjectInstance", `${instance}: this is node ${this.nodeId}`);
    if (path.length === 1) return this.nodeObject();
    const [cls1, id1] = path[1]!;
    const cls = classByName(cls1);
    if (cls?.parent !== "Node")
      throw new MibError("invalidObjectInstance", `${instance}: no class ${cls1} below Node`);
    if (path.length === 2) {
      switch (cls) {
        case SUBSCRIBER_CLASS:
          return this.subscriberObject(this.subscriberOf(id1));
        case OBJECT_MODEL_CLASS:
          if (id1 === "OXE") return this.modelObject();
          break;
        case ENTITY_CLASS:
        case COST_CENTER_CLASS:
          if (/^[0-9]{1,3}$/.test(id1)) return this.numberedObject(cls, Number(id1));
          break;
        case PHONE_BOOK_ENTRY_CLASS: {
          const e = /^[0-9]{1,6}$/.test(id1) ? this.store.phoneBook[Number(id1) - 1] : undefined;
          if (e) return new PhoneBookObject(this, e);
          break;
        }
      }
      throw new MibError("noSuchObjectInstance", `no ${cls.name} ${id1} on node ${this.nodeId}`);
    }
    if (path.length === 3 && cls === SUBSCRIBER_CLASS) {
      const [cls2, id2] = path[2]!;
      const keyCls =
        cls2 === PROG_KEY_CLASS.name
          ? PROG_KEY_CLASS
          : cls2 === SOFT_KEY_CLASS.name
            ? SOFT_KEY_CLASS
            : undefined;
      if (!keyCls)
        throw new MibError("invalidObjectInstance", `${instance}: no class ${cls2} below Subscriber`);
      const s = this.subscriberOf(id1);
      const count = keyCls === PROG_KEY_CLASS ? s.stationType.keys : softKeyCount(s.stationType.name);
      const pos = POSITION.test(id2) ? Number(id2) : 0;
      if (pos < 1 || pos > count)
        throw new MibError(
          "noSuchObjectInstance",
          `Subscriber ${id1} (${s.stationType.name}) has ${count} ${keyCls.name} position(s); there is no ${id2}`,
        );
      return this.keyObject(keyCls, s, pos);
    }
    throw new MibError("invalidObjectInstance", `"${instance}" names no object of this node`);
  }

  /** The object named `instance`, which must be of class `classId`. */
  lookup(classId: number, instance: string): MibObject {
    const cls = classById(classId);
    if (!cls) throw new MibError("noSuchObjectClass", `no class ${classId}`);
    const o = this.resolve(instance);
    if (o.cls !== cls)
      throw new MibError("classInstanceConflict", `${instance} is a ${o.cls.name}, not a ${cls.name}`);
    return o;
  }

  /** The subscriber named by a Subscriber instance, for actions. */
  subscriber(instance: string): Subscriber {
    const o = this.lookup(SUBSCRIBER_CLASS.id, instance);
    return this.subscriberOf(String(o.value(1)));
  }

  /**
   * The objects a scoped operation reaches: the base object, or the objects of class `classId`
   * below it (the scope names the children's class, as our gateway does), kept if they pass the
   * filter. Lazy: a 20,000-subscriber answer streams out as linked replies.
   */
  *select(
    classId: number,
    base: string,
    scope: Scope = "baseObject",
    filter?: Filter,
  ): Iterable<ManagedObject> {
    if (scope === "baseObject") {
      const o = this.lookup(classId, base);
      if (!filter || matches(o, filter)) yield o;
      return;
    }
    const cls = classById(classId);
    if (!cls) throw new MibError("noSuchObjectClass", `no class ${classId}`);
    const b = this.resolve(base);
    const keep = (o: ManagedObject) => !filter || matches(o, filter);
    if (cls === b.cls) {
      // The base itself (the Node read with a scope, as older managers do).
      if (keep(b)) yield b;
      return;
    }
    if (cls.parent !== b.cls.name) {
      if (b.cls === NODE_CLASS && cls.parent === SUBSCRIBER_CLASS.name)
        throw new MibError(
          "complexityLimitation",
          `${cls.name} objects are listed per Subscriber: scope the request at a Subscriber`,
        );
      throw new MibError("invalidScope", `there are no ${cls.name} objects below ${base}`);
    }
    switch (cls) {
      case SUBSCRIBER_CLASS:
        for (const s of this.subscribers()) {
          const o = this.subscriberObject(s);
          if (keep(o)) yield o;
        }
        return;
      case OBJECT_MODEL_CLASS: {
        const o = this.modelObject();
        if (keep(o)) yield o;
        return;
      }
      case ENTITY_CLASS:
      case COST_CENTER_CLASS: {
        const map = cls === ENTITY_CLASS ? this.store.entities : this.store.costCenters;
        for (const n of [...map.keys()].sort((x, y) => x - y)) {
          const o = this.numberedObject(cls, n);
          if (keep(o)) yield o;
        }
        return;
      }
      case PHONE_BOOK_ENTRY_CLASS:
        for (const e of this.store.phoneBook) {
          const o = new PhoneBookObject(this, e);
          if (keep(o)) yield o;
        }
        return;
      case PROG_KEY_CLASS:
      case SOFT_KEY_CLASS: {
        const s = this.subscriberOf(String(b.value(1)));
        const count = cls === PROG_KEY_CLASS ? s.stationType.keys : softKeyCount(s.stationType.name);
        const held = (cls === PROG_KEY_CLASS ? this.store.progKeys : this.store.softKeys).get(
          s.directoryNumber,
        );
        // Keys nobody programmed are all alike but for their position: when the filter does not
        // look at the position and refuses one of them, it refuses them all, and only the
        // programmed ones need be looked at (a listing of what a 40-key set holds is then a few
        // objects, not 40).
        if (filter && !mentions(filter, 1) && !matches(this.keyObject(cls, s, 0), filter)) {
          for (const p of [...(held?.keys() ?? [])].sort((x, y) => x - y)) {
            if (p > count) continue;
            const o = this.keyObject(cls, s, p);
            if (matches(o, filter)) yield o;
          }
          return;
        }
        for (let p = 1; p <= count; p++) {
          const o = this.keyObject(cls, s, p);
          if (keep(o)) yield o;
        }
        return;
      }
    }
  }

  /** The readable attributes of `o` (those named by `ids`, when given). */
  attributes(o: ManagedObject, ids?: number[]): Attribute[] {
    const out: Attribute[] = [];
    if (ids) {
      for (const id of ids) {
        const def = o.cls.attributes.find((d) => d.id === id);
        if (!def)
          throw new MibError("noSuchAttribute", `${o.cls.name} has no attribute ${id}`, { attributeId: id });
        if (def.writeOnly) continue;
        const v = o.value(id);
        if (v !== undefined) out.push({ id, value: v });
      }
      return out;
    }
    for (const def of o.cls.attributes) {
      if (def.writeOnly) continue;
      const v = o.value(def.id);
      if (v !== undefined) out.push({ id: def.id, value: v });
    }
    return out;
  }

  // ---- changes ----------------------------------------------------------------------------

  /** M-SET on one object: every modification is checked before any is applied. */
  set(arg: SetArgument): MibResult {
    if (arg.scope && arg.scope !== "baseObject")
      throw new MibError("invalidScope", "this node modifies one object per M-SET (base object scope)");
    const o = this.lookup(arg.objectClass, arg.instance);
    if (arg.filter && !matches(o, arg.filter))
      return { result: { objectClass: o.cls.id, instance: o.instance, attributes: [] }, changes: [] };
    if (!classCapabilities(o.cls).set || !o.write)
      throw new MibError("accessDenied", `${o.cls.name} objects cannot be modified`);
    const next = new Map<number, CmipValue>();
    for (const m of arg.modifications) {
      const def = o.cls.attributes.find((d) => d.id === m.id);
      if (!def)
        throw new MibError("noSuchAttribute", `${o.cls.name} has no attribute ${m.id}`, {
          attributeId: m.id,
        });
      if (def.readOnly || def.name === o.cls.namingAttribute)
        throw new MibError(
          "setListError",
          def.readOnly
            ? `${def.name} is read-only`
            : `${def.name} names the object and cannot change: delete it and create another`,
          { attributeId: def.id },
        );
      const op = m.operator ?? "replace";
      let v: CmipValue;
      if (op === "setToDefault") {
        if (def.defaultValue === undefined)
          throw new MibError("setListError", `${def.name} has no default value`, { attributeId: def.id });
        v = def.defaultValue;
      } else if (op === "replace") {
        if (m.value === undefined)
          throw new MibError("missingAttributeValue", `no value for ${def.name}`, { attributeId: def.id });
        v = m.value;
        const problem = valueProblem(def, v);
        if (problem) throw new MibError("invalidAttributeValue", problem, { attributeId: def.id, value: v });
      } else {
        throw new MibError("setListError", `${def.name} holds one value: ${op} does not apply`, {
          attributeId: def.id,
        });
      }
      next.set(def.id, v);
    }
    o.check?.((id) => (next.has(id) ? next.get(id) : o.value(id)));
    const before = this.attributes(o);
    for (const [id, v] of next) o.write(id, v);
    const after = this.attributes(o);
    const changed = after.filter((x) => !sameValue(x.value, before.find((y) => y.id === x.id)?.value));
    const writeOnlyTouched = [...next.keys()].some(
      (id) => o.cls.attributes.find((d) => d.id === id)?.writeOnly,
    );
    const changes: MibChange[] =
      changed.length || writeOnlyTouched
        ? [{ type: "attributeValueChange", objectClass: o.cls.id, instance: o.instance, attributes: changed }]
        : [];
    return {
      result: {
        objectClass: o.cls.id,
        instance: o.instance,
        attributes: after.filter((x) => next.has(x.id)),
      },
      changes,
    };
  }

  /** M-CREATE: the attributes are checked, then the object joins the node (and the network). */
  create(arg: CreateArgument): MibResult {
    const cls = classById(arg.objectClass);
    if (!cls) throw new MibError("noSuchObjectClass", `no class ${arg.objectClass}`);
    if (!classCapabilities(cls).create)
      throw new MibError(
        "accessDenied",
        `${cls.name} objects cannot be created${cls.parent === "Subscriber" ? ": every position exists, set it" : ""}`,
      );
    const naming = attr(cls, cls.namingAttribute);
    let superior = arg.superiorInstance;
    let namedValue: string | undefined;
    if (arg.instance !== undefined) {
      const cut = arg.instance.lastIndexOf("/");
      const last = arg.instance.slice(cut + 1);
      if (cut < 0 || !last.startsWith(`${cls.name}=`))
        throw new MibError("invalidObjectInstance", `"${arg.instance}" does not name a ${cls.name}`);
      superior = arg.instance.slice(0, cut);
      namedValue = last.slice(cls.name.length + 1);
    }
    if (superior === undefined)
      throw new MibError("invalidObjectInstance", "M-CREATE needs the new object's instance or its superior");
    const parent = this.resolve(superior);
    if (parent.cls.name !== cls.parent)
      throw new MibError(
        "invalidObjectInstance",
        `a ${cls.name} is created below a ${cls.parent}, not below ${superior}`,
      );

    const values = new Map<number, CmipValue>();
    for (const x of arg.attributes) {
      const def = cls.attributes.find((d) => d.id === x.id);
      if (!def)
        throw new MibError("noSuchAttribute", `${cls.name} has no attribute ${x.id}`, { attributeId: x.id });
      if (def.readOnly)
        throw new MibError("setListError", `${def.name} is read-only: the node sets it`, {
          attributeId: def.id,
        });
      const problem = valueProblem(def, x.value);
      if (problem)
        throw new MibError("invalidAttributeValue", problem, { attributeId: def.id, value: x.value });
      values.set(def.id, x.value);
    }
    if (namedValue !== undefined) {
      const v = naming.type === "integer" && /^[0-9]+$/.test(namedValue) ? Number(namedValue) : namedValue;
      const given = values.get(naming.id);
      if (given !== undefined && given !== v)
        throw new MibError(
          "invalidAttributeValue",
          `${naming.name} ${given} contradicts the instance ${arg.instance}`,
          {
            attributeId: naming.id,
            value: given,
          },
        );
      const problem = valueProblem(naming, v);
      if (problem) throw new MibError("invalidAttributeValue", problem, { attributeId: naming.id, value: v });
      values.set(naming.id, v);
    }
    for (const def of cls.attributes) {
      if (def.mandatory && !values.has(def.id))
        throw new MibError("missingAttributeValue", `${def.name} is mandatory to create a ${cls.name}`, {
          attributeId: def.id,
        });
    }
    let o: MibObject;
    switch (cls) {
      case SUBSCRIBER_CLASS:
        o = this.createSubscriber(values);
        break;
      case ENTITY_CLASS:
      case COST_CENTER_CLASS: {
        const n = Number(values.get(1));
        const map = cls === ENTITY_CLASS ? this.store.entities : this.store.costCenters;
        if (map.has(n))
          throw new MibError(
            "duplicateManagedObjectInstance",
            `${cls.name} ${n} already exists on node ${this.nodeId}`,
            {
              attributeId: 1,
              value: n,
            },
          );
        map.set(n, { name: String(values.get(2)) });
        o = this.numberedObject(cls, n);
        break;
      }
      default:
        throw new MibError("accessDenied", `${cls.name} objects cannot be created`);
    }
    const attributes = this.attributes(o);
    return {
      result: { objectClass: cls.id, instance: o.instance, attributes },
      changes: [{ type: "objectCreation", objectClass: cls.id, instance: o.instance, attributes }],
    };
  }

  private createSubscriber(values: Map<number, CmipValue>): MibObject {
    const dn = String(values.get(SUB.Directory_Number!));
    if (dn.length !== this.planDigits)
      throw new MibError(
        "invalidAttributeValue",
        `${dn} is outside the numbering plan: directory numbers have ${this.planDigits} digits`,
        { attributeId: SUB.Directory_Number!, value: dn },
      );
    if (this.network?.devices.get(dn)?.service)
      throw new MibError(
        "duplicateManagedObjectInstance",
        `${dn} is a service number of the network (voice mail)`,
        {
          attributeId: SUB.Directory_Number!,
          value: dn,
        },
      );
    const existing = this.directory.byNumber.get(dn);
    if (existing)
      throw new MibError(
        "duplicateManagedObjectInstance",
        `${dn} is already the number of a subscriber${existing.nodeId === this.nodeId ? "" : ` of node ${existing.nodeId}`}`,
        { attributeId: SUB.Directory_Number!, value: dn },
      );
    const get = (name: string) => {
      const id = SUB[name]!;
      return values.has(id) ? values.get(id) : attr(SUBSCRIBER_CLASS, name).defaultValue;
    };
    const stationType = stationTypeByName(String(get("Station_Type")));
    if (!stationType)
      throw new MibError("invalidAttributeValue", "unknown Station_Type", { attributeId: SUB.Station_Type! });
    const s: Subscriber = {
      index: allocateSubscriberIndex(this.directory),
      directoryNumber: dn,
      nodeId: this.nodeId,
      firstName: String(get("Annu_First_Name") ?? ""),
      lastName: String(get("Annu_Name")),
      loginName: `oxe${dn}`,
      password: String(values.get(SUB.Password!) ?? this.directory.options.password),
      stationType,
      classOfService: Number(get("Class_Of_Service")),
      costCenter: Number(get("Cost_Center")),
      entity: Number(get("Entity_Number")),
    };
    const o = this.subscriberObject(s);
    // Checked as a modification would be, before the subscriber exists anywhere.
    o.check?.((id) => (values.has(id) ? values.get(id) : o.value(id)));
    this.store.forgetSet(dn);
    for (const [id, v] of values) if (id >= SUB.Pin_Number!) o.write!(id, v);
    this.insertSubscriber(s);
    this.network?.addDevice(s);
    return o;
  }

  private insertSubscriber(s: Subscriber): void {
    const d = this.directory;
    d.byNumber.set(s.directoryNumber, s);
    d.subscribers.push(s);
    let list = d.byNode.get(this.nodeId);
    if (!list) {
      list = [];
      d.byNode.set(this.nodeId, list);
    }
    // The node's list stays in numbering order (First_Number / Last_Number read its ends).
    const n = Number(s.directoryNumber);
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (Number(list[mid]!.directoryNumber) < n) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, s);
  }

  removeSubscriber(s: Subscriber): void {
    const dn = s.directoryNumber;
    if (this.network?.devices.has(dn)) {
      try {
        this.network.removeDevice(dn);
      } catch (err) {
        if (err instanceof ModelError)
          throw new MibError("processingFailure", `Subscriber ${dn} cannot be deleted now: ${err.message}`);
        throw err;
      }
    }
    const d = this.directory;
    d.byNumber.delete(dn);
    const i = d.subscribers.indexOf(s);
    if (i >= 0) d.subscribers.splice(i, 1);
    const list = d.byNode.get(this.nodeId);
    const j = list ? list.indexOf(s) : -1;
    if (list && j >= 0) list.splice(j, 1);
    this.store.forgetSet(dn);
  }

  /** M-DELETE of one object. */
  delete(arg: BaseObject): MibResult {
    if (arg.scope && arg.scope !== "baseObject")
      throw new MibError("invalidScope", "this node deletes one object per M-DELETE (base object scope)");
    const o = this.lookup(arg.objectClass, arg.instance);
    if (arg.filter && !matches(o, arg.filter))
      return { result: { objectClass: o.cls.id, instance: o.instance, attributes: [] }, changes: [] };
    if (!classCapabilities(o.cls).delete || !o.remove)
      throw new MibError("accessDenied", `${o.cls.name} objects cannot be deleted`);
    o.remove();
    return {
      result: { objectClass: o.cls.id, instance: o.instance, attributes: [] },
      changes: [{ type: "objectDeletion", objectClass: o.cls.id, instance: o.instance, attributes: [] }],
    };
  }
}

function sameValue(a: CmipValue | undefined, b: CmipValue | undefined): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

function compare(a: CmipValue | undefined, b: CmipValue): number | undefined {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a.localeCompare(b);
  return undefined;
}

/** Whether the filter looks at attribute `id`. */
function mentions(f: Filter, id: number): boolean {
  if ("and" in f) return f.and.some((x) => mentions(x, id));
  if ("or" in f) return f.or.some((x) => mentions(x, id));
  if ("not" in f) return mentions(f.not, id);
  if ("present" in f) return f.present === id;
  if ("equality" in f) return f.equality.id === id;
  if ("greaterOrEqual" in f) return f.greaterOrEqual.id === id;
  if ("lessOrEqual" in f) return f.lessOrEqual.id === id;
  return f.substrings.id === id;
}

/** CMIS filter evaluation (X.711 §8.1.1.2 semantics; string matches are case-insensitive, as the OXE's are). */
export function matches(o: ManagedObject, f: Filter): boolean {
  if ("and" in f) return f.and.every((x) => matches(o, x));
  if ("or" in f) return f.or.some((x) => matches(o, x));
  if ("not" in f) return !matches(o, f.not);
  if ("present" in f) return o.value(f.present) !== undefined;
  if ("equality" in f) {
    const v = o.value(f.equality.id);
    const w = f.equality.value;
    if (typeof v === "string" && typeof w === "string") return v.toLowerCase() === w.toLowerCase();
    return v === w;
  }
  if ("greaterOrEqual" in f) {
    const c = compare(o.value(f.greaterOrEqual.id), f.greaterOrEqual.value);
    return c !== undefined && c >= 0;
  }
  if ("lessOrEqual" in f) {
    const c = compare(o.value(f.lessOrEqual.id), f.lessOrEqual.value);
    return c !== undefined && c <= 0;
  }
  const s = f.substrings;
  const v = o.value(s.id);
  if (typeof v !== "string") return false;
  const text = v.toLowerCase();
  let pos = 0;
  if (s.initial !== undefined) {
    if (!text.startsWith(s.initial.toLowerCase())) return false;
    pos = s.initial.length;
  }
  for (const part of s.any ?? []) {
    const i = text.indexOf(part.toLowerCase(), pos);
    if (i < 0) return false;
    pos = i + part.length;
  }
  return (
    s.final === undefined || (text.endsWith(s.final.toLowerCase()) && text.length - s.final.length >= pos)
  );
}

export { KEY as PROG_KEY_ATTRIBUTES, SOFT as SOFT_KEY_ATTRIBUTES, SUB as SUBSCRIBER_ATTRIBUTES };
