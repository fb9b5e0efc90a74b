/**
 * The stand-in's CallCenterAgent: a small CCD (one processing group, its supervisor and two
 * agents, the emulator's withdraw reasons) whose operators log on and off, enter and leave the
 * group, get ready, pause, wrap up and withdraw with a reason, answered as the gateway answers
 * (services/callcenter/agent.ts) and each change told as OnAgentStateChanged. No call is
 * distributed here (the stand-in has no pilots): a wrap-up lasts until the operator says ready.
 * Skills, supervisor help, intrusion and permanent listening are the sandbox's (501 here).
 */
import type { AgentConfigJson, OperatorStateJson, WithdrawReasonsJson } from "../domain/callcenter/schema.js";
import type { O2gEvent } from "../events/types.js";
import { MockError } from "./errors.js";
import { telephonyError } from "./telephony.js";
import type { MockUser } from "./users.js";

export interface MockOperatorConfig {
  type: "AGENT" | "SUPERVISOR";
  groups: readonly string[];
}

/** operator number → configuration: 10000 supervises group 7501, 10001 and 10002 its agents. */
export const DEFAULT_OPERATORS: Readonly<Record<string, MockOperatorConfig>> = {
  "10000": { type: "SUPERVISOR", groups: ["7501"] },
  "10001": { type: "AGENT", groups: ["7501"] },
  "10002": { type: "AGENT", groups: ["7501"] },
};

/** group number → its withdraw reasons (the emulator's). */
export const DEFAULT_GROUPS: Readonly<Record<string, WithdrawReasonsJson["reasons"]>> = {
  "7501": [
    { index: 1, label: "Lunch" },
    { index: 2, label: "Meeting" },
    { index: 3, label: "Training" },
    { index: 4, label: "Break" },
  ],
};

type Sub = NonNullable<OperatorStateJson["subState"]>;

interface Operator {
  readonly config: MockOperatorConfig;
  main: "LOG_ON" | "LOG_OFF";
  sub: Sub | undefined;
  proAcd: string | undefined;
  pg: string | undefined;
  withdrawReason: number | undefined;
}

const forbidden = (message: string) => new MockError(403, message, { type: "FORBIDDEN" });
const badRequest = (message: string) => new MockError(400, message, { type: "BAD_REQUEST" });
const notFound = (message: string) => new MockError(404, message, { type: "NOT_FOUND" });
const wrongState = (message: string) =>
  telephonyError(409, "INCOMPATIBLE_WITH_STATE", "INVALID_DEVICE_STATE", message);

export class MockCallCenter {
  private readonly operators = new Map<string, Operator>();
  private readonly groups: Readonly<Record<string, WithdrawReasonsJson["reasons"]>>;

  constructor(
    private readonly publish: (login: string, event: O2gEvent) => void,
    private readonly sets: ReadonlyMap<string, MockUser>,
    operators: Readonly<Record<string, MockOperatorConfig>> = DEFAULT_OPERATORS,
    groups: Readonly<Record<string, WithdrawReasonsJson["reasons"]>> = DEFAULT_GROUPS,
  ) {
    this.groups = groups;
    for (const [n, config] of Object.entries(operators))
      this.operators.set(n, {
        config,
        main: "LOG_OFF",
        sub: undefined,
        proAcd: undefined,
        pg: undefined,
        withdrawReason: undefined,
      });
  }

  private operator(u: MockUser): Operator {
    const op = this.operators.get(u.number);
    if (!op) throw forbidden(`${u.loginName} is not a CCD operator`);
    return op;
  }

  private inGroup(u: MockUser): Operator {
    const op = this.operator(u);
    if (op.main !== "LOG_ON") throw wrongState(`${u.loginName} is not logged on`);
    if (!op.pg) throw wrongState(`${u.loginName} is in no processing group`);
    return op;
  }

  private allowed(u: MockUser, op: Operator, pg: string): void {
    if (!op.config.groups.includes(pg))
      throw forbidden(`${u.loginName} may not log on to processing group ${pg}`);
  }

