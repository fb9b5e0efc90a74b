/**
 * CMIP errors as the X.711 CMIP-1 module defines them: each error's local code and its PARAMETER,
 * nothing else. Three errors have no parameter (accessDenied, mistypedOperation,
 * operationCancelled) and two an optional one (processingFailure, complexityLimitation); a
 * node's diagnostic text has a place only in processingFailure's specificErrorInfo. Tags follow
 * the module's EXPLICIT default:
 *
 *   noSuchObjectClass              ObjectClass
 *   noSuchObjectInstance, duplicateManagedObjectInstance, noSuchReferenceObject,
 *   invalidObjectInstance          ObjectInstance
 *   syncNotSupported               CMISSync (ENUMERATED { bestEffort(0), atomic(1) })
 *   invalidFilter                  CMISFilter
 *   noSuchAttribute                AttributeId
 *   invalidAttributeValue          Attribute
 *   getListError                   GetListError ::= SEQUENCE { ObjectClass OPTIONAL, ObjectInstance OPTIONAL,
 *                                    currentTime [5] IMPLICIT GeneralizedTime OPTIONAL,
 *                                    getInfoList [6] IMPLICIT SET OF GetInfoStatus }
 *   setListError                   SetListError (the same, setInfoList [6] IMPLICIT SET OF SetInfoStatus)
 *   noSuchAction                   NoSuchAction ::= SEQUENCE { ObjectClass, actionType ActionTypeId }
 *   processingFailure              ProcessingFailure OPTIONAL
 *   noSuchEventType                NoSuchEventType ::= SEQUENCE { ObjectClass, eventType EventTypeId }
 *   noSuchArgument                 NoSuchArgument ::= CHOICE { actionId [0] IMPLICIT SEQUENCE {
 *                                    ObjectClass OPTIONAL, actionType }, eventId [1] IMPLICIT SEQUENCE {
 *                                    ObjectClass OPTIONAL, eventType } }
 *   invalidArgumentValue           InvalidArgumentValue ::= CHOICE { actionValue [0] IMPLICIT ActionInfo,
 *                                    eventValue [1] IMPLICIT SEQUENCE { eventType, eventInfo [8] ... OPTIONAL } }
 *   invalidScope                   Scope
 *   missingAttributeValue          SET OF AttributeId
 *   classInstanceConflict          BaseManagedObjectId ::= SEQUENCE { ObjectClass, ObjectInstance }
 *   complexityLimitation           ComplexityLimitation ::= SET { scope [0] Scope OPTIONAL,
 *                                    filter [1] CMISFilter OPTIONAL, sync [2] CMISSync OPTIONAL } OPTIONAL
 *   noSuchInvokeId                 InvokeIDType (InvokeId ::= CHOICE { present INTEGER, absent NULL })
 *   accessDenied, mistypedOperation, operationCancelled: no parameter
 *
 *   GetInfoStatus  ::= CHOICE { attributeIdError [0] IMPLICIT AttributeIdError, attribute [1] IMPLICIT Attribute }
 *   AttributeIdError ::= SEQUENCE { errorStatus ENUMERATED { accessDenied(2), noSuchAttribute(5) }, attributeId }
 *   SetInfoStatus  ::= CHOICE { attributeError [0] IMPLICIT AttributeError, attribute [1] IMPLICIT Attribute }
 *   AttributeError ::= SEQUENCE { errorStatus ENUMERATED { accessDenied(2), noSuchAttribute(5),
 *                      invalidAttributeValue(6), invalidOperation(24), invalidOperator(25) },
 *                      modifyOperator [2] IMPLICIT ModifyOperator OPTIONAL, attributeId, attributeValue OPTIONAL }
 */
import { BerError, type BerReader, type BerWriter, ctx, ctxC, U } from "../ber/index.js";
import type { ErrorCodec } from "../rose/index.js";
import {
  type Attribute,
  type CmipValue,
  type Filter,
  MODIFY_OPERATORS,
  type ModifyOperator,
  type ProcessingFailure,
  readAttribute,
  readAttributeId,
  readClass,
  readFilter,
  readInstance,
  readProcessingFailure,
  readScopeValue,
  readValue,
  type Scope,
  writeAttribute,
  writeClass,
  writeFilter,
  writeInstance,
  writeProcessingFailure,
  writeScopeValue,
  writeValue,
} from "./pdus.js";

