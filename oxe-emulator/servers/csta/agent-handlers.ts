/**
 * The node's CSTA side of the CCD: setAgentState / getAgentState (ECMA-269 §13, see
 * protocols/csta/agent-services.ts) drive the operators of the emulated CCD (ccd/), and each
 * change of an operator is reported as the ECMA-269 agent event on the monitors of its own set
 * and of the pro-ACD set it is logged on.
 *
 * How the OXE's richer operator model maps onto ECMA-269's (ours, documented):
 *   loggingOn + group ........ logon on the set `device` into the processing group `group`
 *                              (an operator already logged on there: enter that group)
 *   loggedOff ................ logoff
 *   ready .................... ready
 *   workingAfterCall ......... wrap-up
 *   notReady ................. pause; with private { subState: "WITHDRAW", withdrawReason }
 *                              a withdrawal; with { subState: "OUT_OF_PG" } leaving the group
 *   events ................... READY → agentReady, BUSY → agentBusy, WRAPUP →
 *                              agentWorkingAfterCall, PAUSE / WITHDRAW / OUT_OF_PG → agentNotReady,
 *                              each with the operator's O2G state in the private data.
 * The operator is named by `agentID` (its number); without it, by the set it is logged on, or
 * the set's own operator.
 *
 * Supervision (ours too, see protocols/csta/ccd-private.ts): supervisor help, permanent listening
 * and intrusion arrive as escape private requests (answerCcdRequest); a help request or a
 * listening, started or ended, is reported as an agent event (the agent's current state) on the
 * agent's and the supervisor's own sets, its private data's `help` saying between whom.
 */
import {
  type AgentEvent,
  type AgentState,
  type CcdPrivateData,
  type CcdPrivateRequest,
  type CstaFailure,
  failure,
  getAgentState,
  setAgentState,
} from "../../../protocols/csta/index.js";
import type { OperationSpec } from "../../../protocols/rose/index.js";
import { type Ccd, CcdError, type CcdErrorCode, type CcdEvent, type Operator } from "../../ccd/index.js";
import type { Device } from "../../model/index.js";
import type { Association } from "../common/rose-server.js";

type A = Association<CstaFailure>;

export interface AgentHost {
  ccd: Ccd | undefined;
  on<Arg, R>(op: OperationSpec<Arg, R>, handler: (a: A, invokeId: number, arg: Arg) => void): void;
  localDevice(id: string | undefined): Device;
}

const FAILURE_FOR: Record<CcdErrorCode, CstaFailure> = {
  unknownOperator: failure("operation", "invalidDeviceID"),
  unknownGroup: failure("operation", "objectNotKnown"),
  groupNotAllowed: failure("operation", "privilegeViolationSpecifiedDevice"),
  unknownPilot: failure("operation", "objectNotKnown"),
  invalidDevice: failure("operation", "invalidDeviceID"),
  invalidState: failure("stateIncompatibility", "invalidObjectState"),
  unknownReason: failure("operation", "valueOutOfRange"),
  unknownSkill: failure("operation", "valueOutOfRange"),
  noSupervisor: failure("stateIncompatibility", "invalidObjectState"),
  notSupervisor: failure("operation", "privilegeViolationSpecifiedDevice"),
};

export function privateStateOf(ccd: Ccd, op: Operator): CcdPrivateData {
  return ccd.stateOf(op);
}

function operatorFor(ccd: Ccd, device: Device, agentID: string | undefined): Operator {
  if (agentID !== undefined) return ccd.operator(agentID);
  return ccd.operatorOnSet(device.number) ?? ccd.operator(device.number);
}

function agentStateOf(op: Operator): AgentState {
  switch (op.sub) {
    case "READY":
      return "agentReady";
    case "BUSY":
      return "agentBusy";
    case "WRAPUP":
      return "agentWorkingAfterCall";
    case undefined:
      return "agentNull";
    default:
      return "agentNotReady";
  }
}

