/**
 * CMIP (ITU-T X.711) operations over ROSE, BER-encoded, as the OXE configuration link carries
 * them. Transcribed from the X.711 CMIP-1 module, whose tag default is EXPLICIT (its header says
 * no other): a tag is implicit only where the module writes IMPLICIT, and a tagged CHOICE is
 * explicit always. Only the components both our ends use are modelled, the rest is skipped on input.
 *
 *   ObjectClass    ::= CHOICE { globalForm [0] IMPLICIT OBJECT IDENTIFIER, localForm [1] IMPLICIT INTEGER }
 *   ObjectInstance ::= CHOICE { distinguishedName [2], nonSpecificForm [3] IMPLICIT OCTET STRING,
 *                               localDistinguishedName [4] }
 *   AttributeId    ::= CHOICE { globalForm [0] IMPLICIT OID, localForm [1] IMPLICIT INTEGER }
 *   Attribute      ::= SEQUENCE { id AttributeId, value ANY DEFINED BY id }
 *   Scope          ::= CHOICE { namedNumbers INTEGER { baseObject(0), firstLevelOnly(1), wholeSubtree(2) },
 *                               individualLevels [1] IMPLICIT INTEGER, baseToNthLevel [2] IMPLICIT INTEGER }
 *   CMISFilter     ::= CHOICE { item [8] FilterItem, and [9] IMPLICIT SET OF CMISFilter,
 *                               or [10] IMPLICIT SET OF CMISFilter, not [11] CMISFilter }
 *   FilterItem     ::= CHOICE { equality [0] IMPLICIT Attribute, substrings [1] IMPLICIT SEQUENCE OF CHOICE {
 *                               initialString [0], anyString [1], finalString [2] } (each IMPLICIT Attribute),
 *                               greaterOrEqual [2] IMPLICIT Attribute, lessOrEqual [3] IMPLICIT Attribute,
 *                               present [4] AttributeId, ... }
 *
 * Ours (the OXE's managed-object names and identifiers are not public): classes and attributes
 * use the local INTEGER forms, resolved to names through the schema the node serves (see the
 * emulator's cmip model); instances use nonSpecificForm with a readable path such as
 * "Node=1/Subscriber=10001"; attribute values are self-describing universal types (INTEGER,
 * BOOLEAN, UTF8String, NULL, SEQUENCE OF ...), so either end can decode them without the schema.
 */
import {
  BerError,
  type BerReader,
  type BerWriter,
  ctx,
  ctxC,
  isAscii,
  shortLatin1,
  U,
} from "../ber/index.js";
import { defineOperation } from "../rose/index.js";

export type CmipValue = string | number | boolean | null | CmipValue[];

export interface Attribute {
  id: number;
  value: CmipValue;
}

export type Scope = "baseObject" | "firstLevelOnly" | "wholeSubtree";
const SCOPES: Scope[] = ["baseObject", "firstLevelOnly", "wholeSubtree"];

export type Filter =
  | { equality: Attribute }
  | { greaterOrEqual: Attribute }
  | { lessOrEqual: Attribute }
  | { present: number }
  | { substrings: { id: number; initial?: string; any?: string[]; final?: string } }
  | { and: Filter[] }
  | { or: Filter[] }
  | { not: Filter };

// ---- values ------------------------------------------------------------------------------

export function writeValue(w: BerWriter, v: CmipValue): void {
  if (v === null) w.null();
  else if (typeof v === "boolean") w.boolean(v);
  else if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new RangeError(`CMIP value ${v} is not an integer`);
    w.integer(v);
  } else if (typeof v === "string") w.string(v, U.UTF8String);
  else {
    w.begin(U.SEQUENCE);
    for (const x of v) writeValue(w, x);
    w.end();
  }
}

export function readValue(r: BerReader): CmipValue {
  const t = r.peekTag();
  switch (t) {
    case U.NULL:
      return r.null();
    case U.BOOLEAN:
      return r.boolean();
    case U.INTEGER:
      return r.integer();
    case U.ENUMERATED:
      return r.enumerated();
    case U.UTF8String:
    case U.IA5String:
    case U.GraphicString:
    case U.PrintableString:
    case U.VisibleString:
    case U.NumericString:
      return r.string(t);
    case U.OCTET_STRING:
      return Buffer.from(r.octets()).toString("latin1");
    case U.SEQUENCE:
    case U.SET: {
      r.enter(t);
      const out: CmipValue[] = [];
      while (!r.atEnd()) out.push(readValue(r));
      r.leave();
      return out;
    }
    default:
      throw new BerError("unexpectedTag", "attribute value of a type we do not model", r.offset);
  }
}

function writeAttributeBody(w: BerWriter, a: Attribute): void {
  w.integer(a.id, ctx(1));
  writeValue(w, a.value);
}

export function writeAttribute(w: BerWriter, a: Attribute, outer = U.SEQUENCE): void {
  w.begin(outer);
  writeAttributeBody(w, a);
  w.end();
}

export function readAttributeId(r: BerReader): number {
  if (r.isNext(ctx(1))) return r.integer(ctx(1));
  throw new BerError("unexpectedTag", "AttributeId must use the local form", r.offset);
}

