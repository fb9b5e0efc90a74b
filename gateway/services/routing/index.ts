/**
 * The Routing service: a user's forward (immediate, on busy, on no answer, on busy or no
 * answer; to a number or to voice mail), overflow to voice mail, do-not-disturb, remote
 * extension, and the whole routing state; all carried to the node, which routes the calls.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { type Static, Type } from "typebox";
import type { GwUser } from "../../domain/directory.js";
import {
  DndStateSchema,
  type ForwardCondition,
  ForwardRouteSchema,
  forwardRouteJson,
  NoRouteSchema,
  type OverflowCondition,
  OverflowRouteSchema,
  overflowRouteJson,
  RoutingCapabilitiesSchema,
  RoutingStateSchema,
} from "../../domain/routing/index.js";
import { session, targetUser } from "../common/request.js";
import { LoginNameQuery, NoBody } from "../common/schemas.js";
import { badRoute, fromNode, routingError } from "./errors.js";
import {
  type ForwardRouteBody,
  type OverflowRouteBody,
  routingValidationError,
  SetForwardBody,
  SetOverflowBody,
  SetRoutingStateBody,
} from "./schemas.js";

interface ForwardRequest {
  condition: ForwardCondition;
  destination: "VOICEMAIL" | string;
}

/**
 * The rules of a forward the schema cannot say: a NUMBER destination has its number, and it
 * is not the user's own set.
 */
export function parseForward(route: Static<typeof ForwardRouteBody>, own: string): ForwardRequest {
  const condition = route.forwardType ?? "IMMEDIATE";
  const d = route.destinations[0];
  if (!d) throw badRoute("forwardRoute.destinations must list the destination", "NULL_OR_EMPTY_PARAMETER");
  if (d.type === "VOICEMAIL") return { condition, destination: "VOICEMAIL" };
  if (d.number === undefined)
    throw badRoute("a NUMBER destination needs its number", "NULL_OR_EMPTY_PARAMETER");
  if (d.number === own) throw badRoute("a set cannot be forwarded to itself");
  return { condition, destination: d.number };
}

/** An OverflowRouteJson from a client (the SDK sends one object; a list of one is taken too). */
export function parseOverflow(
  route: Static<typeof OverflowRouteBody> | readonly Static<typeof OverflowRouteBody>[],
): OverflowCondition {
  const r = Array.isArray(route) ? route[0] : route;
  if (!r) throw badRoute("overflowRoutes must be an overflow route object", "NULL_PARAMETER");
  return r.overflowType;
}

