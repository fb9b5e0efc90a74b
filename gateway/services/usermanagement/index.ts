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
import type { FastifyInstance } from "fastify";
import type { GwUser, LoadedSubscriber } from "../../domain/directory.js";
import {
  configurationLink,
  guardManagementService,
  loadedSubscriber,
  onNode,
  SUBSCRIBER_ATTRIBUTES,
  subscriberSyncOf,
} from "../../domain/pbx/index.js";
import { queryString } from "../../http/context.js";
import { badRequest, notFound, unavailable } from "../../http/errors.js";
import { userJson } from "../users/index.js";

interface CreateBody {
  nodeId: number;
  deviceNumbers?: string[];
  all?: boolean;
}

const createSchema = {
  body: {
    type: "object",
    required: ["nodeId"],
    properties: {
      nodeId: { type: "integer", minimum: 1 },
      deviceNumbers: {
        type: "array",
        maxItems: 10_000,
        items: { type: "string", minLength: 1, maxLength: 16, pattern: "^[0-9]+$" },
      },
      all: { type: "boolean" },
    },
  },
};

const byNumber = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

export async function userManagementService(app: FastifyInstance): Promise<void> {
  const core = app.core;
  guardManagementService(app, { service: "Users management", adminOnly: true });

  const user = (loginName: string): GwUser => {
    const u = core.directory.users.get(loginName);
    if (!u) throw notFound(`no user ${loginName}`);
    return u;
  };

  app.get("/", async (req) => {
    const device = queryString(req, "deviceNumber");
    const nodes = queryString(req, "nodeIds");
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
  });

  app.post<{ Body: CreateBody }>("/", { schema: createSchema }, async (req) => {
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
        () => node.cmip.list("Subscriber", { attributes: SUBSCRIBER_ATTRIBUTES }),
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
            () => node.cmip.get("Subscriber", `${node.cmip.root}/Subscriber=${n}`, SUBSCRIBER_ATTRIBUTES),
            "Subscriber",
          );
          const s = loadedSubscriber(a);
          if (!s) throw notFound(`no subscriber ${n} on node ${nodeId}`);
          return s;
        }),
      );
    }
    return { users: sync.addUsers(subscribers).map(userJson) };
  });

  app.get<{ Params: { loginName: string } }>("/:loginName", async (req) =>
    userJson(user(req.params.loginName)),
  );

  app.delete<{ Params: { loginName: string } }>("/:loginName", async (req, reply) => {
    const u = user(req.params.loginName);
    const node = core.node(u.nodeId);
    const sync = node ? subscriberSyncOf(node.cmip) : undefined;
    if (!sync) throw unavailable(`node ${u.nodeId}'s users are not followed by this gateway`);
    sync.removeUser(u);
    return reply.code(204).send();
  });
}
