/**
 * O2G's error answer, as the gateway's O2gError (gateway/http/errors.ts) writes it. The stand-in
 * sits below http/ in the layers, so it keeps its own small copy; the test checks its answers
 * against the contract's O2gErrorSchema, which keeps the two alike.
 */

const STATUS_NAMES: Record<number, string> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  500: "INTERNAL_SERVER_ERROR",
  501: "NOT_IMPLEMENTED",
};

export interface ErrorBlock {
  errorType: string;
  errorCause: string;
  message: string;
}

export class MockError extends Error {
  override readonly name = "MockError";
  constructor(
    readonly status: number,
    readonly helpMessage: string,
    readonly extra: {
      type?: string;
      telephony?: ErrorBlock;
      routing?: ErrorBlock;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(helpMessage);
  }

  body() {
    return {
      httpStatus: STATUS_NAMES[this.status] ?? "UNKNOWN",
      code: this.status,
      helpMessage: this.helpMessage,
      type: this.extra.type ?? "",
      innerMessage: "",
      canRetry: false,
      ...(this.extra.telephony ? { telephony: this.extra.telephony } : {}),
      ...(this.extra.routing ? { routing: this.extra.routing } : {}),
    };
  }
}
