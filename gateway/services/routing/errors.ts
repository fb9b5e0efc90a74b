/**
 * Routing's failures in O2G's shape: the status, plus the routing block (the SDK's
 * RoutingErrorType / RoutingErrorCause) that says which part of the request was wrong.
 */
import { type CmipError, nodeDiagnostic } from "../../../protocols/cmip/index.js";
import type { CstaFailure } from "../../../protocols/csta/index.js";
import { describeFailure } from "../../../protocols/csta/index.js";
import { RemoteOperationError } from "../../../protocols/rose/index.js";
import { RoutingRefused } from "../../domain/routing/index.js";
import { UnknownNameError } from "../../links/cmip-client.js";
import { O2gError } from "../common/errors.js";

export type RoutingErrorType =
  | "UNKNOWN"
  | "BAD_PARAMETER_VALUE"
  | "UNAUTHORIZED"
  | "INVALID_OPERATION"
  | "INCOMPLETE_PHONE_NUMBER"
  | "UNKNOWN_PHONE_NUMBER";

export type RoutingErrorCause =
  | "UNKNOWN"
  | "BAD_PHONE_NUMBER_FORMAT"
  | "INVALID_CURRENT_DEVICE"
  | "INVALID_FORWARD_ROUTE"
  | "INVALID_OVERFLOW_ROUTE"
  | "NULL_OR_EMPTY_PARAMETER"
  | "NULL_PARAMETER"
  | "UNAUTHORIZED_CANCEL_OVERFLOW"
  | "UNAUTHORIZED_NOT_A_USER"
  | "UNAUTHORIZED_OVERFLOW"
  | "UNAUTHORIZED_PHONE_NUMBER";

export function routingError(
  status: number,
  errorType: RoutingErrorType,
  errorCause: RoutingErrorCause,
  message: string,
): O2gError {
  return new O2gError(status, message, {
    type: status === 503 ? "SERVICE_UNAVAILABLE" : errorType,
    canRetry: status === 503,
    routing: { errorType, errorCause, message },
  });
}

export const badRoute = (message: string, cause: RoutingErrorCause = "INVALID_FORWARD_ROUTE") =>
  routingError(400, "BAD_PARAMETER_VALUE", cause, message);

/** A failed request to the node, as the client's routing error. */
export function fromNode(
  err: unknown,
  nodeId: number,
  what: "forward" | "overflow" | "dnd" | "state",
): O2gError {
  if (err instanceof O2gError) return err;
  if (err instanceof RoutingRefused) {
    const cause: RoutingErrorCause =
      what === "overflow"
        ? "UNAUTHORIZED_OVERFLOW"
        : err.reason === "NO_REMOTE_EXTENSION"
          ? "INVALID_CURRENT_DEVICE"
          : "INVALID_FORWARD_ROUTE";
    return routingError(403, "UNAUTHORIZED", cause, err.message);
  }
  if (err instanceof UnknownNameError) {
    return routingError(
      403,
      "INVALID_OPERATION",
      "UNKNOWN",
      `node ${nodeId} does not offer this: ${err.message}`,
    );
  }
  if (!(err instanceof RemoteOperationError)) throw err;
  const f = err.failure;
  switch (f.kind) {
    case "closed":
      return routingError(503, "UNKNOWN", "UNKNOWN", `the link to OXE node ${nodeId} is down`);
    case "timeout":
      return routingError(
        503,
        "UNKNOWN",
        "UNKNOWN",
        `OXE node ${nodeId} did not answer ${err.operation} in time`,
      );
    case "badArgument":
      return routingError(
        400,
        "BAD_PARAMETER_VALUE",
        "UNKNOWN",
        `${err.operation}: a value cannot be sent to OXE node ${nodeId} (${f.message})`,
      );
    case "reject":
    case "badResult":
      return routingError(502, "UNKNOWN", "UNKNOWN", `OXE node ${nodeId} could not process ${err.operation}`);
    case "error": {
      const name = err.operation.startsWith("m-")
        ? `${(f.error as CmipError).error}${nodeDiagnostic(f.error as CmipError) ? ` (${nodeDiagnostic(f.error as CmipError)})` : ""}`
        : describeFailure(f.error as CstaFailure);
      const routeCause: RoutingErrorCause =
        what === "overflow" ? "INVALID_OVERFLOW_ROUTE" : "INVALID_FORWARD_ROUTE";
      if (/invalidForwardingDestination|notDifferentDevices|invalidDestination/.test(name))
        return routingError(
          400,
          "BAD_PARAMETER_VALUE",
          routeCause,
          `the node refused the destination: ${name}`,
        );
      if (/invalidDeviceID|invalidObjectInstance|noSuchObjectInstance/.test(name))
        return routingError(
          404,
          "INVALID_OPERATION",
          "INVALID_CURRENT_DEVICE",
          `the node does not know the set: ${name}`,
        );
      if (/serviceNotSupported|invalidFeature/.test(name))
        return routingError(403, "INVALID_OPERATION", routeCause, `the node does not offer this: ${name}`);
      return routingError(
        502,
        "UNKNOWN",
        "UNKNOWN",
        `${err.operation} refused by OXE node ${nodeId}: ${name}`,
      );
    }
  }
}
