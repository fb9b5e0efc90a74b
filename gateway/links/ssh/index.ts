export { LineSplitter, LineTooLongError } from "./lines.js";
export {
  type ExecOptions,
  type ExecResult,
  fingerprint,
  type SshEndpoint,
  type SshFailure,
  SshLink,
  SshLinkError,
  type SshLinkOptions,
  type SshLinkState,
  type SshLinkStatus,
  type SshLog,
} from "./ssh-link.js";