export function readAttribute(r: BerReader, outer = U.SEQUENCE): Attribute {
  r.enter(outer);
  const id = readAttributeId(r);
  const value = r.atEnd() ? null : readValue(r);
  r.leave();
  return { id, value };
}

function writeAttributeSet(w: BerWriter, list: Attribute[], outer: number): void {
  w.begin(outer);
  for (const a of list) if (!writeShortStringAttribute(w, a)) writeAttribute(w, a);
  w.end();
}

/**
 * writeAttribute's bytes for the common attribute (a local id under 128, an ASCII string of at
 * most 120 characters: every length then fits one octet), written in one pass with no element
 * opened: a node's scoped read of its 20,000 subscribers writes seven per object. False, having
 * written nothing, for any other attribute.
 */
function writeShortStringAttribute(w: BerWriter, a: Attribute): boolean {
  const v = a.value;
  const id = a.id;
  if (typeof v !== "string" || v.length > 120 || !(id >= 0 && id < 0x80) || !Number.isInteger(id))
    return false;
  const n = v.length;
  // SEQUENCE { [1] IMPLICIT INTEGER id, UTF8String v }
  const at = w.reserve(7 + n);
  const buf = w.buffer;
  buf[at] = 0x30;
  buf[at + 1] = 5 + n;
  buf[at + 2] = 0x81;
  buf[at + 3] = 1;
  buf[at + 4] = id;
  buf[at + 5] = 0x0c;
  buf[at + 6] = n;
  // on the bet that it is ASCII, as BerWriter.string: checked once copied
  let seen = 0;
  for (let j = 0; j < n; j++) {
    const c = v.charCodeAt(j);
    seen |= c;
    buf[at + 7 + j] = c;
  }
  if (seen < 0x80) return true;
  w.truncate(at);
  return false;
}

function readAttributeSet(r: BerReader, outer: number): Attribute[] {
  const out: Attribute[] = [];
  r.enter(outer);
  while (!r.atEnd()) out.push(readAttribute(r));
  r.leave();
  return out;
}

// ---- identifiers -------------------------------------------------------------------------

export function writeClass(w: BerWriter, cls: number): void {
  w.integer(cls, ctx(1));
}

export function readClass(r: BerReader): number {
  if (r.isNext(ctx(1))) return r.integer(ctx(1));
  throw new BerError("unexpectedTag", "ObjectClass must use the local form", r.offset);
}

export function writeInstance(w: BerWriter, inst: string): void {
  w.string(inst, ctx(3));
}

export function readInstance(r: BerReader): string {
  if (r.isNext(ctx(3))) return r.string(ctx(3));
  throw new BerError("unexpectedTag", "ObjectInstance must use the nonSpecificForm", r.offset);
}

export const isClassTag = (t: number) => t === ctx(0) || t === ctx(1);
export const isInstanceTag = (t: number) => t === ctxC(2) || t === ctx(3) || t === ctxC(4);

// ---- scope and filter --------------------------------------------------------------------

/** The Scope CHOICE itself (namedNumbers), as an error parameter carries it. */
export function writeScopeValue(w: BerWriter, s: Scope): void {
  w.integer(SCOPES.indexOf(s));
}

export function readScopeValue(r: BerReader): Scope {
  if (r.isNext(U.INTEGER)) {
    const v = r.integer();
    const named = SCOPES[v];
    if (!named) throw new BerError("badValue", `scope ${v}`, r.offset);
    return named;
  }
  // individualLevels / baseToNthLevel: treated as the whole subtree below the base
  r.skip();
  return "wholeSubtree";
}

function writeScope(w: BerWriter, s: Scope): void {
  w.begin(ctxC(7));
  writeScopeValue(w, s);
  w.end();
}

function readScope(r: BerReader): Scope {
  r.enter(ctxC(7));
  const s = readScopeValue(r);
  r.leave();
  return s;
}

const ITEM_TAGS = { equality: 0, substrings: 1, greaterOrEqual: 2, lessOrEqual: 3, present: 4 } as const;

export function writeFilter(w: BerWriter, f: Filter): void {
  if ("and" in f || "or" in f) {
    const list = "and" in f ? f.and : f.or;
    w.begin(ctxC("and" in f ? 9 : 10));
    for (const x of list) writeFilter(w, x);
    w.end();
    return;
  }
  if ("not" in f) {
    w.begin(ctxC(11));
    writeFilter(w, f.not);
    w.end();
    return;
  }
  w.begin(ctxC(8)); // item [8] FilterItem (a CHOICE: explicit)
  if ("equality" in f) writeAttribute(w, f.equality, ctxC(ITEM_TAGS.equality));
  else if ("greaterOrEqual" in f) writeAttribute(w, f.greaterOrEqual, ctxC(ITEM_TAGS.greaterOrEqual));
  else if ("lessOrEqual" in f) writeAttribute(w, f.lessOrEqual, ctxC(ITEM_TAGS.lessOrEqual));
  else if ("present" in f) w.begin(ctxC(ITEM_TAGS.present)).integer(f.present, ctx(1)).end();
  else {
    const s = f.substrings;
    w.begin(ctxC(ITEM_TAGS.substrings));
    if (s.initial !== undefined) writeAttribute(w, { id: s.id, value: s.initial }, ctxC(0));
    for (const a of s.any ?? []) writeAttribute(w, { id: s.id, value: a }, ctxC(1));
    if (s.final !== undefined) writeAttribute(w, { id: s.id, value: s.final }, ctxC(2));
    w.end();
  }
  w.end();
}

