/**
 * A scenario: actors (O2G users, chosen by number or by their index in the generated directory),
 * and steps an application and the phones take, with the events expected in between. The same
 * file runs once as a functional test or many times at a rate as a load.
 */

/** Where a step or value was written, for error messages. */
export interface Pos {
  file: string;
  line: number;
  col: number;
}

export interface ActorDef {
  name: string;
  /** index in the generated directory (0 = first user) */
  user?: number;
  /** a directory number */
  number?: string;
  /** an O2G administrator */
  admin?: boolean;
  pos: Pos;
}

/** A value that may contain ${variables}: strings, numbers, booleans, lists and maps of them. */
export type Template = string | number | boolean | null | Template[] | { [key: string]: Template };

export type FaultKind = "drop" | "delay" | "stall" | "garbage" | "refuse" | "switchover" | "clear";
export const FAULT_KINDS: readonly FaultKind[] = [
  "drop",
  "delay",
  "stall",
  "garbage",
  "refuse",
  "switchover",
  "clear",
];

export type PhoneAction =
  | "offHook"
  | "answer"
  | "hangUp"
  | "dial"
  | "huntingGroupLogOn"
  | "huntingGroupLogOff"
  | "digits";
export const PHONE_ACTIONS: readonly PhoneAction[] = [
  "offHook",
  "answer",
  "hangUp",
  "dial",
  "huntingGroupLogOn",
  "huntingGroupLogOff",
  "digits",
];

export interface Expectation {
  actor: string;
  event: string;
  match?: Template;
  capture?: Record<string, string>;
}

export type StepBody =
  | { kind: "login"; actors: string[] }
  | { kind: "logout"; actors: string[] }
  | { kind: "subscribe"; actors: string[]; packages: string[]; webhook: boolean }
  | { kind: "call"; from: string; to: Template; device?: Template; autoAnswer?: boolean; capture?: string }
  | { kind: "answer"; actor: string; call?: Template }
  | { kind: "release"; actor: string; call?: Template }
  | { kind: "hold"; actor: string; call: Template }
  | { kind: "retrieve"; actor: string; call: Template }
  | { kind: "transfer"; actor: string; active: Template; held: Template }
  | { kind: "merge"; actor: string; active: Template; held: Template }
  | { kind: "redirect"; actor: string; call: Template; to: Template }
  | { kind: "blindTransfer"; actor: string; call: Template; to: Template }
  /** the actor's forward through the Routing service: `to` an actor, a number, VOICEMAIL, or none (cancel) */
  | {
      kind: "forward";
      actor: string;
      to: Template;
      when: "IMMEDIATE" | "BUSY" | "NO_ANSWER" | "BUSY_NO_ANSWER";
    }
  | { kind: "dnd"; actor: string; on: boolean }
  /** the emulated CCD's queue of processing group `group` holds `waiting` calls (within timeoutMs) */
  | { kind: "acdQueue"; group: Template; waiting: number; timeoutMs: number }
  /** the emulated CCD's clock is set to `at` ("YYYY-MM-DD HH:MM", local): calendar transitions crossed act */
  | { kind: "acdClock"; at: Template }
  | { kind: "phone"; actor: string; action: PhoneAction; number?: Template; set?: string }
  | {
      kind: "recording";
      actor: string;
      state: "recording" | "paused" | "done";
      atLeastMs?: number;
      atMostMs?: number;
    }
  | { kind: "xml"; actor: string; action: "key" | "select" | "type" | "softkey"; value: Template }
  | {
      kind: "screen";
      actor: string;
      state?: "idle" | "loading" | "page" | "error";
      title?: Template;
      lines?: Template[];
      menu?: Template[];
      softkeys?: Template[];
      contains?: Template;
      timeoutMs: number;
    }
  | { kind: "expect"; all: Expectation[]; timeoutMs: number; ordered: boolean }
  | { kind: "noEvent"; actor: string; event?: string; match?: Template; withinMs: number }
  | {
      kind: "request";
      actor: string;
      method: "GET" | "POST" | "PUT" | "DELETE";
      service: string;
      path: Template;
      query?: Template;
      body?: Template;
      status: number;
      match?: Template;
      capture?: Record<string, string>;
    }
  | { kind: "wait"; ms: number }
  | { kind: "set"; vars: Record<string, Template> }
  | { kind: "loop"; times: number; steps: Step[] }
  | {
      kind: "fault";
      node: number;
      fault: FaultKind;
      link: "csta" | "cmip" | "all";
      ms?: number;
      jitterMs?: number;
      flavour?: "clean" | "silent";
    }
  | {
      /** the node raises an incident (the OXE's incident log, read over SSH); capture: its text */
      kind: "incident";
      node: number;
      code: number;
      rack?: number;
      board?: number;
      equipment?: number;
      capture?: string;
    }
  | { kind: "log"; message: Template }
  /** kill -9 of the active member of the gateway pair (a scenario with `gateway: { ha: true }`) */
  | { kind: "killGateway"; which: "active" };

export type Step = StepBody & { pos: Pos; label: string };

export interface LoadProfile {
  /** instances running at once, at most */
  instances: number;
  /** instances started per second */
  rate: number;
  /** keep starting instances for this long ... */
  durationMs?: number;
  /** ... or this many times */
  iterations?: number;
}

export interface Scenario {
  name: string;
  description: string;
  file: string;
  emulator: {
    users?: number;
    nodes?: number;
    seed?: number;
    ringTimeoutMs?: number;
    noAnswerForwardMs?: number;
    failedCallClearMs?: number;
    /** a hunting group member rings this long before a sequential or circular search moves on */
    huntNoAnswerMs?: number;
    maxMonitorsPerNode?: number;
    /** every node a main/standby pair (for switchover steps) */
    redundant?: boolean;
    /** percentage of each node's users who are CCD operators (the emulator's --agents) */
    agentsPercent?: number;
    /** the CCD's wrap-up time after a distributed call */
    ccdWrapUpMs?: number;
    /** calls each processing group's queue holds (default 10) */
    ccdQueueSize?: number;
  };
  gateway: {
    heartbeatMs?: number;
    heartbeatMisses?: number;
    /** an active/passive pair of gateway processes over PostgreSQL, the actors SDK-like failover clients */
    ha?: boolean;
  };
  actors: Map<string, ActorDef>;
  steps: Step[];
  load?: LoadProfile;
  /** a sample XML application the IP Touch sets' XML key starts (scenarios/xml-apps) */
  xmlApp?: "directory";
}
