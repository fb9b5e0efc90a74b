/**
 * Telephony's hunting group calls, as the SDK's telephony-rest.ts sends them: the groups of the
 * user's node and the one they are a member of (`huntingGroups`), joining and leaving a group
 * (`huntingGroupMember/{hgNumber}`), and the member's log on, log off and status
 * (`huntingGroupLogOn`). Each is read or done over the node's CMIP link (see
 * domain/telephony/hunting-groups.ts for why CMIP and not CSTA).
 *
 * As the SDK documents: a user session acts for its user; an administrator names the user
 * (loginName). Joining a group one is in, leaving a group one is not in, logging on when logged
 * on (off when off) do nothing and succeed. A group not on the user's node is a 404; the log-on
 * calls of a user in no group, or joining a second group, a 409.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { GwUser } from "../../domain/directory.js";
import { configurationLink } from "../../domain/pbx/index.js";
import {
  dynamicStateOf,
  HuntingGroupStatusSchema,
  HuntingGroupsSchema,
  huntingGroupsOf,
  joinGroup,
  leaveGroup,
  membershipOf,
  requiredMembership,
  setLoggedOn,
} from "../../domain/telephony/hunting-groups.js";
import { session, targetUser } from "../common/request.js";
import { LoginNameQuery, NoContent } from "../common/schemas.js";

const HgParams = Type.Object({
  hgNumber: Type.String({
    minLength: 1,
    maxLength: 16,
    pattern: "^[0-9]+$",
    description: "a hunting group's number",
  }),
});

export async function huntingGroupRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;

  // A member's log-on state, however it changed, reaches its user as OnDynamicStateChanged:
  // the node reports every change of its member objects over CMIP.
  const stops = [...core.nodes.values()].map((node) =>
    node.cmip.onEvent((e) => {
      const told = dynamicStateOf(e, (n) => core.directory.byPhone(n)?.loginName);
      if (told) core.bus.publish("telephony", told.loginName, told.event);
    }, "Hunt_Group_Member"),
  );
  fastify.addHook("onClose", async () => {
    for (const stop of stops) stop();
  });

  const target = (req: FastifyRequest, loginName: string | undefined) => {
    const u: GwUser = targetUser(core, req, session(core, req), loginName);
    return { u, node: configurationLink(core, u.nodeId) };
  };

  app.get(
    "/huntingGroups",
    {
      schema: {
        summary:
          "The hunting groups of the user's node, and the one the user is a member of (queryHuntingGroups)",
        querystring: LoginNameQuery,
        response: { 200: HuntingGroupsSchema },
      },
    },
    async (req) => {
      const { u, node } = target(req, req.query.loginName);
      const hgList = await huntingGroupsOf(node);
      const current = await membershipOf(node, u.companyPhone, hgList);
      return { hgList, ...(current ? { currentHg: current.group } : {}) };
    },
  );

  app.post(
    "/huntingGroupMember/:hgNumber",
    {
      schema: {
        summary: "Makes the user a member of a hunting group of their node (addMeToHuntingGroup)",
        params: HgParams,
        querystring: LoginNameQuery,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const { u, node } = target(req, req.query.loginName);
      await joinGroup(node, req.params.hgNumber, u.companyPhone);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/huntingGroupMember/:hgNumber",
    {
      schema: {
        summary: "Removes the user from a hunting group (removeMeFromHuntingGroup)",
        params: HgParams,
        querystring: LoginNameQuery,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const { u, node } = target(req, req.query.loginName);
      await leaveGroup(node, req.params.hgNumber, u.companyPhone);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/huntingGroupLogOn",
    {
      schema: {
        summary: "Whether the user is logged on in their hunting group (getHuntingGroupStatus)",
        querystring: LoginNameQuery,
        response: { 200: HuntingGroupStatusSchema },
      },
    },
    async (req) => {
      const { u, node } = target(req, req.query.loginName);
      return { logon: (await requiredMembership(node, u.companyPhone)).loggedOn };
    },
  );

  app.post(
    "/huntingGroupLogOn",
    {
      schema: {
        summary: "Logs the user on in their hunting group (huntingGroupLogOn)",
        querystring: LoginNameQuery,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const { u, node } = target(req, req.query.loginName);
      await setLoggedOn(node, u.companyPhone, true);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/huntingGroupLogOn",
    {
      schema: {
        summary: "Logs the user off their hunting group (huntingGroupLogOff)",
        querystring: LoginNameQuery,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const { u, node } = target(req, req.query.loginName);
      await setLoggedOn(node, u.companyPhone, false);
      return reply.code(204).send(null);
    },
  );
}