export function readFilter(r: BerReader, depth = 0): Filter {
  if (depth > 16) throw new BerError("tooDeep", "filter nested too deep", r.offset);
  const t = r.peekTag();
  if (t === ctxC(9) || t === ctxC(10)) {
    r.enter(t);
    const list: Filter[] = [];
    while (!r.atEnd()) list.push(readFilter(r, depth + 1));
    r.leave();
    return t === ctxC(9) ? { and: list } : { or: list };
  }
  if (t === ctxC(11)) {
    r.enter(t);
    const inner = readFilter(r, depth + 1);
    r.leave();
    return { not: inner };
  }
  if (t !== ctxC(8)) throw new BerError("unexpectedTag", "not a CMISFilter", r.offset);
  r.enter(t);
  const it = r.peekTag();
  let f: Filter;
  if (it === ctxC(ITEM_TAGS.equality)) f = { equality: readAttribute(r, it) };
  else if (it === ctxC(ITEM_TAGS.greaterOrEqual)) f = { greaterOrEqual: readAttribute(r, it) };
  else if (it === ctxC(ITEM_TAGS.lessOrEqual)) f = { lessOrEqual: readAttribute(r, it) };
  else if (it === ctxC(ITEM_TAGS.present)) {
    r.enter(it);
    f = { present: readAttributeId(r) };
    r.leave();
  } else if (it === ctxC(ITEM_TAGS.substrings)) {
    r.enter(it);
    const s: { id: number; initial?: string; any?: string[]; final?: string } = { id: -1 };
    while (!r.atEnd()) {
      const st = r.peekTag();
      const a = readAttribute(r, st);
      s.id = a.id;
      const v = String(a.value);
      if (st === ctxC(0)) s.initial = v;
      else if (st === ctxC(2)) s.final = v;
      else {
        s.any ??= [];
        s.any.push(v);
      }
    }
    r.leave();
    f = { substrings: s };
  } else {
    throw new BerError("unexpectedTag", "filter item we do not support", r.offset);
  }
  r.leave();
  return f;
}

// ---- operations --------------------------------------------------------------------------

export interface BaseObject {
  objectClass: number;
  instance: string;
  scope?: Scope;
  filter?: Filter;
}

function writeBase(w: BerWriter, a: BaseObject): void {
  writeClass(w, a.objectClass);
  writeInstance(w, a.instance);
  if (a.scope && a.scope !== "baseObject") writeScope(w, a.scope);
  if (a.filter) writeFilter(w, a.filter);
}

const FILTER_TAGS = new Set([ctxC(8), ctxC(9), ctxC(10), ctxC(11)]);

/**
 * Reads base class and instance; `rest(tag)` then consumes scope, filter, access control and
 * synchronization wherever they appear among the other components, filling `base`.
 */
function readBase(r: BerReader): { base: BaseObject; rest: (t: number) => boolean } {
  const objectClass = readClass(r);
  const instance = readInstance(r);
  const base: BaseObject = { objectClass, instance };
  const rest = (t: number): boolean => {
    if (t === ctxC(7)) {
      base.scope = readScope(r);
      return true;
    }
    if (FILTER_TAGS.has(t)) {
      base.filter = readFilter(r);
      return true;
    }
    if (t === ctxC(5) || t === ctx(6)) {
      r.skip(); // accessControl, synchronization
      return true;
    }
    return false;
  };
  return { base, rest };
}

export interface GetArgument extends BaseObject {
  attributeIds?: number[];
}
export interface ObjectResult {
  objectClass?: number;
  instance?: string;
  attributes: Attribute[];
}

function writeObjectResult(w: BerWriter, res: ObjectResult, outer = U.SEQUENCE): void {
  w.begin(outer);
  if (res.objectClass !== undefined) writeClass(w, res.objectClass);
  if (res.instance !== undefined) writeInstance(w, res.instance);
  if (res.attributes.length) writeAttributeSet(w, res.attributes, ctxC(6));
  w.end();
}

function readObjectResult(r: BerReader, outer = U.SEQUENCE): ObjectResult {
  r.enter(outer);
  const res: ObjectResult = { attributes: [] };
  while (!r.atEnd()) {
    const t = r.peekTag();
    if (isClassTag(t)) res.objectClass = readClass(r);
    else if (isInstanceTag(t)) res.instance = readInstance(r);
    else if (t === ctxC(6)) res.attributes = readAttributeSet(r, t);
    else r.skip();
  }
  r.leave();
  return res;
}

