/**
 * Events as the gateway publishes them: an O2G event object (the JSON a client receives, with
 * its `eventName`), the package a subscription selects it by, and the login it concerns (null for
 * node-wide events such as the system package's).
 */
export type EventPackage =
  | "telephony"
  | "eventSummary"
  | "unifiedComLog"
  | "user"
  | "userManagement"
  | "routingManagement"
  | "agent"
  | "pilot"
  | "rsi"
  | "system"
  | "pbxManagement"
  | "rti"
  | "acdstats";

export const EVENT_PACKAGES: readonly EventPackage[] = [
  "telephony",
  "eventSummary",
  "unifiedComLog",
  "user",
  "userManagement",
  "routingManagement",
  "agent",
  "pilot",
  "rsi",
  "system",
  "pbxManagement",
  "rti",
  "acdstats",
];

/** Packages whose events concern one login; the others are addressed to the whole gateway. */
export const PER_USER_PACKAGES: ReadonlySet<EventPackage> = new Set([
  "telephony",
  "eventSummary",
  "unifiedComLog",
  "user",
  "routingManagement",
  "agent",
]);

/**
 * Packages whose selector ids name the object the events are about, not a login: the `pilot`
 * package's ids are pilot numbers (the SDK's addCallCenterPilotEvents), for any session. Their
 * events are published with that object's id in place of the login.
 */
export const OBJECT_ID_PACKAGES: ReadonlySet<EventPackage> = new Set(["pilot"]);

export interface O2gEvent {
  readonly eventName: string;
  readonly [field: string]: unknown;
}

export interface EventPublisher {
  publish(pkg: EventPackage, loginName: string | null, event: O2gEvent): void;
}
