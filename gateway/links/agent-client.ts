/**
 * The ACD agent services on a node's CSTA link (protocols/csta/agent-services.ts): the gateway's
 * call-center agent requests and the operator state the node reports back.
 */
import {
  type CcdPrivateData,
  type CcdPrivateRequest,
  escapeService,
  type GetAgentStateResult,
  getAgentState,
  type ReqAgentState,
  setAgentState,
} from "../../protocols/csta/index.js";
import type { CstaClient } from "./csta-client.js";

export interface AgentRequest {
  /** the set the request is for: the pro-ACD set at logon, the operator's set otherwise */
  device: string;
  state: ReqAgentState;
  /** the operator's number */
  agentID: string;
  group?: string;
  private?: CcdPrivateData;
}

export async function requestAgentState(csta: CstaClient, r: AgentRequest): Promise<void> {
  await csta.rose.invoke(setAgentState, {
    device: r.device,
    requestedAgentState: r.state,
    agentID: r.agentID,
    ...(r.group !== undefined ? { group: r.group } : {}),
    ...(r.private ? { private: r.private } : {}),
  });
}

export function readAgentState(
  csta: CstaClient,
  device: string,
  agentID: string,
): Promise<GetAgentStateResult> {
  return csta.rose.invoke(getAgentState, { device, agentID });
}

/** One of the CCD's supervision requests (ours: an escape private request, ccd-private.ts). */
export async function ccdSupervision(csta: CstaClient, request: CcdPrivateRequest): Promise<void> {
  await csta.rose.invoke(escapeService, { privateData: request });
}