export async function routingService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;
  const routing = core.routing;
  // A refused body keeps O2G's routing block (errorType, errorCause) the SDK reads.
  app.setSchemaErrorFormatter(routingValidationError);

  const user = (req: FastifyRequest, loginName: string | undefined) =>
    targetUser(core, req, session(core, req), loginName);
  /** An answer with no body, 200 as O2G's. */
  const done = { 200: NoBody };

  async function onNode<T>(
    u: GwUser,
    what: "forward" | "overflow" | "dnd" | "state",
    f: () => Promise<T>,
  ): Promise<T> {
    if (!core.node(u.nodeId)?.csta.isUp)
      throw routingError(503, "UNKNOWN", "UNKNOWN", `the CTI link to OXE node ${u.nodeId} is down`);
    try {
      return await f();
    } catch (err) {
      throw fromNode(err, u.nodeId, what);
    }
  }

  app.get(
    "/",
    {
      schema: {
        summary: "What the user's routing can do: presentation, forward, overflow, DND",
        querystring: LoginNameQuery,
        response: { 200: RoutingCapabilitiesSchema },
      },
    },
    async (req) => {
      const u = user(req, req.query.loginName);
      return onNode(u, "state", () => routing.capabilities(u));
    },
  );

  // setRoutingState: the SDK uses it for the remote extension (presentationRoutes); the other
  // parts of a routing state are taken as well, each as its own service would.
  app.post(
    "/",
    {
      schema: {
        summary: "Sets any part of the routing state (the SDK: the remote extension)",
        querystring: LoginNameQuery,
        body: SetRoutingStateBody,
        response: done,
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      const body = req.body;
      if (
        body.presentationRoutes === undefined &&
        body.forwardRoutes === undefined &&
        body.overflowRoutes === undefined &&
        body.dndState === undefined
      )
        throw badRoute(
          "give at least one of presentationRoutes, forwardRoutes, overflowRoutes, dndState",
          "NULL_OR_EMPTY_PARAMETER",
        );
      let mobile: boolean | undefined;
      for (const d of body.presentationRoutes?.[0]?.destinations ?? [])
        if (d.type === "MOBILE") mobile = d.selected !== false;
      const f = body.forwardRoutes;
      const forward = f === undefined ? undefined : f[0] ? parseForward(f[0], u.companyPhone) : null;
      const o = body.overflowRoutes;
      const overflow =
        o === undefined ? undefined : Array.isArray(o) && o.length === 0 ? null : parseOverflow(o);
      const dnd = body.dndState?.activate;
      await onNode(u, "state", async () => {
        if (mobile !== undefined) await routing.setRemoteExtension(u, mobile);
        if (forward === null) await routing.cancelForward(u);
        else if (forward) await routing.setForward(u, forward.condition, forward.destination);
        if (overflow !== undefined) await routing.setOverflow(u, overflow);
        if (dnd !== undefined) await routing.setDnd(u, dnd);
      });
      return reply.code(200).send();
    },
  );

  app.get(
    "/state",
    {
      schema: {
        summary: "The user's routing state: presentation, forward, overflow, DND",
        querystring: LoginNameQuery,
        response: { 200: RoutingStateSchema },
      },
    },
    async (req) => {
      const u = user(req, req.query.loginName);
      return onNode(u, "state", () => routing.state(u));
    },
  );

  app.post(
    "/state/snapshot",
    {
      schema: {
        summary: "Asks for the routing state as an OnRoutingStateChanged event",
        querystring: LoginNameQuery,
        response: done,
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      await onNode(u, "state", () => routing.snapshot(u));
      return reply.code(200).send();
    },
  );

  app.get(
    "/forwardroute",
    {
      schema: {
        summary: "The user's forward ({ destinations: [] } when none)",
        querystring: LoginNameQuery,
        response: { 200: ForwardRouteSchema },
      },
    },
    async (req) => {
      const u = user(req, req.query.loginName);
      const r = await onNode(u, "forward", () => routing.routing(u));
      return forwardRouteJson(r, routing.voiceMailOf(u)) ?? { destinations: [] };
    },
  );

  app.post(
    "/forwardroute",
    {
      schema: {
        summary: "Forwards the user's calls to a number or to the voice mail",
        querystring: LoginNameQuery,
        body: SetForwardBody,
        response: done,
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      const f = parseForward(req.body.forwardRoute, u.companyPhone);
      await onNode(u, "forward", () => routing.setForward(u, f.condition, f.destination));
      return reply.code(200).send();
    },
  );

  app.delete(
    "/forwardroute",
    { schema: { summary: "Cancels the forward", querystring: LoginNameQuery, response: done } },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      await onNode(u, "forward", () => routing.cancelForward(u));
      return reply.code(200).send();
    },
  );

  app.get(
    "/overflowroute",
    {
      schema: {
        summary: "The user's overflow to voice mail ({ destinations: [] } when none)",
        querystring: LoginNameQuery,
        response: { 200: Type.Union([OverflowRouteSchema, NoRouteSchema]) },
      },
    },
    async (req) => {
      const u = user(req, req.query.loginName);
      const r = await onNode(u, "overflow", () => routing.routing(u));
      return overflowRouteJson(r) ?? { destinations: [] };
    },
  );

  app.post(
    "/overflowroute",
    {
      schema: {
        summary: "Overflows the user's calls to the voice mail on busy and/or no answer",
        querystring: LoginNameQuery,
        body: SetOverflowBody,
        response: done,
      },
    },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      const condition = parseOverflow(req.body.overflowRoutes);
      await onNode(u, "overflow", () => routing.setOverflow(u, condition));
      return reply.code(200).send();
    },
  );

  app.delete(
    "/overflowroute",
    { schema: { summary: "Cancels the overflow", querystring: LoginNameQuery, response: done } },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      await onNode(u, "overflow", () => routing.setOverflow(u, null));
      return reply.code(200).send();
    },
  );

  app.get(
    "/dnd",
    {
      schema: {
        summary: "Whether do-not-disturb is on",
        querystring: LoginNameQuery,
        response: { 200: DndStateSchema },
      },
    },
    async (req) => {
      const u = user(req, req.query.loginName);
      const r = await onNode(u, "dnd", () => routing.routing(u));
      return { activate: r.dnd };
    },
  );

  app.post(
    "/dnd",
    { schema: { summary: "Turns do-not-disturb on", querystring: LoginNameQuery, response: done } },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      await onNode(u, "dnd", () => routing.setDnd(u, true));
      return reply.code(200).send();
    },
  );

  app.delete(
    "/dnd",
    { schema: { summary: "Turns do-not-disturb off", querystring: LoginNameQuery, response: done } },
    async (req, reply) => {
      const u = user(req, req.query.loginName);
      await onNode(u, "dnd", () => routing.setDnd(u, false));
      return reply.code(200).send();
    },
  );
}
