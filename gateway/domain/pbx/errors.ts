/**
 * What the node answered, as a domain error whose kind says what O2G answers: each X.711 refusal
 * becomes the REST status a client of the catalogue expects (400 for a value or an attribute the
 * object model refuses, 404 for an object that does not exist, 409 for a state that forbids it,
 * 403 for an operation the object does not allow, 503 when the node cannot be reached), with the
 * node's own diagnostic as the message and the X.711 error (and the attribute at fault) as the
 * detail.
 */
import type { CmipError, CmipErrorName, SchemaClass } from "../../../protocols/cmip/index.js";
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
      const attribute =
        e.attributeId !== undefined ? cls?.attributes.find((a) => a.id === e.attributeId)?.name : undefined;
      return new DomainError(
        KIND[e.error] ?? "badGateway",
        e.text ?? `the node refused: ${e.error}`,
        attribute ? `${e.error} (${attribute})` : e.error,
      );
    }
  }
}
