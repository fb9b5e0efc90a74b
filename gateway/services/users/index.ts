/**
 * Users: who a login is (names, company phone, devices, node), looked up by login or phone
 * number, and the list of logins (administrators).
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { UserSchema, userJson } from "../../domain/user-view.js";
import { badRequest, forbidden, notFound } from "../common/errors.js";
import { requireAdmin, session, targetUser } from "../common/request.js";
import { isSet, LoginName, PhoneNumber, QueryFlag } from "../common/schemas.js";

const LoginNames = Type.Object({ loginNames: Type.Array(Type.String()) }, { title: "LoginNames" });

/** `?nodeIds=1;2`: checked and split by the handler, which names the list's syntax when it is wrong. */
const NodeIdList = Type.String({ maxLength: 256, description: "node numbers separated by ;" });

export async function usersService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;
  // Who asks comes before what they ask: an unauthenticated caller hears 401 whatever its query.
  app.addHook("onRequest", (req, _reply, done) => {
    try {
      session(core, req);
      done();
    } catch (err) {
      done(err as Error);
    }
  });

  app.get(
    "/users",
    {
      schema: {
        summary: "The user who has a company phone number",
        querystring: Type.Object({ companyPhone: Type.Optional(PhoneNumber) }),
        response: { 200: UserSchema },
      },
    },
    async (req) => {
      const s = session(core, req);
      const phone = req.query.companyPhone;
      if (phone === undefined) throw badRequest("give companyPhone, or GET /users/{loginName}");
      const user = core.directory.byPhone(phone);
      if (!user) throw notFound(`no user has the number ${phone}`);
      if (!s.principal.admin && user.loginName !== (s.supervised ?? s.principal.login)) {
        throw forbidden("a user session may only look itself up");
      }
      return userJson(user);
    },
  );

  app.get(
    "/users/:loginName",
    {
      schema: {
        summary: "A user: names, company phone, devices, node",
        params: Type.Object({ loginName: LoginName }),
        response: { 200: UserSchema },
      },
    },
    async (req) => {
      const s = session(core, req);
      return userJson(targetUser(core, req, s, req.params.loginName));
    },
  );

  app.get(
    "/logins",
    {
      // Administrators only, and a user hears so whatever its query says.
      onRequest: (req, _reply, done) => {
        try {
          requireAdmin(session(core, req));
          done();
        } catch (err) {
          done(err as Error);
        }
      },
      schema: {
        summary: "The login names of the users, of every node or of some",
        "x-o2g-access": "administrator",
        querystring: Type.Object({
          nodeIds: Type.Optional(NodeIdList),
          onlyACD: Type.Optional(QueryFlag),
          onlyWithExtLogin: Type.Optional(QueryFlag),
        }),
        response: { 200: LoginNames },
      },
    },
    async (req) => {
      const nodes = req.query.nodeIds;
      let ids: Set<number> | undefined;
      if (nodes !== undefined) {
        const parts = nodes.split(/[;,]/).filter(Boolean);
        if (parts.some((p) => !/^\d{1,5}$/.test(p)))
          throw badRequest(`nodeIds "${nodes}" must be node numbers separated by ;`);
        ids = new Set(parts.map(Number));
      }
      // No user is a call-centre agent or has an external login in this gateway yet.
      if (isSet(req.query.onlyACD) || isSet(req.query.onlyWithExtLogin)) return { loginNames: [] };
      const loginNames: string[] = [];
      for (const u of core.directory.users.values())
        if (!ids || ids.has(u.nodeId)) loginNames.push(u.loginName);
      return { loginNames };
    },
  );
}
