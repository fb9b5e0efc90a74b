/**
 * O2G's error answer as a schema: every route declares it for the statuses it may fail with, so
 * the OpenAPI document shows it and the serializer keeps every field the SDKs read (their
 * RestErrorInfo: httpStatus, code, helpMessage, type, innerMessage, canRetry and the typed
 * telephony / routing blocks).
 */
import { type Static, Type } from "typebox";

const Block = Type.Object(
  { errorType: Type.String(), errorCause: Type.String(), message: Type.String() },
  { additionalProperties: false },
);

export const O2gErrorSchema = Type.Object(
  {
    httpStatus: Type.String({ description: "the status's name, e.g. NOT_FOUND" }),
    code: Type.Integer({ description: "the HTTP status" }),
    helpMessage: Type.String(),
    type: Type.String(),
    innerMessage: Type.String(),
    canRetry: Type.Boolean(),
    telephony: Type.Optional(Block),
    routing: Type.Optional(Block),
  },
  { $id: "O2gError", title: "O2gError", additionalProperties: false },
);
export type O2gErrorJson = Static<typeof O2gErrorSchema>;

/** The reference routes use in their `response` map. */
export const O2gErrorRef = Type.Unsafe<O2gErrorJson>(Type.Ref("O2gError"));

/** Every error status a route may answer, unless it declares its own. */
export const DEFAULT_ERROR_RESPONSES = { "4xx": O2gErrorRef, "5xx": O2gErrorRef } as const;
