/**
 * What the node answered, as a domain error whose kind says what O2G answers: each X.711 refusal
 * becomes the REST status a client of the catalogue expects (400 for a value or an attribute the
 * object model refuses, 404 for an object that does not exist, 409 for a state that forbids it,
 * 403 for an operation the object does not allow, 503 when the node cannot be reached), with the
 * X.711 error (and the attribute at fault) as the detail.
 *
 * The message is the gateway's own wording of the error's X.711 parameter (the instance that does
 * not exist, the attribute and value refused ...) read against the object model the node serves:
 * a value's type, range, pattern and enumeration, and the note that says what else the node
 * requires of it. X.711 has room for the node's own text in one place only, processingFailure's
 * specificErrorInfo, and that text is passed on as it is.
 */
import {
  type AttributeError,
  type CmipError,
  type CmipErrorName,
  type CmipValue,
  NODE_DIAGNOSTIC_ERROR_ID,
  type SchemaAttribute,
  type SchemaClass,
  type SetInfoStatus,
  valueProblem,
} from "../../../protocols/cmip/index.js";
import { RemoteOperationError } from "../../../protocols/rose/index.js";
import { UnknownNameError } from "../../links/cmip-client.js";
import { DomainError, type DomainErrorKind, NodeUnavailableError } from "../errors.js";

const KIND: Record<CmipErrorName, DomainErrorKind> = {
  noSuchObjectClass: "notFound",
  noSuchObjectInstance: "notFound",
  accessDenied: "forbidden",
  syncNotSupported: "invalid",
  invalidFilter: "invalid",
  noSuchAttribute: "invalid",
  invalidAttributeValue: "invalid",
  getListError: "invalid",
  setListError: "invalid",
  noSuchAction: "invalid",
  processingFailure: "conflict",
  duplicateManagedObjectInstance: "conflict",
  noSuchReferenceObject: "invalid",
  noSuchEventType: "invalid",
  noSuchArgument: "invalid",
  invalidArgumentValue: "invalid",
  invalidScope: "invalid",
  invalidObjectInstance: "invalid",
  missingAttributeValue: "invalid",
  classInstanceConflict: "invalid",
  complexityLimitation: "invalid",
  mistypedOperation: "invalid",
  noSuchInvokeId: "badGateway",
  operationCancelled: "unavailable",
};

export function nodeUnreachable(nodeId: number): NodeUnavailableError {
  return new NodeUnavailableError(nodeId, `OXE node ${nodeId} is not reachable (configuration link down)`);
}

/**
 * The domain error for a failed CMIP request to node `nodeId`; `cls` names the attribute at
 * fault. Anything that is not a link failure is rethrown as it is.
 */
export function fromCmip(err: unknown, nodeId: number, cls?: SchemaClass): Error {
  if (err instanceof DomainError) return err;
  if (err instanceof UnknownNameError) {
    return err.kind === "class"
      ? new DomainError("notFound", err.message, "noSuchObjectClass")
      : new DomainError("invalid", err.message, "noSuchAttribute");
  }
  if (!(err instanceof RemoteOperationError)) return err as Error;
  const f = (err as RemoteOperationError<CmipError>).failure;
  switch (f.kind) {
    case "closed":
    case "timeout":
      return new NodeUnavailableError(
        nodeId,
        `OXE node ${nodeId} did not answer (${f.kind === "closed" ? "link down" : "timeout"})`,
      );
    case "badArgument":
      return new DomainError("invalid", `a value cannot be sent to OXE node ${nodeId}: ${f.message}`);
    case "reject":
    case "badResult":
      return new DomainError("badGateway", `OXE node ${nodeId} could not process the request`, err.message);
    case "error": {
      const e = f.error;
      const words = new Wording(nodeId, err.operation, cls);
      return new DomainError(KIND[e.error] ?? "badGateway", words.message(e), words.detail(e));
    }
  }
}

/** "Node=1/Subscriber=10001" as its last class and id: ["Subscriber", "10001"]. */
function lastName(instance: string): [string, string] | undefined {
  const last = instance.slice(instance.lastIndexOf("/") + 1);
  const eq = last.indexOf("=");
  return eq > 0 ? [last.slice(0, eq), last.slice(eq + 1)] : undefined;
}

const show = (v: CmipValue | undefined): string => (typeof v === "number" ? String(v) : JSON.stringify(v));

const VERB: Record<string, string> = {
  "m-Get": "read",
  "m-Set-Confirmed": "modified",
  "m-Create": "created",
  "m-Delete": "deleted",
  "m-Action-Confirmed": "acted upon",
};

/** Says one refusal of node `nodeId` to `operation` on an object of class `cls`. */
class Wording {
  constructor(
    private readonly nodeId: number,
    private readonly operation: string,
    private readonly cls: SchemaClass | undefined,
  ) {}

  private get node(): string {
    return `OXE node ${this.nodeId}`;
  }

  private attribute(id: number): SchemaAttribute | undefined {
    return this.cls?.attributes.find((a) => a.id === id);
  }

  private attributeName(id: number): string {
    return this.attribute(id)?.name ?? `#${id}`;
  }

  private className(id?: number): string {
    if (id === undefined || id === this.cls?.id) return this.cls?.name ?? "object";
    return `class #${id}`;
  }

  private instance(instance: string, what: (cls: string, id: string) => string): string {
    const n = lastName(instance);
    return n ? what(n[0], n[1]) : `"${instance}"`;
  }

