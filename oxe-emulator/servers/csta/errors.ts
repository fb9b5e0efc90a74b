import { type CstaFailure, failure } from "../../../protocols/csta/index.js";
import type { ModelErrorCode } from "../../model/index.js";

/** How the OXE reports the model's refusals over CSTA (ECMA-285 universalFailure values). */
export const FAILURE_FOR: Record<ModelErrorCode, CstaFailure> = {
  invalidCallingDevice: failure("operation", "invalidCallingDeviceID"),
  invalidCalledDevice: failure("operation", "invalidCalledDeviceID"),
  invalidDevice: failure("operation", "invalidDeviceID"),
  invalidCall: failure("operation", "invalidCallID"),
  invalidConnection: failure("operation", "invalidConnectionID"),
  invalidCallingDeviceState: failure("stateIncompatibility", "invalidCallingDeviceState"),
  invalidDeviceState: failure("stateIncompatibility", "invalidDeviceState"),
  invalidConnectionState: failure("stateIncompatibility", "invalidConnectionState"),
  noCallToAnswer: failure("stateIncompatibility", "noCallToAnswer"),
  noActiveCall: failure("stateIncompatibility", "noActiveCall"),
  noHeldCall: failure("stateIncompatibility", "noHeldCall"),
  conferenceMemberLimitExceeded: failure("systemResourceAvailability", "conferenceMemberLimitExceeded"),
  deviceOutOfService: failure("systemResourceAvailability", "deviceOutOfService"),
  notDifferentDevices: failure("operation", "notDifferentDevices"),
  invalidAuthorizationCode: failure("operation", "invalidAuthorizationCode"),
  invalidAccountCode: failure("operation", "invalidAccountCode"),
  privilegeViolationOnCallingDevice: failure("operation", "privilegeViolationOnCallingDevice"),
};
