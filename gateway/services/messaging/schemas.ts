/** What the messaging (voice mail) service takes and answers, as schemas. */
import type { Readable } from "node:stream";
import { Type } from "typebox";
import { MailboxSchema, VoiceMessageSchema } from "../../domain/messaging/index.js";
import { LoginName } from "../common/schemas.js";

export const MailboxParams = Type.Object({
  mailboxId: Type.String({ minLength: 1, maxLength: 64, description: "the mailbox's number" }),
});

export const MessageParams = Type.Object({
  mailboxId: MailboxParams.properties.mailboxId,
  voicemailId: Type.String({ minLength: 1, maxLength: 64 }),
});

export const MailboxesAnswer = Type.Object({ mailboxes: Type.Array(MailboxSchema) });
export const VoiceMessagesAnswer = Type.Object({ voicemails: Type.Array(VoiceMessageSchema) });

export const MailboxInfoQuery = Type.Object({
  loginName: Type.Optional(LoginName),
  withUserPwd: Type.Optional(
    Type.String({ maxLength: 16, description: "a bare flag: the session's password opens the mailbox" }),
  ),
});

/** No body: the session's password opens the mailbox; {password}: this one does. */
export const MailboxInfoBody = Type.Union([
  Type.Object({ password: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })) }),
  Type.Null(),
]);

export const VoiceMessagesQuery = Type.Object({
  loginName: Type.Optional(LoginName),
  /** `newOnly`, `newOnly=true`: the SDKs send `=true`, curl users often the bare flag */
  newOnly: Type.Optional(Type.Union([Type.Literal("true"), Type.Literal("false"), Type.Literal("")])),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 999_999_999 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 999_999_999 })),
});

export const DeleteMessagesQuery = Type.Object({
  loginName: Type.Optional(LoginName),
  msgIds: Type.String({
    maxLength: 4096,
    pattern: "[^;,\\s]",
    description: "voice message ids joined with ;",
  }),
});

/** Sent as bytes or a stream: fastify serializes neither, the schema documents them. */
const Wav = Type.Unsafe<Buffer | Readable>(Type.String({ format: "binary" }));
/** The recording: whole (200) or the bytes of a Range (206); 416 (O2G's error) past its end. */
export const RecordingAnswer = {
  200: { description: "the recording", content: { "audio/wav": { schema: Wav } } },
  206: { description: "the bytes of the requested range", content: { "audio/wav": { schema: Wav } } },
} as const;
