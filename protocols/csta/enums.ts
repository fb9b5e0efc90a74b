/**
 * CSTA enumerations from the ECMA-285 ASN.1 modules (CSTA-connection-states, CSTA-event-causes,
 * CSTA-error-definition ...). Values are the standard's; names are its identifiers.
 */

/** LocalConnectionState ::= [APPLICATION 14] IMPLICIT ENUMERATED */
export const LocalConnectionState = {
  null: 0,
  initiated: 1,
  alerting: 2,
  connected: 3,
  hold: 4,
  queued: 5,
  fail: 6,
} as const;
export type LocalConnectionState = keyof typeof LocalConnectionState;
export const localConnectionStateName = invert(LocalConnectionState);

/** EventCause ::= ENUMERATED (the values the emulator and gateway use; others decode to their number) */
export const EventCause = {
  activeParticipation: 1,
  alternate: 2,
  busy: 3,
  callBack: 4,
  callCancelled: 5,
  callForwardImmediate: 6,
  callForwardBusy: 7,
  callForwardNoAnswer: 8,
  callForward: 9,
  callNotAnswered: 10,
  callPickup: 11,
  campOn: 12,
  destNotObtainable: 13,
  doNotDisturb: 14,
  incompatibleDestination: 15,
  invalidAccountCode: 16,
  keyOperation: 17,
  lockout: 18,
  maintenance: 19,
  networkCongestion: 20,
  networkNotObtainable: 21,
  newCall: 22,
  noAvailableAgents: 23,
  override: 24,
  park: 25,
  overflow: 26,
  recall: 27,
  redirected: 28,
  reorderTone: 29,
  resourcesNotAvailable: 30,
  silentParticipation: 31,
  transfer: 32,
  trunksBusy: 33,
  blocked: 35,
  consultation: 37,
  distributed: 38,
  enteringDistribution: 42,
  makeCall: 44,
  normalClearing: 48,
  singleStepConference: 51,
  singleStepTransfer: 52,
  timeout: 56,
  alertTimeExpired: 60,
  conference: 63,
  destOutOfOrder: 65,
  invalidNumberFormat: 69,
  normal: 78,
  numberUnallocated: 81,
} as const;
export type EventCause = keyof typeof EventCause;
const eventCauseByValue = invert(EventCause);
/** Name of a cause value; causes we do not model come back as "cause<n>". */
export function eventCauseName(value: number): EventCause | `cause${number}` {
  return eventCauseByValue[value] ?? `cause${value}`;
}

/** SystemStatus ::= ENUMERATED */
export const SystemStatus = {
  initializing: 0,
  enabled: 1,
  normal: 2,
  messagesLost: 3,
  disabled: 4,
  overloadImminent: 5,
  overloadReached: 6,
  overloadRelieved: 7,
  partiallyDisabled: 8,
} as const;
export type SystemStatus = keyof typeof SystemStatus;
export const systemStatusName = invert(SystemStatus);

/** ForwardingType ::= ENUMERATED */
export const ForwardingType = {
  forwardImmediate: 0,
  forwardBusy: 1,
  forwardNoAns: 2,
  forwardBusyInt: 3,
  forwardBusyExt: 4,
  forwardNoAnsInt: 5,
  forwardNoAnsExt: 6,
  forwardImmInt: 7,
  forwardImmExt: 8,
  forwardDND: 9,
  forwardDNDInt: 10,
  forwardDNDExt: 11,
} as const;
export type ForwardingType = keyof typeof ForwardingType;
export const forwardingTypeName = invert(ForwardingType);

/** AutoOriginate ::= ENUMERATED { prompt(0), doNotPrompt(1) } */
export const AutoOriginate = { prompt: 0, doNotPrompt: 1 } as const;
export type AutoOriginate = keyof typeof AutoOriginate;

function invert<K extends string>(o: Record<K, number>): Record<number, K> {
  const out: Record<number, K> = {};
  for (const [k, v] of Object.entries(o) as [K, number][]) out[v] = k;
  return out;
}
