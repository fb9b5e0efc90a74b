/**
 * The Routing service: a user's forward (immediate, on busy, on no answer, on busy or no
 * answer; to a number or to voice mail), overflow to voice mail, do-not-disturb, remote
 * extension, and the whole routing state; all carried to the node, which routes the calls.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { GwUser } from "../../domain/directory.js";
import type { ForwardCondition, OverflowCondition, RoutingStateJson } from "../../domain/routing/index.js";
import { forwardRouteJson, overflowRouteJson } from "../../domain/routing/index.js";
import { session, targetUser } from "../../http/context.js";
import { badRoute, fromNode, routingError } from "./errors.js";

const NUMBER = /^[0-9+*#]{1,32}$/;
const FORWARD_TYPES: ReadonlySet<string> = new Set(["IMMEDIATE", "BUSY", "NO_ANSWER", "BUSY_NO_ANSWER"]);
const OVERFLOW_TYPES: ReadonlySet<string> = new Set(["BUSY", "NO_ANSWER", "BUSY_NO_ANSWER"]);

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

interface ForwardRequest {
  condition: ForwardCondition;
  destination: "VOICEMAIL" | string;
}

/** A ForwardRouteJson from a client, checked. */
export function parseForward(route: unknown, own: string): ForwardRequest {
  if (!isObject(route)) throw badRoute("forwardRoute must be an object", "NULL_PARAMETER");
  const type = route.forwardType ?? "IMMEDIATE";
  if (typeof type !== "string" || !FORWARD_TYPES.has(type))
    throw badRoute(
      `forwardType "${String(type)}" is not one of BUSY, NO_ANSWER, BUSY_NO_ANSWER (or absent: immediate)`,
    );
  const dests = route.destinations;
  if (!Array.isArray(dests) || dests.length === 0)
    throw badRoute("forwardRoute.destinations must list the destination", "NULL_OR_EMPTY_PARAMETER");
  if (dests.length > 1) throw badRoute("a forward has exactly one destination");
  const d = dests[0];
  if (!isObject(d)) throw badRoute("a destination must be an object", "NULL_PARAMETER");
  if (d.type === "VOICEMAIL") return { condition: type as ForwardCondition, destination: "VOICEMAIL" };
  if (d.type !== "NUMBER") throw badRoute(`destination type "${String(d.type)}" must be NUMBER or VOICEMAIL`);
  if (typeof d.number !== "string" || d.number === "")
    throw badRoute("a NUMBER destination needs its number", "NULL_OR_EMPTY_PARAMETER");
  if (!NUMBER.test(d.number))
    throw routingError(
      400,
      "BAD_PARAMETER_VALUE",
      "BAD_PHONE_NUMBER_FORMAT",
      `"${d.number}" is not a phone number`,
    );
  if (d.number === own) throw badRoute("a set cannot be forwarded to itself");
  return { condition: type as ForwardCondition, destination: d.number };
}

/** An OverflowRouteJson from a client (the SDK sends one object; a list of one is taken too). */
export function parseOverflow(route: unknown): OverflowCondition {
  const r = Array.isArray(route) && route.length === 1 ? route[0] : route;
  if (!isObject(r)) throw badRoute("overflowRoutes must be an overflow route object", "NULL_PARAMETER");
  const type = r.overflowType;
  if (typeof type !== "string" || !OVERFLOW_TYPES.has(type))
    throw badRoute(
      `overflowType "${String(type)}" must be BUSY, NO_ANSWER or BUSY_NO_ANSWER`,
      "INVALID_OVERFLOW_ROUTE",
    );
  const dests = r.destinations;
  if (dests !== undefined) {
    if (!Array.isArray(dests) || dests.length !== 1 || !isObject(dests[0]) || dests[0].type !== "VOICEMAIL")
      throw badRoute(
        "an overflow goes to the voice mail: destinations [{ type: VOICEMAIL }]",
        "INVALID_OVERFLOW_ROUTE",
      );
  }
  return type as OverflowCondition;
}

