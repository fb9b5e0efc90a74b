/**
 * What the node answered, as O2G answers it: each X.711 refusal becomes the REST status a
 * client of the catalogue expects (400 for a value or an attribute the object model refuses, 404
 * for an object that does not exist, 409 for a state that forbids it, 403 for an operation the
 * object does not allow, 503 when the node cannot be reached), with the node's own diagnostic as
 * the help message and the X.711 error (and the attribute at fault) as the inner message.
 */
import type { CmipError, CmipErrorName, SchemaClass } from "../../../protocols/cmip/index.js";
import { RemoteOperationError } from "../../../protocols/rose/index.js";
import { NodeUnavailableError } from "../../core.js";
import { O2gError, statusName } from "../../http/errors.js";
import { UnknownNameError } from "../../links/cmip-client.js";

const STATUS: Record<CmipErrorName, number> = {
  noSuchObjectClass: 404,
  noSuchObjectInstance: 404,
  accessDenied: 403,
  syncNotSupported: 400,
  invalidFilter: 400,
  noSuchAttribute: 400,
  invalidAttributeValue: 400,
  getListError: 400,
  setListError: 400,
  noSuchAction: 400,
  processingFailure: 409,
  duplicateManagedObjectInstance: 409,
  noSuchReferenceObject: 400,
  noSuchEventType: 400,
  noSuchArgument: 400,
  invalidArgumentValue: 400,
  invalidScope: 400,
  invalidObjectInstance: 400,
  missingAttributeValue: 400,
  classInstanceConflict: 400,
  complexityLimitation: 400,
  mistypedOperation: 400,
  noSuchInvokeId: 502,
  operationCancelled: 503,
};

export function nodeUnreachable(nodeId: number): O2gError {
  return new O2gError(503, `OXE node ${nodeId} is not reachable (configuration link down)`, {
    type: "SERVICE_UNAVAILABLE",
    canRetry: true,
  });
}

/**
 * The O2G error for a failed CMIP request to node `nodeId`; `cls` names the attribute at fault.
 * Anything that is not a link failure is rethrown as it is.
 */
export function fromCmip(err: unknown, nodeId: number, cls?: SchemaClass): Error {
  if (err instanceof O2gError || err instanceof NodeUnavailableError) return err;
  if (err instanceof UnknownNameError) {
    return err.kind === "class"
      ? new O2gError(404, err.message, { type: "NOT_FOUND", innerMessage: "noSuchObjectClass" })
      : new O2gError(400, err.message, { type: "BAD_REQUEST", innerMessage: "noSuchAttribute" });
  }
  if (!(err instanceof RemoteOperationError)) return err as Error;
  const f = (err as RemoteOperationError<CmipError>).failure;
  switch (f.kind) {
    case "closed":
    case "timeout":
      return new O2gError(
        503,
        `OXE node ${nodeId} did not answer (${f.kind === "closed" ? "link down" : "timeout"})`,
        {
          type: "SERVICE_UNAVAILABLE",
          canRetry: true,
        },
      );
    case "badArgument":
      return new O2gError(400, `a value cannot be sent to OXE node ${nodeId}: ${f.message}`, {
        type: "BAD_REQUEST",
      });
    case "reject":
    case "badResult":
      return new O2gError(502, `OXE node ${nodeId} could not process the request`, {
        type: "BAD_GATEWAY",
        innerMessage: err.message,
      });
    case "error": {
      const e = f.error;
      const status = STATUS[e.error] ?? 502;
      const attribute =
        e.attributeId !== undefined ? cls?.attributes.find((a) => a.id === e.attributeId)?.name : undefined;
      return new O2gError(status, e.text ?? `the node refused: ${e.error}`, {
        type: statusName(status),
        innerMessage: attribute ? `${e.error} (${attribute})` : e.error,
        canRetry: status === 503,
      });
    }
  }
}
