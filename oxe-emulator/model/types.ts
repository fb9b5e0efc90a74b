import type { Subscriber } from "../directory/index.js";
import type { CallDistributor } from "./network.js";

/** CSTA local connection states, the ones a connection can be in while it exists. */
export type ConnectionState = "initiated" | "alerting" | "connected" | "hold" | "queued" | "fail";

/** Why something happened, as a CSTA EventCause name. */
export type Cause =
  | "newCall"
  | "makeCall"
  | "normal"
  | "normalClearing"
  | "consultation"
  | "transfer"
  | "conference"
  | "redirected"
  | "busy"
  | "doNotDisturb"
  | "callNotAnswered"
  | "alertTimeExpired"
  | "destNotObtainable"
  | "invalidNumberFormat"
  | "callForwardImmediate"
  | "callForwardBusy"
  | "callForwardNoAnswer"
  | "singleStepTransfer"
  | "callCancelled"
  | "alternate"
  | "park"
  | "callPickup"
  | "activeParticipation"
  | "recall"
  | "enteringDistribution"
  | "distributed"
  | "overflow"
  | "blocked"
  | "noAvailableAgents";

export interface Connection {
  readonly device: Device;
  readonly call: Call;
  state: ConnectionState;
  /** the set is rung to start a call it placed (MakeCall with prompt): answering originates */
  promptingOrigination: boolean;
  /** a parked call waiting (queued) on this set: the set that parked it, recalled on timeout */
  parkedBy?: Device;
}

/** CSTA keeps one entry per condition: "on busy or no answer" is two entries to one destination. */
export type ForwardType = "immediate" | "busy" | "noAnswer";
export type OverflowType = "busy" | "noAnswer" | "busyNoAnswer";

export interface Forward {
  type: ForwardType;
  destination: string;
}

/** A number served by the switch itself rather than a set: the voice mail pilot, a CCD pilot. */
export type ServiceBehaviour = VoiceMailBehaviour | DistributionBehaviour;

/** A CCD pilot: the calls reaching it are handed to the network's call distributor (see setDistributor). */
export interface DistributionBehaviour {
  kind: "pilot";
  /** the distributor of this number's calls when not the network's (an RSI point: ccd/rsi.ts) */
  distributor?: CallDistributor;
}

export interface VoiceMailBehaviour {
  kind: "voicemail";
  /** the service picks up this long after the call reaches it */
  answerAfterMs: number;
  /** and hangs up after this long connected (a voice mail's maximum message) */
  maxDurationMs: number;
}

export interface Device {
  readonly number: string;
  readonly nodeId: number;
  readonly subscriber: Subscriber;
  readonly connections: Connection[];
  doNotDisturb: boolean;
  forwards: Forward[];
  /** a set that is unplugged or locked out answers nothing */
  outOfService: boolean;
  /**
   * Overflow to the node's voice mail: the calls a forward would not take go there when the set
   * is busy, does not answer, or either.
   */
  overflow: OverflowType | null;
  /** set for a service number: it answers by itself and takes any number of calls */
  readonly service?: ServiceBehaviour;
}

export interface Call {
  /** network-wide sequence, for logs */
  readonly seq: number;
  readonly connections: Connection[];
  /** each node names the call by its own call id */
  readonly ids: Map<number, string>;
  callingDevice: string | null;
  calledDevice: string | null;
  lastRedirectionDevice: string | null;
  /** why it was last redirected (a forward, a deflection): the cause its new destination sees */
  lastRedirectionCause?: Cause;
  correlatorData: Uint8Array | undefined;
  /** MakeCall's accountCode (O2G's business call): the cost center the call is charged to */
  accountCode?: string;
  /** MakeCall with the caller's PIN (authCode): a private call, charged apart */
  privateCall?: boolean;
  /**
   * How parties are shown to the others, when not by their own number: the presented number
   * (makeCallEx's callingNumber), or null, restricted (anonymous redirect and blind transfer).
   */
  presentation?: Map<string, string | null>;
  /** the caller hears no ringback while the call is offered (makeCallEx's inhibitProgressTone) */
  progressToneInhibited?: boolean;
  /** a call to a pilot: the skills its agent is chosen on (O2G's makePilotOrRSICall) */
  callProfile?: readonly CallProfileSkill[];
  readonly startedAt: number;
  /** when somebody first answered (ms since epoch), for charging */
  answeredAt: number | undefined;
  answeredBy: string | null;
  /** every device that took part, in order of arrival */
  readonly participants: string[];
  ringTimer: NodeJS.Timeout | undefined;
  failTimer: NodeJS.Timeout | undefined;
  /** the call has ended; any timer still pending must do nothing */
  ended: boolean;
}

