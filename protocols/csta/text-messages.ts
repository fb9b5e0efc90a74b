/**
 * The OXE's text ("mini") messages between sets, carried by CSTA's escape service.
 *
 * ECMA-269 has no text message service for sets (its SendMessage is a media service of a call),
 * so the messages travel as the OXE's private requests in escape (51, see feature-services.ts):
 *
 * Standard (ECMA-285): the escape's result is `CHOICE { extensions CSTACommonArguments, noData
 *   NULL }`, CSTACommonArguments ::= [APPLICATION 30] IMPLICIT SEQUENCE { security [0] IMPLICIT
 *   OPTIONAL, privateData [1] IMPLICIT SEQUENCE OF CSTAPrivateData OPTIONAL }, CSTAPrivateData ::=
 *   CHOICE { string OCTET STRING, private NULL }. A private answer rides in privateData[0]'s string.
 *
 * Ours (the OXE's private encoding is not public), in the privateData string as UTF-8 JSON, like
 * the other private requests:
 *   request { v: 1, service: "miniMessage", op: "send", sender, recipient, text }
 *           { v: 1, service: "miniMessage", op: "read" | "count", device }
 *   answer  send: noData; read: { sender, sentAt (ISO 8601), text } or {} when nothing is unread
 *           (the newest unread message, which the OXE then erases); count: { unread, read }.
 */
import { appC, type BerReader, type BerWriter, ctxC, U } from "../ber/index.js";
import { skipRest } from "./common.js";

export type TextMessageRequest =
  | { v: 1; service: "miniMessage"; op: "send"; sender: string; recipient: string; text: string }
  | { v: 1; service: "miniMessage"; op: "read" | "count"; device: string };

export type TextMessageAnswer =
  | { kind: "message"; sender: string; sentAt: Date; text: string }
  | { kind: "none" }
  | { kind: "counts"; unread: number; read: number };

const str = (v: unknown, max: number): v is string =>
  typeof v === "string" && v.length > 0 && v.length <= max;

/** A decoded private request that names the miniMessage service, checked member by member. */
export function parseTextMessageRequest(o: Record<string, unknown>): TextMessageRequest {
  if (o.op === "send" && str(o.sender, 64) && str(o.recipient, 64) && str(o.text, 1024))
    return {
      v: 1,
      service: "miniMessage",
      op: "send",
      sender: o.sender,
      recipient: o.recipient,
      text: o.text,
    };
  if ((o.op === "read" || o.op === "count") && str(o.device, 64))
    return { v: 1, service: "miniMessage", op: o.op, device: o.device };
  throw new Error("malformed miniMessage request");
}

export function encodeTextMessageAnswer(a: TextMessageAnswer): Uint8Array {
  const o =
    a.kind === "message"
      ? { sender: a.sender, sentAt: a.sentAt.toISOString(), text: a.text }
      : a.kind === "counts"
        ? { unread: a.unread, read: a.read }
        : {};
  return Buffer.from(JSON.stringify(o), "utf8");
}

export function decodeTextMessageAnswer(
  bytes: Uint8Array | undefined,
  op: "read" | "count",
): TextMessageAnswer {
  const o = bytes ? (JSON.parse(Buffer.from(bytes).toString("utf8")) as Record<string, unknown>) : {};
  if (op === "count") {
    if (typeof o.unread !== "number" || typeof o.read !== "number") throw new Error("malformed counts");
    return { kind: "counts", unread: o.unread, read: o.read };
  }
  if (typeof o.sender === "string" && typeof o.sentAt === "string" && typeof o.text === "string")
    return { kind: "message", sender: o.sender, sentAt: new Date(o.sentAt), text: o.text };
  return { kind: "none" };
}

/** The escape's result: private data in the extensions, or noData. */
export type EscapeResult = { privateData: Uint8Array } | undefined;

const COMMON_ARGUMENTS = appC(30);

export const escapeResult = {
  encodeResult(w: BerWriter, res: EscapeResult): void {
    if (!res) {
      w.null();
      return;
    }
    w.begin(COMMON_ARGUMENTS).begin(ctxC(1)).octets(res.privateData).end().end();
  },
  decodeResult(r: BerReader): EscapeResult {
    if (!r.isNext(COMMON_ARGUMENTS)) {
      r.skip(); // noData
      return undefined;
    }
    r.enter(COMMON_ARGUMENTS);
    let privateData: Uint8Array | undefined;
    while (!r.atEnd()) {
      if (r.isNext(ctxC(1))) {
        r.enter(ctxC(1));
        if (r.isNext(U.OCTET_STRING)) privateData = Uint8Array.from(r.octets());
        skipRest(r);
        r.leave();
      } else r.skip();
    }
    r.leave();
    return privateData ? { privateData } : undefined;
  },
};
