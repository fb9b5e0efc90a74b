/**
 * The wire shapes of callbacks and mini messages, as the SDK reads them (its CallbackJson and
 * MiniMessageJson, telephony-types.ts): the types follow from the schemas.
 */
import { type Static, Type } from "typebox";
import { PartyInfoSchema } from "./schema.js";

export const CallbackSchema = Type.Object(
  {
    callbackId: Type.String({
      description: "the requester's number: one request per caller (the OXE's rule)",
    }),
    partyInfo: PartyInfoSchema,
  },
  { title: "Callback" },
);
export type CallbackJson = Static<typeof CallbackSchema>;

export const CallbackListSchema = Type.Object(
  { callbacks: Type.Array(CallbackSchema) },
  { title: "Callbacks" },
);

export const MiniMessageSchema = Type.Object(
  {
    sender: Type.Optional(Type.String({ description: "the sending set's number" })),
    dateTime: Type.Optional(Type.String({ description: "when it was sent, ISO 8601" })),
    message: Type.Optional(Type.String()),
  },
  { title: "MiniMessage" },
);
export type MiniMessageJson = Static<typeof MiniMessageSchema>;

/** The SDK's requestCallback body. */
export const OutgoingCallbackBody = Type.Object({
  callee: Type.String({ minLength: 1, maxLength: 64, description: "the number to be called back by" }),
});

/** The SDK's sendMiniMessage body. */
export const MiniMessageBody = Type.Object({
  recipient: Type.String({ minLength: 1, maxLength: 64, description: "the receiving set's number" }),
  message: Type.String({ minLength: 1, maxLength: 256 }),
});
