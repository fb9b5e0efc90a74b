/**
 * Users: who a login is (names, company phone, devices, node, voice mail, e-mail, external
 * login), looked up by login or phone number, the list of logins, a user's preferences and the
 * languages they may choose from, and the change of their OXE password.
 *
 * As the SDKs document it, what a user shows of themselves (the User) is public: any session
 * reads anybody's. Preferences and the password are the user's own (or an administrator's).
 * The password is the OXE's: checked by the node (Check_Password), changed there (M-SET
 * Password), and the next login is checked against the new one.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { GwUser } from "../../domain/directory.js";
import { configurationLink, onNode } from "../../domain/pbx/index.js";
import { UserSchema, userJson } from "../../domain/user-view.js";
import { badRequest, forbidden, notFound } from "../common/errors.js";
import { session } from "../common/request.js";
import { isSet, LoginName, NoContent, PhoneNumber, QueryFlag } from "../common/schemas.js";

const LoginNames = Type.Object({ loginNames: Type.Array(Type.String()) }, { title: "LoginNames" });

/** `?nodeIds=1;2`: checked and split by the handler, which names the list's syntax when it is wrong. */
const NodeIdList = Type.String({ maxLength: 256, description: "node numbers separated by ;" });

const LoginParams = Type.Object({ loginName: LoginName });

/** The SDKs' PreferencesJson. */
const Preferences = Type.Object(
  {
    guiLanguage: Type.Optional(Type.String({ description: "for applications with a GUI" })),
    oxeLanguage: Type.Optional(Type.String({ description: "the language the user's set speaks" })),
  },
  { title: "Preferences" },
);

/** The SDKs' SupportedLanguagesJson. */
const SupportedLanguages = Type.Object(
  {
    supportedLanguages: Type.Array(Type.String()),
    supportedGuiLanguages: Type.Optional(Type.Array(Type.String())),
  },
  { title: "SupportedLanguages" },
);

const PasswordChange = Type.Object({
  oldPassword: Type.String({ minLength: 1, maxLength: 64 }),
  newPassword: Type.String({ minLength: 1, maxLength: 64 }),
});

/** This gateway's own GUI (the console) speaks English only. */
const GUI_LANGUAGES = ["en"];

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

  const json = (u: GwUser) => userJson(u, core.node(u.nodeId)?.voiceMailNumber);

  function named(login: string): GwUser {
    const u = core.directory.users.get(login);
    if (!u) throw notFound(`no user ${login}`);
    return u;
  }

  /** The user named in the path, when the session may act on their private things. */
  function own(req: FastifyRequest, login: string): GwUser {
    const s = session(core, req);
    if (!s.principal.admin && login !== s.principal.login)
      throw forbidden(`a user session may act only for ${s.principal.login}`);
    return named(login);
  }

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
      const phone = req.query.companyPhone;
      if (phone === undefined) throw badRequest("give companyPhone, or GET /users/{loginName}");
      const user = core.directory.byPhone(phone);
      if (!user) throw notFound(`no user has the number ${phone}`);
      return json(user);
    },
  );

  app.get(
    "/users/:loginName",
    {
      schema: {
        summary: "A user: names, company phone, devices, node, voice mail, e-mail",
        params: LoginParams,
        response: { 200: UserSchema },
      },
    },
    async (req) => json(named(req.params.loginName)),
  );

  app.get(
    "/logins",
    {
      schema: {
        summary: "The login names of the users (a user session: its own)",
        querystring: Type.Object({
          nodeIds: Type.Optional(NodeIdList),
          onlyACD: Type.Optional(QueryFlag),
          onlyWithExtLogin: Type.Optional(QueryFlag),
        }),
        response: { 200: LoginNames },
      },
    },
    async (req) => {
      const s = session(core, req);
      const nodes = req.query.nodeIds;
      let ids: Set<number> | undefined;
      if (nodes !== undefined) {
        const parts = nodes.split(/[;,]/).filter(Boolean);
        if (parts.some((p) => !/^\d{1,5}$/.test(p)))
          throw badRequest(`nodeIds "${nodes}" must be node numbers separated by ;`);
        ids = new Set(parts.map(Number));
      }
      const acdOnly = isSet(req.query.onlyACD);
      const extOnly = isSet(req.query.onlyWithExtLogin);
      const keep = (u: GwUser) =>
        (!ids || ids.has(u.nodeId)) &&
        (!extOnly || !!u.externalLogin) &&
        (!acdOnly || u.acdOperator === true);
      if (!s.principal.admin) {
        const me = core.directory.users.get(s.principal.login);
        return { loginNames: me && keep(me) ? [me.loginName] : [] };
      }
      const loginNames: string[] = [];
      for (const u of core.directory.users.values()) if (keep(u)) loginNames.push(u.loginName);
      return { loginNames };
    },
  );

  app.get(
    "/users/:loginName/preferences",
    {
      schema: {
        summary: "The user's preferences: the languages of their set and of applications",
        params: LoginParams,
        response: { 200: Preferences },
      },
    },
    async (req) => {
      const u = own(req, req.params.loginName);
      const oxeLanguage = await setLanguage(u);
      return {
        guiLanguage: GUI_LANGUAGES.includes(oxeLanguage) ? oxeLanguage : GUI_LANGUAGES[0],
        oxeLanguage,
      };
    },
  );

  app.get(
    "/users/:loginName/preferences/supportedLanguages",
    {
      schema: {
        summary: "The languages the user may choose for their set and for applications",
        params: LoginParams,
        response: { 200: SupportedLanguages },
      },
    },
    async (req) => {
      const u = own(req, req.params.loginName);
      const node = configurationLink(core, u.nodeId);
      const language = node.cmip.schema.get("Subscriber")?.attributes.find((a) => a.name === "Language");
      return { supportedLanguages: [...(language?.values ?? [])], supportedGuiLanguages: GUI_LANGUAGES };
    },
  );

  /** The language the user's set speaks, read from their node. */
  async function setLanguage(u: GwUser): Promise<string> {
    const node = configurationLink(core, u.nodeId);
    if (!node.cmip.schema.get("Subscriber")?.attributes.some((a) => a.name === "Language")) return "en";
    const a = await onNode(
      node,
      () => node.cmip.get("Subscriber", `${node.cmip.root}/Subscriber=${u.companyPhone}`, ["Language"]),
      "Subscriber",
    );
    return String(a.Language ?? "en");
  }

  app.put(
    "/users/:loginName/password",
    {
      schema: {
        summary: "Changes the user's OXE password (the old one is checked by the node)",
        params: LoginParams,
        body: PasswordChange,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = own(req, req.params.loginName);
      const { oldPassword, newPassword } = req.body;
      const node = configurationLink(core, u.nodeId);
      const instance = `${node.cmip.root}/Subscriber=${u.companyPhone}`;
      const ok = await onNode(
        node,
        () => node.cmip.action("Subscriber", instance, "Check_Password", oldPassword),
        "Subscriber",
      );
      // Not a 401: the session is fine, the password given is not.
      if (ok !== true) throw forbidden("the old password is wrong");
      // The node checks the new one against its rules (digits, 4 to 8): a refusal is a 400.
      await onNode(
        node,
        () => node.cmip.set("Subscriber", instance, { Password: newPassword }),
        "Subscriber",
      );
      return reply.code(204).send(null);
    },
  );
}