export const CmipErrorCode = {
  noSuchObjectClass: 0,
  noSuchObjectInstance: 1,
  accessDenied: 2,
  syncNotSupported: 3,
  invalidFilter: 4,
  noSuchAttribute: 5,
  invalidAttributeValue: 6,
  getListError: 7,
  setListError: 8,
  noSuchAction: 9,
  processingFailure: 10,
  duplicateManagedObjectInstance: 11,
  noSuchReferenceObject: 12,
  noSuchEventType: 13,
  noSuchArgument: 14,
  invalidArgumentValue: 15,
  invalidScope: 16,
  invalidObjectInstance: 17,
  missingAttributeValue: 18,
  classInstanceConflict: 19,
  complexityLimitation: 20,
  mistypedOperation: 21,
  noSuchInvokeId: 22,
  operationCancelled: 23,
} as const;
export type CmipErrorName = keyof typeof CmipErrorCode;
const NAMES = Object.fromEntries(Object.entries(CmipErrorCode).map(([k, v]) => [v, k])) as Record<
  number,
  CmipErrorName
>;

/**
 * SpecificErrorInfo's errorId for a node's diagnostic in words (errorInfo: a UTF8String). The
 * OXE's own specific-error identifiers are not public; this one sits under RFC 5612's
 * documentation enterprise number so that it can never be mistaken for a vendor's.
 */
export const NODE_DIAGNOSTIC_ERROR_ID = "1.3.6.1.4.1.32473.1.1";

export type CmisSync = "bestEffort" | "atomic";
const SYNCS: readonly CmisSync[] = ["bestEffort", "atomic"];

/** AttributeError's errorStatus, with X.711's numbers. */
export const AttributeErrorStatus = {
  accessDenied: 2,
  noSuchAttribute: 5,
  invalidAttributeValue: 6,
  invalidOperation: 24,
  invalidOperator: 25,
} as const;
export type AttributeErrorStatusName = keyof typeof AttributeErrorStatus;
const STATUS_NAMES = Object.fromEntries(
  Object.entries(AttributeErrorStatus).map(([k, v]) => [v, k]),
) as Record<number, AttributeErrorStatusName>;

export interface AttributeError {
  errorStatus: AttributeErrorStatusName;
  /** present for invalidOperator and invalidOperation */
  modifyOperator?: ModifyOperator;
  attributeId: number;
  /** absent for setToDefault */
  attributeValue?: CmipValue;
}

export interface AttributeIdError {
  errorStatus: "accessDenied" | "noSuchAttribute";
  attributeId: number;
}

export type SetInfoStatus = { attributeError: AttributeError } | { attribute: Attribute };
export type GetInfoStatus = { attributeIdError: AttributeIdError } | { attribute: Attribute };

export type CmipError =
  | { error: "accessDenied" | "mistypedOperation" | "operationCancelled" }
  | { error: "noSuchObjectClass"; objectClass: number }
  | {
      error:
        | "noSuchObjectInstance"
        | "duplicateManagedObjectInstance"
        | "noSuchReferenceObject"
        | "invalidObjectInstance";
      instance: string;
    }
  | { error: "classInstanceConflict"; objectClass: number; instance: string }
  | { error: "syncNotSupported"; sync: CmisSync }
  | { error: "invalidFilter"; filter: Filter }
  | { error: "invalidScope"; scope: Scope }
  | { error: "noSuchAttribute"; attributeId: number }
  | { error: "invalidAttributeValue"; attribute: Attribute }
  | { error: "missingAttributeValue"; attributeIds: number[] }
  | { error: "getListError"; objectClass?: number; instance?: string; getInfoList: GetInfoStatus[] }
  | { error: "setListError"; objectClass?: number; instance?: string; setInfoList: SetInfoStatus[] }
  | { error: "noSuchAction"; objectClass: number; actionType: number }
  | { error: "noSuchEventType"; objectClass: number; eventType: number }
  | {
      error: "noSuchArgument";
      argument:
        | { actionId: { objectClass?: number; actionType: number } }
        | { eventId: { objectClass?: number; eventType: number } };
    }
  | {
      error: "invalidArgumentValue";
      argument:
        | { actionValue: { actionType: number; info?: CmipValue } }
        | { eventValue: { eventType: number; info?: CmipValue } };
    }
  | { error: "processingFailure"; failure?: ProcessingFailure }
  | { error: "complexityLimitation"; limitation?: { scope?: Scope; filter?: Filter; sync?: CmisSync } }
  | { error: "noSuchInvokeId"; invokeId: number | null };

// ---- pieces -------------------------------------------------------------------------------

function writeExplicitValue(w: BerWriter, tag: number, v: CmipValue): void {
  w.begin(ctxC(tag));
  writeValue(w, v);
  w.end();
}

