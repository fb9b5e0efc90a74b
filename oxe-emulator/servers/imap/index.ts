export { type FetchItem, parseFetchItems } from "./fetch.js";
export { type MailContext, VoiceMail } from "./message.js";
export { ImapNodeServer, type ImapServerOptions } from "./node-server.js";
export { CommandReader, inSequenceSet, parseSequenceSet, type Token, tokenize } from "./parser.js";
export { CAPABILITIES } from "./session.js";
