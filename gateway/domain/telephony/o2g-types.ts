/**
 * O2G's telephony model on the wire: the types, derived from the schemas in schema.ts (one
 * definition for the engine, the routes and the event documentation).
 */
export type {
  Call,
  CallCapabilities,
  CallCause,
  CallData,
  DeviceCapabilities,
  DeviceState,
  Identifier,
  Leg,
  LegCapabilities,
  MediaState,
  Participant,
  PartyInfo,
  TelephonicState,
  TelephonyEvent,
  UserState,
} from "./schema.js";
