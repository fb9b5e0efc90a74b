/**
 * CallCenterAgent (O2G service `acdagent`), as the SDK's ccAgent-rest.ts sends it: a CCD
 * operator's configuration and state, logon on a pro-ACD set into a processing group, logoff,
 * enter / exit a group, ready, pause, wrap-up, withdraw with a reason, the groups' withdraw
 * reasons, and a state snapshot (an OnAgentStateChanged now). The configuration is read over the
 * node's CMIP link, the actions go over its CSTA link (setAgentState), the state comes back as
 * agent events (domain/callcenter).
 *
 * Skills are activated and deactivated in the operator's CCD configuration (CMIP Active_Skills).
 * Supervisor help, permanent listening and intrusion are OXE services ECMA-269 has no word for:
 * ours, each an escape private request (protocols/csta/ccd-private.ts); the help and listening
 * the node reports back become OnSupervisorHelpRequested / OnSupervisorHelpCancelled for the
 * agent and the supervisor (domain/callcenter/agents.ts).
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type } from "typebox";
import {
  type CcdPrivateData,
  type CcdPrivateRequest,
  type CstaFailure,
  describeFailure,
  type ReqAgentState,
} from "../../../protocols/csta/index.js";
import { RemoteOperationError } from "../../../protocols/rose/index.js";
import type { GatewayCore } from "../../core.js";
import {
  type AgentConfigJson,
  AgentConfigSchema,
  OperatorStateSchema,
  operatorConfig,
  operatorStateJson,
  setSkillsActive,
  WithdrawReasonsSchema,
  withdrawReasons,
} from "../../domain/callcenter/index.js";
import type { GwUser } from "../../domain/directory.js";
import { ccdSupervision, readAgentState, requestAgentState } from "../../links/index.js";
import type { NodeLink } from "../../nodes/index.js";
import { badRequest, forbidden, notFound, type O2gError } from "../common/errors.js";
import { session, targetUser } from "../common/request.js";
import { LoginNameQuery, NoContent } from "../common/schemas.js";
import { fromCsta, incompatible, nodeUnavailable } from "../telephony/errors.js";
import {
  AgentNumberBody,
  GroupBody,
  HelpQuery,
  IntrusionBody,
  IntrusionMode,
  LogonBody,
  SkillsBody,
  WithdrawBody,
  WithdrawReasonsQuery,
} from "./schemas.js";

/**
 * The CCD's refusals the telephony mapping does not name: an unknown group or reason is bad
 * input, a group the operator may not enter is forbidden (the rest as telephony answers them).
 */
const CCD_FAILURES: Record<string, (message: string) => O2gError> = {
  "operation.valueOutOfRange": (m) => badRequest(m),
  "operation.objectNotKnown": (m) => notFound(m),
  "operation.privilegeViolationSpecifiedDevice": (m) => forbidden(m),
};

function fromAgentCsta(err: unknown, nodeId: number): O2gError {
  if (err instanceof RemoteOperationError && err.failure.kind === "error") {
    const name = describeFailure(err.failure.error as CstaFailure);
    const mapped = CCD_FAILURES[name];
    if (mapped) return mapped(`${err.operation} refused by OXE node ${nodeId}: ${name}`);
  }
  return fromCsta(err, nodeId);
}

interface Operator {
  user: GwUser;
  node: NodeLink;
  /** the operator's number: its user's set */
  number: string;
  config: AgentConfigJson;
}

