import type { Subscriber } from "../directory/index.js";

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
  | "recall";

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

/** A number served by the switch itself rather than a set: the voice mail pilot, say. */
export interface ServiceBehaviour {
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
        kind: "failed";
        call: Call;
        device: string;
        calling: string | null;
        called: string | null;
        lastRedirection: string | null;
      }
    | { kind: "doNotDisturb"; device: Device; on: boolean }
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
}
