/**
 * Users: who a login is (names, company phone, devices, node), looked up by login or phone
 * number, and the list of logins (administrators).
 */
import type { FastifyInstance } from "fastify";
import type { GwUser } from "../../domain/directory.js";
import { queryString, requireAdmin, session, targetUser } from "../../http/context.js";
import { badRequest, forbidden, notFound } from "../../http/errors.js";

export function userJson(u: GwUser) {
  return {
    companyPhone: u.companyPhone,
    firstName: u.firstName,
    lastName: u.lastName,
    loginName: u.loginName,
    devices: u.devices.map((d) => ({ type: d.type, id: d.id, subType: d.subType })),
    nodeId: String(u.nodeId),
  };
}

export async function usersService(app: FastifyInstance): Promise<void> {
  const core = app.core;

  app.get("/users", async (req) => {
    const s = session(core, req);
    const phone = queryString(req, "companyPhone");
    if (phone === undefined) throw badRequest("give companyPhone, or GET /users/{loginName}");
    const user = core.directory.byPhone(phone);
    if (!user) throw notFound(`no user has the number ${phone}`);
    if (!s.principal.admin && user.loginName !== (s.supervised ?? s.principal.login)) {
      throw forbidden("a user session may only look itself up");
    }
    return userJson(user);
  });

  app.get<{ Params: { loginName: string } }>("/users/:loginName", async (req) => {
    const s = session(core, req);
    return userJson(targetUser(core, req, s, req.params.loginName));
  });

  app.get("/logins", async (req) => {
    const s = session(core, req);
    requireAdmin(s);
    const q = req.query as Record<string, unknown>;
    const nodes = queryString(req, "nodeIds");
    let ids: Set<number> | undefined;
    if (nodes !== undefined) {
      const parts = nodes.split(/[;,]/).filter(Boolean);
      if (parts.some((p) => !/^\d+$/.test(p)))
        throw badRequest(`nodeIds "${nodes}" must be node numbers separated by ;`);
      ids = new Set(parts.map(Number));
    }
    // No user is a call-centre agent or has an external login in this gateway yet.
    if ("onlyACD" in q || "onlyWithExtLogin" in q) return { loginNames: [] };
    const loginNames: string[] = [];
    for (const u of core.directory.users.values())
      if (!ids || ids.has(u.nodeId)) loginNames.push(u.loginName);
    return { loginNames };
  });
}
