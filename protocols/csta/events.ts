/**
 * cSTAEventReport (operation 21, unconfirmed) and the events the OXE reports on device monitors
 * (ECMA-285 CSTA-event-report-definitions and one module per event):
 *
 *   CSTAEventReportArgument ::= SEQUENCE { crossRefIdentifier MonitorCrossRefID,
 *                                          eventSpecificInfo EventSpecificInfo }
 *   EventSpecificInfo ::= CHOICE { callControlEvents [0] CallControlEvents, ...,
 *                                  logicalDeviceFeatureEvents [4] LogicalDeviceFeatureEvents, ... }
 *   CallControlEvents ::= CHOICE { callCleared [1], conferenced [2], connectionCleared [3],
 *     delivered [4], diverted [6], established [7], failed [8], held [9], networkReached [11],
 *     originated [13], queued [14], retrieved [15], serviceInitiated [16], transferred [17] }
 *   LogicalDeviceFeatureEvents ::= CHOICE { ..., callBack [8], doNotDisturb [11], forwarding [12], ... }
 *   PhysicalDeviceFeatureEvents ::= CHOICE { ..., messageWaiting [5], ... }
 *   MessageWaitingEvent ::= SEQUENCE { targetDevice SubjectDeviceID, deviceForMessage DeviceID
 *                                      OPTIONAL, messageWaitingOn BOOLEAN, extensions OPTIONAL }
 *   CallBackEvent ::= SEQUENCE { originatingDevice SubjectDeviceID, targetDevice SubjectDeviceID,
 *                                callBackSetCanceled BOOLEAN, extensions OPTIONAL }
 *
 * Each event is described once as the ordered list of its components (tag, kind, optional),
 * and one generic codec reads and writes them all. Components a peer may send that we do not
 * model (media and call characteristics, call linkage, private extensions ...) are skipped.
 * Tags follow each event's own module: correlatorData, for one, is [0], [1] or [2] by event.
 */
import { BerError, type BerReader, type BerWriter, ctx, ctxC, type Tag, U } from "../ber/index.js";
import { defineOperation } from "../rose/index.js";
import { type CcdPrivateData, readCcdPrivate, writeCcdPrivate } from "./agent-services.js";
import { type OxeCallOptions, readCallOptions, writeCallOptions } from "./call-options.js";
import {
  type ConnectionId,
  type DeviceId,
  type PartyId,
  readConnectionId,
  readCrossRefId,
  readDeviceId,
  readLocalConnectionState,
  readPartyId,
  Tags,
  writeConnectionId,
  writeCrossRefId,
  writeDeviceId,
  writeLocalConnectionState,
  writePartyId,
} from "./common.js";
import {
  EventCause,
  eventCauseName,
  ForwardingType,
  forwardingTypeName,
  type LocalConnectionState,
} from "./enums.js";

export type Cause = ReturnType<typeof eventCauseName>;

/** One row of a ConnectionList: how a connection of an old call maps to the resulting call. */
export interface ConnectionListEntry {
  newConnection?: ConnectionId;
  oldConnection?: ConnectionId;
  endpoint?: PartyId;
}

interface Located {
  localConnectionInfo?: LocalConnectionState;
  cause: Cause;
}