export async function callCenterAgentService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core: GatewayCore = app.core;

  /** The CCD operator the request acts for: a 403 for a user who is none. */
  async function operator(req: FastifyRequest): Promise<Operator> {
    const user = targetUser(core, req, session(core, req));
    const node = core.node(user.nodeId);
    if (!node) throw nodeUnavailable(user.nodeId);
    const number = user.devices[0]?.id;
    const config = number ? await operatorConfig(node, number) : undefined;
    if (!number || !config) throw forbidden(`${user.loginName} is not a CCD operator`);
    return { user, node, number, config };
  }

  async function act(
    op: Operator,
    state: ReqAgentState,
    more: { device?: string; group?: string; private?: CcdPrivateData } = {},
  ): Promise<void> {
    if (!op.node.csta.isUp) throw nodeUnavailable(op.node.nodeId);
    try {
      await requestAgentState(op.node.csta, {
        device: more.device ?? op.number,
        state,
        agentID: op.number,
        ...(more.group !== undefined ? { group: more.group } : {}),
        ...(more.private ? { private: more.private } : {}),
      });
    } catch (err) {
      throw fromAgentCsta(err, op.node.nodeId);
    }
  }

  async function stateOf(op: Operator) {
    if (!op.node.csta.isUp) throw nodeUnavailable(op.node.nodeId);
    try {
      return operatorStateJson((await readAgentState(op.node.csta, op.number, op.number)).private);
    } catch (err) {
      throw fromAgentCsta(err, op.node.nodeId);
    }
  }

  /** A group the operator may log on to (its configuration says which). */
  function allowedGroup(op: Operator, pg: string): string {
    if (!op.config.processingGroups?.groups?.includes(pg))
      throw forbidden(`${op.user.loginName} may not log on to processing group ${pg}`);
    return pg;
  }

  const done = { 204: NoContent };

  app.get(
    "/config",
    {
      schema: {
        summary:
          "The operator's configuration: type, pro-ACD set, processing groups, skills (getConfiguration)",
        querystring: LoginNameQuery,
        response: { 200: AgentConfigSchema },
      },
    },
    async (req) => (await operator(req)).config,
  );

  app.get(
    "/state",
    {
      schema: {
        summary: "The operator's state (getState)",
        querystring: LoginNameQuery,
        response: { 200: OperatorStateSchema },
      },
    },
    async (req) => stateOf(await operator(req)),
  );

  app.post(
    "/state/snapshot",
    {
      schema: {
        summary: "Asks for the operator's state as an OnAgentStateChanged event (requestSnapshot)",
        querystring: LoginNameQuery,
        response: done,
      },
    },
    async (req, reply) => {
      const op = await operator(req);
      core.agentEvents.publishState(op.user.loginName, await stateOf(op));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/logon",
    {
      schema: {
        summary: "Logs the operator on a pro-ACD set, into a processing group if named (logon)",
        querystring: LoginNameQuery,
        body: LogonBody,
        response: done,
      },
    },
    async (req, reply) => {
      const op = await operator(req);
      const pg = req.body.pgGroupNumber;
      if (pg !== undefined) allowedGroup(op, pg);
      await act(op, "loggingOn", {
        device: req.body.proAcdDeviceNumber,
        ...(pg !== undefined ? { group: pg } : {}),
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/logoff",
    { schema: { summary: "Logs the operator off (logoff)", querystring: LoginNameQuery, response: done } },
    async (req, reply) => {
      await act(await operator(req), "loggedOff");
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/enter",
    {
      schema: {
        summary: "The logged-on operator enters a processing group (enter)",
        querystring: LoginNameQuery,
        body: GroupBody,
        response: done,
      },
    },
    async (req, reply) => {
      const op = await operator(req);
      const state = await stateOf(op);
      if (state.mainState !== "LOG_ON" || !state.proAcdDeviceNumber)
        throw incompatible(`${op.user.loginName} is not logged on`, "INVALID_DEVICE_STATE");
      await act(op, "loggingOn", {
        device: state.proAcdDeviceNumber,
        group: allowedGroup(op, req.body.pgGroupNumber),
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/exit",
    {
      schema: {
        summary: "The operator leaves its processing group (exit)",
        querystring: LoginNameQuery,
        body: GroupBody,
        response: done,
      },
    },
    async (req, reply) => {
      await act(await operator(req), "notReady", {
        group: req.body.pgGroupNumber,
        private: { subState: "OUT_OF_PG" },
      });
      return reply.code(204).send(null);
    },
  );

  const simple: [string, ReqAgentState, string][] = [
    ["/ready", "ready", "The operator is ready for calls (setReady)"],
    ["/pause", "notReady", "The operator pauses (setPause)"],
    ["/wrapUp", "workingAfterCall", "The operator goes into wrap-up (setWrapup)"],
  ];
  for (const [url, state, summary] of simple)
    app.post(
      url,
      { schema: { summary, querystring: LoginNameQuery, response: done } },
      async (req, reply) => {
        await act(await operator(req), state, state === "notReady" ? { private: { subState: "PAUSE" } } : {});
        return reply.code(204).send(null);
      },
    );

  app.post(
    "/withdraw",
    {
      schema: {
        summary: "The operator withdraws from distribution, for one of its group's reasons (setWithdraw)",
        querystring: LoginNameQuery,
        body: WithdrawBody,
        response: done,
      },
    },
    async (req, reply) => {
      await act(await operator(req), "notReady", {
        private: { subState: "WITHDRAW", withdrawReason: req.body.reasonIndex },
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/withdrawReasons",
    {
      schema: {
        summary: "The withdraw reasons of a processing group (getWithdrawReasons)",
        querystring: WithdrawReasonsQuery,
        response: { 200: WithdrawReasonsSchema },
      },
    },
    async (req) => {
      const op = await operator(req);
      const reasons = await withdrawReasons(op.node, req.query.pgNumber);
      if (!reasons) throw notFound(`no processing group ${req.query.pgNumber} on node ${op.node.nodeId}`);
      return reasons;
    },
  );

  // Skills activation: the operator's Active_Skills over CMIP, then OnAgentSkillChanged.
  for (const [url, active, sdk] of [
    ["/config/skills/activate", true, "activateSkills"],
    ["/config/skills/deactivate", false, "deactivateSkills"],
  ] as const)
    app.post(
      url,
      {
        schema: {
          summary: `${active ? "Activates" : "Deactivates"} some of the agent's skills (${sdk})`,
          querystring: LoginNameQuery,
          body: SkillsBody,
          response: done,
        },
      },
      async (req, reply) => {
        const op = await operator(req);
        const skills = await setSkillsActive(op.node, op.number, op.config, req.body.skills, active);
        core.agentEvents.publishSkills(op.user.loginName, skills);
        return reply.code(204).send(null);
      },
    );

  // ---- supervision: ours over CSTA (escape private requests, protocols/csta/ccd-private.ts) ----

  async function supervise(op: Operator, request: CcdPrivateRequest): Promise<void> {
    if (!op.node.csta.isUp) throw nodeUnavailable(op.node.nodeId);
    try {
      await ccdSupervision(op.node.csta, request);
    } catch (err) {
      throw fromAgentCsta(err, op.node.nodeId);
    }
  }

  async function supervisor(req: FastifyRequest): Promise<Operator> {
    const op = await operator(req);
    if (op.config.type !== "SUPERVISOR") throw forbidden(`${op.user.loginName} is not a CCD supervisor`);
    return op;
  }

  const ccd = { v: 1, service: "ccd" } as const;

  app.post(
    "/permanentListening",
    {
      schema: {
        summary: "The supervisor listens to an agent permanently (requestPermanentListening)",
        querystring: LoginNameQuery,
        body: AgentNumberBody,
        response: done,
      },
    },
    async (req, reply) => {
      const op = await supervisor(req);
      await supervise(op, { ...ccd, op: "listen", operator: op.number, other: req.body.agentNumber });
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/permanentListening",
    {
      schema: {
        summary: "The supervisor stops listening (cancelPermanentListening)",
        querystring: LoginNameQuery,
        response: done,
      },
    },
    async (req, reply) => {
      const op = await supervisor(req);
      await supervise(op, { ...ccd, op: "listenStop", operator: op.number });
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/intrusion",
    {
      schema: {
        summary: "The supervisor intrudes into the call of an agent, in a mode (requestIntrusion)",
        querystring: LoginNameQuery,
        body: IntrusionBody,
        response: done,
      },
    },
    async (req, reply) => {
      const op = await supervisor(req);
      const { agentNumber, mode } = req.body;
      if (mode === "STOP") throw badRequest("an intrusion starts NORMAL, RESTRICTED or DISCRETE");
      await supervise(op, { ...ccd, op: "intrude", operator: op.number, other: agentNumber, mode });
      return reply.code(204).send(null);
    },
  );

  app.put(
    "/intrusion",
    {
      schema: {
        summary:
          "Changes the supervisor's intrusion mode; its current mode or STOP ends it (changeIntrusionMode)",
        querystring: LoginNameQuery,
        body: Type.Object({ mode: IntrusionMode }),
        response: done,
      },
    },
    async (req, reply) => {
      const op = await supervisor(req);
      await supervise(op, { ...ccd, op: "intrusionMode", operator: op.number, mode: req.body.mode });
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/supervisorHelp",
    {
      schema: {
        summary: "The agent asks its group's supervisor for help (requestSupervisorHelp)",
        querystring: LoginNameQuery,
        response: done,
      },
    },
    async (req, reply) => {
      const op = await operator(req);
      if (op.config.type !== "AGENT") throw forbidden(`${op.user.loginName} is not a CCD agent`);
      await supervise(op, { ...ccd, op: "helpRequest", operator: op.number });
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/supervisorHelp",
    {
      schema: {
        summary:
          "The agent withdraws its help request, or the supervisor rejects it " +
          "(cancelSupervisorHelpRequest, rejectAgentHelpRequest)",
        querystring: HelpQuery,
        response: done,
      },
    },
    async (req, reply) => {
      const op = await operator(req);
      await supervise(op, { ...ccd, op: "helpCancel", operator: op.number, other: req.query.other });
      return reply.code(204).send(null);
    },
  );
}
