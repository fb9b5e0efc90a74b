export { type VoiceMailCount, VoiceMailCounters, type VoiceMailCountListener } from "./counters.js";
export { MailboxCredentials } from "./credentials.js";
export {
  countOf,
  DEFAULT_VOICEMAIL_SETTINGS,
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
