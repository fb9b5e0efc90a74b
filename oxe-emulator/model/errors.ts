/**
 * Why the call server refused a request, in the model's words. The CSTA server maps each to the
 * standard universalFailure value (see servers/csta), the way a PBX reports its own refusals.
 */
export type ModelErrorCode =
  | "invalidCallingDevice"
  | "invalidCalledDevice"
  | "invalidDevice"
  | "invalidCall"
  | "invalidConnection"
  | "invalidCallingDeviceState"
  | "invalidDeviceState"
  | "invalidConnectionState"
  | "noCallToAnswer"
  | "noActiveCall"
  | "noHeldCall"
  | "conferenceMemberLimitExceeded"
  | "deviceOutOfService"
  | "notDifferentDevices"
  | "invalidAuthorizationCode"
  | "invalidAccountCode"
  | "privilegeViolationOnCallingDevice";

export class ModelError extends Error {
  override readonly name = "ModelError";
  constructor(
    readonly code: ModelErrorCode,
    message: string,
  ) {
    super(message);
  }
}
