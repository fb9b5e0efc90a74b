/**
 * The managed objects of one emulated node, seen through its schema: the node itself, its object
 * model, and one Subscriber per user (derived from the directory, not copied, so 100,000 users
 * cost no extra memory here).
 */
import {
  type Attribute,
  type CmipValue,
  encodeSchema,
  type Filter,
  OBJECT_MODEL_CLASSES_ATTRIBUTE,
  type SchemaClass,
  type Scope,
} from "../../protocols/cmip/index.js";
import type { Directory, Subscriber } from "../directory/index.js";
import { attr, CLASSES, NODE_CLASS, OBJECT_MODEL_CLASS, SUBSCRIBER_CLASS } from "./schema.js";

export const EMULATED_OXE_VERSION = "M5.3 (o2g-testbench emulation)";

export interface ManagedObject {
  readonly cls: SchemaClass;
  readonly instance: string;
  value(attributeId: number): CmipValue | undefined;
}

export class MibError extends Error {
  constructor(
    readonly code:
      | "noSuchObjectClass"
      | "noSuchObjectInstance"
      | "invalidScope"
      | "noSuchAction"
      | "invalidFilter",
    message: string,
  ) {
    super(message);
  }
}

const SUB = {
  dn: attr(SUBSCRIBER_CLASS, "Directory_Number").id,
  name: attr(SUBSCRIBER_CLASS, "Annu_Name").id,
  first: attr(SUBSCRIBER_CLASS, "Annu_First_Name").id,
  station: attr(SUBSCRIBER_CLASS, "Station_Type").id,
  cos: attr(SUBSCRIBER_CLASS, "Class_Of_Service").id,
  cost: attr(SUBSCRIBER_CLASS, "Cost_Center").id,
  entity: attr(SUBSCRIBER_CLASS, "Entity_Number").id,
  login: attr(SUBSCRIBER_CLASS, "Login_Name").id,
};

export class NodeMib {
  readonly nodeName: string;
  readonly root: string;

  constructor(
    readonly nodeId: number,
    private readonly directory: Directory,
  ) {
    this.root = `Node=${nodeId}`;
    this.nodeName = `OXE-${nodeId}`;
  }

  private subscribers(): Subscriber[] {
    return this.directory.byNode.get(this.nodeId) ?? [];
  }

  private nodeObject(): ManagedObject {
    const subs = this.subscribers();
    const values: Record<number, CmipValue> = {
      [attr(NODE_CLASS, "Node_Number").id]: this.nodeId,
      [attr(NODE_CLASS, "Node_Name").id]: this.nodeName,
      [attr(NODE_CLASS, "Version").id]: EMULATED_OXE_VERSION,
      [attr(NODE_CLASS, "Subscriber_Count").id]: subs.length,
      [attr(NODE_CLASS, "First_Number").id]: subs[0]?.directoryNumber ?? "",
      [attr(NODE_CLASS, "Last_Number").id]: subs[subs.length - 1]?.directoryNumber ?? "",
    };
    return { cls: NODE_CLASS, instance: this.root, value: (id) => values[id] };
  }

  private modelObject(): ManagedObject {
    return {
      cls: OBJECT_MODEL_CLASS,
      instance: `${this.root}/ObjectModel=OXE`,
      value: (id) =>
        id === OBJECT_MODEL_CLASSES_ATTRIBUTE ? encodeSchema(CLASSES) : id === 1 ? "OXE" : undefined,
    };
  }

  subscriberObject(s: Subscriber): ManagedObject {
    return {
      cls: SUBSCRIBER_CLASS,
      instance: `${this.root}/Subscriber=${s.directoryNumber}`,
      value: (id) => {
        switch (id) {
          case SUB.dn:
            return s.directoryNumber;
          case SUB.name:
            return s.lastName;
          case SUB.first:
            return s.firstName;
          case SUB.station:
            return s.stationType.name;
          case SUB.cos:
            return s.classOfService;
          case SUB.cost:
            return s.costCenter;
          case SUB.entity:
            return s.entity;
          case SUB.login:
            return s.loginName;
          default:
            return undefined;
        }
      },
    };
  }

  /** The object named `instance`, of class `classId`. */
  lookup(classId: number, instance: string): ManagedObject {
    const cls = CLASSES.find((c) => c.id === classId);
    if (!cls) throw new MibError("noSuchObjectClass", `no class ${classId}`);
    if (cls === NODE_CLASS && instance === this.root) return this.nodeObject();
    if (cls === OBJECT_MODEL_CLASS && instance === `${this.root}/ObjectModel=OXE`) return this.modelObject();
    if (cls === SUBSCRIBER_CLASS) {
      const m = /^Node=(\d+)\/Subscriber=([0-9]+)$/.exec(instance);
      const s = m && Number(m[1]) === this.nodeId ? this.directory.byNumber.get(m[2]!) : undefined;
      if (s && s.nodeId === this.nodeId) return this.subscriberObject(s);
    }
    throw new MibError("noSuchObjectInstance", `no ${cls.name} ${instance}`);
  }

  /** The subscriber named by a Subscriber instance, for actions. */
  subscriber(instance: string): Subscriber {
    const m = /^Node=(\d+)\/Subscriber=([0-9]+)$/.exec(instance);
    const s = m && Number(m[1]) === this.nodeId ? this.directory.byNumber.get(m[2]!) : undefined;
    if (!s || s.nodeId !== this.nodeId)
      throw new MibError("noSuchObjectInstance", `no Subscriber ${instance}`);
    return s;
  }

  /**
   * The objects a scoped operation reaches: the base object, or the objects below it (of
   * `classId` when the scope names the children's class, as our gateway does), kept if they
   * pass the filter.
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
    if (base !== this.root) throw new MibError("invalidScope", `scoped operations start at ${this.root}`);
    if (classId === SUBSCRIBER_CLASS.id) {
      for (const s of this.subscribers()) {
        const o = this.subscriberObject(s);
        if (!filter || matches(o, filter)) yield o;
      }
    } else if (classId === OBJECT_MODEL_CLASS.id) {
      const o = this.modelObject();
      if (!filter || matches(o, filter)) yield o;
    } else if (classId === NODE_CLASS.id) {
      const o = this.nodeObject();
      if (!filter || matches(o, filter)) yield o;
    } else {
      throw new MibError("noSuchObjectClass", `no class ${classId}`);
    }
  }

  attributes(o: ManagedObject, ids?: number[]): Attribute[] {
    const out: Attribute[] = [];
    for (const def of o.cls.attributes) {
      if (def.writeOnly) continue;
      if (ids && !ids.includes(def.id)) continue;
      const v = o.value(def.id);
      if (v !== undefined) out.push({ id: def.id, value: v });
    }
    return out;
  }
}

function compare(a: CmipValue | undefined, b: CmipValue): number | undefined {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a.localeCompare(b);
  return undefined;
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
