/**
 * The messages of the PRS link (ours, see ./index.ts), one JSON object per frame, and their
 * checking: a frame that is not one of these (bad JSON, unknown type, a field missing, of the
 * wrong type or out of bounds) is refused with a reason and the link goes on.
 *
 * The gateway opens the link and says `hello` with the node's link account; the node answers
 * `welcome` or `refused`. Then the node sends the sets' `request`s (an XML application started by
 * its key, a menu item chosen, a softkey, an input submitted) and the gateway answers each, by
 * its `id`, with the application's `page` or a `failure` the set shows. `ping`/`pong` both ways
 * keep watch on the link. `error` answers a frame that was refused.
 */

export const PRS_VERSION = 1;

export type PrsMethod = "GET" | "POST";

/** Why the gateway could not bring a page: the set shows the message. */
export type PrsFailureReason =
  /** no XML IP Touch license left (or the gateway has none) */
  | "license"
  /** the set is not a user of this node the gateway knows */
  | "unknownDevice"
  /** the URL is not the application's (another origin, not https) */
  | "forbidden"
  /** the application could not be reached, answered an error status or took too long */
  | "unreachable"
  /** the application answered something that is not a page of the supported XML */
  | "badPage";

export const PRS_FAILURE_REASONS: readonly PrsFailureReason[] = [
  "license",
  "unknownDevice",
  "forbidden",
  "unreachable",
  "badPage",
];

export interface PrsHello {
  type: "hello";
  version: number;
  login: string;
  password: string;
}
export interface PrsWelcome {
  type: "welcome";
  version: number;
  nodeId: number;
}
export interface PrsRefused {
  type: "refused";
  reason: string;
}
export interface PrsPing {
  type: "ping" | "pong";
  seq: number;
}
export interface PrsRequest {
  type: "request";
  id: number;
  /** the set's directory number */
  device: string;
  /** true for the first request of an application (its key pressed): the license is taken then */
  start: boolean;
  method: PrsMethod;
  /** absolute https URL (the set resolved the page's relative links) */
  url: string;
  /** what the user typed into the page's input, sent as the form (POST) or the query (GET) */
  form?: Record<string, string>;
}
export interface PrsPage {
  type: "page";
  id: number;
  /** the page's URL after redirects: the base of its relative links */
  url: string;
  xml: string;
}
export interface PrsFailure {
  type: "failure";
  id: number;
  reason: PrsFailureReason;
  message: string;
}
export interface PrsError {
  type: "error";
  message: string;
}

export type PrsMessage =
  | PrsHello
  | PrsWelcome
  | PrsRefused
  | PrsPing
  | PrsRequest
  | PrsPage
  | PrsFailure
  | PrsError;

/** bounds of the checked fields */
export const PRS_LIMITS = {
  text: 256,
  device: 32,
  url: 2048,
  formFields: 8,
  formValue: 256,
  xml: 200 * 1024,
} as const;

export class PrsMessageError extends Error {
  override readonly name = "PrsMessageError";
}

type Obj = Record<string, unknown>;

function str(o: Obj, k: string, max: number): string {
  const v = o[k];
  if (typeof v !== "string") throw new PrsMessageError(`${String(o.type)}.${k} must be a string`);
  if (v.length > max) throw new PrsMessageError(`${String(o.type)}.${k} is ${max} characters at most`);
  return v;
}

function int(o: Obj, k: string): number {
  const v = o[k];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
    throw new PrsMessageError(`${String(o.type)}.${k} must be a whole number`);
  return v;
}

function form(v: unknown): Record<string, string> {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new PrsMessageError("request.form must be an object");
  const entries = Object.entries(v);
  if (entries.length > PRS_LIMITS.formFields)
    throw new PrsMessageError(`request.form holds ${PRS_LIMITS.formFields} fields at most`);
  const out: Record<string, string> = {};
  for (const [k, x] of entries) {
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(k)) throw new PrsMessageError(`request.form: bad field "${k}"`);
    if (typeof x !== "string" || x.length > PRS_LIMITS.formValue)
      throw new PrsMessageError(`request.form.${k} must be a string of ${PRS_LIMITS.formValue} at most`);
    out[k] = x;
  }
  return out;
}

/** The message a frame's body holds; throws PrsMessageError saying what is wrong. */
export function decodePrsMessage(body: string): PrsMessage {
  let o: unknown;
  try {
    o = JSON.parse(body);
  } catch {
    throw new PrsMessageError("not JSON");
  }
  if (typeof o !== "object" || o === null || Array.isArray(o)) throw new PrsMessageError("not an object");
  const m = o as Obj;
  switch (m.type) {
    case "hello":
      return {
        type: "hello",
        version: int(m, "version"),
        login: str(m, "login", PRS_LIMITS.text),
        password: str(m, "password", PRS_LIMITS.text),
      };
    case "welcome":
      return { type: "welcome", version: int(m, "version"), nodeId: int(m, "nodeId") };
    case "refused":
      return { type: "refused", reason: str(m, "reason", PRS_LIMITS.text) };
    case "ping":
    case "pong":
      return { type: m.type, seq: int(m, "seq") };
    case "request": {
      const method = m.method;
      if (method !== "GET" && method !== "POST")
        throw new PrsMessageError("request.method must be GET or POST");
      if (typeof m.start !== "boolean") throw new PrsMessageError("request.start must be a boolean");
      const device = str(m, "device", PRS_LIMITS.device);
      if (!/^\d+$/.test(device)) throw new PrsMessageError("request.device must be a directory number");
      const r: PrsRequest = {
        type: "request",
        id: int(m, "id"),
        device,
        start: m.start,
        method,
        url: str(m, "url", PRS_LIMITS.url),
      };
      if (m.form !== undefined) r.form = form(m.form);
      return r;
    }
    case "page":
      return {
        type: "page",
        id: int(m, "id"),
        url: str(m, "url", PRS_LIMITS.url),
        xml: str(m, "xml", PRS_LIMITS.xml),
      };
    case "failure": {
      const reason = m.reason;
      if (!(PRS_FAILURE_REASONS as readonly unknown[]).includes(reason))
        throw new PrsMessageError(`failure.reason must be one of ${PRS_FAILURE_REASONS.join(", ")}`);
      return {
        type: "failure",
        id: int(m, "id"),
        reason: reason as PrsFailureReason,
        message: str(m, "message", PRS_LIMITS.text),
      };
    }
    case "error":
      return { type: "error", message: str(m, "message", PRS_LIMITS.text) };
    default:
      throw new PrsMessageError(`unknown message type ${JSON.stringify(m.type)?.slice(0, 40)}`);
  }
}

export function encodePrsMessage(m: PrsMessage): string {
  return JSON.stringify(m);
}
