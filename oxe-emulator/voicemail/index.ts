export {
  canonicalFlag,
  type Deposit,
  type FlagOperation,
  isMessageFlag,
  type MailboxState,
  MESSAGE_FLAGS,
  type MessageFlag,
  type VoiceMailChange,
  VoiceMailError,
  type VoiceMailOptions,
  VoiceMailStore,
  type VoiceMessage,
} from "./store.js";
export {
  alawToLinear,
  linearToAlaw,
  SAMPLE_RATE,
  voiceWav,
  WAV_HEADER_BYTES,
  WAVE_FORMAT_ALAW,
} from "./wav.js";