export function registerAgentHandlers(h: AgentHost): void {
  const guarded =
    <Arg>(fn: (a: A, id: number, arg: Arg, ccd: Ccd) => void) =>
    (a: A, id: number, arg: Arg) => {
      const ccd = h.ccd;
      if (!ccd) {
        a.link.replyError(id, failure("operation", "serviceNotSupported"));
        return;
      }
      try {
        fn(a, id, arg, ccd);
      } catch (err) {
        if (err instanceof CcdError) a.link.replyError(id, FAILURE_FOR[err.code]);
        else throw err;
      }
    };
  h.on(
    setAgentState,
    guarded((a, id, arg, ccd) => {
      const device = h.localDevice(arg.device);
      const op = operatorFor(ccd, device, arg.agentID);
      const n = op.config.number;
      switch (arg.requestedAgentState) {
        case "loggingOn":
          if (op.main === "LOG_ON" && op.proAcd === device.number && arg.group !== undefined)
            ccd.enterGroup(n, arg.group);
          else ccd.logOn(n, device.number, arg.group);
          break;
        case "loggedOff":
          ccd.logOff(n);
          break;
        case "ready":
          ccd.ready(n);
          break;
        case "workingAfterCall":
          ccd.wrapUp(n);
          break;
        case "notReady":
          if (arg.private?.subState === "WITHDRAW") {
            if (arg.private.withdrawReason === undefined)
              throw new CcdError("unknownReason", "a withdrawal needs a reason");
            ccd.withdraw(n, arg.private.withdrawReason);
          } else if (arg.private?.subState === "OUT_OF_PG") {
            ccd.exitGroup(n, arg.group ?? op.pg ?? "");
          } else ccd.pause(n);
          break;
      }
      a.link.reply(id, setAgentState, undefined);
    }),
  );
  h.on(
    getAgentState,
    guarded((a, id, arg, ccd) => {
      const device = h.localDevice(arg.device);
      const op = operatorFor(ccd, device, arg.agentID);
      a.link.reply(id, getAgentState, {
        agentStateList: [
          {
            agentID: op.config.number,
            loggedOnState: op.main === "LOG_ON",
            agentInfo: op.pg ? [{ acdGroup: op.pg, agentState: agentStateOf(op) }] : [],
          },
        ],
        private: privateStateOf(ccd, op),
      });
    }),
  );
}

/** One supervision request of the escape service: undefined when done, else the CSTA refusal. */
export function answerCcdRequest(ccd: Ccd | undefined, req: CcdPrivateRequest): CstaFailure | undefined {
  if (!ccd) return failure("operation", "serviceNotSupported");
  try {
    switch (req.op) {
      case "helpRequest":
        ccd.requestHelp(req.operator);
        break;
      case "helpCancel":
        ccd.cancelHelpRequest(req.operator, req.other);
        break;
      case "listen":
        ccd.listen(req.operator, req.other);
        break;
      case "listenStop":
        ccd.stopListening(req.operator);
        break;
      case "intrude":
        if (req.mode === "STOP") throw new CcdError("invalidState", "an intrusion cannot start stopped");
        ccd.intrude(req.operator, req.other, req.mode);
        break;
      case "intrusionMode":
        ccd.changeIntrusionMode(req.operator, req.mode);
        break;
    }
    return undefined;
  } catch (err) {
    if (err instanceof CcdError) return FAILURE_FOR[err.code];
    throw err;
  }
}

/** The agent event a CCD change is reported as, and the sets whose monitors see it. */
export function agentEventFor(ccd: Ccd, ev: CcdEvent): { devices: string[]; event: AgentEvent } | undefined {
  if (ev.kind === "helpRequested" || ev.kind === "helpCancelled") {
    const op = ev.operator;
    const help = {
      agent: op.config.number,
      supervisor: ev.supervisor.config.number,
      on: ev.kind === "helpRequested",
    };
    return {
      devices: [op.config.number, ev.supervisor.config.number],
      event: {
        type: op.main === "LOG_OFF" ? "agentLoggedOff" : "agentNotReady",
        agentDevice: op.config.number,
        agentID: op.config.number,
        ...(op.pg ? { acdGroup: op.pg } : {}),
        private: { ...privateStateOf(ccd, op), help },
      },
    };
  }
  if (ev.kind !== "agentState") return undefined;
  const op = ev.operator;
  const type: AgentEvent["type"] =
    op.main === "LOG_OFF"
      ? "agentLoggedOff"
      : ev.previous === undefined
        ? "agentLoggedOn"
        : op.sub === "READY"
          ? "agentReady"
          : op.sub === "BUSY"
            ? "agentBusy"
            : op.sub === "WRAPUP"
              ? "agentWorkingAfterCall"
              : "agentNotReady";
  const event: AgentEvent = {
    type,
    agentDevice: op.config.number,
    agentID: op.config.number,
    ...(op.pg ? { acdGroup: op.pg } : {}),
    private: privateStateOf(ccd, op),
  };
  const devices = [op.config.number];
  if (op.proAcd && op.proAcd !== op.config.number) devices.push(op.proAcd);
  return { devices, event };
}