export const mGet = defineOperation<GetArgument, ObjectResult>({
  name: "m-Get",
  opcode: 3,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeBase(w, a);
    if (a.attributeIds) {
      w.begin(ctxC(12));
      for (const id of a.attributeIds) w.integer(id, ctx(1));
      w.end();
    }
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const { base, rest } = readBase(r);
    const out: GetArgument = base;
    while (!r.atEnd()) {
      const t = r.peekTag();
      if (rest(t)) continue;
      if (t === ctxC(12)) {
        r.enter(t);
        out.attributeIds = [];
        while (!r.atEnd()) out.attributeIds.push(readAttributeId(r));
        r.leave();
      } else r.skip();
    }
    r.leave();
    return out;
  },
  encodeResult: (w, res) => writeObjectResult(w, res),
  decodeResult: (r) => readObjectResult(r),
});

export type ModifyOperator = "replace" | "addValues" | "removeValues" | "setToDefault";
export const MODIFY_OPERATORS: readonly ModifyOperator[] = [
  "replace",
  "addValues",
  "removeValues",
  "setToDefault",
];

export interface SetArgument extends BaseObject {
  modifications: { operator?: ModifyOperator; id: number; value?: CmipValue }[];
}

export const mSetConfirmed = defineOperation<SetArgument, ObjectResult>({
  name: "m-Set-Confirmed",
  opcode: 5,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeBase(w, a);
    w.begin(ctxC(12));
    for (const m of a.modifications) {
      w.begin(U.SEQUENCE);
      if (m.operator && m.operator !== "replace") w.integer(MODIFY_OPERATORS.indexOf(m.operator), ctx(2));
      w.integer(m.id, ctx(1));
      if (m.value !== undefined) writeValue(w, m.value);
      w.end();
    }
    w.end();
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const { base, rest } = readBase(r);
    const out: SetArgument = Object.assign(base, { modifications: [] as SetArgument["modifications"] });
    while (!r.atEnd()) {
      const t = r.peekTag();
      if (rest(t)) continue;
      if (t === ctxC(12)) {
        r.enter(t);
        while (!r.atEnd()) {
          r.enter();
          const op = r.isNext(ctx(2)) ? MODIFY_OPERATORS[r.integer(ctx(2))] : "replace";
          if (!op) throw new BerError("badValue", "modifyOperator", r.offset);
          const id = readAttributeId(r);
          const m: SetArgument["modifications"][number] = { operator: op, id };
          if (!r.atEnd()) m.value = readValue(r);
          r.leave();
          out.modifications.push(m);
        }
        r.leave();
      } else r.skip();
    }
    r.leave();
    return out;
  },
  encodeResult: (w, res) => writeObjectResult(w, res),
  decodeResult: (r) => readObjectResult(r),
});

export interface CreateArgument {
  objectClass: number;
  instance?: string;
  superiorInstance?: string;
  attributes: Attribute[];
}

export const mCreate = defineOperation<CreateArgument, ObjectResult>({
  name: "m-Create",
  opcode: 8,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeClass(w, a.objectClass);
    if (a.instance !== undefined) writeInstance(w, a.instance);
    else if (a.superiorInstance !== undefined) {
      w.begin(ctxC(8));
      writeInstance(w, a.superiorInstance);
      w.end();
    }
    writeAttributeSet(w, a.attributes, ctxC(7));
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const out: CreateArgument = { objectClass: readClass(r), attributes: [] };
    while (!r.atEnd()) {
      const t = r.peekTag();
      if (isInstanceTag(t)) out.instance = readInstance(r);
      else if (t === ctxC(8)) {
        r.enter(t);
        out.superiorInstance = readInstance(r);
        r.leave();
      } else if (t === ctxC(7)) out.attributes = readAttributeSet(r, t);
      else r.skip();
    }
    r.leave();
    return out;
  },
  encodeResult: (w, res) => writeObjectResult(w, res),
  decodeResult: (r) => readObjectResult(r),
});

export const mDelete = defineOperation<BaseObject, ObjectResult>({
  name: "m-Delete",
  opcode: 9,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeBase(w, a);
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const { base, rest } = readBase(r);
    while (!r.atEnd()) if (!rest(r.peekTag())) r.skip();
    r.leave();
    return base;
  },
  encodeResult: (w, res) => writeObjectResult(w, res),
  decodeResult: (r) => readObjectResult(r),
});

export interface ActionArgument extends BaseObject {
  actionType: number;
  info?: CmipValue;
}
export interface ActionResult {
  objectClass?: number;
  instance?: string;
  actionType: number;
  reply?: CmipValue;
}

