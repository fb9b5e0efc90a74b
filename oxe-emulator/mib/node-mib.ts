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
 *
 * Here: naming (instance to object), scoped selection, and the changes. Beside it: each object
 * kind in objects.ts, the CMIS filter in filter.ts, value checks in values.ts, the public types
 * and the refusal in types.ts.
 */
import {
  type Attribute,
  type AttributeError,
  type BaseObject,
  type CmipValue,
  type CreateArgument,
  classCapabilities,
  type Filter,
  type GetInfoStatus,
  type SchemaAttribute,
  type SchemaClass,
  type Scope,
  type SetArgument,
  type SetInfoStatus,
} from "../../protocols/cmip/index.js";
import { Ccd } from "../ccd/index.js";
import { rsiOf } from "../ccd/rsi.js";
import { type Directory, type Subscriber, stationTypeByName } from "../directory/index.js";
import type { Device, Network } from "../model/index.js";
import { ModelError } from "../model/index.js";
import { SUBSCRIBER_ATTRIBUTES as SUB } from "./attribute-ids.js";
import {
  CCD_CLASSES,
  CCD_OPERATOR_CLASS,
  CCD_PILOT_CLASS,
  CCD_PROCESSING_GROUP_CLASS,
  ccdObject,
  ccdObjects,
} from "./ccd-objects.js";
import { CCD_RTI_CLASSES, ccdRtiObject, ccdRtiObjects } from "./ccd-rti-objects.js";
import { matches, mentions } from "./filter.js";
import { createMember, HuntGroupObject, memberObject } from "./hunt-group-objects.js";
import {
  KeyObject,
  type MibObject,
  ModelObject,
  type NodeContext,
  NodeObject,
  NumberedObject,
  PhoneBookObject,
  SubscriberObject,
} from "./objects.js";
import { RSI_POINT_CLASS, rsiPointObject, rsiPointObjects } from "./rsi-objects.js";
import {
  attr,
  COST_CENTER_CLASS,
  classById,
  classByName,
  ENTITY_CLASS,
  HUNT_GROUP_CLASS,
  HUNT_GROUP_MEMBER_CLASS,
  NODE_CLASS,
  OBJECT_MODEL_CLASS,
  PHONE_BOOK_ENTRY_CLASS,
  PROG_KEY_CLASS,
  SOFT_KEY_CLASS,
  SUBSCRIBER_CLASS,
  softKeyCount,
} from "./schema.js";
import { allocateSubscriberIndex, type NodeConfigStore, nodeConfig } from "./store.js";
import {
  instanceError,
  invalidValue,
  type ManagedObject,
  type MibChange,
  MibError,
  type MibResult,
  processingFailure,
} from "./types.js";
import { sameValue, valueProblem } from "./values.js";

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

  /** the subscriber of a directory number, any node's (the RTI agents' names) */
  private readonly userOf = (dn: string): Subscriber | undefined => this.directory.byNumber.get(dn);

  /** the network's CCD, when it has one (its configuration objects) */
  private get ccd(): Ccd | undefined {
    const d = this.network?.callDistributor;
    return d instanceof Ccd ? d : undefined;
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
    if (!e)
      throw instanceError(
        "noSuchObjectInstance",
        `${this.root}/${cls.name}=${n}`,
        `no ${cls.name} ${n} on node ${this.nodeId}`,
      );
    return new NumberedObject(this, cls, n, e);
  }

  /** The node's hunting group `number`, as an object. */
  private huntGroupObject(number: string): HuntGroupObject {
    const g = this.network?.huntingGroups.get(number);
    if (!g || g.nodeId !== this.nodeId)
      throw instanceError(
        "noSuchObjectInstance",
        `${this.root}/Hunt_Group=${number}`,
        `no Hunt_Group ${number} on node ${this.nodeId}`,
      );
    return new HuntGroupObject(this.root, g);
  }

  // ---- naming -----------------------------------------------------------------------------

  private subscriberOf(dn: string): Subscriber {
    const s = this.directory.byNumber.get(dn);
    if (!s || s.nodeId !== this.nodeId)
      throw instanceError(
        "noSuchObjectInstance",
        `${this.root}/Subscriber=${dn}`,
        `no Subscriber ${dn} on node ${this.nodeId}`,
      );
    return s;
  }

  /** The object an instance names, whatever its class. */
  resolve(instance: string): MibObject {
    const path = parseInstance(instance);
    if (!path || path[0]![0] !== "Node")
      throw instanceError(
        "invalidObjectInstance",
        instance,
        `"${instance}" is not an instance name of this node`,
      );
    if (path[0]![1] !== String(this.nodeId))
      throw instanceError("noSuchObjectInstance", instance, `${instance}: this is node ${this.nodeId}`);
    if (path.length === 1) return this.nodeObject();
    const [cls1, id1] = path[1]!;
    const cls = classByName(cls1);
    if (cls?.parent !== "Node")
      throw instanceError("invalidObjectInstance", instance, `${instance}: no class ${cls1} below Node`);
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
        case HUNT_GROUP_CLASS:
          return this.huntGroupObject(id1);
      }
      const ccd = this.ccd;
      if (ccd && CCD_CLASSES.includes(cls)) return ccdObject(ccd, this.root, this.nodeId, cls, id1);
      const rsi = this.network && rsiOf(this.network);
      if (rsi && cls === RSI_POINT_CLASS) return rsiPointObject(rsi, this.root, this.nodeId, id1);
      if (ccd && CCD_RTI_CLASSES.includes(cls))
        return ccdRtiObject(ccd, this.root, this.nodeId, cls, id1, this.userOf);
      throw instanceError("noSuchObjectInstance", instance, `no ${cls.name} ${id1} on node ${this.nodeId}`);
    }
    if (path.length === 3 && cls === HUNT_GROUP_CLASS && this.network) {
      const [cls2, id2] = path[2]!;
      if (cls2 !== HUNT_GROUP_MEMBER_CLASS.name)
        throw instanceError(
          "invalidObjectInstance",
          instance,
          `${instance}: no class ${cls2} below Hunt_Group`,
        );
      const g = this.huntGroupObject(id1);
      return memberObject(this.network.huntingGroups, g.group, g.instance, id2);
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
        throw instanceError(
          "invalidObjectInstance",
          instance,
          `${instance}: no class ${cls2} below Subscriber`,
        );
      const s = this.subscriberOf(id1);
      const count = keyCls === PROG_KEY_CLASS ? s.stationType.keys : softKeyCount(s.stationType.name);
      const pos = POSITION.test(id2) ? Number(id2) : 0;
      if (pos < 1 || pos > count)
        throw instanceError(
          "noSuchObjectInstance",
          instance,
          `Subscriber ${id1} (${s.stationType.name}) has ${count} ${keyCls.name} position(s); there is no ${id2}`,
        );
      return this.keyObject(keyCls, s, pos);
    }
    throw instanceError("invalidObjectInstance", instance, `"${instance}" names no object of this node`);
  }

  /** The object named `instance`, which must be of class `classId`. */
  lookup(classId: number, instance: string): MibObject {
    const cls = classById(classId);
    if (!cls) throw new MibError({ error: "noSuchObjectClass", objectClass: classId }, `no class ${classId}`);
    const o = this.resolve(instance);
    if (o.cls !== cls)
      throw new MibError(
        { error: "classInstanceConflict", objectClass: classId, instance },
        `${instance} is a ${o.cls.name}, not a ${cls.name}`,
      );
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
    if (!cls) throw new MibError({ error: "noSuchObjectClass", objectClass: classId }, `no class ${classId}`);
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
          { error: "complexityLimitation", limitation: { scope } },
          `${cls.name} objects are listed per Subscriber: scope the request at a Subscriber`,
        );
      throw new MibError({ error: "invalidScope", scope }, `there are no ${cls.name} objects below ${base}`);
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
      case CCD_PILOT_CLASS:
      case CCD_PROCESSING_GROUP_CLASS:
      case CCD_OPERATOR_CLASS:
        if (this.ccd) for (const o of ccdObjects(this.ccd, this.root, this.nodeId, cls)) if (keep(o)) yield o;
        return;
      case CCD_RTI_CLASSES[0]:
      case CCD_RTI_CLASSES[1]:
      case CCD_RTI_CLASSES[2]:
      case CCD_RTI_CLASSES[3]:
        if (this.ccd)
          for (const o of ccdRtiObjects(this.ccd, this.root, this.nodeId, cls, this.userOf))
            if (keep(o)) yield o;
        return;
      case RSI_POINT_CLASS: {
        const rsi = this.network && rsiOf(this.network);
        if (rsi) for (const o of rsiPointObjects(rsi, this.root, this.nodeId)) if (keep(o)) yield o;
        return;
      }
      case HUNT_GROUP_CLASS:
        for (const g of this.network?.huntingGroups.ofNode(this.nodeId) ?? []) {
          const o = new HuntGroupObject(this.root, g);
          if (keep(o)) yield o;
        }
        return;
      case HUNT_GROUP_MEMBER_CLASS: {
        const g = (b as HuntGroupObject).group;
        for (const m of [...g.members]) {
          const o = memberObject(this.network!.huntingGroups, g, b.instance, m.number);
          if (keep(o)) yield o;
        }
        return;
      }
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

  /** The last request's attribute ids, looked up in its class (see `definitions`). */
  private lastDefinitions:
    | { cls: SchemaClass; ids: number[]; defs: (SchemaAttribute | undefined)[] }
    | undefined;

  /**
   * The definitions of `ids` in `cls` (undefined for an id it lacks), looked up once per request
   * rather than per object: a scoped get asks the same ids of each of its 20,000 subscribers.
   */
  private definitions(cls: SchemaClass, ids: number[]): (SchemaAttribute | undefined)[] {
    const last = this.lastDefinitions;
    if (last && last.cls === cls && last.ids === ids) return last.defs;
    const defs = ids.map((id) => cls.attributes.find((d) => d.id === id));
    this.lastDefinitions = { cls, ids, defs };
    return defs;
  }

  /** The readable attributes of `o` (those named by `ids`, when given). */
  attributes(o: ManagedObject, ids?: number[]): Attribute[] {
    const out: Attribute[] = [];
    if (ids) {
      let refused = false;
      const defs = this.definitions(o.cls, ids);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        const def = defs[i];
        if (!def) {
          refused = true;
          continue;
        }
        if (def.writeOnly) continue;
        const v = o.value(id);
        if (v !== undefined) out.push({ id, value: v });
      }
      if (refused) {
        // X.711 answers an attribute the class lacks with a getListError that lists, attribute by
        // attribute, the values read and the ids refused (m-Get has no noSuchAttribute error).
        // Built only then: a scoped get of 20,000 subscribers answers without one.
        const infos: GetInfoStatus[] = [];
        let read = 0;
        for (const id of ids) {
          const def = o.cls.attributes.find((d) => d.id === id);
          if (!def) infos.push({ attributeIdError: { errorStatus: "noSuchAttribute", attributeId: id } });
          else if (!def.writeOnly && out[read]?.id === id) infos.push({ attribute: out[read++]! });
        }
        throw new MibError(
          { error: "getListError", objectClass: o.cls.id, instance: o.instance, getInfoList: infos },
          `${o.cls.name} lacks some of the attributes ${ids.join(", ")}`,
        );
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
      throw new MibError(
        { error: "invalidScope", scope: arg.scope },
        "this node modifies one object per M-SET (base object scope)",
      );
    const o = this.lookup(arg.objectClass, arg.instance);
    if (arg.filter && !matches(o, arg.filter))
      return { result: { objectClass: o.cls.id, instance: o.instance, attributes: [] }, changes: [] };
    if (!classCapabilities(o.cls).set || !o.write)
      throw new MibError({ error: "accessDenied" }, `${o.cls.name} objects cannot be modified`);
    // m-Set-Confirmed has no attribute-level errors of its own: X.711 refuses attributes in a
    // setListError, one AttributeError per attribute at fault (none is applied).
    const refused: SetInfoStatus[] = [];
    const reasons: string[] = [];
    const refuse = (e: AttributeError, why: string) => {
      refused.push({ attributeError: e });
      reasons.push(why);
    };
    const next = new Map<number, CmipValue>();
    for (const m of arg.modifications) {
      const def = o.cls.attributes.find((d) => d.id === m.id);
      const op = m.operator ?? "replace";
      const given = m.value !== undefined ? { attributeValue: m.value } : {};
      if (!def) {
        refuse({ errorStatus: "noSuchAttribute", attributeId: m.id, ...given }, `no attribute ${m.id}`);
        continue;
      }
      if (def.readOnly || def.name === o.cls.namingAttribute) {
        refuse({ errorStatus: "accessDenied", attributeId: def.id, ...given }, `${def.name} cannot change`);
        continue;
      }
      if (op === "setToDefault") {
        if (def.defaultValue === undefined) {
          refuse(
            { errorStatus: "invalidOperation", modifyOperator: op, attributeId: def.id },
            `${def.name} has no default value`,
          );
          continue;
        }
        next.set(def.id, def.defaultValue);
      } else if (op === "replace") {
        const problem = m.value === undefined ? `no value for ${def.name}` : valueProblem(def, m.value);
        if (problem) {
          refuse({ errorStatus: "invalidAttributeValue", attributeId: def.id, ...given }, problem);
          continue;
        }
        next.set(def.id, m.value!);
      } else {
        refuse(
          { errorStatus: "invalidOperation", modifyOperator: op, attributeId: def.id, ...given },
          `${def.name} holds one value: ${op} does not apply`,
        );
      }
    }
    if (refused.length === 0) {
      try {
        o.check?.((id) => (next.has(id) ? next.get(id) : o.value(id)));
      } catch (err) {
        if (!(err instanceof MibError) || err.error.error !== "invalidAttributeValue") throw err;
        const { id, value } = err.error.attribute;
        refuse({ errorStatus: "invalidAttributeValue", attributeId: id, attributeValue: value }, err.message);
      }
    }
    if (refused.length)
      throw new MibError(
        { error: "setListError", objectClass: o.cls.id, instance: o.instance, setInfoList: refused },
        reasons.join("; "),
      );
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
    if (!cls)
      throw new MibError(
        { error: "noSuchObjectClass", objectClass: arg.objectClass },
        `no class ${arg.objectClass}`,
      );
    if (!classCapabilities(cls).create)
      throw new MibError(
        { error: "accessDenied" },
        `${cls.name} objects cannot be created${cls.parent === "Subscriber" ? ": every position exists, set it" : ""}`,
      );
    const naming = attr(cls, cls.namingAttribute);
    let superior = arg.superiorInstance;
    let namedValue: string | undefined;
    if (arg.instance !== undefined) {
      const cut = arg.instance.lastIndexOf("/");
      const last = arg.instance.slice(cut + 1);
      if (cut < 0 || !last.startsWith(`${cls.name}=`))
        throw instanceError(
          "invalidObjectInstance",
          arg.instance,
          `"${arg.instance}" does not name a ${cls.name}`,
        );
      superior = arg.instance.slice(0, cut);
      namedValue = last.slice(cls.name.length + 1);
    }
    // Neither instance nor superior (both OPTIONAL in X.711): the node names the object, below
    // itself, from its naming attribute; the result then tells the manager the instance.
    superior ??= this.root;
    const parent = this.resolve(superior);
    if (parent.cls.name !== cls.parent)
      throw instanceError(
        "invalidObjectInstance",
        arg.instance ?? superior,
        `a ${cls.name} is created below a ${cls.parent}, not below ${superior}`,
      );

    const values = new Map<number, CmipValue>();
    for (const x of arg.attributes) {
      const def = cls.attributes.find((d) => d.id === x.id);
      if (!def)
        throw new MibError(
          { error: "noSuchAttribute", attributeId: x.id },
          `${cls.name} has no attribute ${x.id}`,
        );
      // m-Create has no setListError: a value for an attribute the node sets is an invalid value.
      if (def.readOnly) throw invalidValue(def.id, x.value, `${def.name} is read-only: the node sets it`);
      const problem = valueProblem(def, x.value);
      if (problem) throw invalidValue(def.id, x.value, problem);
      values.set(def.id, x.value);
    }
    if (namedValue !== undefined) {
      const v = naming.type === "integer" && /^[0-9]+$/.test(namedValue) ? Number(namedValue) : namedValue;
      const given = values.get(naming.id);
      if (given !== undefined && given !== v)
        throw invalidValue(
          naming.id,
          given,
          `${naming.name} ${given} contradicts the instance ${arg.instance}`,
        );
      const problem = valueProblem(naming, v);
      if (problem) throw invalidValue(naming.id, v, problem);
      values.set(naming.id, v);
    }
    const missing = cls.attributes.filter((def) => def.mandatory && !values.has(def.id));
    if (missing.length)
      throw new MibError(
        { error: "missingAttributeValue", attributeIds: missing.map((def) => def.id) },
        `${missing.map((def) => def.name).join(", ")} mandatory to create a ${cls.name}`,
      );
    let o: MibObject;
    switch (cls) {
      case SUBSCRIBER_CLASS:
        o = this.createSubscriber(values);
        break;
      case HUNT_GROUP_MEMBER_CLASS:
        if (!(parent instanceof HuntGroupObject) || !this.network)
          throw new MibError({ error: "accessDenied" }, `${cls.name} objects cannot be created here`);
        o = createMember(this.network.huntingGroups, parent.group, parent.instance, values);
        break;
      case ENTITY_CLASS:
      case COST_CENTER_CLASS: {
        const n = Number(values.get(1));
        const map = cls === ENTITY_CLASS ? this.store.entities : this.store.costCenters;
        if (map.has(n))
          throw instanceError(
            "duplicateManagedObjectInstance",
            `${this.root}/${cls.name}=${n}`,
            `${cls.name} ${n} already exists on node ${this.nodeId}`,
          );
        map.set(n, { name: String(values.get(2)) });
        o = this.numberedObject(cls, n);
        break;
      }
      default:
        throw new MibError({ error: "accessDenied" }, `${cls.name} objects cannot be created`);
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
      throw invalidValue(
        SUB.Directory_Number!,
        dn,
        `${dn} is outside the numbering plan: directory numbers have ${this.planDigits} digits`,
      );
    const instance = `${this.root}/Subscriber=${dn}`;
    if (this.network?.devices.get(dn)?.service)
      throw instanceError(
        "duplicateManagedObjectInstance",
        instance,
        `${dn} is a service number of the network (voice mail)`,
      );
    if (this.network?.huntingGroups.get(dn))
      throw instanceError(
        "duplicateManagedObjectInstance",
        instance,
        `${dn} is the number of a hunting group`,
      );
    const existing = this.directory.byNumber.get(dn);
    if (existing)
      throw instanceError(
        "duplicateManagedObjectInstance",
        instance,
        `${dn} is already the number of a subscriber${existing.nodeId === this.nodeId ? "" : ` of node ${existing.nodeId}`}`,
      );
    const get = (name: string) => {
      const id = SUB[name]!;
      return values.has(id) ? values.get(id) : attr(SUBSCRIBER_CLASS, name).defaultValue;
    };
    const stationType = stationTypeByName(String(get("Station_Type")));
    if (!stationType)
      throw invalidValue(SUB.Station_Type!, get("Station_Type") ?? null, "unknown Station_Type");
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
          throw processingFailure(
            SUBSCRIBER_CLASS.id,
            `${this.root}/Subscriber=${dn}`,
            `Subscriber ${dn} cannot be deleted now: ${err.message}`,
          );
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
      throw new MibError(
        { error: "invalidScope", scope: arg.scope },
        "this node deletes one object per M-DELETE (base object scope)",
      );
    const o = this.lookup(arg.objectClass, arg.instance);
    if (arg.filter && !matches(o, arg.filter))
      return { result: { objectClass: o.cls.id, instance: o.instance, attributes: [] }, changes: [] };
    if (!classCapabilities(o.cls).delete || !o.remove)
      throw new MibError({ error: "accessDenied" }, `${o.cls.name} objects cannot be deleted`);
    o.remove();
    return {
      result: { objectClass: o.cls.id, instance: o.instance, attributes: [] },
      changes: [{ type: "objectDeletion", objectClass: o.cls.id, instance: o.instance, attributes: [] }],
    };
  }
}
