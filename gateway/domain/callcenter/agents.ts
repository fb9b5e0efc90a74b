/**
 * CCD operators as O2G's CallCenterAgent service shows them. Their configuration (type, pro-ACD
 * set, processing groups, skills) and the groups' withdraw reasons are the node's CCD objects,
 * read over CMIP (CCD_Operator, CCD_Processing_Group); their state comes over CSTA, in the agent
 * services' answers and the agent events on the operator's monitored set, whose private data
 * carries the OXE operator's own state (see protocols/csta/agent-services.ts). Each agent event
 * becomes the `agent` package's OnAgentStateChanged for the operator's user; one carrying a help
 * detail becomes OnSupervisorHelpRequested / OnSupervisorHelpCancelled for the agent and the
 * supervisor.
 */
import type { AgentEvent, CcdPrivateData } from "../../../protocols/csta/index.js";
import type { EventPublisher } from "../../events/index.js";
import type { UserDirectory } from "../directory.js";
import { invalid } from "../errors.js";
import { type ConfigurationNode, onNode } from "../pbx/access.js";
import type { AgentConfigJson, AgentSkillJson, OperatorStateJson, WithdrawReasonsJson } from "./schema.js";

const SUB_STATES: ReadonlySet<string> = new Set([
  "READY",
  "OUT_OF_PG",
  "BUSY",
  "WRAPUP",
  "PAUSE",
  "WITHDRAW",
]);

/** The operator's state as O2G answers it, from what the node said of it. */
export function operatorStateJson(p: CcdPrivateData | undefined): OperatorStateJson {
  if (!p?.mainState) return { mainState: "UNKNOWN" };
  if (p.mainState === "LOG_OFF") return { mainState: "LOG_OFF", withdraw: false };
  return {
    mainState: "LOG_ON",
    subState:
      p.subState && SUB_STATES.has(p.subState) ? (p.subState as OperatorStateJson["subState"]) : "UNKNOWN",
    ...(p.proAcdDeviceNumber ? { proAcdDeviceNumber: p.proAcdDeviceNumber } : {}),
    ...(p.pgNumber ? { pgNumber: p.pgNumber } : {}),
    withdraw: p.subState === "WITHDRAW",
    ...(p.withdrawReason !== undefined ? { withdrawReason: p.withdrawReason } : {}),
  };
}

/**
 * The CCD operator `number` of `node`, or undefined when the user is no operator (the node has
 * no such CCD_Operator, or no CCD at all).
 */
export async function operatorConfig(
  node: ConfigurationNode,
  number: string,
): Promise<AgentConfigJson | undefined> {
  if (!node.cmip.schema.has("CCD_Operator")) return undefined;
  let a: Record<string, unknown>;
  try {
    a = await onNode(
      node,
      () => node.cmip.get("CCD_Operator", `${node.cmip.root}/CCD_Operator=${number}`),
      "CCD_Operator",
    );
  } catch (err) {
    if ((err as { kind?: string }).kind === "notFound") return undefined;
    throw err;
  }
  const groups = String(a.Processing_Groups ?? "")
    .split(",")
    .filter((g) => g !== "");
  const skills = String(a.Skills ?? "")
    .split(",")
    .filter((s) => s !== "")
    .map((s) => {
      const [n, level, active] = s.split(":");
      return { number: Number(n), level: Number(level), active: active === "1" };
    });
  return {
    type: a.Operator_Type === "Supervisor" ? "SUPERVISOR" : "AGENT",
    ...(a.Pro_ACD_Number ? { proacd: String(a.Pro_ACD_Number) } : {}),
    processingGroups: { ...(groups[0] ? { preferred: groups[0] } : {}), groups },
    skills: { skills },
    selfAssign: a.Self_Assign === true,
    headset: a.Headset === true,
    help: a.Help === true,
    multiline: a.Multiline === true,
  };
}

/** The withdraw reasons of processing group `pg`, or undefined when the node has no such group. */
export async function withdrawReasons(
  node: ConfigurationNode,
  pg: string,
): Promise<WithdrawReasonsJson | undefined> {
  if (!node.cmip.schema.has("CCD_Processing_Group")) return undefined;
  let a: Record<string, unknown>;
  try {
    a = await onNode(
      node,
      () =>
        node.cmip.get("CCD_Processing_Group", `${node.cmip.root}/CCD_Processing_Group=${pg}`, [
          "Withdraw_Reasons",
        ]),
      "CCD_Processing_Group",
    );
  } catch (err) {
    if ((err as { kind?: string }).kind === "notFound") return undefined;
    throw err;
  }
  const reasons = String(a.Withdraw_Reasons ?? "")
    .split("|")
    .filter((r) => r.includes("="))
    .map((r) => {
      const i = r.indexOf("=");
      return { index: Number(r.slice(0, i)), label: r.slice(i + 1) };
    });
  return { reasons };
}

/**
 * Activate (or deactivate) some of the operator's skills: its CCD_Operator's Active_Skills. A
 * skill the operator does not have is refused (400). Answers the skills as they now are.
 */
export async function setSkillsActive(
  node: ConfigurationNode,
  number: string,
  config: AgentConfigJson,
  skills: readonly number[],
  active: boolean,
): Promise<AgentSkillJson[]> {
  const own = config.skills?.skills ?? [];
  const unknown = skills.filter((n) => !own.some((s) => s.number === n));
  if (unknown.length) throw invalid(`${number} has no skill ${unknown.join(", ")}`);
  const now = new Set<number>();
  for (const s of own) if (s.active && s.number !== undefined) now.add(s.number);
  for (const n of skills)
    if (active) now.add(n);
    else now.delete(n);
  await onNode(
    node,
    () =>
      node.cmip.set("CCD_Operator", `${node.cmip.root}/CCD_Operator=${number}`, {
        Active_Skills: [...now].sort((a, b) => a - b).join(","),
      }),
    "CCD_Operator",
  );
  return own.map((s) => ({ ...s, active: now.has(s.number ?? -1) }));
}

/** Folds the nodes' agent events into the `agent` package's events. */
export class AgentEvents {
  constructor(
    private readonly directory: UserDirectory,
    private readonly events: EventPublisher,
  ) {}

  /** An agent event reported on the monitor of `device`. */
  onAgentEvent(device: string, ev: AgentEvent): void {
    const user = this.directory.devices.get(device)?.owner;
    if (!user) return;
    // Ours (protocols/csta/ccd-private.ts): a help request or a permanent listening, begun or
    // ended, told on the agent's and the supervisor's sets: each of them gets the event.
    const help = ev.private?.help;
    if (help) {
      if (device !== help.agent && device !== help.supervisor) return;
      this.events.publish("agent", user.loginName, {
        eventName: help.on ? "OnSupervisorHelpRequested" : "OnSupervisorHelpCancelled",
        loginName: user.loginName,
        agentNumber: help.agent,
      });
      return;
    }
    this.publishState(user.loginName, operatorStateJson(ev.private));
  }

  publishState(loginName: string, state: OperatorStateJson): void {
    this.events.publish("agent", loginName, { eventName: "OnAgentStateChanged", loginName, state });
  }

  publishSkills(loginName: string, skills: AgentSkillJson[]): void {
    this.events.publish("agent", loginName, { eventName: "OnAgentSkillChanged", loginName, skills });
  }
}