function readExplicitValue(r: BerReader, tag: number): CmipValue {
  r.enter(ctxC(tag));
  const v = readValue(r);
  r.leave();
  return v;
}

function writeAttributeError(w: BerWriter, e: AttributeError): void {
  w.begin(ctxC(0)); // [0] IMPLICIT AttributeError
  w.enumerated(AttributeErrorStatus[e.errorStatus]);
  if (e.modifyOperator !== undefined) w.integer(MODIFY_OPERATORS.indexOf(e.modifyOperator), ctx(2));
  w.integer(e.attributeId, ctx(1));
  if (e.attributeValue !== undefined) writeValue(w, e.attributeValue);
  w.end();
}

function readAttributeError(r: BerReader): AttributeError {
  r.enter(ctxC(0));
  const status = STATUS_NAMES[r.enumerated()];
  if (!status) throw new BerError("badValue", "AttributeError errorStatus", r.offset);
  const out: AttributeError = { errorStatus: status, attributeId: -1 };
  if (r.isNext(ctx(2))) {
    const op = MODIFY_OPERATORS[r.integer(ctx(2))];
    if (!op) throw new BerError("badValue", "modifyOperator", r.offset);
    out.modifyOperator = op;
  }
  out.attributeId = readAttributeId(r);
  if (!r.atEnd()) out.attributeValue = readValue(r);
  r.leave();
  return out;
}

function writeAttributeIdError(w: BerWriter, e: AttributeIdError): void {
  w.begin(ctxC(0)).enumerated(AttributeErrorStatus[e.errorStatus]).integer(e.attributeId, ctx(1)).end();
}

function readAttributeIdError(r: BerReader): AttributeIdError {
  r.enter(ctxC(0));
  const status = STATUS_NAMES[r.enumerated()];
  if (status !== "accessDenied" && status !== "noSuchAttribute")
    throw new BerError("badValue", "AttributeIdError errorStatus", r.offset);
  const out: AttributeIdError = { errorStatus: status, attributeId: readAttributeId(r) };
  while (!r.atEnd()) r.skip();
  r.leave();
  return out;
}

/** GetListError / SetListError: the object, then [6] IMPLICIT SET OF the per-attribute outcome. */
function writeListError<S>(
  w: BerWriter,
  e: { objectClass?: number; instance?: string },
  list: S[],
  writeStatus: (s: S) => void,
): void {
  w.begin(U.SEQUENCE);
  if (e.objectClass !== undefined) writeClass(w, e.objectClass);
  if (e.instance !== undefined) writeInstance(w, e.instance);
  w.begin(ctxC(6));
  for (const s of list) writeStatus(s);
  w.end();
  w.end();
}

function readListError<S>(
  r: BerReader,
  readStatus: () => S,
): { objectClass?: number; instance?: string; list: S[] } {
  const out: { objectClass?: number; instance?: string; list: S[] } = { list: [] };
  r.enter();
  let seen = false;
  while (!r.atEnd()) {
    const t = r.peekTag();
    if (t === ctx(0) || t === ctx(1)) out.objectClass = readClass(r);
    else if (t === ctx(3)) out.instance = readInstance(r);
    else if (t === ctxC(6)) {
      seen = true;
      r.enter(t);
      while (!r.atEnd()) out.list.push(readStatus());
      r.leave();
    } else r.skip(); // currentTime, distinguished names we do not model, extensions
  }
  r.leave();
  if (!seen) throw new BerError("truncated", "list error without its info list", r.offset);
  return out;
}

function writeInfoAttribute(w: BerWriter, a: Attribute): void {
  writeAttribute(w, a, ctxC(1)); // [1] IMPLICIT Attribute
}

function readComplexityLimitation(r: BerReader): { scope?: Scope; filter?: Filter; sync?: CmisSync } {
  const out: { scope?: Scope; filter?: Filter; sync?: CmisSync } = {};
  r.enter(U.SET);
  while (!r.atEnd()) {
    const t = r.peekTag();
    r.enter(t);
    if (t === ctxC(0)) out.scope = readScopeValue(r);
    else if (t === ctxC(1)) out.filter = readFilter(r);
    else if (t === ctxC(2)) out.sync = readSync(r);
    else while (!r.atEnd()) r.skip();
    r.leave();
  }
  r.leave();
  return out;
}

function readSync(r: BerReader): CmisSync {
  const v = SYNCS[r.enumerated()];
  if (!v) throw new BerError("badValue", "CMISSync", r.offset);
  return v;
}

// ---- the codec ----------------------------------------------------------------------------

