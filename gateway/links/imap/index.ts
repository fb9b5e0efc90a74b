export {
  decodeWords,
  type ImapEndpoint,
  type ImapLog,
  MailboxError,
  type MailboxFailure,
  MailboxLink,
  type MailboxLinkOptions,
  type MailboxLinkState,
  type MailboxView,
  type MailMessage,
  parseHeaderLines,
} from "./mailbox-link.js";
export { MailboxPool, type MailboxPoolOptions } from "./pool.js";
