/**
 * The Directory service: a search of the phone book (every node's users and external
 * contacts) that the client starts (POST search), reads in batches (GET search: OK with
 * contacts, then FINISH) and may cancel (DELETE search). One search at a time per session and
 * user; a search nobody reads for a while ends with TIMEOUT, as O2G's does.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { CriteriaError, parseCriteria, SearchResultSchema } from "../../domain/phonebook/index.js";
import type { Session } from "../../domain/sessions.js";
import type { PartyInfo } from "../../store/index.js";
import { badRequest, notFound } from "../common/errors.js";
import { session, targetUser } from "../common/request.js";
import { LoginNameQuery, NoBody } from "../common/schemas.js";
import { SearchBody } from "./schemas.js";

const DEFAULT_LIMIT = 100;
/** contacts per GET: a client shows the first ones while it asks for the rest */
const BATCH = 50;
const IDLE_MS = 60_000;

interface Search {
  results: PartyInfo[];
  next: number;
  lastRead: number;
}

export async function directoryService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;
  const searches = new WeakMap<Session, Map<string, Search>>();

  function of(
    req: FastifyRequest,
    loginName: string | undefined,
  ): { mine: Map<string, Search>; login: string } {
    const s = session(core, req);
    const login = targetUser(core, req, s, loginName).loginName;
    let mine = searches.get(s);
    if (!mine) {
      mine = new Map();
      searches.set(s, mine);
    }
    return { mine, login };
  }

  app.post(
    "/search",
    {
      schema: {
        summary: "Starts a search of the phone book (the previous one of this session ends)",
        querystring: LoginNameQuery,
        body: SearchBody,
        response: { 200: NoBody },
      },
    },
    async (req, reply) => {
      const { mine, login } = of(req, req.query.loginName);
      let criterion: ReturnType<typeof parseCriteria>;
      try {
        criterion = parseCriteria(req.body.filter);
      } catch (err) {
        if (err instanceof CriteriaError) throw badRequest(err.message);
        throw err;
      }
      const limit = req.body.limit ?? DEFAULT_LIMIT;
      mine.set(login, { results: core.phoneBook.search(criterion, limit), next: 0, lastRead: Date.now() });
      return reply.code(200).send();
    },
  );

  app.get(
    "/search",
    {
      schema: {
        summary: "The next contacts found (OK), then FINISH; TIMEOUT when left unread too long",
        querystring: LoginNameQuery,
        response: { 200: SearchResultSchema },
      },
    },
    async (req) => {
      const { mine, login } = of(req, req.query.loginName);
      const s = mine.get(login);
      if (!s) throw notFound("no search in progress: POST search first");
      if (Date.now() - s.lastRead > IDLE_MS) {
        mine.delete(login);
        return { resultCode: "TIMEOUT" as const };
      }
      s.lastRead = Date.now();
      if (s.next >= s.results.length) {
        mine.delete(login);
        return { resultCode: "FINISH" as const };
      }
      const contacts = s.results.slice(s.next, s.next + BATCH);
      s.next += contacts.length;
      return { resultCode: "OK" as const, resultElements: [{ contacts }] };
    },
  );

  app.delete(
    "/search",
    {
      schema: { summary: "Cancels the search", querystring: LoginNameQuery, response: { 200: NoBody } },
    },
    async (req, reply) => {
      const { mine, login } = of(req, req.query.loginName);
      if (!mine.delete(login)) throw notFound("no search in progress");
      return reply.code(200).send();
    },
  );
}