export interface ServiceInitiatedEvent extends Located {
  type: "serviceInitiated";
  initiatedConnection: ConnectionId;
  initiatingDevice: PartyId;
  calledDevice?: PartyId;
}
export interface OriginatedEvent extends Located {
  type: "originated";
  originatedConnection: ConnectionId;
  callingDevice: PartyId;
  calledDevice: PartyId;
}
export interface DeliveredEvent extends Located {
  type: "delivered";
  connection: ConnectionId;
  alertingDevice: PartyId;
  callingDevice: PartyId;
  calledDevice: PartyId;
  lastRedirectionDevice: PartyId;
  correlatorData?: Uint8Array;
  /** how parties are presented to the monitored device (see call-options.ts) */
  callOptions?: OxeCallOptions;
}
export interface EstablishedEvent extends Located {
  type: "established";
  establishedConnection: ConnectionId;
  answeringDevice: PartyId;
  callingDevice: PartyId;
  calledDevice: PartyId;
  lastRedirectionDevice: PartyId;
  correlatorData?: Uint8Array;
  callOptions?: OxeCallOptions;
}
export interface HeldEvent extends Located {
  type: "held";
  heldConnection: ConnectionId;
  holdingDevice: PartyId;
}
export interface RetrievedEvent extends Located {
  type: "retrieved";
  retrievedConnection: ConnectionId;
  retrievingDevice: PartyId;
}
export interface DivertedEvent extends Located {
  type: "diverted";
  connection: ConnectionId;
  divertingDevice: PartyId;
  newDestination: PartyId;
  callingDevice?: PartyId;
  calledDevice?: PartyId;
  lastRedirectionDevice: PartyId;
}
export interface TransferredEvent extends Located {
  type: "transferred";
  primaryOldCall: ConnectionId;
  secondaryOldCall?: ConnectionId;
  transferringDevice: PartyId;
  transferredToDevice: PartyId;
  transferredConnections: ConnectionListEntry[];
}
export interface ConferencedEvent extends Located {
  type: "conferenced";
  primaryOldCall: ConnectionId;
  secondaryOldCall?: ConnectionId;
  conferencingDevice: PartyId;
  addedParty: PartyId;
  conferenceConnections: ConnectionListEntry[];
}
/**
 * CallAssociatedEvents callInformation [0] (ECMA-269 §15.2.1): data associated with the call
 * changed (associateData). CallInformationEvent ::= SEQUENCE { connection ConnectionID, device
 * SubjectDeviceID, callingDevice OPTIONAL, accountInfo [0] IMPLICIT OPTIONAL, authCode [1]
 * OPTIONAL, correlatorData [2] IMPLICIT OPTIONAL, ... }
 */
export interface CallInformationEvent {
  type: "callInformation";
  connection: ConnectionId;
  device: PartyId;
  callingDevice?: PartyId;
  accountInfo?: string;
  correlatorData?: Uint8Array;
}
export interface ConnectionClearedEvent extends Located {
  type: "connectionCleared";
  droppedConnection: ConnectionId;
  releasingDevice: PartyId;
}
export interface CallClearedEvent {
  type: "callCleared";
  clearedCall: ConnectionId;
  cause: Cause;
}
export interface FailedEvent extends Located {
  type: "failed";
  failedConnection: ConnectionId;
  failingDevice: PartyId;
  callingDevice: PartyId;
  calledDevice: PartyId;
  lastRedirectionDevice: PartyId;
}
export interface QueuedEvent extends Located {
  type: "queued";
  queuedConnection: ConnectionId;
  queue: PartyId;
  callingDevice: PartyId;
  calledDevice: PartyId;
  lastRedirectionDevice: PartyId;
  numberQueued?: number;
}
export interface DoNotDisturbEvent {
  type: "doNotDisturb";
  device: PartyId;
  doNotDisturbOn: boolean;
}
/** MessageWaitingEvent (physicalDeviceFeatureEvents messageWaiting [5]): the set's message lamp. */
export interface MessageWaitingEvent {
  type: "messageWaiting";
  targetDevice: PartyId;
  messageWaitingOn: boolean;
}
/** CallBackEvent (logicalDeviceFeatureEvents callBack [8]): a request set, or cancelled / used up. */
export interface CallBackEvent {
  type: "callBack";
  originatingDevice: PartyId;
  targetDevice: PartyId;
  callBackSetCanceled: boolean;
}
export interface ForwardingEvent {
  type: "forwarding";
  device: PartyId;
  forwardingType?: ForwardingType;
  forwardStatus: boolean;
  forwardTo?: DeviceId;
}

