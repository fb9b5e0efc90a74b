/**
 * The PRS link: how the OXE hands its IP Touch sets' XML browsing to O2G.
 *
 * Ours, not the vendor's: the OXE's PRS protocol towards O2G is not public, and no ECMA
 * standard covers an XML browser on a set (CSTA has no such service), so this link is a small
 * protocol of our own, kept as close in behaviour to what O2G documents as we can: the gateway
 * opens it towards each node (to the standby on a switchover, like the CSTA, CMIP and IMAP
 * links), authenticates with the node's link account, and then carries the sets' page requests
 * one way and the applications' pages the other.
 *
 * - Framing (./frame.ts): "PR", a 4-octet length, UTF-8 JSON; garbage is skipped, not fatal.
 * - Messages (./messages.ts): hello/welcome/refused, ping/pong, request -> page | failure, error.
 * - Pages (./xml-page.ts): the supported subset of the IP Touch XML.
 * - TLS: optional, from the first octet (as IMAPS), on the node's certificate.
 */
export {
  encodePrsFrame,
  MAX_PRS_BODY_BYTES,
  PRS_HEADER_BYTES,
  PrsFrameDecoder,
  PrsFrameError,
  type PrsFrameSink,
} from "./frame.js";
export {
  decodePrsMessage,
  encodePrsMessage,
  PRS_FAILURE_REASONS,
  PRS_LIMITS,
  PRS_VERSION,
  type PrsError,
  type PrsFailure,
  type PrsFailureReason,
  type PrsHello,
  type PrsMessage,
  PrsMessageError,
  type PrsMethod,
  type PrsPage,
  type PrsPing,
  type PrsRefused,
  type PrsRequest,
  type PrsWelcome,
} from "./messages.js";
export {
  parseXmlPage,
  XML_PAGE_LIMITS,
  type XmlInput,
  type XmlMenuItem,
  type XmlPage,
  XmlPageError,
  type XmlSoftKey,
  xmlEscape,
} from "./xml-page.js";

import { encodePrsFrame } from "./frame.js";
import { encodePrsMessage, type PrsMessage } from "./messages.js";

/** One message, framed for the wire. */
export function prsFrame(m: PrsMessage): Buffer {
  return encodePrsFrame(encodePrsMessage(m));
}
export { PrsPeer, type PrsPeerHandlers } from "./peer.js";