export const mActionConfirmed = defineOperation<ActionArgument, ActionResult>({
  name: "m-Action-Confirmed",
  opcode: 7,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeBase(w, a);
    w.begin(ctxC(12)).integer(a.actionType, ctx(3));
    if (a.info !== undefined) {
      w.begin(ctxC(4));
      writeValue(w, a.info);
      w.end();
    }
    w.end();
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const { base, rest } = readBase(r);
    let actionType = -1;
    let info: CmipValue | undefined;
    while (!r.atEnd()) {
      const t = r.peekTag();
      if (rest(t)) continue;
      if (t === ctxC(12)) {
        r.enter(t);
        actionType = r.integer(ctx(3));
        if (r.isNext(ctxC(4))) {
          r.enter(ctxC(4));
          info = readValue(r);
          r.leave();
        }
        r.leave();
      } else r.skip();
    }
    r.leave();
    if (actionType < 0) throw new BerError("truncated", "m-Action without actionInfo", r.offset);
    const out: ActionArgument = Object.assign(base, { actionType });
    if (info !== undefined) out.info = info;
    return out;
  },
  encodeResult(w, res) {
    w.begin(U.SEQUENCE);
    if (res.objectClass !== undefined) writeClass(w, res.objectClass);
    if (res.instance !== undefined) writeInstance(w, res.instance);
    // ActionReply ::= SEQUENCE { actionType, actionReplyInfo [4] ... }: the reply info is not
    // OPTIONAL in X.711, so an action with nothing to say answers NULL.
    w.begin(ctxC(6)).integer(res.actionType, ctx(3));
    w.begin(ctxC(4));
    writeValue(w, res.reply ?? null);
    w.end();
    w.end();
    w.end();
  },
  decodeResult(r) {
    r.enter();
    const res: ActionResult = { actionType: -1 };
    while (!r.atEnd()) {
      const t = r.peekTag();
      if (isClassTag(t)) res.objectClass = readClass(r);
      else if (isInstanceTag(t)) res.instance = readInstance(r);
      else if (t === ctxC(6)) {
        r.enter(t);
        res.actionType = r.integer(ctx(3));
        r.enter(ctxC(4)); // actionReplyInfo: mandatory
        res.reply = readValue(r);
        r.leave();
        r.leave();
      } else r.skip();
    }
    r.leave();
    return res;
  },
});

export interface EventReportArgument {
  objectClass: number;
  instance: string;
  eventTime?: Date;
  eventType: number;
  info?: CmipValue;
}

export const mEventReport = defineOperation<EventReportArgument, undefined>({
  name: "m-EventReport",
  opcode: 0,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeClass(w, a.objectClass);
    writeInstance(w, a.instance);
    if (a.eventTime) w.generalizedTime(a.eventTime, ctx(5));
    w.integer(a.eventType, ctx(7));
    if (a.info !== undefined) {
      w.begin(ctxC(8));
      writeValue(w, a.info);
      w.end();
    }
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const out: EventReportArgument = { objectClass: readClass(r), instance: readInstance(r), eventType: -1 };
    while (!r.atEnd()) {
      const t = r.peekTag();
      if (t === ctx(5)) out.eventTime = r.generalizedTime(t);
      else if (t === ctx(7)) out.eventType = r.integer(t);
      else if (t === ctxC(8)) {
        r.enter(t);
        out.info = readValue(r);
        r.leave();
      } else r.skip();
    }
    r.leave();
    return out;
  },
});

/**
 * m-Linked-Reply (2): one object of a scoped operation, sent as an invoke whose linkedId is the
 * request's id. Of LinkedReplyArgument we model getResult and processingFailure:
 *
 *   ProcessingFailure ::= SEQUENCE { managedObjectClass ObjectClass,
 *     managedObjectInstance ObjectInstance OPTIONAL, specificErrorInfo [5] SpecificErrorInfo, ... }
 *   SpecificErrorInfo ::= SEQUENCE { errorId OBJECT IDENTIFIER, errorInfo ANY DEFINED BY errorId }
 */
export interface ProcessingFailure {
  objectClass: number;
  instance?: string;
  specificErrorInfo: { errorId: string; errorInfo: CmipValue };
}

export type LinkedReply =
  | { kind: "getResult"; result: ObjectResult }
  | ({ kind: "processingFailure" } & ProcessingFailure);

/** ProcessingFailure: a linked reply's [5] IMPLICIT, or the processingFailure error's parameter. */
export function writeProcessingFailure(w: BerWriter, f: ProcessingFailure, outer: number = U.SEQUENCE): void {
  w.begin(outer);
  writeClass(w, f.objectClass);
  if (f.instance !== undefined) writeInstance(w, f.instance);
  w.begin(ctxC(5)).begin(U.SEQUENCE).oid(f.specificErrorInfo.errorId);
  writeValue(w, f.specificErrorInfo.errorInfo);
  w.end().end();
  w.end();
}

export function readProcessingFailure(r: BerReader, outer: number = U.SEQUENCE): ProcessingFailure {
  r.enter(outer);
  const objectClass = readClass(r);
  const instance = isInstanceTag(r.peekTag()) ? readInstance(r) : undefined;
  r.enter(ctxC(5)).enter(U.SEQUENCE);
  const errorId = r.oid();
  const errorInfo = readValue(r);
  r.leave().leave();
  while (!r.atEnd()) r.skip(); // the extension marker's later additions
  r.leave();
  return {
    objectClass,
    ...(instance !== undefined ? { instance } : {}),
    specificErrorInfo: { errorId, errorInfo },
  };
}

/** What the in-place readers below answer for bytes not in the shape they read. */
const DECLINED: unique symbol = Symbol("declined");
type Declined = typeof DECLINED;
/** lengthAt's answer for a length it does not read */
const NO_LENGTH = -1;

/** Where the contents of the element whose length octets lengthAt just read start. */
let contentsAt = 0;

/**
 * A definite length in the short form or a long form of one or two octets (BerReader takes
 * these, minimal or not, alike), its octets within `limit`; NO_LENGTH for anything else.
 */
