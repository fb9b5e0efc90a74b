/**
 * How the switch's refusals reach the client: each CSTA universalFailure becomes the O2G
 * telephony error (status, errorType, errorCause) that says the same thing.
 */
import { type CstaFailure, describeFailure } from "../../../protocols/csta/index.js";
import { RemoteOperationError } from "../../../protocols/rose/index.js";
import { O2gError, type TelephonyErrorCause, type TelephonyErrorType } from "../common/errors.js";

function telephonyError(
  status: number,
  errorType: TelephonyErrorType,
  errorCause: TelephonyErrorCause,
  message: string,
) {
  return new O2gError(status, message, {
    type: errorType,
    canRetry: status === 503,
    telephony: { errorType, errorCause, message },
  });
}

export function callNotFound(callRef: string): O2gError {
  return telephonyError(404, "CALL_REFERENCE_NOT_FOUND", "INVALID_CALL_ID", `no call ${callRef}`);
}

export function legNotFound(id: string): O2gError {
  return telephonyError(404, "LEG_NOT_FOUND", "INVALID_DEVICE", `no leg ${id}`);
}

/** A participant the call does not have: not found, like an unknown call or leg. */
export function participantNotFound(id: string, callRef: string): O2gError {
  return telephonyError(
    404,
    "BAD_PARAMETER_VALUE",
    "INVALID_DATA",
    `no participant ${id} in call ${callRef}`,
  );
}

export function badValue(message: string, cause: TelephonyErrorCause = "INVALID_DATA"): O2gError {
  return telephonyError(400, "BAD_PARAMETER_VALUE", cause, message);
}

export function incompatible(
  message: string,
  cause: TelephonyErrorCause = "INVALID_CONNECTION_STATE",
): O2gError {
  return telephonyError(409, "INCOMPATIBLE_WITH_STATE", cause, message);
}

export function nodeUnavailable(nodeId: number): O2gError {
  return telephonyError(503, "SERVICE_UNAVAILABLE", "UNKNOWN", `the CTI link to OXE node ${nodeId} is down`);
}

const BY_FAILURE: Record<string, [number, TelephonyErrorType, TelephonyErrorCause]> = {
  "operation.invalidCallID": [404, "CALL_REFERENCE_NOT_FOUND", "INVALID_CALL_ID"],
  "operation.invalidConnectionID": [404, "CALL_REFERENCE_NOT_FOUND", "INVALID_CALL_ID"],
  "operation.invalidDeviceID": [400, "BAD_PARAMETER_VALUE", "INVALID_DEVICE"],
  "operation.invalidCallingDeviceID": [400, "BAD_PARAMETER_VALUE", "INVALID_CALLING"],
  "operation.invalidCalledDeviceID": [400, "BAD_PARAMETER_VALUE", "INVALID_DESTINATION"],
  "operation.invalidDestination": [400, "BAD_PARAMETER_VALUE", "INVALID_DESTINATION"],
  "operation.notDifferentDevices": [400, "BAD_PARAMETER_VALUE", "INVALID_DESTINATION"],
  "operation.serviceNotSupported": [403, "SERVICE_NOT_PROVIDED", "UNKNOWN"],
  "operation.invalidFeature": [400, "BAD_PARAMETER_VALUE", "INVALID_DATA"],
  // The OXE's private-call PIN and business account code checks (ECMA-285 operation errors 21, 22).
  "operation.invalidAccountCode": [400, "BAD_PARAMETER_VALUE", "INVALID_DATA"],
  "operation.invalidAuthorizationCode": [403, "UNAUTHORIZED", "INVALID_DATA"],
  "operation.privilegeViolationOnCallingDevice": [403, "UNAUTHORIZED", "INVALID_CALLING"],
  "operation.invalidForwardingDestination": [400, "BAD_PARAMETER_VALUE", "INVALID_DESTINATION"],
  "systemResourceAvailability.deviceOutOfService": [409, "INCOMPATIBLE_WITH_STATE", "DEVICE_OUT_OF_SERVICE"],
  "systemResourceAvailability.conferenceMemberLimitExceeded": [
    409,
    "INCOMPATIBLE_WITH_STATE",
    "RESOURCE_BUSY",
  ],
  "stateIncompatibility.invalidCallingDeviceState": [409, "INCOMPATIBLE_WITH_STATE", "INVALID_DEVICE_STATE"],
  "stateIncompatibility.invalidDeviceState": [409, "INCOMPATIBLE_WITH_STATE", "INVALID_DEVICE_STATE"],
};

/** Turn a failed CSTA request into the client's error. */
export function fromCsta(err: unknown, nodeId: number): O2gError {
  if (!(err instanceof RemoteOperationError)) throw err;
  const f = err.failure;
  switch (f.kind) {
    case "closed":
      return nodeUnavailable(nodeId);
    case "timeout":
      return telephonyError(
        503,
        "REQUEST_TIMEOUT",
        "UNKNOWN",
        `OXE node ${nodeId} did not answer ${err.operation} in time`,
      );
    case "badArgument":
      return telephonyError(
        400,
        "BAD_PARAMETER_VALUE",
        "UNKNOWN",
        `${err.operation}: a value cannot be sent to OXE node ${nodeId} (${f.message})`,
      );
    case "reject":
    case "badResult":
      return telephonyError(
        502,
        "CALL_SERVER_ERROR",
        "UNKNOWN",
        `OXE node ${nodeId} could not process ${err.operation}`,
      );
    case "error": {
      const failure = f.error as CstaFailure;
      const name = describeFailure(failure);
      const mapped = BY_FAILURE[name];
      if (mapped) return telephonyError(mapped[0], mapped[1], mapped[2], `${err.operation} refused: ${name}`);
      if (failure.category === "stateIncompatibility") {
        return telephonyError(
          409,
          "INCOMPATIBLE_WITH_STATE",
          "INVALID_CONNECTION_STATE",
          `${err.operation} refused: ${name}`,
        );
      }
      return telephonyError(502, "CALL_SERVER_ERROR", "UNKNOWN", `${err.operation} refused: ${name}`);
    }
  }
}