interface BaseEvent {
  cause: Cause;
  /** devices whose monitors see the event (all parties of the call(s) involved, before and after) */
  observers: Device[];
}

export type ModelEvent = BaseEvent &
  (
    | { kind: "serviceInitiated"; call: Call; device: Device }
    | { kind: "originated"; call: Call; device: Device; called: string }
    | {
        kind: "delivered";
        call: Call;
        device: Device;
        calling: string | null;
        called: string | null;
        lastRedirection: string | null;
      }
    | {
        kind: "established";
        call: Call;
        device: Device;
        calling: string | null;
        called: string | null;
        lastRedirection: string | null;
      }
    | { kind: "held"; call: Call; device: Device }
    | {
        /** the call waits at `device` (parked there): ECMA-269's Queued event */
        kind: "queued";
        call: Call;
        device: Device;
        calling: string | null;
        called: string | null;
        lastRedirection: string | null;
        /** calls waiting in that queue, this one included (a CCD queue) */
        numberQueued?: number;
      }
    | { kind: "retrieved"; call: Call; device: Device }
    | {
        kind: "diverted";
        call: Call;
        /** the device the call left */
        device: Device;
        newDestination: string;
        calling: string | null;
        called: string | null;
        lastRedirection: string | null;
      }
    | {
        kind: "transferred";
        primary: Call;
        secondary: Call;
        result: Call;
        device: Device;
        transferredTo: string;
        moved: { device: Device; from: Call }[];
      }
    | {
        kind: "conferenced";
        primary: Call;
        secondary: Call;
        result: Call;
        device: Device;
        added: string;
        moved: { device: Device; from: Call }[];
      }
    | { kind: "connectionCleared"; call: Call; device: Device }
    | {
        /** data associated with the call changed (associateData), told to every party */
        kind: "callInformation";
        call: Call;
        device: Device;
        correlatorData?: Uint8Array;
        accountInfo?: string;
      }
    | {
        kind: "failed";
        call: Call;
        device: string;
        calling: string | null;
        called: string | null;
        lastRedirection: string | null;
      }
    | { kind: "doNotDisturb"; device: Device; on: boolean }
    | {
        /** the set's message lamp: text messages unread, or none left (model/mini-messages.ts) */
        kind: "messageWaiting";
        device: Device;
        on: boolean;
      }
    | {
        /** a callback request was set, or cancelled or used up (model/callbacks.ts) */
        kind: "callBack";
        originator: Device;
        target: Device;
        canceled: boolean;
      }
    | { kind: "forwarding"; device: Device; forward: Forward; on: boolean }
  );

export type ModelEventKind = ModelEvent["kind"];

/** A call that has ended, as the node's accounting (charging tickets) sees it. */
export interface CallSummary {
  readonly seq: number;
  readonly callingDevice: string | null;
  readonly calledDevice: string | null;
  /** the device that finally took the call, when it was answered */
  readonly answeredBy: string | null;
  /** the last device the call was forwarded or deflected from */
  readonly lastRedirectionDevice: string | null;
  readonly participants: readonly string[];
  readonly startedAt: number;
  readonly answeredAt: number | undefined;
  readonly endedAt: number;
  /** nodes whose devices took part */
  readonly nodes: readonly number[];
  /** the business call's account code (cost center), if any */
  readonly accountCode?: string;
  /** a private call (placed with the caller's PIN) */
  readonly privateCall?: boolean;
}

/** A skill a call to a pilot asks of its agent: held active at `level` or better (1 best). */
export interface CallProfileSkill {
  readonly skill: number;
  readonly level: number;
  readonly mandatory: boolean;
}
