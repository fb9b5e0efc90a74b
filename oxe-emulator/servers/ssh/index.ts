export {
  COMMANDS,
  type CommandContext,
  type CommandOutput,
  EXIT_NOT_FOUND,
  EXIT_OK,
  EXIT_SOFTWARE,
  EXIT_UNKNOWN,
  EXIT_USAGE,
  FILE_HEADER,
  fileOfTicket,
  formatIncident,
  formatTicket,
  INCIDENT_HEADER,
  runCommand,
  TICKET_HEADER,
} from "./commands.js";
export { hostKeyFor, publicKeyLine } from "./host-key.js";
export { SshNodeServer, type SshServerOptions } from "./node-server.js";
