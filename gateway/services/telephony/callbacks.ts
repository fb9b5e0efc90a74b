/**
 * Telephony's callbacks, as the SDK's telephony-rest.ts sends them: request one on the busy or
 * ringing callee of a call (`calls/{ref}/callback`: CSTA callBack) or on a number
 * (`outgoingCallbacks`: callBackNonCallRelated), list the ones left for the user
 * (`incomingCallbacks`: getCallBack, the entries whose target is the user's set) and delete them
 * (cancelCallBack). The OXE keeps one request per caller, so the caller's number is the
 * callback's id. The OXE calls back by itself when the callee frees up; the gateway only sees
 * the call it places (the caller's set rings first).
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { ConnectionId } from "../../../protocols/csta/index.js";
import type { GwUser } from "../../domain/directory.js";
import { CallbackListSchema, OutgoingCallbackBody } from "../../domain/telephony/callback-schema.js";
import { partyInfo } from "../../domain/telephony/index.js";
import type { CstaClient } from "../../links/index.js";
import { O2gError } from "../common/errors.js";
import { userDevice } from "../common/request.js";
import { LoginNameQuery, NoContent } from "../common/schemas.js";
import { CallRefParams } from "./schemas.js";

/** What the telephony service lends the routes declared outside its index. */
export interface TelephonyRouteHelpers {
  /** who the request acts for; an administrator naming nobody acts for `deviceId`'s owner */
  user(req: FastifyRequest, loginName: string | undefined, deviceId?: string): GwUser;
  invoke<R>(u: GwUser, request: (csta: CstaClient) => Promise<R>): Promise<R>;
  conn(u: GwUser, callRef: string, deviceId?: string): ConnectionId;
  checkNumber(n: unknown, what: string): string;
}

const CallbackParams = Type.Object({
  callbackId: Type.String({ minLength: 1, maxLength: 64, description: "the requester's number" }),
});

function callbackNotFound(id: string): O2gError {
  const message = `no callback ${id}`;
  return new O2gError(404, message, {
    type: "NOT_FOUND",
    telephony: { errorType: "BAD_PARAMETER_VALUE", errorCause: "INVALID_DATA", message },
  });
}

export function callbackRoutes(fastify: FastifyInstance, h: TelephonyRouteHelpers): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;

  /** The event summary counts the user's callback requests: tell it they changed. */
  const summaryChanged = (number: string) => {
    const u = core.directory.byPhone(number);
    if (u) core.eventSummary.changed(u.loginName);
  };

  async function incoming(u: GwUser): Promise<string[]> {
    const device = userDevice(u, undefined).id;
    const list = await h.invoke(u, (csta) => csta.getCallBack(device));
    return list.filter((e) => e.targetDevice === device).map((e) => e.originatingDevice);
  }

  app.post(
    "/calls/:callRef/callback",
    {
      schema: {
        summary: "Asks the busy or unanswering callee of the call to call back (callback)",
        params: CallRefParams,
        querystring: LoginNameQuery,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = h.user(req, req.query.loginName);
      const connection = h.conn(u, req.params.callRef);
      const target = await h.invoke(u, (csta) => csta.callBack(connection));
      if (target) summaryChanged(target);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/outgoingCallbacks",
    {
      schema: {
        summary: "Leaves a callback request on a busy or absent party (requestCallback)",
        querystring: LoginNameQuery,
        body: OutgoingCallbackBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = h.user(req, req.query.loginName);
      const callee = h.checkNumber(req.body.callee, "callee");
      const device = userDevice(u, undefined).id;
      await h.invoke(u, (csta) => csta.callBackNonCallRelated(device, callee));
      summaryChanged(callee);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/incomingCallbacks",
    {
      schema: {
        summary: "The callback requests left for the user (getCallbacks)",
        querystring: LoginNameQuery,
        response: { 200: CallbackListSchema },
      },
    },
    async (req) => {
      const u = h.user(req, req.query.loginName);
      const from = await incoming(u);
      return {
        callbacks: from.map((n) => ({ callbackId: n, partyInfo: partyInfo(n, core.directory) })),
      };
    },
  );

  app.delete(
    "/incomingCallbacks",
    {
      schema: {
        summary: "Deletes all the user's callback requests (deleteCallbacks)",
        querystring: LoginNameQuery,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = h.user(req, req.query.loginName);
      const device = userDevice(u, undefined).id;
      for (const from of await incoming(u)) await h.invoke(u, (csta) => csta.cancelCallBack(from, device));
      core.eventSummary.changed(u.loginName);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/incomingCallbacks/:callbackId",
    {
      schema: {
        summary: "Deletes one of the user's callback requests (deleteCallback)",
        params: CallbackParams,
        querystring: LoginNameQuery,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = h.user(req, req.query.loginName);
      const device = userDevice(u, undefined).id;
      // Only a request left for this user: the id of someone else's is unknown here.
      if (!(await incoming(u)).includes(req.params.callbackId)) throw callbackNotFound(req.params.callbackId);
      await h.invoke(u, (csta) => csta.cancelCallBack(req.params.callbackId, device));
      core.eventSummary.changed(u.loginName);
      return reply.code(204).send(null);
    },
  );
}