/**
 * The ACD agent events (logicalDeviceFeatureEvents agentBusy [0], agentLoggedOn [1],
 * agentLoggedOff [2], agentNotReady [3], agentReady [4], agentWorkingAfterCall [5]), reduced to
 * what they share: SEQUENCE { agentDevice SubjectDeviceID, agentID AgentID OPTIONAL, acdGroup
 * DeviceID OPTIONAL, ..., extensions CSTACommonArguments OPTIONAL }; the OXE operator's own state
 * rides in the extensions (see agent-services.ts).
 */
export interface AgentEvent {
  type:
    | "agentBusy"
    | "agentLoggedOn"
    | "agentLoggedOff"
    | "agentNotReady"
    | "agentReady"
    | "agentWorkingAfterCall";
  agentDevice: PartyId;
  agentID?: string;
  acdGroup?: DeviceId;
  private?: CcdPrivateData;
}

export type CstaEvent =
  | AgentEvent
  | ServiceInitiatedEvent
  | OriginatedEvent
  | DeliveredEvent
  | EstablishedEvent
  | HeldEvent
  | RetrievedEvent
  | DivertedEvent
  | TransferredEvent
  | ConferencedEvent
  | ConnectionClearedEvent
  | CallInformationEvent
  | CallClearedEvent
  | FailedEvent
  | QueuedEvent
  | DoNotDisturbEvent
  | CallBackEvent
  | MessageWaitingEvent
  | ForwardingEvent;

export type CstaEventType = CstaEvent["type"];

export interface EventReport {
  crossRefId: string;
  event: CstaEvent;
}

// ---- component descriptors ---------------------------------------------------------------

type Kind =
  | "connection" // ConnectionID, possibly IMPLICITly retagged
  | "party" // [APPLICATION n] CHOICE { DeviceID, notKnown, restricted ... }
  | "deviceId" // bare DeviceID
  | "lcs" // LocalConnectionState
  | "cause" // EventCause
  | "connectionList" // ConnectionList
  | "boolean"
  | "integer"
  | "forwardingType"
  | "octets"
  | "text" // an OCTET STRING read as text
  | "ccdPrivate" // CSTACommonArguments carrying the OXE operator's state
  | "callOptions" // CSTACommonArguments carrying OxeCallOptions
  | "skip"; // a component we read past (kept so positions stay honest)

interface Component {
  name: string;
  tag: Tag;
  kind: Kind;
  optional: boolean;
}

const c = (name: string, tag: Tag, kind: Kind, optional = false): Component => ({
  name,
  tag,
  kind,
  optional,
});
const opt = (name: string, tag: Tag, kind: Kind): Component => c(name, tag, kind, true);

const CONN = Tags.connectionId;
const SUBJECT = Tags.subjectDevice;
const CALLING = Tags.callingDevice;
const CALLED = Tags.calledDevice;
const REDIRECTION = Tags.redirectionDevice;
const LCS = Tags.localConnectionState;
const CAUSE = U.ENUMERATED;
const USER_DATA = Tags.userData;

interface EventSpec {
  group: 0 | 1 | 3 | 4; // callControl-, callAssociated-, physicalDeviceFeature-, logicalDeviceFeatureEvents
  tag: number; // alternative within the group
  components: Component[];
}

const agentEvent = (tag: number): EventSpec => ({
  group: 4,
  tag,
  components: [
    c("agentDevice", SUBJECT, "party"),
    opt("agentID", U.OCTET_STRING, "text"),
    opt("acdGroup", U.SEQUENCE, "deviceId"),
    opt("private", Tags.commonArguments, "ccdPrivate"),
  ],
});

