/**
 * Rsi (O2G service `acdrsi`), as the SDK's rsi-rest.ts sends it: list the RSI points, enable or
 * disable one, the route sessions of a point, route select and route end, and the guides on a
 * call waiting at a point (tone, voice guide, digit collection). The routeing itself is
 * domain/rsi/router.ts over the node's CSTA link; the events are the `rsi` package's.
 *
 * Administrators only: an RSI point serves whoever calls it, an application's business rather
 * than a user's (the `rsi` event package is an administrator's too). The RSI points are read
 * over CMIP (RSI_Point objects below Node). Not modelled: O2G's CONTACTCENTER_RSI license (no
 * such license in this gateway's license file), enabling in backup mode (`backup` is accepted and
 * ignored), additionalCriteria of a digit collection (answered 501).
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { GatewayCore } from "../../core.js";
import { onNode } from "../../domain/pbx/access.js";
import {
  RouteSessionListSchema,
  RouteSessionSchema,
  type RsiPointJson,
  RsiPointListSchema,
  TonesSchema,
} from "../../domain/rsi/index.js";
import type { NodeLink } from "../../nodes/index.js";
import { badRequest, conflict, notFound, notImplemented } from "../common/errors.js";
import { requireAdmin, session } from "../common/request.js";
import { NoContent, PhoneNumber } from "../common/schemas.js";
import { callNotFound, fromCsta, nodeUnavailable } from "../telephony/errors.js";

const RsiNumber = Type.String({
  minLength: 1,
  maxLength: 16,
  pattern: "^[0-9]+$",
  description: "an RSI point's number",
});
const RsiParams = Type.Object({ rsiNumber: RsiNumber });
const RouteCrid = Type.String({
  minLength: 1,
  maxLength: 10,
  pattern: "^[0-9]+$",
  description: "a route session",
});
const CallRef = Type.String({ minLength: 1, maxLength: 64, description: "the call waiting at the point" });
const Seconds = (description: string) => Type.Integer({ minimum: 0, maximum: 3600, description });

const CollectBody = Type.Object({
  callRef: CallRef,
  numChars: Type.Integer({
    minimum: 0,
    maximum: 64,
    description: "stop after this many digits (0: no count)",
  }),
  flushChar: Type.Optional(Type.String({ pattern: "^[0-9*#]$", description: "the end key" })),
  timeout: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600, description: "seconds" })),
  additionalCriteria: Type.Optional(
    Type.Object({
      abortDigits: Type.Optional(Type.String({ maxLength: 16 })),
      ignoreDigits: Type.Optional(Type.String({ maxLength: 16 })),
      backspaceDigits: Type.Optional(Type.String({ maxLength: 16 })),
      termDigits: Type.Optional(Type.String({ maxLength: 16 })),
      resetDigits: Type.Optional(Type.String({ maxLength: 16 })),
      startTimeout: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
      digitTimeout: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
    }),
  ),
});
const PlayToneBody = Type.Object({
  callRef: CallRef,
  tone: TonesSchema,
  duration: Seconds("0: until stopped"),
});
const CallRefBody = Type.Object({ callRef: CallRef });
const VoiceGuideBody = Type.Object({
  callRef: CallRef,
  guideNumber: Type.Integer({ minimum: 1, maximum: 9999, description: "a voice guide of the OXE" }),
  duration: Type.Optional(Seconds("cuts the guide short")),
});
const RouteEndBody = Type.Object({ routeCrid: RouteCrid });
const RouteSelectBody = Type.Object({
  routeCrid: RouteCrid,
  selectedRoute: PhoneNumber,
  callingLine: Type.Optional(PhoneNumber),
  associatedData: Type.Optional(
    Type.String({ maxLength: 32, description: "correlator data, 32 octets at most" }),
  ),
  routeToVoiceMail: Type.Optional(Type.Boolean()),
});

export async function rsiService(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core: GatewayCore = app.core;
  const router = core.rsi;

  function admin(req: FastifyRequest): void {
    requireAdmin(session(core, req));
  }

  /** The RSI points of the nodes reachable now (CMIP). */
  async function points(): Promise<RsiPointJson[]> {
    const out: RsiPointJson[] = [];
    for (const node of core.nodes.values()) {
      if (!node.cmip.isUp || !node.cmip.schema.has("RSI_Point")) continue;
      const objs = await onNode(node, () => node.cmip.list("RSI_Point"), "RSI_Point");
      for (const o of objs)
        out.push({
          number: String(o.attributes.RSI_Number),
          name: String(o.attributes.RSI_Name ?? ""),
          node: node.nodeId,
          registered: o.attributes.Registered === true,
        });
    }
    return out.sort((a, b) => a.number.localeCompare(b.number));
  }

  /** The node `point` is configured on, with its CTI link up. */
  async function nodeOf(point: string): Promise<NodeLink> {
    for (const node of core.nodes.values()) {
      if (!node.cmip.isUp || !node.cmip.schema.has("RSI_Point")) continue;
      try {
        await onNode(
          node,
          () => node.cmip.get("RSI_Point", `${node.cmip.root}/RSI_Point=${point}`, ["RSI_Number"]),
          "RSI_Point",
        );
      } catch (err) {
        if ((err as { kind?: string }).kind === "notFound") continue;
        throw err;
      }
      if (!node.csta.isUp) throw nodeUnavailable(node.nodeId);
      return node;
    }
    throw notFound(`no RSI point ${point}`);
  }

  /** The node of a point this gateway serves, and the call `callRef` waiting there. */
  function servedCall(point: string, callRef: string): number {
    if (!router.isEnabled(point)) throw conflict(`RSI point ${point} is not enabled`);
    const s = router.sessionOfCall(point, callRef);
    if (!s) throw callNotFound(callRef);
    return s.nodeId;
  }

  async function csta<T>(nodeId: number, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw fromCsta(err, nodeId);
    }
  }

  app.get(
    "/",
    {
      schema: {
        summary: "The RSI points of the nodes (getRsiPoints)",
        response: { 200: RsiPointListSchema },
      },
    },
    async (req) => {
      admin(req);
      return { rsiPoints: await points() };
    },
  );

  app.post(
    "/:rsiNumber/enable",
    {
      schema: {
        summary: "Serves the RSI point: its calls' route requests come as OnRouteRequest (routeRegister)",
        params: RsiParams,
        querystring: Type.Object({ backup: Type.Optional(Type.Boolean()) }),
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      admin(req);
      const node = await nodeOf(req.params.rsiNumber);
      await csta(node.nodeId, () => router.enable(node.nodeId, req.params.rsiNumber));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/:rsiNumber/disable",
    {
      schema: {
        summary: "Stops serving the RSI point (routeRegisterCancel)",
        params: RsiParams,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      admin(req);
      const node = await nodeOf(req.params.rsiNumber);
      const done = await csta(node.nodeId, () => router.disable(req.params.rsiNumber));
      if (!done) throw notFound(`RSI point ${req.params.rsiNumber} is not enabled`);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/:rsiNumber/collectDigits",
    {
      schema: {
        summary: "Collects the caller's digits; the end comes as OnDigitCollected (startCollectDigits)",
        params: RsiParams,
        body: CollectBody,
        response: { 200: Type.Object({ collCrid: Type.String({ description: "the collection's id" }) }) },
      },
    },
    async (req) => {
      admin(req);
      const b = req.body;
      if (b.additionalCriteria) throw notImplemented("additional digit collection criteria");
      if (b.numChars === 0 && b.flushChar === undefined && b.timeout === undefined)
        throw badRequest("a digit collection needs numChars, a flushChar or a timeout");
      const nodeId = servedCall(req.params.rsiNumber, b.callRef);
      const collCrid = await csta(nodeId, () =>
        router.collectDigits(nodeId, req.params.rsiNumber, b.callRef, {
          numChars: b.numChars,
          ...(b.flushChar !== undefined ? { flushChar: b.flushChar } : {}),
          ...(b.timeout !== undefined ? { timeoutS: b.timeout } : {}),
        }),
      );
      return { collCrid };
    },
  );

  app.delete(
    "/:rsiNumber/collectDigits/:collCrid",
    {
      schema: {
        summary: "Stops a digit collection (stopCollectDigits)",
        params: Type.Object({
          rsiNumber: RsiNumber,
          collCrid: Type.String({ minLength: 1, maxLength: 32, pattern: "^[0-9]+$" }),
        }),
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      admin(req);
      const point = req.params.rsiNumber;
      if (!router.isEnabled(point)) throw conflict(`RSI point ${point} is not enabled`);
      const node = await nodeOf(point);
      await csta(node.nodeId, () => router.stopCollectDigits(node.nodeId, point, req.params.collCrid));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/:rsiNumber/playTone",
    {
      schema: {
        summary: "Plays a tone to the waiting caller; OnToneGeneratedStart, then Stop (playTone)",
        params: RsiParams,
        body: PlayToneBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      admin(req);
      const b = req.body;
      const nodeId = servedCall(req.params.rsiNumber, b.callRef);
      await csta(nodeId, () => router.playTone(nodeId, req.params.rsiNumber, b.callRef, b.tone, b.duration));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/:rsiNumber/stopTone",
    {
      schema: {
        summary: "Stops the tone or voice guide playing (cancelTone)",
        params: RsiParams,
        body: CallRefBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      admin(req);
      const nodeId = servedCall(req.params.rsiNumber, req.body.callRef);
      await csta(nodeId, () => router.stopTone(nodeId, req.params.rsiNumber, req.body.callRef));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/:rsiNumber/playVoiceGuide",
    {
      schema: {
        summary: "Plays one of the OXE's voice guides to the waiting caller (playVoiceGuide)",
        params: RsiParams,
        body: VoiceGuideBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      admin(req);
      const b = req.body;
      const nodeId = servedCall(req.params.rsiNumber, b.callRef);
      await csta(nodeId, () =>
        router.playVoiceGuide(nodeId, req.params.rsiNumber, b.callRef, b.guideNumber, b.duration),
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/:rsiNumber/routeEnd",
    {
      schema: {
        summary: "Ends a route session: the call gets the point's default treatment (routeEnd)",
        params: RsiParams,
        body: RouteEndBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      admin(req);
      const node = await nodeOf(req.params.rsiNumber);
      const done = await csta(node.nodeId, () => router.routeEnd(req.params.rsiNumber, req.body.routeCrid));
      if (!done) throw notFound(`no route session ${req.body.routeCrid} at ${req.params.rsiNumber}`);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/:rsiNumber/routeSelect",
    {
      schema: {
        summary: "Sends the session's call to a route (routeSelect); a route that cannot take it asks again",
        params: RsiParams,
        body: RouteSelectBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      admin(req);
      const b = req.body;
      if (b.associatedData !== undefined && Buffer.byteLength(b.associatedData, "utf8") > 32)
        throw badRequest("associatedData is 32 octets at most");
      const node = await nodeOf(req.params.rsiNumber);
      const done = await csta(node.nodeId, () =>
        router.routeSelect(req.params.rsiNumber, b.routeCrid, {
          selectedRoute: b.selectedRoute,
          ...(b.callingLine !== undefined ? { callingLine: b.callingLine } : {}),
          ...(b.associatedData !== undefined ? { associatedData: b.associatedData } : {}),
          ...(b.routeToVoiceMail ? { routeToVoiceMail: true } : {}),
        }),
      );
      if (!done) throw notFound(`no route session ${b.routeCrid} at ${req.params.rsiNumber}`);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/:rsiNumber/routeSessions",
    {
      schema: {
        summary: "The route sessions open at the point (getRouteSessions)",
        params: RsiParams,
        response: { 200: RouteSessionListSchema },
      },
    },
    async (req) => {
      admin(req);
      await nodeOf(req.params.rsiNumber);
      return { routeSessions: router.routeSessions(req.params.rsiNumber) };
    },
  );

  app.get(
    "/:rsiNumber/routeSessions/:routeCrid",
    {
      schema: {
        summary: "A route session (getRouteSession)",
        params: Type.Object({ rsiNumber: RsiNumber, routeCrid: RouteCrid }),
        response: { 200: RouteSessionSchema },
      },
    },
    async (req) => {
      admin(req);
      await nodeOf(req.params.rsiNumber);
      const s = router.routeSession(req.params.rsiNumber, req.params.routeCrid);
      if (!s) throw notFound(`no route session ${req.params.routeCrid} at ${req.params.rsiNumber}`);
      return s;
    },
  );
}