function lengthAt(buf: Uint8Array, p: number, limit: number): number {
  if (p >= limit) return NO_LENGTH;
  const l0 = buf[p]!;
  if (l0 < 0x80) {
    contentsAt = p + 1;
    return l0;
  }
  if (l0 === 0x81 && p + 1 < limit) {
    contentsAt = p + 2;
    return buf[p + 1]!;
  }
  if (l0 === 0x82 && p + 2 < limit) {
    contentsAt = p + 3;
    return (buf[p + 1]! << 8) | buf[p + 2]!;
  }
  return NO_LENGTH;
}

/** As BerReader.integer: big-endian two's complement, 1 to 6 octets (the caller checked). */
function integerAt(buf: Uint8Array, start: number, end: number): number {
  let n = buf[start]! & 0x80 ? buf[start]! - 256 : buf[start]!;
  for (let i = start + 1; i < end; i++) n = n * 256 + buf[i]!;
  return n;
}

/** As BerReader.string: UTF-8, short ASCII strings built in JS rather than by a native call. */
function stringAt(buf: Uint8Array, start: number, end: number): string {
  if (end - start <= 12 && isAscii(buf, start, end)) return shortLatin1(buf, start, end);
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return b.toString("utf8", start, end);
}

/** A value of readValue's scalar types, its contents `buf[start, end)`; DECLINED for the others. */
function scalarAt(tag: number, buf: Uint8Array, start: number, end: number): CmipValue | Declined {
  const length = end - start;
  switch (tag) {
    case 0x0c: // UTF8String
    case 0x16: // IA5String
    case 0x19: // GraphicString
    case 0x13: // PrintableString
    case 0x1a: // VisibleString
    case 0x12: // NumericString
      return stringAt(buf, start, end);
    case 0x02: // INTEGER
    case 0x0a: // ENUMERATED
      return length >= 1 && length <= 6 ? integerAt(buf, start, end) : DECLINED;
    case 0x05: // NULL
      return length === 0 ? null : DECLINED;
    case 0x01: // BOOLEAN
      return length === 1 ? buf[start] !== 0 : DECLINED;
    default:
      return DECLINED;
  }
}

/**
 * The attribute list of readLinkedGetRowInPlace, `buf[p, end)`: each SEQUENCE { [1] id, value }
 * with a scalar value or none, and nothing after the value. False for anything else.
 */
function readAttributesInPlace(
  buf: Uint8Array,
  p: number,
  end: number,
  positions: ReadonlyMap<number, number>,
  values: (CmipValue | undefined)[],
): boolean {
  // as readObjectResult: a second attribute list replaces the first
  values.fill(undefined);
  while (p < end) {
    if (buf[p] !== 0x30) return false;
    const n = lengthAt(buf, p + 1, end);
    if (n === NO_LENGTH) return false;
    let q = contentsAt;
    const itemEnd = q + n;
    if (itemEnd > end) return false;
    if (q + 2 > itemEnd || buf[q] !== 0x81) return false;
    const idLength = buf[q + 1]!;
    if (idLength < 1 || idLength > 6 || q + 2 + idLength > itemEnd) return false;
    const id = integerAt(buf, q + 2, q + 2 + idLength);
    q += 2 + idLength;
    let value: CmipValue | Declined = null;
    if (q < itemEnd) {
      const tag = buf[q]!;
      const m = lengthAt(buf, q + 1, itemEnd);
      if (m === NO_LENGTH || contentsAt + m !== itemEnd) return false;
      value = scalarAt(tag, buf, contentsAt, itemEnd);
      if (value === DECLINED) return false;
    }
    const i = positions.get(id);
    if (i !== undefined) values[i] = value;
    p = itemEnd;
  }
  return true;
}

/**
 * readLinkedGetRow on the bytes themselves, for the one shape a node's subscriber rows have: a
 * getResult of definite lengths (one or two length octets), a local class, a nonSpecificForm
 * instance, attributes with scalar values. No reader calls per element, no state to restore.
 * DECLINED, `values` then in any state, for anything else (processing failures, rows without
 * an instance, nested values, what is malformed), which the reader-based path then reads,
 * errors included: both accept and refuse the same bytes (see linked-row.test.ts). Exported
 * for that test: a string is its answer for a row it read, anything else that it declined.
 */
export function readLinkedGetRowInPlace(
  buf: Uint8Array,
  start: number,
  limit: number,
  positions: ReadonlyMap<number, number>,
  values: (CmipValue | undefined)[],
): string | Declined {
  return rowInPlace(buf, start, limit, positions, values, true);
}

/**
 * What rowInPlace answers, asked not to decode the instance, for a row whose instance is not
 * empty: only whether there is one counts then. A byte string is never empty once decoded.
 */
const INSTANCE_NOT_DECODED = "(not decoded)";