const SPECS: Record<CstaEventType, EventSpec> = {
  agentBusy: agentEvent(0),
  agentLoggedOn: agentEvent(1),
  agentLoggedOff: agentEvent(2),
  agentNotReady: agentEvent(3),
  agentReady: agentEvent(4),
  agentWorkingAfterCall: agentEvent(5),
  callInformation: {
    group: 1,
    tag: 0,
    components: [
      c("connection", CONN, "connection"),
      c("device", SUBJECT, "party"),
      opt("callingDevice", CALLING, "party"),
      opt("accountInfo", ctx(0), "text"),
      opt("authCode", ctx(1), "skip"),
      opt("correlatorData", ctx(2), "octets"),
    ],
  },
  callCleared: {
    group: 0,
    tag: 1,
    components: [
      c("clearedCall", CONN, "connection"),
      opt("correlatorData", ctx(1), "skip"),
      opt("userData", USER_DATA, "skip"),
      c("cause", CAUSE, "cause"),
    ],
  },
  conferenced: {
    group: 0,
    tag: 2,
    components: [
      c("primaryOldCall", CONN, "connection"),
      opt("secondaryOldCall", CONN, "connection"),
      c("conferencingDevice", SUBJECT, "party"),
      c("addedParty", SUBJECT, "party"),
      c("conferenceConnections", U.SEQUENCE, "connectionList"),
      opt("localConnectionInfo", LCS, "lcs"),
      opt("correlatorData", ctx(1), "skip"),
      opt("userData", USER_DATA, "skip"),
      c("cause", CAUSE, "cause"),
    ],
  },
  connectionCleared: {
    group: 0,
    tag: 3,
    components: [
      c("droppedConnection", CONN, "connection"),
      c("releasingDevice", SUBJECT, "party"),
      opt("localConnectionInfo", LCS, "lcs"),
      opt("correlatorData", ctx(0), "skip"),
      opt("userData", USER_DATA, "skip"),
      opt("chargingInfo", ctxC(1), "skip"),
      c("cause", CAUSE, "cause"),
    ],
  },
  delivered: {
    group: 0,
    tag: 4,
    components: [
      c("connection", CONN, "connection"),
      c("alertingDevice", SUBJECT, "party"),
      c("callingDevice", CALLING, "party"),
      c("calledDevice", CALLED, "party"),
      c("lastRedirectionDevice", REDIRECTION, "party"),
      opt("originatingNIDConnection", CONN, "skip"),
      opt("localConnectionInfo", LCS, "lcs"),
      opt("correlatorData", ctx(0), "octets"),
      opt("userData", USER_DATA, "skip"),
      c("cause", CAUSE, "cause"),
      opt("callOptions", Tags.commonArguments, "callOptions"),
    ],
  },
  diverted: {
    group: 0,
    tag: 6,
    components: [
      c("connection", CONN, "connection"),
      c("divertingDevice", SUBJECT, "party"),
      c("newDestination", SUBJECT, "party"),
      opt("callingDevice", CALLING, "party"),
      opt("calledDevice", CALLED, "party"),
      c("lastRedirectionDevice", REDIRECTION, "party"),
      opt("localConnectionInfo", LCS, "lcs"),
      opt("correlatorData", ctx(0), "skip"),
      opt("userData", USER_DATA, "skip"),
      c("cause", CAUSE, "cause"),
    ],
  },
  established: {
    group: 0,
    tag: 7,
    components: [
      c("establishedConnection", CONN, "connection"),
      c("answeringDevice", SUBJECT, "party"),
      c("callingDevice", CALLING, "party"),
      c("calledDevice", CALLED, "party"),
      c("lastRedirectionDevice", REDIRECTION, "party"),
      opt("originatingNIDConnection", CONN, "skip"),
      opt("localConnectionInfo", LCS, "lcs"),
      opt("correlatorData", ctx(1), "octets"),
      opt("userData", USER_DATA, "skip"),
      c("cause", CAUSE, "cause"),
      opt("callOptions", Tags.commonArguments, "callOptions"),
    ],
  },
  failed: {
    group: 0,
    tag: 8,
    components: [
      c("failedConnection", CONN, "connection"),
      c("failingDevice", SUBJECT, "party"),
      c("callingDevice", CALLING, "party"),
      c("calledDevice", CALLED, "party"),
      c("lastRedirectionDevice", REDIRECTION, "party"),
      opt("originatingNIDConnection", CONN, "skip"),
      opt("localConnectionInfo", LCS, "lcs"),
      opt("correlatorData", ctx(0), "skip"),
      opt("userData", USER_DATA, "skip"),
      c("cause", CAUSE, "cause"),
    ],
  },
  held: {
    group: 0,
    tag: 9,
    components: [
      c("heldConnection", CONN, "connection"),
      c("holdingDevice", SUBJECT, "party"),
      opt("localConnectionInfo", LCS, "lcs"),
      opt("correlatorData", ctx(0), "skip"),
      c("cause", CAUSE, "cause"),
    ],
  },
  originated: {
    group: 0,
    tag: 13,
    components: [
      c("originatedConnection", CONN, "connection"),
      c("callingDevice", SUBJECT, "party"),
      c("calledDevice", CALLED, "party"),
      opt("originatingDevice", U.SEQUENCE, "skip"),
      opt("localConnectionInfo", LCS, "lcs"),
      opt("correlatorData", ctx(2), "skip"),
      c("cause", CAUSE, "cause"),
    ],
  },
  queued: {
    group: 0,
    tag: 14,
    components: [
      c("queuedConnection", CONN, "connection"),
      c("queue", SUBJECT, "party"),
      c("callingDevice", CALLING, "party"),
      c("calledDevice", CALLED, "party"),
      c("lastRedirectionDevice", REDIRECTION, "party"),
      opt("numberQueued", ctx(0), "integer"),
      opt("callsInFront", ctx(1), "skip"),
      opt("localConnectionInfo", LCS, "lcs"),
      opt("correlatorData", ctx(2), "skip"),
      opt("userData", USER_DATA, "skip"),
      c("cause", CAUSE, "cause"),
    ],
  },
  retrieved: {
    group: 0,
    tag: 15,
    components: [
      c("retrievedConnection", CONN, "connection"),
      c("retrievingDevice", SUBJECT, "party"),
      opt("localConnectionInfo", LCS, "lcs"),
      opt("correlatorData", ctx(0), "skip"),
      c("cause", CAUSE, "cause"),
    ],
  },
  serviceInitiated: {
    group: 0,
    tag: 16,
    components: [
      c("initiatedConnection", CONN, "connection"),
      c("initiatingDevice", SUBJECT, "party"),
      opt("calledDevice", CALLED, "party"),
      opt("localConnectionInfo", LCS, "lcs"),
      opt("correlatorData", ctx(0), "skip"),
      c("cause", CAUSE, "cause"),
    ],
  },
  transferred: {
    group: 0,
    tag: 17,
    components: [
      c("primaryOldCall", CONN, "connection"),
      opt("secondaryOldCall", ctxC(0), "connection"),
      c("transferringDevice", SUBJECT, "party"),
      c("transferredToDevice", SUBJECT, "party"),
      c("transferredConnections", ctxC(1), "connectionList"),
      opt("localConnectionInfo", LCS, "lcs"),
      opt("correlatorData", ctx(2), "skip"),
      opt("userData", USER_DATA, "skip"),
      opt("chargingInfo", ctxC(3), "skip"),
      c("cause", CAUSE, "cause"),
    ],
  },
  messageWaiting: {
    group: 3,
    tag: 5,
    components: [
      c("targetDevice", SUBJECT, "party"),
      opt("deviceForMessage", U.SEQUENCE, "skip"),
      c("messageWaitingOn", U.BOOLEAN, "boolean"),
    ],
  },
  callBack: {
    group: 4,
    tag: 8,
    components: [
      c("originatingDevice", SUBJECT, "party"),
      c("targetDevice", SUBJECT, "party"),
      c("callBackSetCanceled", U.BOOLEAN, "boolean"),
    ],
  },
  doNotDisturb: {
    group: 4,
    tag: 11,
    components: [c("device", SUBJECT, "party"), c("doNotDisturbOn", U.BOOLEAN, "boolean")],
  },
  forwarding: {
    group: 4,
    tag: 12,
    components: [
      c("device", SUBJECT, "party"),
      opt("forwardingType", U.ENUMERATED, "forwardingType"),
      c("forwardStatus", U.BOOLEAN, "boolean"),
      opt("forwardTo", U.SEQUENCE, "deviceId"),
    ],
  },
};

