/**
 * The Directory service: a search of the phone book (every node's users and external
 * contacts) that the client starts (POST search), reads in batches (GET search: OK with
 * contacts, then FINISH) and may cancel (DELETE search). One search at a time per session and
 * user; a search nobody reads for a while ends with TIMEOUT, as O2G's does.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { CriteriaError, parseCriteria } from "../../domain/phonebook/index.js";
import { session, targetUser } from "../../http/context.js";
import { badRequest, notFound } from "../../http/errors.js";
import type { Session } from "../../http/sessions.js";
import type { PartyInfo } from "../../store/index.js";

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
/** contacts per GET: a client shows the first ones while it asks for the rest */
const BATCH = 50;
const IDLE_MS = 60_000;

interface Search {
  results: PartyInfo[];
  next: number;
  lastRead: number;
}

export async function directoryService(app: FastifyInstance): Promise<void> {
  const core = app.core;
  const searches = new WeakMap<Session, Map<string, Search>>();

  function of(req: FastifyRequest): { mine: Map<string, Search>; login: string } {
    const s = session(core, req);
    const login = targetUser(core, req, s).loginName;
    let mine = searches.get(s);
    if (!mine) {
      mine = new Map();
      searches.set(s, mine);
    }
    return { mine, login };
  }

  app.post("/search", async (req, reply) => {
    const { mine, login } = of(req);
    const body = req.body as { filter?: unknown; limit?: unknown } | undefined;
    if (typeof body !== "object" || body === null) throw badRequest("the body must be { filter, limit? }");
    let limit = DEFAULT_LIMIT;
    if (body.limit !== undefined) {
      if (
        typeof body.limit !== "number" ||
        !Number.isInteger(body.limit) ||
        body.limit < 1 ||
        body.limit > MAX_LIMIT
      )
        throw badRequest(`limit must be an integer from 1 to ${MAX_LIMIT}`);
      limit = body.limit;
    }
    let criterion: ReturnType<typeof parseCriteria>;
    try {
      criterion = parseCriteria(body.filter);
    } catch (err) {
      if (err instanceof CriteriaError) throw badRequest(err.message);
      throw err;
    }
    mine.set(login, { results: core.phoneBook.search(criterion, limit), next: 0, lastRead: Date.now() });
    return reply.code(200).send();
  });

  app.get("/search", async (req) => {
    const { mine, login } = of(req);
    const s = mine.get(login);
    if (!s) throw notFound("no search in progress: POST search first");
    if (Date.now() - s.lastRead > IDLE_MS) {
      mine.delete(login);
      return { resultCode: "TIMEOUT" };
    }
    s.lastRead = Date.now();
    if (s.next >= s.results.length) {
      mine.delete(login);
      return { resultCode: "FINISH" };
    }
    const contacts = s.results.slice(s.next, s.next + BATCH);
    s.next += contacts.length;
    return { resultCode: "OK", resultElements: [{ contacts }] };
  });

  app.delete("/search", async (req, reply) => {
    const { mine, login } = of(req);
    if (!mine.delete(login)) throw notFound("no search in progress");
    return reply.code(200).send();
  });
}