  config(u: MockUser): AgentConfigJson {
    const op = this.operator(u);
    return {
      type: op.config.type,
      proacd: u.number,
      processingGroups: {
        ...(op.config.groups[0] ? { preferred: op.config.groups[0] } : {}),
        groups: [...op.config.groups],
      },
      skills: { skills: [] },
      selfAssign: false,
      headset: false,
      help: true,
      multiline: false,
    };
  }

  state(u: MockUser): OperatorStateJson {
    const op = this.operator(u);
    if (op.main === "LOG_OFF") return { mainState: "LOG_OFF", withdraw: false };
    return {
      mainState: "LOG_ON",
      subState: op.sub ?? "UNKNOWN",
      ...(op.proAcd ? { proAcdDeviceNumber: op.proAcd } : {}),
      ...(op.pg ? { pgNumber: op.pg } : {}),
      withdraw: op.sub === "WITHDRAW",
      ...(op.withdrawReason !== undefined ? { withdrawReason: op.withdrawReason } : {}),
    };
  }

  snapshot(u: MockUser): void {
    this.told(u);
  }

  logon(u: MockUser, proAcd: string, pg: string | undefined): void {
    const op = this.operator(u);
    if (pg !== undefined) this.allowed(u, op, pg);
    const set = this.sets.get(proAcd);
    if (!set) throw invalidDevice(proAcd);
    for (const [n, other] of this.operators)
      if (n !== u.number && other.main === "LOG_ON" && other.proAcd === proAcd)
        throw invalidDevice(proAcd, `${n} is logged on ${proAcd}`);
    op.main = "LOG_ON";
    op.proAcd = proAcd;
    op.pg = pg;
    op.withdrawReason = undefined;
    op.sub = pg !== undefined ? "PAUSE" : "OUT_OF_PG";
    this.told(u);
  }

  logoff(u: MockUser): void {
    const op = this.operator(u);
    if (op.main !== "LOG_ON") throw wrongState(`${u.loginName} is not logged on`);
    Object.assign(op, { main: "LOG_OFF", sub: undefined, proAcd: undefined, pg: undefined });
    op.withdrawReason = undefined;
    this.told(u);
  }

  enter(u: MockUser, pg: string): void {
    const op = this.operator(u);
    if (op.main !== "LOG_ON") throw wrongState(`${u.loginName} is not logged on`);
    this.allowed(u, op, pg);
    if (op.pg === pg) throw wrongState(`${u.loginName} is already in ${pg}`);
    op.pg = pg;
    op.withdrawReason = undefined;
    op.sub = "PAUSE";
    this.told(u);
  }

  exit(u: MockUser, pg: string): void {
    const op = this.operator(u);
    if (op.main !== "LOG_ON" || op.pg !== pg) throw wrongState(`${u.loginName} is not in ${pg}`);
    op.pg = undefined;
    op.withdrawReason = undefined;
    op.sub = "OUT_OF_PG";
    this.told(u);
  }

  /** ready, pause, wrap-up: the operator must be in its group. */
  set(u: MockUser, sub: "READY" | "PAUSE" | "WRAPUP"): void {
    const op = this.inGroup(u);
    if (op.sub === sub) return;
    op.withdrawReason = undefined;
    op.sub = sub;
    this.told(u);
  }

  withdraw(u: MockUser, reason: number): void {
    const op = this.inGroup(u);
    if (!this.groups[op.pg!]?.some((r) => r.index === reason))
      throw badRequest(`no withdraw reason ${reason} in processing group ${op.pg}`);
    op.withdrawReason = reason;
    op.sub = "WITHDRAW";
    this.told(u);
  }

  withdrawReasons(u: MockUser, pg: string): WithdrawReasonsJson {
    this.operator(u);
    const reasons = this.groups[pg];
    if (!reasons) throw notFound(`no processing group ${pg} on node 1`);
    return { reasons: reasons.map((r) => ({ ...r })) };
  }

  private told(u: MockUser): void {
    this.publish(u.loginName, {
      eventName: "OnAgentStateChanged",
      loginName: u.loginName,
      state: this.state(u),
    });
  }
}

function invalidDevice(n: string, why = `${n} is not a set`): MockError {
  return telephonyError(400, "BAD_PARAMETER_VALUE", "INVALID_DEVICE", why);
}