const TYPE_BY_CHOICE = new Map<number, CstaEventType>();
for (const [type, spec] of Object.entries(SPECS) as [CstaEventType, EventSpec][]) {
  TYPE_BY_CHOICE.set(spec.group * 100 + spec.tag, type);
}

// ---- ConnectionList ----------------------------------------------------------------------

function writeConnectionList(w: BerWriter, list: ConnectionListEntry[], outer: Tag): void {
  w.begin(outer);
  for (const e of list) {
    w.begin(U.SEQUENCE);
    if (e.newConnection) {
      w.begin(ctxC(0));
      writeConnectionId(w, e.newConnection);
      w.end();
    }
    if (e.oldConnection) {
      w.begin(ctxC(1));
      writeConnectionId(w, e.oldConnection);
      w.end();
    }
    if (e.endpoint !== undefined) {
      w.begin(ctxC(2));
      if (e.endpoint === null) w.null();
      else writeDeviceId(w, e.endpoint);
      w.end();
    }
    w.end();
  }
  w.end();
}

function readConnectionList(r: BerReader, outer: Tag): ConnectionListEntry[] {
  const list: ConnectionListEntry[] = [];
  r.enter(outer);
  while (!r.atEnd()) {
    r.enter();
    const e: ConnectionListEntry = {};
    while (!r.atEnd()) {
      const t = r.peekTag();
      if (t === ctxC(0) || t === ctxC(1)) {
        r.enter(t);
        const conn = readConnectionId(r);
        r.leave();
        if (t === ctxC(0)) e.newConnection = conn;
        else e.oldConnection = conn;
      } else if (t === ctxC(2)) {
        r.enter(t);
        if (r.isNext(U.SEQUENCE)) e.endpoint = readDeviceId(r);
        else {
          r.skip(); // notKnown / restricted
          e.endpoint = null;
        }
        r.leave();
      } else {
        r.skip();
      }
    }
    r.leave();
    list.push(e);
  }
  r.leave();
  return list;
}

