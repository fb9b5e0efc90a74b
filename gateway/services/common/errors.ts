/**
 * O2G's error answer: every non-2xx carries this JSON (the SDKs' RestErrorInfo), with the
 * HTTP status both as a number (`code`) and as its name (`httpStatus`). Telephony and routing
 * errors add their own typed block. Thrown anywhere in a handler, one error handler renders it.
 */
import type { DomainError, DomainErrorKind } from "../../domain/errors.js";

export type TelephonyErrorType =
  | "UNKNOWN"
  | "CALL_REFERENCE_NOT_FOUND"
  | "LEG_NOT_FOUND"
  | "BAD_PARAMETER_VALUE"
  | "INCOMPATIBLE_WITH_STATE"
  | "SERVICE_NOT_PROVIDED"
  | "SERVICE_UNAVAILABLE"
  | "INITIALIZATION"
  | "UNAUTHORIZED"
  | "CALL_SERVER_ERROR"
  | "REQUEST_TIMEOUT";

export type TelephonyErrorCause =
  | "UNKNOWN"
  | "INVALID_CALLING"
  | "INVALID_DESTINATION"
  | "INVALID_CALL_ID"
  | "INVALID_CONNECTION_STATE"
  | "DEVICE_OUT_OF_SERVICE"
  | "INVALID_DEVICE"
  | "INVALID_DEVICE_STATE"
  | "INVALID_DATA"
  | "RESOURCE_BUSY";

export interface ErrorBlock<T, C> {
  errorType: T;
  errorCause: C;
  message: string;
}

const STATUS_NAMES: Record<number, string> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  406: "NOT_ACCEPTABLE",
  408: "REQUEST_TIMEOUT",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  414: "URI_TOO_LONG",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "TOO_MANY_REQUESTS",
  500: "INTERNAL_SERVER_ERROR",
  501: "NOT_IMPLEMENTED",
  502: "BAD_GATEWAY",
  503: "SERVICE_UNAVAILABLE",
  504: "GATEWAY_TIMEOUT",
};

export function statusName(code: number): string {
  return STATUS_NAMES[code] ?? "UNKNOWN";
}

export interface ErrorBody {
  httpStatus: string;
  code: number;
  helpMessage: string;
  type: string;
  innerMessage: string;
  canRetry: boolean;
  telephony?: ErrorBlock<TelephonyErrorType, TelephonyErrorCause>;
  routing?: ErrorBlock<string, string>;
}

export class O2gError extends Error {
  override readonly name = "O2gError";
  constructor(
    readonly status: number,
    readonly helpMessage: string,
    readonly extra: {
      type?: string;
      innerMessage?: string;
      canRetry?: boolean;
      telephony?: ErrorBlock<TelephonyErrorType, TelephonyErrorCause>;
      routing?: ErrorBlock<string, string>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(helpMessage);
  }

  body(): ErrorBody {
    const b: ErrorBody = {
      httpStatus: statusName(this.status),
      code: this.status,
      helpMessage: this.helpMessage,
      type: this.extra.type ?? "",
      innerMessage: this.extra.innerMessage ?? "",
      canRetry: this.extra.canRetry ?? this.status === 503,
    };
    if (this.extra.telephony) b.telephony = this.extra.telephony;
    if (this.extra.routing) b.routing = this.extra.routing;
    return b;
  }
}

export const badRequest = (msg: string, inner = "") =>
  new O2gError(400, msg, { type: "BAD_REQUEST", innerMessage: inner });
export const unauthorized = (msg = "authentication required") =>
  new O2gError(401, msg, { type: "UNAUTHORIZED", headers: { "WWW-Authenticate": 'Basic realm="O2G"' } });
export const forbidden = (msg: string) => new O2gError(403, msg, { type: "FORBIDDEN" });
export const notFound = (msg: string) => new O2gError(404, msg, { type: "NOT_FOUND" });
export const conflict = (msg: string) => new O2gError(409, msg, { type: "CONFLICT" });
export const unavailable = (msg: string) =>
  new O2gError(503, msg, { type: "SERVICE_UNAVAILABLE", canRetry: true });
export const notImplemented = (what: string) =>
  new O2gError(501, `${what} is not implemented by o2g-testbench yet`, { type: "NOT_IMPLEMENTED" });

const DOMAIN_STATUS: Record<DomainErrorKind, number> = {
  invalid: 400,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  badGateway: 502,
  unavailable: 503,
};

/** A domain error in O2G's words: its status, the status's name as the type, its detail inside. */
export function o2gErrorOf(err: DomainError): O2gError {
  const status = DOMAIN_STATUS[err.kind];
  return new O2gError(status, err.message, { type: statusName(status), innerMessage: err.detail });
}