/** Writes the parameter X.711 defines for the error (nothing where it defines none). */
function writeParameter(w: BerWriter, e: CmipError): void {
  switch (e.error) {
    case "accessDenied":
    case "mistypedOperation":
    case "operationCancelled":
      return;
    case "noSuchObjectClass":
      writeClass(w, e.objectClass);
      return;
    case "noSuchObjectInstance":
    case "duplicateManagedObjectInstance":
    case "noSuchReferenceObject":
    case "invalidObjectInstance":
      writeInstance(w, e.instance);
      return;
    case "classInstanceConflict":
      w.begin(U.SEQUENCE);
      writeClass(w, e.objectClass);
      writeInstance(w, e.instance);
      w.end();
      return;
    case "syncNotSupported":
      w.enumerated(SYNCS.indexOf(e.sync));
      return;
    case "invalidFilter":
      writeFilter(w, e.filter);
      return;
    case "invalidScope":
      writeScopeValue(w, e.scope);
      return;
    case "noSuchAttribute":
      w.integer(e.attributeId, ctx(1));
      return;
    case "invalidAttributeValue":
      writeAttribute(w, e.attribute);
      return;
    case "missingAttributeValue":
      w.begin(U.SET);
      for (const id of e.attributeIds) w.integer(id, ctx(1));
      w.end();
      return;
    case "getListError":
      writeListError(w, e, e.getInfoList, (s) =>
        "attribute" in s ? writeInfoAttribute(w, s.attribute) : writeAttributeIdError(w, s.attributeIdError),
      );
      return;
    case "setListError":
      writeListError(w, e, e.setInfoList, (s) =>
        "attribute" in s ? writeInfoAttribute(w, s.attribute) : writeAttributeError(w, s.attributeError),
      );
      return;
    case "noSuchAction":
      w.begin(U.SEQUENCE);
      writeClass(w, e.objectClass);
      w.integer(e.actionType, ctx(3)); // ActionTypeId localForm [3] IMPLICIT INTEGER
      w.end();
      return;
    case "noSuchEventType":
      w.begin(U.SEQUENCE);
      writeClass(w, e.objectClass);
      w.integer(e.eventType, ctx(7)); // EventTypeId localForm [7] IMPLICIT INTEGER
      w.end();
      return;
    case "noSuchArgument": {
      const a = e.argument;
      const [tag, cls, id, idTag] =
        "actionId" in a
          ? [0, a.actionId.objectClass, a.actionId.actionType, 3]
          : [1, a.eventId.objectClass, a.eventId.eventType, 7];
      w.begin(ctxC(tag));
      if (cls !== undefined) writeClass(w, cls);
      w.integer(id, ctx(idTag));
      w.end();
      return;
    }
    case "invalidArgumentValue": {
      const a = e.argument;
      const [tag, id, idTag, infoTag, info] =
        "actionValue" in a
          ? [0, a.actionValue.actionType, 3, 4, a.actionValue.info]
          : [1, a.eventValue.eventType, 7, 8, a.eventValue.info];
      w.begin(ctxC(tag)).integer(id, ctx(idTag));
      if (info !== undefined) writeExplicitValue(w, infoTag, info);
      w.end();
      return;
    }
    case "processingFailure":
      if (e.failure) writeProcessingFailure(w, e.failure);
      return;
    case "complexityLimitation": {
      const l = e.limitation;
      if (!l) return;
      w.begin(U.SET);
      if (l.scope !== undefined) {
        w.begin(ctxC(0));
        writeScopeValue(w, l.scope);
        w.end();
      }
      if (l.filter !== undefined) {
        w.begin(ctxC(1));
        writeFilter(w, l.filter);
        w.end();
      }
      if (l.sync !== undefined) w.begin(ctxC(2)).enumerated(SYNCS.indexOf(l.sync)).end();
      w.end();
      return;
    }
    case "noSuchInvokeId":
      if (e.invokeId === null) w.null();
      else w.integer(e.invokeId);
      return;
  }
}

function need(r: BerReader | undefined, error: CmipErrorName): BerReader {
  if (!r) throw new BerError("truncated", `${error} without the parameter X.711 gives it`, 0);
  return r;
}