// ---- the generic component codec ---------------------------------------------------------

function writeComponent(w: BerWriter, comp: Component, value: unknown): void {
  switch (comp.kind) {
    case "connection":
      writeConnectionId(w, value as ConnectionId, comp.tag);
      return;
    case "party":
      writePartyId(w, value as PartyId, comp.tag);
      return;
    case "deviceId":
      writeDeviceId(w, value as DeviceId, comp.tag);
      return;
    case "lcs":
      writeLocalConnectionState(w, value as LocalConnectionState);
      return;
    case "cause": {
      const name = value as string;
      const v = name in EventCause ? EventCause[name as EventCause] : Number(name.replace(/^cause/, ""));
      w.enumerated(v);
      return;
    }
    case "connectionList":
      writeConnectionList(w, value as ConnectionListEntry[], comp.tag);
      return;
    case "boolean":
      w.boolean(value as boolean, comp.tag);
      return;
    case "integer":
      w.integer(value as number, comp.tag);
      return;
    case "forwardingType":
      w.enumerated(ForwardingType[value as ForwardingType], comp.tag);
      return;
    case "octets":
      w.octets(value as Uint8Array, comp.tag);
      return;
    case "text":
      w.string(value as string, comp.tag);
      return;
    case "ccdPrivate":
      writeCcdPrivate(w, value as CcdPrivateData);
      return;
    case "callOptions":
      writeCallOptions(w, value as OxeCallOptions);
      return;
    case "skip":
      return;
  }
}

