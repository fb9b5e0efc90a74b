/**
 * ACD agents on the CSTA link (ECMA-269 §13.1.x set/get agent state, ECMA-285 BER): the gateway
 * logs CCD operators on and off, makes them ready, not ready, working after call, and reads their
 * state. The agent events themselves are in events.ts (logicalDeviceFeatureEvents [4]).
 *
 *   setAgentState (312) SetAgentStateArgument ::= SEQUENCE { device DeviceID,
 *       requestedAgentState ReqAgentState, agentID [2] IMPLICIT AgentID OPTIONAL,
 *       password [3] IMPLICIT AgentPassword OPTIONAL, group DeviceID OPTIONAL,
 *       extensions CSTACommonArguments OPTIONAL }      result: noData NULL
 *   ReqAgentState ::= ENUMERATED { loggingOn(0), loggedOff(1), notReady(2), ready(3),
 *       workingAfterCall(4) }
 *   getAgentState (305) GetAgentStateArgument ::= SEQUENCE { device DeviceID, extensions OPTIONAL }
 *   AgentState ::= ENUMERATED { agentNotReady(0), agentNull(1), agentReady(2), agentBusy(3),
 *       agentWorkingAfterCall(4) }
 *
 * Ours (the OXE's CCD is richer than ECMA-269's agent model, and its private details are not
 * public): what ECMA-269 calls notReady is, on the OXE, a pause, a withdrawal with a reason, or
 * "logged on but in no processing group". That detail travels in the standard's own extension
 * point, CSTACommonArguments' privateData ([APPLICATION 30] { privateData [1] SEQUENCE OF
 * CSTAPrivateData }, CSTAPrivateData's string alternative), as a UTF-8 JSON `CcdPrivateData`:
 * in a setAgentState (which notReady: pause or withdraw and the reason), in the getAgentState
 * result and in each agent event (the operator's O2G state). GetAgentStateResult is reduced to
 * SEQUENCE { agentStateList SEQUENCE OF SEQUENCE { agentID OCTET STRING OPTIONAL, loggedOnState
 * BOOLEAN, agentInfo SEQUENCE OF SEQUENCE { acdGroup DeviceID OPTIONAL, agentState AgentState }
 * }, extensions OPTIONAL }.
 */
import { type BerReader, type BerWriter, ctx, ctxC, U } from "../ber/index.js";
import { defineOperation } from "../rose/index.js";
import {
  type DeviceId,
  readDeviceId,
  readNoData,
  skipRest,
  Tags,
  writeDeviceId,
  writeNoData,
} from "./common.js";

export const ReqAgentState = {
  loggingOn: 0,
  loggedOff: 1,
  notReady: 2,
  ready: 3,
  workingAfterCall: 4,
} as const;
export type ReqAgentState = keyof typeof ReqAgentState;
const reqAgentStateName = Object.keys(ReqAgentState) as ReqAgentState[];

export const AgentState = {
  agentNotReady: 0,
  agentNull: 1,
  agentReady: 2,
  agentBusy: 3,
  agentWorkingAfterCall: 4,
} as const;
export type AgentState = keyof typeof AgentState;
const agentStateName = Object.keys(AgentState) as AgentState[];

/** The OXE operator's state beyond ECMA-269 (see the module header): O2G's OperatorState words. */
export interface CcdPrivateData {
  mainState?: "LOG_ON" | "LOG_OFF";
  /** READY, OUT_OF_PG, BUSY, WRAPUP, PAUSE, WITHDRAW */
  subState?: string;
  proAcdDeviceNumber?: string;
  pgNumber?: string;
  withdrawReason?: number;
  /**
   * Ours (see ccd-private.ts): in an agent event, a supervisor's help asked (or permanent
   * listening started) between `agent` and `supervisor` (`on`), or ended (`!on`).
   */
  help?: { agent: string; supervisor: string; on: boolean };
}

/** CSTACommonArguments' privateData [1] IMPLICIT SEQUENCE OF CSTAPrivateData */
const ctxC1 = ctxC(1);

const SUB_STATES = new Set(["READY", "OUT_OF_PG", "BUSY", "WRAPUP", "PAUSE", "WITHDRAW"]);

/** CSTACommonArguments carrying one CcdPrivateData. */
export function writeCcdPrivate(w: BerWriter, data: CcdPrivateData): void {
  w.begin(Tags.commonArguments).begin(ctxC1);
  w.octets(Buffer.from(JSON.stringify(data), "utf8"));
  w.end().end();
}

/** CSTACommonArguments, positioned on it: the CcdPrivateData it carries, checked field by field. */
export function readCcdPrivate(r: BerReader): CcdPrivateData | undefined {
  r.enter(Tags.commonArguments);
  let out: CcdPrivateData | undefined;
  while (!r.atEnd()) {
    if (!r.isNext(ctxC1)) {
      r.skip();
      continue;
    }
    r.enter(ctxC1);
    while (!r.atEnd()) {
      if (!r.isNext(U.OCTET_STRING)) {
        r.skip();
        continue;
      }
      out ??= parseCcdPrivate(Buffer.from(r.octets()).toString("utf8"));
    }
    r.leave();
  }
  r.leave();
  return out;
}

