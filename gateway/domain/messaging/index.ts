export { type VoiceMailCount, VoiceMailCounters, type VoiceMailCountListener } from "./counters.js";
export { MailboxCredentials } from "./credentials.js";
export { MailboxInfoSchema, MailboxSchema, VoiceMessageSchema } from "./schema.js";
export {
  countOf,
  type ListOptions,
  type MailboxCapabilitiesJson,
  type MailboxInfoJson,
  type MailboxJson,
  type PartyInfoJson,
  VoiceMailError,
  type VoiceMailFailure,
  VoiceMailService,
  type VoiceMailServiceOptions,
  type VoiceMailSettings,
  type VoiceMessageJson,
} from "./voicemail.js";