function readComponent(r: BerReader, comp: Component): unknown {
  switch (comp.kind) {
    case "connection":
      return readConnectionId(r, comp.tag);
    case "party":
      return readPartyId(r, comp.tag);
    case "deviceId":
      return readDeviceId(r, comp.tag);
    case "lcs":
      return readLocalConnectionState(r);
    case "cause":
      return eventCauseName(r.enumerated());
    case "connectionList":
      return readConnectionList(r, comp.tag);
    case "boolean":
      return r.boolean(comp.tag);
    case "integer":
      return r.integer(comp.tag);
    case "forwardingType": {
      const v = r.enumerated(comp.tag);
      const name = forwardingTypeName[v];
      if (!name) throw new BerError("badValue", `ForwardingType ${v}`, r.offset);
      return name;
    }
    case "octets":
      return Uint8Array.from(r.octets(comp.tag));
    case "text":
      return r.string(comp.tag);
    case "ccdPrivate":
      return readCcdPrivate(r);
    case "callOptions":
      return readCallOptions(r);
    case "skip":
      r.skip();
      return undefined;
  }
}

function writeEvent(w: BerWriter, ev: CstaEvent): void {
  const spec = SPECS[ev.type];
  const values = ev as unknown as Record<string, unknown>;
  w.begin(ctxC(spec.group)).begin(ctxC(spec.tag));
  for (const comp of spec.components) {
    const v = values[comp.name];
    if (v === undefined || comp.kind === "skip") {
      if (!comp.optional) throw new Error(`${ev.type} event without ${comp.name}`);
      continue;
    }
    writeComponent(w, comp, v);
  }
  w.end().end();
}

function readEvent(r: BerReader): CstaEvent {
  const group = r.peekTag();
  const groupNumber = [0, 1, 3, 4].find((g) => group === ctxC(g));
  if (groupNumber === undefined) {
    throw new BerError("unexpectedTag", "event group we do not model", r.offset);
  }
  r.enter(group);
  const alt = r.peekTag();
  const type = TYPE_BY_CHOICE.get(groupNumber * 100 + (alt & 0x1fff));
  if (!type) throw new BerError("unexpectedTag", "event type we do not model", r.offset);
  const spec = SPECS[type];
  r.enter(alt);
  const out: Record<string, unknown> = { type };
  let next = 0;
  // Match each element to the first remaining component with its tag; elements no component
  // claims are extensions from a later edition and are skipped.
  while (!r.atEnd()) {
    const t = r.peekTag();
    let i = next;
    while (i < spec.components.length && spec.components[i]!.tag !== t) i++;
    if (i === spec.components.length) {
      r.skip();
      continue;
    }
    for (let j = next; j < i; j++) {
      if (!spec.components[j]!.optional) {
        throw new BerError("unexpectedTag", `${type} event lacks ${spec.components[j]!.name}`, r.offset);
      }
    }
    const comp = spec.components[i]!;
    const v = readComponent(r, comp);
    if (v !== undefined) out[comp.name] = v;
    next = i + 1;
  }
  for (let j = next; j < spec.components.length; j++) {
    if (!spec.components[j]!.optional) {
      throw new BerError("truncated", `${type} event lacks ${spec.components[j]!.name}`, r.offset);
    }
  }
  r.leave();
  r.leave();
  return out as unknown as CstaEvent;
}

export const cstaEventReport = defineOperation<EventReport, undefined>({
  name: "cSTAEventReport",
  opcode: 21,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeCrossRefId(w, a.crossRefId);
    writeEvent(w, a.event);
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const crossRefId = readCrossRefId(r);
    const event = readEvent(r);
    r.leave();
    return { crossRefId, event };
  },
});