export async function routingService(app: FastifyInstance): Promise<void> {
  const core = app.core;
  const routing = core.routing;

  const user = (req: FastifyRequest) => targetUser(core, req, session(core, req));

  async function onNode<T>(
    u: GwUser,
    what: "forward" | "overflow" | "dnd" | "state",
    f: () => Promise<T>,
  ): Promise<T> {
    if (!core.node(u.nodeId)?.csta.rose.isUp)
      throw routingError(503, "UNKNOWN", "UNKNOWN", `the CTI link to OXE node ${u.nodeId} is down`);
    try {
      return await f();
    } catch (err) {
      throw fromNode(err, u.nodeId, what);
    }
  }

  function bodyOf(req: FastifyRequest): Record<string, unknown> {
    if (!isObject(req.body)) throw badRoute("the request needs a JSON object body", "NULL_PARAMETER");
    return req.body;
  }

  app.get("/", async (req) => {
    const u = user(req);
    return onNode(u, "state", () => routing.capabilities(u));
  });

  // setRoutingState: the SDK uses it for the remote extension (presentationRoutes); the other
  // parts of a routing state are taken as well, each as its own service would.
  app.post("/", async (req, reply) => {
    const u = user(req);
    const body = bodyOf(req) as Partial<Record<keyof RoutingStateJson, unknown>>;
    const known = ["presentationRoutes", "forwardRoutes", "overflowRoutes", "dndState"];
    if (!Object.keys(body).some((k) => known.includes(k)))
      throw badRoute(`give at least one of ${known.join(", ")}`, "NULL_OR_EMPTY_PARAMETER");
    let mobile: boolean | undefined;
    if (body.presentationRoutes !== undefined) {
      const p = body.presentationRoutes;
      const dests = Array.isArray(p) && p.length === 1 && isObject(p[0]) ? p[0].destinations : undefined;
      if (!Array.isArray(dests) || dests.length === 0)
        throw badRoute(
          "presentationRoutes must be one route with its destinations",
          "NULL_OR_EMPTY_PARAMETER",
        );
      for (const d of dests) {
        if (!isObject(d) || (d.type !== "MOBILE" && d.type !== "DEVICE"))
          throw badRoute(
            "a presentation destination is { type: MOBILE | DEVICE, selected }",
            "INVALID_CURRENT_DEVICE",
          );
        if (d.type === "MOBILE") mobile = d.selected !== false;
      }
    }
    let forward: ForwardRequest | null | undefined;
    if (body.forwardRoutes !== undefined) {
      const f = body.forwardRoutes;
      if (!Array.isArray(f) || f.length > 1) throw badRoute("forwardRoutes is a list of at most one route");
      forward = f.length === 0 ? null : parseForward(f[0], u.companyPhone);
    }
    let overflow: OverflowCondition | null | undefined;
    if (body.overflowRoutes !== undefined) {
      const o = body.overflowRoutes;
      overflow = Array.isArray(o) && o.length === 0 ? null : parseOverflow(o);
    }
    let dnd: boolean | undefined;
    if (body.dndState !== undefined) {
      if (!isObject(body.dndState) || typeof body.dndState.activate !== "boolean")
        throw badRoute("dndState is { activate: boolean }", "NULL_PARAMETER");
      dnd = body.dndState.activate;
    }
    await onNode(u, "state", async () => {
      if (mobile !== undefined) await routing.setRemoteExtension(u, mobile);
      if (forward === null) await routing.cancelForward(u);
      else if (forward) await routing.setForward(u, forward.condition, forward.destination);
      if (overflow !== undefined) await routing.setOverflow(u, overflow);
      if (dnd !== undefined) await routing.setDnd(u, dnd);
    });
    return reply.code(200).send();
  });

  app.get("/state", async (req) => {
    const u = user(req);
    return onNode(u, "state", () => routing.state(u));
  });

  app.post("/state/snapshot", async (req, reply) => {
    const u = user(req);
    await onNode(u, "state", () => routing.snapshot(u));
    return reply.code(200).send();
  });

  app.get("/forwardroute", async (req) => {
    const u = user(req);
    const r = await onNode(u, "forward", () => routing.routing(u));
    return forwardRouteJson(r, routing.voiceMailOf(u)) ?? { destinations: [] };
  });

  app.post("/forwardroute", async (req, reply) => {
    const u = user(req);
    const f = parseForward(bodyOf(req).forwardRoute, u.companyPhone);
    await onNode(u, "forward", () => routing.setForward(u, f.condition, f.destination));
    return reply.code(200).send();
  });

  app.delete("/forwardroute", async (req, reply) => {
    const u = user(req);
    await onNode(u, "forward", () => routing.cancelForward(u));
    return reply.code(200).send();
  });

  app.get("/overflowroute", async (req) => {
    const u = user(req);
    const r = await onNode(u, "overflow", () => routing.routing(u));
    return overflowRouteJson(r) ?? { destinations: [] };
  });

  app.post("/overflowroute", async (req, reply) => {
    const u = user(req);
    const condition = parseOverflow(bodyOf(req).overflowRoutes);
    await onNode(u, "overflow", () => routing.setOverflow(u, condition));
    return reply.code(200).send();
  });

  app.delete("/overflowroute", async (req, reply) => {
    const u = user(req);
    await onNode(u, "overflow", () => routing.setOverflow(u, null));
    return reply.code(200).send();
  });

  app.get("/dnd", async (req) => {
    const u = user(req);
    const r = await onNode(u, "dnd", () => routing.routing(u));
    return { activate: r.dnd };
  });

  app.post("/dnd", async (req, reply) => {
    const u = user(req);
    await onNode(u, "dnd", () => routing.setDnd(u, true));
    return reply.code(200).send();
  });

  app.delete("/dnd", async (req, reply) => {
    const u = user(req);
    await onNode(u, "dnd", () => routing.setDnd(u, false));
    return reply.code(200).send();
  });
}
