/** The Subscriptions service's wire shapes (the SDK's SubscriptionRequest and its answer). */
import { Type } from "typebox";

const Selector = Type.Object({
  ids: Type.Optional(
    Type.Array(Type.String({ maxLength: 64 }), {
      maxItems: 10_000,
      description: 'login names (pilot numbers for pilot); empty or ["*"]: all the caller may see',
    }),
  ),
  names: Type.Optional(
    Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20, description: "event packages" }),
  ),
});

export const SubscribeBody = Type.Object({
  filter: Type.Optional(Type.Object({ selectors: Type.Array(Selector, { maxItems: 100 }) })),
  version: Type.Optional(Type.String({ maxLength: 8 })),
  timeout: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
  webHookUrl: Type.Optional(Type.String({ maxLength: 2048 })),
});

export const SubscriptionAnswer = Type.Object({
  subscriptionId: Type.String(),
  message: Type.String(),
  publicPollingUrl: Type.String(),
  privatePollingUrl: Type.String(),
  status: Type.Union([Type.Literal("ACCEPTED"), Type.Literal("REFUSED")]),
});

export const SubscriptionParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** GET of a subscription: ours, for a client (or a person) to see how it fares. */
export const SubscriptionStatus = Type.Object({
  subscriptionId: Type.String(),
  mode: Type.Union([Type.Literal("chunk"), Type.Literal("webhook"), Type.Literal("websocket")]),
  polling: Type.Boolean({ description: "a chunk response is open" }),
  queued: Type.Integer({ description: "events waiting for the next poll" }),
  delivered: Type.Integer(),
  dropped: Type.Integer({ description: "events dropped past the queue limit" }),
  packages: Type.Array(Type.String()),
});

/** The chunk channel: one long response of newline-delimited events, never serialized by schema. */
export const ChunkStream = Type.String({
  description:
    "chunked application/json: newline-delimited O2G events, OnChannelInformation first " +
    "(components/schemas Event*); the client polls again when the response ends",
});