  /** Why the node refused `value` for attribute `id`, as far as its object model tells. */
  private invalidValue(id: number, value: CmipValue | undefined): string {
    const def = this.attribute(id);
    if (!def) return `${this.node} refuses the value ${show(value)} of attribute #${id}`;
    if (def.readOnly) return `${def.name} is read-only: the node sets it`;
    if (value === undefined) return `${def.name} needs a value`;
    const problem = valueProblem(def, value);
    if (problem) return problem;
    const refused = `${def.name} ${show(value)} is refused by ${this.node}`;
    return def.note ? `${refused}: ${def.note}` : refused;
  }

  private attributeError(e: AttributeError): string {
    const def = this.attribute(e.attributeId);
    const name = this.attributeName(e.attributeId);
    switch (e.errorStatus) {
      case "noSuchAttribute":
        return `${this.className()} has no attribute ${name}`;
      case "accessDenied":
        if (def?.readOnly) return `${name} is read-only`;
        if (def && def.name === this.cls?.namingAttribute)
          return `${name} names the object and cannot change: delete it and create another`;
        return `${name} cannot be modified`;
      case "invalidAttributeValue":
        return this.invalidValue(e.attributeId, e.attributeValue);
      case "invalidOperation":
      case "invalidOperator":
        return `${e.modifyOperator ?? "this modification"} does not apply to ${name}${
          e.modifyOperator === "setToDefault" ? " (it has no default value)" : ""
        }`;
    }
  }

  message(e: CmipError): string {
    switch (e.error) {
      case "noSuchObjectInstance":
        return this.instance(e.instance, (c, id) => `no ${c} ${id} on ${this.node}`);
      case "invalidObjectInstance":
        return `"${e.instance}" does not name an object ${this.node} can have`;
      case "duplicateManagedObjectInstance":
        return this.instance(e.instance, (c, id) => `there is already a ${c} ${id}`);
      case "noSuchReferenceObject":
        return `${this.node} has no object ${e.instance} to take as reference`;
      case "noSuchObjectClass":
        return `${this.node} has no object class ${this.className(e.objectClass)}`;
      case "classInstanceConflict":
        return `${e.instance} is not a ${this.className(e.objectClass)}`;
      case "accessDenied":
        return `${this.cls?.name ?? "these"} objects cannot be ${VERB[this.operation] ?? "used so"} on ${this.node}`;
      case "noSuchAttribute":
        return `${this.className()} has no attribute ${this.attributeName(e.attributeId)}`;
      case "invalidAttributeValue":
        return this.invalidValue(e.attribute.id, e.attribute.value);
      case "missingAttributeValue": {
        const names = e.attributeIds.map((id) => this.attributeName(id));
        return `${names.join(", ")} ${names.length > 1 ? "are" : "is"} mandatory to create a ${this.className()}`;
      }
      case "setListError":
        return errorsOf(e.setInfoList)
          .map((x) => this.attributeError(x))
          .join("; ");
      case "getListError":
        return e.getInfoList
          .flatMap((x) => ("attributeIdError" in x ? [x.attributeIdError] : []))
          .map((x) =>
            x.errorStatus === "noSuchAttribute"
              ? `${this.className()} has no attribute ${this.attributeName(x.attributeId)}`
              : `${this.attributeName(x.attributeId)} cannot be read`,
          )
          .join("; ");
      case "processingFailure": {
        const info = e.failure?.specificErrorInfo;
        if (info?.errorId === NODE_DIAGNOSTIC_ERROR_ID && typeof info.errorInfo === "string")
          return info.errorInfo;
        return `${this.node} failed to process the ${this.operation}`;
      }
      case "invalidScope":
        return `${this.node} refuses the scope ${e.scope} for ${this.operation}`;
      case "complexityLimitation":
        return `the ${this.operation} is beyond what ${this.node} does in one request${
          e.limitation?.scope ? ` (scope ${e.limitation.scope})` : e.limitation?.filter ? " (filter)" : ""
        }`;
      case "invalidFilter":
        return `${this.node} refuses the filter`;
      case "syncNotSupported":
        return `${this.node} does not support ${e.sync} synchronization`;
      case "noSuchAction":
        return `${this.className(e.objectClass)} has no action ${
          this.cls?.actions.find((a) => a.id === e.actionType)?.name ?? `#${e.actionType}`
        }`;
      case "noSuchArgument":
      case "invalidArgumentValue":
      case "noSuchEventType":
        return `${this.node} refuses the ${this.operation} (${e.error})`;
      case "mistypedOperation":
        return `${this.node} does not take ${this.operation} here`;
      case "operationCancelled":
        return `${this.node} cancelled the ${this.operation}`;
      case "noSuchInvokeId":
        return `${this.node} knows no such request`;
    }
  }

  /** O2G's innerMessage: the X.711 error, and the attribute(s) at fault when it names some. */
  detail(e: CmipError): string {
    if (e.error === "invalidAttributeValue") return `${e.error} (${this.attributeName(e.attribute.id)})`;
    if (e.error === "noSuchAttribute") return `${e.error} (${this.attributeName(e.attributeId)})`;
    if (e.error === "setListError") {
      const at = errorsOf(e.setInfoList).map(
        (x) => `${x.errorStatus} (${this.attributeName(x.attributeId)})`,
      );
      return at.length ? at.join(", ") : e.error;
    }
    return e.error;
  }
}

function errorsOf(list: SetInfoStatus[]): AttributeError[] {
  return list.flatMap((x) => ("attributeError" in x ? [x.attributeError] : []));
}
