/**
 * CCD pilots as the telephony service's transfer information shows them (getPilotInfo), read from
 * the node's CCD_Pilot object over CMIP: its state, its queue's saturation, whether a call can be
 * transferred to it now; and the number an operator's supervisor call goes to.
 *
 * A closed pilot with a forward is in GENERAL_FORWARDING (the OXE sends its calls on), one
 * without, like a blocked pilot, is BLOCKED. waitingTime is not given: the emulated CCD keeps no
 * estimate of it.
 */
import { type ConfigurationNode, onNode } from "../pbx/access.js";
import type { AgentConfigJson, OperatorStateJson, PilotInfoJson } from "./schema.js";

/** The pilot's transfer information, or undefined when the node has no such pilot. */
export async function pilotInfo(
  node: ConfigurationNode,
  pilot: string,
  supervisedTransfer: boolean,
): Promise<PilotInfoJson | undefined> {
  if (!node.cmip.schema.has("CCD_Pilot")) return undefined;
  let a: Record<string, unknown>;
  try {
    a = await onNode(
      node,
      () => node.cmip.get("CCD_Pilot", `${node.cmip.root}/CCD_Pilot=${pilot}`),
      "CCD_Pilot",
    );
  } catch (err) {
    if ((err as { kind?: string }).kind === "notFound") return undefined;
    throw err;
  }
  const state = String(a.Pilot_State);
  const saturation = a.Saturation === true;
  const pilotStatus =
    state === "Open"
      ? "OPEN"
      : state === "Closed" && a.Closed_Forward && a.Forwarding !== false
        ? "GENERAL_FORWARDING"
        : "BLOCKED";
  return {
    number: pilot,
    saturation,
    supervisedTransfer,
    pilotTransferInfo: { transferPossible: pilotStatus === "OPEN" && !saturation, pilotStatus },
  };
}

/**
 * Where an operator's supervisor call goes: its processing group's own number, which the OXE
 * answers by ringing the group's supervisor (the group it is in, else its preferred one).
 */
export function supervisorCallNumber(config: AgentConfigJson, state: OperatorStateJson): string | undefined {
  return state.pgNumber ?? config.processingGroups?.preferred;
}