function parseCcdPrivate(text: string): CcdPrivateData | undefined {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof o !== "object" || o === null) return undefined;
  const src = o as Record<string, unknown>;
  const out: CcdPrivateData = {};
  if (src.mainState === "LOG_ON" || src.mainState === "LOG_OFF") out.mainState = src.mainState;
  if (typeof src.subState === "string" && SUB_STATES.has(src.subState)) out.subState = src.subState;
  if (typeof src.proAcdDeviceNumber === "string") out.proAcdDeviceNumber = src.proAcdDeviceNumber;
  if (typeof src.pgNumber === "string") out.pgNumber = src.pgNumber;
  if (Number.isInteger(src.withdrawReason)) out.withdrawReason = src.withdrawReason as number;
  const help = src.help as Record<string, unknown> | undefined;
  if (
    typeof help === "object" &&
    help !== null &&
    typeof help.agent === "string" &&
    typeof help.supervisor === "string" &&
    typeof help.on === "boolean"
  )
    out.help = { agent: help.agent, supervisor: help.supervisor, on: help.on };
  return out;
}

export interface SetAgentStateArgument {
  /** the pro-ACD set (logon), or the operator's set */
  device: DeviceId;
  requestedAgentState: ReqAgentState;
  /** the operator (its number) */
  agentID?: string;
  /** the processing group (logon, enter) */
  group?: DeviceId;
  /** notReady: `{ subState: "WITHDRAW", withdrawReason }` or `{ subState: "PAUSE" }` (the default) */
  private?: CcdPrivateData;
}

export const setAgentState = defineOperation<SetAgentStateArgument, undefined>({
  name: "setAgentState",
  opcode: 312,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeDeviceId(w, a.device);
    w.enumerated(ReqAgentState[a.requestedAgentState]);
    if (a.agentID !== undefined) w.string(a.agentID, ctx(2));
    if (a.group !== undefined) writeDeviceId(w, a.group);
    if (a.private) writeCcdPrivate(w, a.private);
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const device = readDeviceId(r);
    const v = r.enumerated();
    const out: SetAgentStateArgument = { device, requestedAgentState: reqAgentStateName[v] ?? "notReady" };
    if (r.isNext(ctx(2))) out.agentID = r.string(ctx(2));
    if (r.isNext(ctx(3))) r.skip(); // password
    if (r.isNext(U.SEQUENCE)) out.group = readDeviceId(r);
    if (r.isNext(Tags.commonArguments)) {
      const p = readCcdPrivate(r);
      if (p) out.private = p;
    }
    skipRest(r);
    r.leave();
    return out;
  },
  encodeResult: writeNoData,
  decodeResult: readNoData,
});

export interface AgentInfo {
  acdGroup?: DeviceId;
  agentState: AgentState;
}

export interface AgentStateEntry {
  agentID?: string;
  loggedOnState: boolean;
  agentInfo: AgentInfo[];
}

export interface GetAgentStateResult {
  agentStateList: AgentStateEntry[];
  private?: CcdPrivateData;
}

export const getAgentState = defineOperation<{ device: DeviceId; agentID?: string }, GetAgentStateResult>({
  name: "getAgentState",
  opcode: 305,
  encodeArgument(w, a) {
    w.begin(U.SEQUENCE);
    writeDeviceId(w, a.device);
    // Ours: which operator, when the set is not (yet) the one it is logged on.
    if (a.agentID !== undefined) writeCcdPrivate(w, { proAcdDeviceNumber: a.agentID });
    w.end();
  },
  decodeArgument(r) {
    r.enter();
    const device = readDeviceId(r);
    let agentID: string | undefined;
    if (r.isNext(Tags.commonArguments)) agentID = readCcdPrivate(r)?.proAcdDeviceNumber;
    skipRest(r);
    r.leave();
    return agentID !== undefined ? { device, agentID } : { device };
  },
  encodeResult(w, res) {
    w.begin(U.SEQUENCE).begin(U.SEQUENCE);
    for (const e of res.agentStateList) {
      w.begin(U.SEQUENCE);
      if (e.agentID !== undefined) w.string(e.agentID, U.OCTET_STRING);
      w.boolean(e.loggedOnState);
      w.begin(U.SEQUENCE);
      for (const i of e.agentInfo) {
        w.begin(U.SEQUENCE);
        if (i.acdGroup !== undefined) writeDeviceId(w, i.acdGroup);
        w.enumerated(AgentState[i.agentState]);
        w.end();
      }
      w.end();
      w.end();
    }
    w.end();
    if (res.private) writeCcdPrivate(w, res.private);
    w.end();
  },
  decodeResult(r) {
    r.enter().enter();
    const agentStateList: AgentStateEntry[] = [];
    while (!r.atEnd()) {
      r.enter();
      const e: AgentStateEntry = { loggedOnState: false, agentInfo: [] };
      if (r.isNext(U.OCTET_STRING)) e.agentID = r.string(U.OCTET_STRING);
      e.loggedOnState = r.boolean();
      if (r.isNext(U.SEQUENCE)) {
        r.enter();
        while (!r.atEnd()) {
          r.enter();
          const info: AgentInfo = { agentState: "agentNull" };
          if (r.isNext(U.SEQUENCE)) info.acdGroup = readDeviceId(r);
          info.agentState = agentStateName[r.enumerated()] ?? "agentNull";
          skipRest(r);
          r.leave();
          e.agentInfo.push(info);
        }
        r.leave();
      }
      skipRest(r);
      r.leave();
      agentStateList.push(e);
    }
    r.leave();
    const out: GetAgentStateResult = { agentStateList };
    if (r.isNext(Tags.commonArguments)) {
      const p = readCcdPrivate(r);
      if (p) out.private = p;
    }
    skipRest(r);
    r.leave();
    return out;
  },
});
