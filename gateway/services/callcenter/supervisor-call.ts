/**
 * makeSupervisorCall (Telephony's make call with `acdCall.callToSupervisor` and no callee): the
 * OXE calls the supervisor of the agent's processing group. On the CSTA link it is a MakeCall to
 * the group's own number, which the node answers by ringing the group's supervisor (ours: the
 * OXE's private supervisor-call facility has no ECMA-269 service; see oxe-emulator/ccd).
 */
import type { GatewayCore } from "../../core.js";
import { operatorConfig, operatorStateJson, supervisorCallNumber } from "../../domain/callcenter/index.js";
import type { GwUser } from "../../domain/directory.js";
import { readAgentState } from "../../links/index.js";
import { forbidden } from "../common/errors.js";
import { fromCsta, incompatible, nodeUnavailable } from "../telephony/errors.js";

/** The number `user`'s supervisor call dials: a 403 for a user who is no CCD operator. */
export async function supervisorCallee(core: GatewayCore, user: GwUser): Promise<string> {
  const node = core.node(user.nodeId);
  if (!node?.csta.isUp) throw nodeUnavailable(user.nodeId);
  const number = user.devices[0]?.id;
  const config = number ? await operatorConfig(node, number) : undefined;
  if (!number || !config) throw forbidden(`${user.loginName} is not a CCD operator: no supervisor to call`);
  let state: ReturnType<typeof operatorStateJson>;
  try {
    state = operatorStateJson((await readAgentState(node.csta, number, number)).private);
  } catch (err) {
    throw fromCsta(err, node.nodeId);
  }
  const pg = supervisorCallNumber(config, state);
  if (!pg) throw incompatible(`${user.loginName} is in no processing group`, "INVALID_DEVICE_STATE");
  return pg;
}
