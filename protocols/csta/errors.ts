/**
 * The one CSTA error, universalFailure (errcode local 1), and its parameter (ECMA-285
 * CSTA-error-definition):
 *
 *   UniversalFailure ::= CHOICE {               -- EXPLICIT tags: [n] wraps an ENUMERATED
 *     operation [0] OperationErrors, security [1] SecurityErrors,
 *     stateIncompatibility [2] StateIncompatibilityErrors,
 *     systemResourceAvailability [3] SystemResourceAvailabilityErrors,
 *     subscribedResourceAvailability [4] SubscribedResourceAvailabilityErrors,
 *     performanceManagement [5] PerformanceManagementErrors,
 *     privateData [6] PrivateDataInfoErrors, unspecified [7] UnspecifiedErrors (NULL) }
 *
 * Only the values our two ends use are named; any other value decodes to its number.
 */
import { BerError, type BerReader, type BerWriter, ctxC } from "../ber/index.js";
import type { ErrorCodec } from "../rose/index.js";

export const UNIVERSAL_FAILURE_ERRCODE = 1;

export const FailureCategory = {
  operation: 0,
  security: 1,
  stateIncompatibility: 2,
  systemResourceAvailability: 3,
  subscribedResourceAvailability: 4,
  performanceManagement: 5,
  privateData: 6,
  unspecified: 7,
} as const;
export type FailureCategory = keyof typeof FailureCategory;
const categoryByTag = Object.keys(FailureCategory) as FailureCategory[];

export const OperationErrors = {
  generic: 1,
  requestIncompatibleWithObject: 2,
  valueOutOfRange: 3,
  objectNotKnown: 4,
  invalidCallingDeviceID: 5,
  invalidCalledDeviceID: 6,
  invalidForwardingDestination: 7,
  privilegeViolationSpecifiedDevice: 8,
  invalidCallID: 11,
  invalidDeviceID: 12,
  invalidConnectionID: 13,
  invalidDestination: 14,
  invalidFeature: 15,
  invalidCrossRefID: 17,
  privilegeViolationOnCallingDevice: 10,
  /** a wrong business account code (MakeCall's accountCode) */
  invalidAccountCode: 21,
  /** a wrong authorization code: the OXE's private-call PIN (MakeCall's authCode) */
  invalidAuthorizationCode: 22,
  serviceNotSupported: 50,
  invalidMonitorCrossRefID: 60,
  invalidMonitorObject: 62,
  invalidActiveCallID: 87,
  invalidHeldCallID: 88,
  notDifferentDevices: 85,
  notSameDevice: 86,
  parameterNotSupported: 98,
} as const;

export const StateIncompatibilityErrors = {
  generic: 1,
  invalidObjectState: 2,
  invalidConnectionIDForActiveCall: 3,
  noActiveCall: 4,
  noHeldCall: 5,
  noCallToClear: 6,
  noConnectionToClear: 7,
  noCallToAnswer: 8,
  invalidDeviceState: 15,
  invalidCalledDeviceState: 18,
  invalidCallingDeviceState: 19,
  invalidConnectionState: 25,
  invalidActiveConnectionState: 26,
  invalidHeldConnectionState: 27,
} as const;

export const SystemResourceAvailabilityErrors = {
  generic: 1,
  resourceBusy: 2,
  internalResourceBusy: 3,
  resourceOutOfService: 4,
  overallMonitorLimitExceeded: 7,
  conferenceMemberLimitExceeded: 8,
  deviceOutOfService: 15,
  resourceLimitExceeded: 26,
} as const;

export const SubscribedResourceAvailabilityErrors = {
  generic: 1,
  objectMonitorLimitExceeded: 2,
  outstandingReqLimitExceeded: 4,
} as const;

export const SecurityErrors = { generic: 0 } as const;
export const PerformanceManagementErrors = { generic: 1, performanceLimitExceeded: 2 } as const;

const NAMES: Record<FailureCategory, Record<string, number>> = {
  operation: OperationErrors,
  security: SecurityErrors,
  stateIncompatibility: StateIncompatibilityErrors,
  systemResourceAvailability: SystemResourceAvailabilityErrors,
  subscribedResourceAvailability: SubscribedResourceAvailabilityErrors,
  performanceManagement: PerformanceManagementErrors,
  privateData: { cSTAPrivateDataInfoError: 1 },
  unspecified: {},
};

/** A CSTA universalFailure: its category and the value within it. */
export interface CstaFailure {
  category: FailureCategory;
  value: number;
}

export function failure<C extends Exclude<FailureCategory, "unspecified">>(
  category: C,
  name: keyof (typeof NAMES)[C] & string,
): CstaFailure {
  const value = NAMES[category][name];
  if (value === undefined) throw new Error(`unknown ${category} error ${name}`);
  return { category, value };
}

export function isFailure(f: CstaFailure, category: FailureCategory, name: string): boolean {
  return f.category === category && NAMES[category][name] === f.value;
}

export function describeFailure(f: CstaFailure): string {
  const entry = Object.entries(NAMES[f.category]).find(([, v]) => v === f.value);
  return `${f.category}.${entry ? entry[0] : f.value}`;
}

export const cstaErrorCodec: ErrorCodec<CstaFailure> = {
  encode(w: BerWriter, f: CstaFailure): number {
    w.begin(ctxC(FailureCategory[f.category]));
    if (f.category === "unspecified") w.null();
    else w.enumerated(f.value);
    w.end();
    return UNIVERSAL_FAILURE_ERRCODE;
  },
  decode(errcode: number, r: BerReader | undefined): CstaFailure {
    if (errcode !== UNIVERSAL_FAILURE_ERRCODE || !r) return { category: "unspecified", value: 0 };
    const t = r.peekTag();
    const idx = categoryByTag.findIndex((_, i) => ctxC(i) === t);
    if (idx < 0) throw new BerError("unexpectedTag", "not a UniversalFailure", r.offset);
    const category = categoryByTag[idx]!;
    r.enter(t);
    // unspecified carries a NULL, the others an ENUMERATED; leave() skips whichever it is.
    const value = category === "unspecified" ? 0 : r.enumerated();
    r.leave();
    return { category, value };
  },
};