function readParameter(error: CmipErrorName, p: BerReader | undefined): CmipError {
  switch (error) {
    case "accessDenied":
    case "mistypedOperation":
    case "operationCancelled":
      return { error }; // a parameter X.711 does not define is ignored
    case "noSuchObjectClass":
      return { error, objectClass: readClass(need(p, error)) };
    case "noSuchObjectInstance":
    case "duplicateManagedObjectInstance":
    case "noSuchReferenceObject":
    case "invalidObjectInstance":
      return { error, instance: readInstance(need(p, error)) };
    case "classInstanceConflict": {
      const r = need(p, error).enter();
      const out: CmipError = { error, objectClass: readClass(r), instance: readInstance(r) };
      r.leave();
      return out;
    }
    case "syncNotSupported":
      return { error, sync: readSync(need(p, error)) };
    case "invalidFilter":
      return { error, filter: readFilter(need(p, error)) };
    case "invalidScope":
      return { error, scope: readScopeValue(need(p, error)) };
    case "noSuchAttribute":
      return { error, attributeId: readAttributeId(need(p, error)) };
    case "invalidAttributeValue":
      return { error, attribute: readAttribute(need(p, error)) };
    case "missingAttributeValue": {
      const r = need(p, error).enter(U.SET);
      const attributeIds: number[] = [];
      while (!r.atEnd()) attributeIds.push(readAttributeId(r));
      r.leave();
      return { error, attributeIds };
    }
    case "getListError": {
      const r = need(p, error);
      const { list, ...object } = readListError<GetInfoStatus>(r, () =>
        r.isNext(ctxC(1))
          ? { attribute: readAttribute(r, ctxC(1)) }
          : { attributeIdError: readAttributeIdError(r) },
      );
      return { error, ...object, getInfoList: list };
    }
    case "setListError": {
      const r = need(p, error);
      const { list, ...object } = readListError<SetInfoStatus>(r, () =>
        r.isNext(ctxC(1))
          ? { attribute: readAttribute(r, ctxC(1)) }
          : { attributeError: readAttributeError(r) },
      );
      return { error, ...object, setInfoList: list };
    }
    case "noSuchAction":
    case "noSuchEventType": {
      const r = need(p, error).enter();
      const objectClass = readClass(r);
      const id = r.integer(ctx(error === "noSuchAction" ? 3 : 7));
      while (!r.atEnd()) r.skip();
      r.leave();
      return error === "noSuchAction"
        ? { error, objectClass, actionType: id }
        : { error, objectClass, eventType: id };
    }
    case "noSuchArgument": {
      const r = need(p, error);
      const action = r.isNext(ctxC(0));
      r.enter(action ? ctxC(0) : ctxC(1));
      const objectClass = r.isNext(ctx(0)) || r.isNext(ctx(1)) ? readClass(r) : undefined;
      const id = r.integer(ctx(action ? 3 : 7));
      r.leave();
      const cls = objectClass !== undefined ? { objectClass } : {};
      return {
        error,
        argument: action ? { actionId: { ...cls, actionType: id } } : { eventId: { ...cls, eventType: id } },
      };
    }
    case "invalidArgumentValue": {
      const r = need(p, error);
      const action = r.isNext(ctxC(0));
      r.enter(action ? ctxC(0) : ctxC(1));
      const id = r.integer(ctx(action ? 3 : 7));
      const info = r.atEnd() ? undefined : readExplicitValue(r, action ? 4 : 8);
      r.leave();
      const value = info !== undefined ? { info } : {};
      return {
        error,
        argument: action
          ? { actionValue: { actionType: id, ...value } }
          : { eventValue: { eventType: id, ...value } },
      };
    }
    case "processingFailure":
      return p ? { error, failure: readProcessingFailure(p) } : { error };
    case "complexityLimitation":
      return p ? { error, limitation: readComplexityLimitation(p) } : { error };
    case "noSuchInvokeId": {
      const r = need(p, error);
      return { error, invokeId: r.isNext(U.NULL) ? r.null() : r.integer() };
    }
  }
}

export const cmipErrorCodec: ErrorCodec<CmipError> = {
  encode(w: BerWriter, e: CmipError): number {
    writeParameter(w, e);
    return CmipErrorCode[e.error];
  },
  decode(errcode: number, r: BerReader | undefined): CmipError {
    const name = NAMES[errcode];
    // A code X.711 does not define: the node failed in a way it could not name.
    if (!name) return { error: "processingFailure" };
    return readParameter(name, r);
  },
};

/** The node's diagnostic text, when the error carries one (a processingFailure's specificErrorInfo). */
export function nodeDiagnostic(e: CmipError): string | undefined {
  if (e.error !== "processingFailure") return undefined;
  const info = e.failure?.specificErrorInfo;
  return info?.errorId === NODE_DIAGNOSTIC_ERROR_ID && typeof info.errorInfo === "string"
    ? info.errorInfo
    : undefined;
}