function rowInPlace(
  buf: Uint8Array,
  start: number,
  limit: number,
  positions: ReadonlyMap<number, number>,
  values: (CmipValue | undefined)[],
  decodeInstance: boolean,
): string | Declined {
  if (start >= limit || buf[start] !== 0xa0) return DECLINED;
  const len = lengthAt(buf, start + 1, limit);
  if (len === NO_LENGTH) return DECLINED;
  let p = contentsAt;
  const rowEnd = p + len;
  if (rowEnd > limit) return DECLINED;
  values.fill(undefined);
  let instance: string | Declined = DECLINED;
  while (p < rowEnd) {
    const tag = buf[p]!;
    // high tag numbers and indefinite lengths are left to BerReader
    if ((tag & 0x1f) === 0x1f) return DECLINED;
    const n = lengthAt(buf, p + 1, rowEnd);
    if (n === NO_LENGTH) return DECLINED;
    const contents = contentsAt;
    const next = contents + n;
    if (next > rowEnd) return DECLINED;
    if (tag === 0xa6) {
      if (!readAttributesInPlace(buf, contents, next, positions, values)) return DECLINED;
    } else if (tag === 0x83)
      instance = decodeInstance ? stringAt(buf, contents, next) : n > 0 ? INSTANCE_NOT_DECODED : "";
    else if (tag === 0x81) {
      // the class, local form: read (not kept) as readClass does
      if (n < 1 || n > 6) return DECLINED;
    } else if (tag === 0x80 || tag === 0xa2 || tag === 0xa4 || tag === 0x00) return DECLINED;
    // anything else is skipped, as BerReader.skip does (a definite length is not looked into)
    p = next;
  }
  return instance;
}

/**
 * One linked reply of a scoped M-GET read straight into `values` (a RoseLink `decodeLinked`):
 * the value of attribute `id` goes to `values[positions.get(id)]`, an attribute not there is
 * left undefined. The object's instance, or undefined for a processing failure or an object
 * without one. Accepts and rejects exactly what `mLinkedReply`'s decoder does; a startup read
 * of 20,000 subscribers skips its tree of objects per reply.
 */
export function readLinkedGetRow(
  r: BerReader,
  positions: ReadonlyMap<number, number>,
  values: (CmipValue | undefined)[],
): string | undefined {
  const inPlace = readLinkedGetRowInPlace(r.buf, r.offset, r.limit, positions, values);
  if (inPlace !== DECLINED) {
    r.skip();
    return inPlace;
  }
  return readLinkedGetRowByReader(r, positions, values);
}

/** readLinkedGetRow's way for the rows the in-place reader declines. */
function readLinkedGetRowByReader(
  r: BerReader,
  positions: ReadonlyMap<number, number>,
  values: (CmipValue | undefined)[],
): string | undefined {
  const t = r.peekTag();
  if (t === ctxC(5)) {
    readProcessingFailure(r, t);
    return undefined;
  }
  if (t !== ctxC(0)) throw new BerError("unexpectedTag", "a linked reply we do not model", r.offset);
  values.fill(undefined);
  let instance: string | undefined;
  r.enter(t);
  while (!r.atEnd()) {
    const tt = r.peekTag();
    if (isClassTag(tt)) readClass(r);
    else if (isInstanceTag(tt)) instance = readInstance(r);
    else if (tt === ctxC(6)) {
      // as readObjectResult: a second attribute list replaces the first
      values.fill(undefined);
      r.enter(tt);
      while (!r.atEnd()) {
        r.enter(U.SEQUENCE);
        const id = readAttributeId(r);
        const value = r.atEnd() ? null : readValue(r);
        r.leave();
        const i = positions.get(id);
        if (i !== undefined) values[i] = value;
      }
      r.leave();
    } else r.skip();
  }
  r.leave();
  return instance;
}

/**
 * readLinkedGetRow for a reader of the values alone: true when the reply is an object's (a
 * getResult with an instance, which is not decoded), false for a processing failure or an object
 * without one; the same bytes accepted and refused. The instance was the longest string of a
 * subscriber row (`Node=1/Subscriber=12345`), decoded natively and dropped, 100,000 times at the
 * startup of a large network.
 */
export function readLinkedGetRowValues(
  r: BerReader,
  positions: ReadonlyMap<number, number>,
  values: (CmipValue | undefined)[],
): boolean {
  const inPlace = rowInPlace(r.buf, r.offset, r.limit, positions, values, false);
  if (inPlace !== DECLINED) {
    r.skip();
    return inPlace !== "";
  }
  return !!readLinkedGetRowByReader(r, positions, values);
}

/** The octets of a definite length's encoding, as BerWriter writes it. */
const lengthOctets = (n: number) => (n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5);

/** The contents octets of BerWriter.integer's encoding of a safe integer. */
function integerOctets(v: number): number {
  if (v >= -0x80 && v < 0x80) return 1;
  if (v >= -0x8000 && v < 0x8000) return 2;
  if (v >= -0x800000 && v < 0x800000) return 3;
  if (v >= -0x80000000 && v < 0x80000000) return 4;
  let n = 5;
  if (v >= 0) while (n < 7 && v >= 2 ** (8 * n - 1)) n++;
  else while (n < 7 && v < -(2 ** (8 * n - 1))) n++;
  return n;
}

/** `s`'s length if it is ASCII (a UTF8String of as many octets), else -1. */
function asciiLength(s: string): number {
  let seen = 0;
  for (let i = 0; i < s.length; i++) seen |= s.charCodeAt(i);
  return seen < 0x80 ? s.length : -1;
}

