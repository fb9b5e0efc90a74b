/**
 * Telephony's mini messages, as the SDK's telephony-rest.ts sends them: `GET miniMessages` reads
 * the user's newest unread text message, which the OXE then erases (last in, first out, as the
 * SDK's getMiniMessage documents), `POST miniMessages`
 * sends one from the user's set to another. The OXE keeps the messages (the sets show them);
 * they travel as its private requests in CSTA's escape service (protocols/csta/text-messages.ts).
 * The event summary's newTextNb / oldTextNb follow the set's message lamp (CSTA MessageWaiting).
 * With nothing unread, the answer is JSON `null`, which the SDK returns as null ("all messages
 * have been retrieved"); an empty body would make its JSON.parse throw.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import {
  MiniMessageBody,
  type MiniMessageJson,
  MiniMessageSchema,
} from "../../domain/telephony/callback-schema.js";
import { userDevice } from "../common/request.js";
import { LoginNameQuery, NoContent } from "../common/schemas.js";
import type { TelephonyRouteHelpers } from "./callbacks.js";

export function miniMessageRoutes(fastify: FastifyInstance, h: TelephonyRouteHelpers): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;

  app.get(
    "/miniMessages",
    {
      schema: {
        summary: "The user's newest unread mini message, then erased; null when none (getMiniMessage)",
        querystring: LoginNameQuery,
        response: { 200: Type.Union([MiniMessageSchema, Type.Null()]) },
      },
    },
    async (req) => {
      const u = h.user(req, req.query.loginName);
      const device = userDevice(u, undefined).id;
      const m = await h.invoke(u, (csta) => csta.readTextMessage(device));
      if (m.kind !== "message") return null;
      core.eventSummary.changed(u.loginName);
      const out: MiniMessageJson = { sender: m.sender, dateTime: m.sentAt.toISOString(), message: m.text };
      return out;
    },
  );

  app.post(
    "/miniMessages",
    {
      schema: {
        summary: "Sends a mini message to another set (sendMiniMessage)",
        querystring: LoginNameQuery,
        body: MiniMessageBody,
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const u = h.user(req, req.query.loginName);
      const recipient = h.checkNumber(req.body.recipient, "recipient");
      const device = userDevice(u, undefined).id;
      await h.invoke(u, (csta) => csta.sendTextMessage(device, recipient, req.body.message));
      const to = core.directory.byPhone(recipient);
      if (to) core.eventSummary.changed(to.loginName);
      return reply.code(204).send(null);
    },
  );
}
