import type { Cause } from "../../../protocols/csta/index.js";
import type { CallCause } from "./o2g-types.js";

/** CSTA EventCause to O2G CallCause, where one says what the other means. */
const CAUSES: Partial<Record<string, CallCause>> = {
  busy: "BUSY",
  doNotDisturb: "DO_NOT_DISTURB",
  callNotAnswered: "NOT_ANSWERED",
  alertTimeExpired: "NOT_ANSWERED",
  invalidNumberFormat: "INVALID_NUMBER",
  numberUnallocated: "INVALID_NUMBER",
  destNotObtainable: "DESTINATION_NOT_OBTAINABLE",
  destOutOfOrder: "DESTINATION_NOT_OBTAINABLE",
  transfer: "TRANSFERRED",
  singleStepTransfer: "TRANSFERRED",
  conference: "CONFERENCED",
  redirected: "REDIRECTED",
  callForward: "FORWARDED",
  callForwardImmediate: "FORWARDED",
  callForwardBusy: "FORWARDED",
  callForwardNoAnswer: "FORWARDED",
  callPickup: "PICKED_UP",
  park: "PARKED",
  overflow: "OVERFLOWN",
  campOn: "CAMP_ON",
  callBack: "CALL_BACK",
  recall: "RECALL",
  distributed: "DISTRIBUTED",
  enteringDistribution: "ACD_ENTER_DISTRIBUTION",
  resourcesNotAvailable: "RESOURCES_NOT_AVAILABLE",
  noAvailableAgents: "NO_AVAILABLE_AGENT",
  lockout: "LOCKOUT",
  trunksBusy: "ALL_TRUNK_BUSY",
  callCancelled: "ABANDONED",
};

export function callCause(cause: Cause): CallCause {
  return CAUSES[cause] ?? "UNKNOWN";
}