/** The encoding of the value writeValue writes, if a scalar: its whole TLV's length; else -1. */
function scalarValueOctets(v: CmipValue): number {
  if (typeof v === "string") {
    const n = asciiLength(v);
    return n < 0 ? -1 : 1 + lengthOctets(n) + n;
  }
  if (typeof v === "number") return Number.isSafeInteger(v) ? 2 + integerOctets(v) : -1;
  if (typeof v === "boolean") return 3;
  return v === null ? 2 : -1;
}

function putLength(b: Buffer, p: number, n: number): number {
  if (n < 0x80) {
    b[p] = n;
    return p + 1;
  }
  if (n < 0x100) {
    b[p] = 0x81;
    b[p + 1] = n;
    return p + 2;
  }
  if (n < 0x10000) {
    b[p] = 0x82;
    b.writeUInt16BE(n, p + 1);
    return p + 3;
  }
  b[p] = 0x84;
  b.writeUInt32BE(n, p + 1);
  return p + 5;
}

function putInteger(b: Buffer, p: number, tag: number, v: number): number {
  const n = integerOctets(v);
  b[p] = tag;
  b[p + 1] = n;
  if (n <= 4) for (let i = n - 1, x = v; i >= 0; i--, x >>= 8) b[p + 2 + i] = x & 0xff;
  else
    for (let i = n - 1, x = v; i >= 0; i--) {
      b[p + 2 + i] = x & 0xff;
      x = Math.floor(x / 256);
    }
  return p + 2 + n;
}

/** An ASCII string's TLV (its octets counted by asciiLength). */
function putAscii(b: Buffer, p: number, tag: number, s: string): number {
  b[p] = tag;
  p = putLength(b, p + 1, s.length);
  for (let i = 0; i < s.length; i++) b[p + i] = s.charCodeAt(i);
  return p + s.length;
}

/**
 * mLinkedReply's encoding of a getResult with a local class, an ASCII instance and scalar
 * values (a node's every row), its lengths counted first and then written once each: no element
 * opened, none moved when it passes 127 octets. False, having written nothing, for anything else.
 */
function writeLinkedGetResultFast(w: BerWriter, a: LinkedReply): boolean {
  if (a.kind !== "getResult") return false;
  const { objectClass, instance, attributes } = a.result;
  if (objectClass === undefined || !Number.isSafeInteger(objectClass) || instance === undefined) return false;
  const instanceLength = asciiLength(instance);
  if (instanceLength < 0) return false;
  let set = 0;
  for (let i = 0; i < attributes.length; i++) {
    const x = attributes[i]!;
    const v = scalarValueOctets(x.value);
    if (v < 0 || !Number.isSafeInteger(x.id)) return false;
    const item = 2 + integerOctets(x.id) + v;
    set += 1 + lengthOctets(item) + item;
  }
  let row = 2 + integerOctets(objectClass) + 1 + lengthOctets(instanceLength) + instanceLength;
  if (attributes.length) row += 1 + lengthOctets(set) + set;
  const at = w.reserve(1 + lengthOctets(row) + row);
  const b = w.buffer;
  b[at] = 0xa0; // [0] getResult
  let p = putLength(b, at + 1, row);
  p = putInteger(b, p, 0x81, objectClass);
  p = putAscii(b, p, 0x83, instance);
  if (attributes.length) {
    b[p] = 0xa6; // [6] attributeList
    p = putLength(b, p + 1, set);
    for (let i = 0; i < attributes.length; i++) {
      const { id, value } = attributes[i]!;
      // the value's length as counted above, its text now known to be ASCII
      const v =
        typeof value === "string"
          ? 1 + lengthOctets(value.length) + value.length
          : typeof value === "number"
            ? 2 + integerOctets(value)
            : typeof value === "boolean"
              ? 3
              : 2;
      b[p] = 0x30;
      p = putLength(b, p + 1, 2 + integerOctets(id) + v);
      p = putInteger(b, p, 0x81, id);
      if (typeof value === "string") p = putAscii(b, p, 0x0c, value);
      else if (typeof value === "number") p = putInteger(b, p, 0x02, value);
      else if (typeof value === "boolean") {
        b[p] = 0x01;
        b[p + 1] = 1;
        b[p + 2] = value ? 0xff : 0x00;
        p += 3;
      } else {
        b[p] = 0x05;
        b[p + 1] = 0;
        p += 2;
      }
    }
  }
  return true;
}

export const mLinkedReply = defineOperation<LinkedReply, undefined>({
  name: "m-Linked-Reply",
  opcode: 2,
  encodeArgument(w, a) {
    if (a.kind === "getResult") writeObjectResult(w, a.result, ctxC(0));
    else writeProcessingFailure(w, a, ctxC(5));
  },
  encodeArgumentFast: writeLinkedGetResultFast,
  decodeArgument(r) {
    const t = r.peekTag();
    if (t === ctxC(0)) return { kind: "getResult", result: readObjectResult(r, t) };
    if (t !== ctxC(5)) throw new BerError("unexpectedTag", "a linked reply we do not model", r.offset);
    return { kind: "processingFailure", ...readProcessingFailure(r, t) };
  },
});
