/**
 * The WSS agent's messages: JSON text frames, one message each. The application's server sends
 * `auth` first, then `request`s and `ack`s; the gateway answers `ready`, then `response`s and
 * `event`s, each numbered (`seq`) and kept until acknowledged, so that what the application has
 * not acknowledged is sent again after a reconnection. The README's "WSS agent" section is the
 * reference for applications; the shapes here are the same ones, checked on arrival.
 */
import { type Static, Type } from "typebox";
import { Value } from "typebox/value";

export const AuthMessage = Type.Object({
  type: Type.Literal("auth"),
  /** the application's JSON Web Token, its certificate chain in the `x5c` header */
  token: Type.String({ minLength: 1, maxLength: 64 * 1024 }),
  /** the last `seq` the application has processed (earlier ones are not sent again) */
  ack: Type.Optional(Type.Integer({ minimum: 0 })),
});

export const RequestMessage = Type.Object({
  type: Type.Literal("request"),
  /** chosen by the application, echoed in the response; a request sent again with the same id is not run twice */
  id: Type.String({ minLength: 1, maxLength: 128 }),
  method: Type.Union(["GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => Type.Literal(m))),
  /** as on HTTPS: /api/rest/1.0/telephony/calls?..., the query included */
  path: Type.String({ minLength: 1, maxLength: 8192, pattern: "^/" }),
  /** request headers (lowercase names), the session cookie among them */
  headers: Type.Optional(Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 16384 }))),
  /** JSON body (sent as application/json), or a string sent as it is */
  body: Type.Optional(Type.Unknown()),
});

export const AckMessage = Type.Object({
  type: Type.Literal("ack"),
  /** every message up to this `seq` is processed (cumulative) */
  seq: Type.Integer({ minimum: 0 }),
});

export type AuthMessage = Static<typeof AuthMessage>;
export type RequestMessage = Static<typeof RequestMessage>;
export type AckMessage = Static<typeof AckMessage>;
export type InboundMessage = AuthMessage | RequestMessage | AckMessage;

const BY_TYPE = { auth: AuthMessage, request: RequestMessage, ack: AckMessage } as const;

/** A frame from the application: its message, or why it is not one. */
export function parseInbound(text: string): InboundMessage | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: "a message is one JSON object" };
  }
  const type = (value as { type?: unknown } | null)?.type;
  const schema = typeof type === "string" ? BY_TYPE[type as keyof typeof BY_TYPE] : undefined;
  if (!schema) return { problem: `unknown message type ${JSON.stringify(type)} (auth, request, ack)` };
  if (!Value.Check(schema, value)) {
    const first = Value.Errors(schema, value)[0];
    return {
      problem: `bad ${type} message: ${first ? `${first.instancePath || "/"} ${first.message}` : "invalid"}`,
    };
  }
  return value as InboundMessage;
}

/** What the gateway sends. */
export interface ReadyMessage {
  type: "ready";
  /** messages not acknowledged yet, sent right after this one */
  replay: number;
  /** messages dropped unacknowledged since the agent started (past `replayLimit`) */
  dropped: number;
}

export interface ResponseMessage {
  type: "response";
  seq: number;
  id: string;
  status: number;
  headers: Record<string, string | string[]>;
  /** JSON answers parsed, text as a string; absent when empty */
  body?: unknown;
  /** any other content (a voice message's WAV), base64 */
  bodyBase64?: string;
}

export interface EventMessage {
  type: "event";
  seq: number;
  subscriptionId: string;
  event: unknown;
}

/** About a message of the application's that could not be taken (not numbered, not replayed). */
export interface ErrorMessage {
  type: "error";
  id?: string;
  message: string;
}

/** Close codes the gateway uses (4000-4999 are the application's range in RFC 6455). */
export const CLOSE = {
  /** a message that is not one of the protocol's, or a request before `auth` */
  protocol: 4400,
  /** the token is refused: bad signature, chain, audience, issuer, expired or not yet valid */
  tokenRefused: 4401,
  /** no Cloud Connectivity license */
  unlicensed: 4402,
  /** no `auth` within authTimeoutMs */
  authTimeout: 4408,
  /** the gateway is stopping */
  goingAway: 1001,
} as const;
