/**
 * Users Management, for administrators: which of the nodes' subscribers are O2G users. Every
 * subscriber is one by default; deleting a user leaves its subscriber on the OXE, creating users
 * (named by their numbers, or all of a node) reads them from the node. Applications hear of both
 * through the userManagement events.
 *
 *   GET    /[?nodeIds=1;2]          {loginNames}
 *   GET    /?deviceNumber=10001      {loginNames: [the owner]}
 *   POST   /  {nodeId, deviceNumbers: [...]} or {nodeId, all: true}   {users: [User]} (those created)
 *   GET    /{loginName}              User
 *   DELETE /{loginName}
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import type { GwUser, LoadedSubscriber } from "../../domain/directory.js";
import {
  configurationLink,
  loadedSubscriber,
  onNode,
  subscriberSyncOf,
  userAttributes,
} from "../../domain/pbx/index.js";
import { UserSchema, userJson } from "../../domain/user-view.js";
import { badRequest, notFound, unavailable } from "../common/errors.js";
import { LoginName, NoContent } from "../common/schemas.js";

const CreateUsersBody = Type.Object(
  {
    nodeId: Type.Integer({ minimum: 1, maximum: 99999 }),
    deviceNumbers: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 16, pattern: "^[0-9]+$" }), { maxItems: 10_000 }),
    ),
    all: Type.Optional(Type.Boolean({ description: "every subscriber of the node" })),
  },
  { title: "CreateUsers" },
);

const ListQuery = Type.Object({
  // Checked and split by the handler, which names the list's syntax when it is wrong.
  nodeIds: Type.Optional(Type.String({ maxLength: 256, description: "node numbers separated by ;" })),
  deviceNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
});

const LoginNames = Type.Object({ loginNames: Type.Array(Type.String()) }, { title: "LoginNames" });
const LoginParams = Type.Object({ loginName: LoginName });

const byNumber = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

export async function userManagementService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;

  const user = (loginName: string): GwUser => {
    const u = core.directory.users.get(loginName);
    if (!u) throw notFound(`no user ${loginName}`);
    return u;
  };

  app.get(
    "/",
    {
      schema: {
        summary: "The login names of the users, of every node, of some, or the owner of a device",
        querystring: ListQuery,
        response: { 200: LoginNames },
      },
    },
    async (req) => {
      const device = req.query.deviceNumber;
      const nodes = req.query.nodeIds;
      if (device !== undefined) {
        if (nodes !== undefined) throw badRequest("give deviceNumber or nodeIds, not both");
        const owner = core.directory.byPhone(device);
        if (!owner) throw notFound(`no user has the device ${device}`);
        return { loginNames: [owner.loginName] };
      }
      let ids: number[] | undefined;
      if (nodes !== undefined) {
        const parts = nodes.split(/[;,]/).filter(Boolean);
        if (parts.length === 0 || parts.some((p) => !/^[0-9]{1,5}$/.test(p)))
          throw badRequest(`nodeIds "${nodes}" must be node numbers separated by ;`);
        ids = parts.map(Number);
      }
      const loginNames: string[] = [];
      for (const n of ids ?? core.directory.nodeIds().sort((a, b) => a - b)) {
        // In numbering order, whatever order users were added in (createUsers appends).
        const users = [...core.directory.usersOfNode(n)].sort((a, b) =>
          byNumber(a.companyPhone, b.companyPhone),
        );
        for (const u of users) loginNames.push(u.loginName);
      }
      return { loginNames };
    },
  );

  app.post(
    "/",
    {
      schema: {
        summary: "Makes O2G users of some subscribers of a node, or of all",
        body: CreateUsersBody,
        response: { 200: Type.Object({ users: Type.Array(UserSchema) }, { title: "CreatedUsers" }) },
      },
    },
    async (req) => {
      const { nodeId, deviceNumbers, all } = req.body;
      if (all === true && deviceNumbers?.length) throw badRequest("give deviceNumbers or all, not both");
      if (all !== true && !deviceNumbers?.length)
        throw badRequest("give deviceNumbers, or all: true for every subscriber of the node");
      const node = configurationLink(core, nodeId);
      const sync = subscriberSyncOf(node.cmip);
      if (!sync) throw unavailable(`node ${nodeId}'s users are not followed by this gateway`);
      let subscribers: LoadedSubscriber[];
      if (all) {
        const objects = await onNode(
          node,
          () => node.cmip.list("Subscriber", { attributes: userAttributes(node.cmip) }),
          "Subscriber",
        );
        subscribers = objects.flatMap((o) => loadedSubscriber(o.attributes) ?? []);
      } else {
        const numbers = [...new Set(deviceNumbers)];
        // Every number is read before any user is created: one unknown number creates nobody.
        subscribers = await Promise.all(
          numbers.map(async (n) => {
            const a = await onNode(
              node,
              () =>
                node.cmip.get("Subscriber", `${node.cmip.root}/Subscriber=${n}`, userAttributes(node.cmip)),
              "Subscriber",
            );
            const s = loadedSubscriber(a);
            if (!s) throw notFound(`no subscriber ${n} on node ${nodeId}`);
            return s;
          }),
        );
      }
      return { users: sync.addUsers(subscribers).map((u) => userJson(u, node.voiceMailNumber)) };
    },
  );

  app.get(
    "/:loginName",
    { schema: { summary: "A user", params: LoginParams, response: { 200: UserSchema } } },
    async (req) => {
      const u = user(req.params.loginName);
      return userJson(u, core.node(u.nodeId)?.voiceMailNumber);
    },
  );

  app.delete(
    "/:loginName",
    {
      schema: {
        summary: "Stops a user being an O2G user (its subscriber stays on the OXE)",
        params: LoginParams,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = user(req.params.loginName);
      const node = core.node(u.nodeId);
      const sync = node ? subscriberSyncOf(node.cmip) : undefined;
      if (!sync) throw unavailable(`node ${u.nodeId}'s users are not followed by this gateway`);
      sync.removeUser(u);
      return reply.code(204).send(null);
    },
  );
}
