/**
 * The wire's messaging shapes (the SDK's messaging-types: MailBoxJson, MailBoxInfoJson,
 * VoiceMessageJson) as schemas: the voice mail's types follow from them, and the messaging
 * service answers with them.
 */
import { type Static, Type } from "typebox";

export const MailboxCapabilitiesSchema = Type.Object(
  {
    listMessages: Type.Boolean(),
    getMessages: Type.Boolean(),
    getRecord: Type.Boolean(),
    play: Type.Boolean(),
    pause: Type.Boolean(),
    hangup: Type.Boolean(),
    record: Type.Boolean(),
    resume: Type.Boolean(),
    cancel: Type.Boolean(),
    forward: Type.Boolean(),
    callback: Type.Boolean(),
    send: Type.Boolean(),
    events: Type.Boolean(),
  },
  { title: "MailboxCapabilities" },
);
export type MailboxCapabilitiesJson = Static<typeof MailboxCapabilitiesSchema>;

export const MailboxSchema = Type.Object(
  { id: Type.String(), name: Type.String(), capabilities: MailboxCapabilitiesSchema },
  { title: "Mailbox" },
);
export type MailboxJson = Static<typeof MailboxSchema>;

export const MailboxInfoSchema = Type.Object(
  {
    totalVoiceMsg: Type.Integer({ minimum: 0 }),
    newVoiceMsg: Type.Integer({ minimum: 0 }),
    storageUsage: Type.Integer({ minimum: 0, description: "bytes the messages take on the voice mail" }),
  },
  { title: "MailboxInfo" },
);
export type MailboxInfoJson = Static<typeof MailboxInfoSchema>;

export const VoiceMessagePartySchema = Type.Object({
  id: Type.Object({ loginName: Type.Optional(Type.String()), phoneNumber: Type.Optional(Type.String()) }),
  firstName: Type.Optional(Type.String()),
  lastName: Type.Optional(Type.String()),
  displayName: Type.Optional(Type.String()),
  type: Type.Optional(
    Type.Object({
      main: Type.Union([Type.Literal("USER"), Type.Literal("EXTERNAL")]),
      subType: Type.Optional(Type.String()),
    }),
  ),
});
export type PartyInfoJson = Static<typeof VoiceMessagePartySchema>;

export const VoiceMessageSchema = Type.Object(
  {
    voicemailId: Type.String(),
    from: Type.Optional(VoiceMessagePartySchema),
    duration: Type.Number({ minimum: 0, description: "seconds" }),
    date: Type.String({ description: "ISO 8601" }),
    unread: Type.Boolean(),
    highPriority: Type.Boolean(),
  },
  { title: "VoiceMessage" },
);
export type VoiceMessageJson = Static<typeof VoiceMessageSchema>;
