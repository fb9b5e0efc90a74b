/**
 * What the routing service takes: the request bodies as schemas (types and bounds), and how a
 * body the schema refuses is told to the client. O2G answers a bad route with its routing block
 * (errorType / errorCause) and the SDK reads it, so a schema failure here is not the plain 400 of
 * other services: the cause is chosen from where in the body the failure is.
 */
import type { FastifySchemaValidationError } from "fastify";
import { Type } from "typebox";
import { ForwardConditionSchema, OverflowConditionSchema } from "../../domain/routing/index.js";
import { badRequest, type O2gError } from "../common/errors.js";
import { badRoute, type RoutingErrorCause, routingError } from "./errors.js";

/** A forward destination's number: the digits and dialling characters a set can take. */
const DestinationNumber = Type.String({ minLength: 1, maxLength: 32, pattern: "^[0-9+*#]+$" });
const DeviceId = Type.String({ minLength: 1, maxLength: 32 });

export const ForwardDestinationBody = Type.Object({
  type: Type.Union([Type.Literal("NUMBER"), Type.Literal("VOICEMAIL")]),
  number: Type.Optional(DestinationNumber),
  selected: Type.Optional(Type.Boolean()),
});

export const ForwardRouteBody = Type.Object({
  forwardType: Type.Optional(ForwardConditionSchema),
  destinations: Type.Array(ForwardDestinationBody, { minItems: 1, maxItems: 1 }),
});

export const OverflowRouteBody = Type.Object({
  overflowType: OverflowConditionSchema,
  destinations: Type.Optional(
    Type.Array(Type.Object({ type: Type.Literal("VOICEMAIL"), selected: Type.Optional(Type.Boolean()) }), {
      minItems: 1,
      maxItems: 1,
      description: "an overflow goes to the voice mail",
    }),
  ),
});

/** The SDK sends one overflow route; a list of one is taken too. */
const OverflowRoutes = Type.Union([
  OverflowRouteBody,
  Type.Array(OverflowRouteBody, { minItems: 1, maxItems: 1 }),
]);

export const PresentationRouteBody = Type.Object({
  destinations: Type.Array(
    Type.Object({
      type: Type.Union([Type.Literal("MOBILE"), Type.Literal("DEVICE")]),
      deviceId: Type.Optional(DeviceId),
      selected: Type.Optional(Type.Boolean()),
    }),
    { minItems: 1, maxItems: 8 },
  ),
});

export const SetForwardBody = Type.Object({ forwardRoute: ForwardRouteBody });
export const SetOverflowBody = Type.Object({ overflowRoutes: OverflowRoutes });

/** setRoutingState: any of the parts, each taken as its own service would. */
export const SetRoutingStateBody = Type.Object({
  presentationRoutes: Type.Optional(Type.Array(PresentationRouteBody, { minItems: 1, maxItems: 1 })),
  forwardRoutes: Type.Optional(Type.Array(ForwardRouteBody, { maxItems: 1, description: "[]: cancel" })),
  overflowRoutes: Type.Optional(
    Type.Union([
      Type.Array(OverflowRouteBody, { maxItems: 1, description: "[]: cancel" }),
      OverflowRouteBody,
    ]),
  ),
  dndState: Type.Optional(Type.Object({ activate: Type.Boolean() })),
});

/** The routing cause of the first thing the schema refused in a body, as O2G would name it. */
export function routingCauseOf(e: FastifySchemaValidationError): RoutingErrorCause {
  const path = e.instancePath;
  const top = path.split("/")[1] ?? "";
  const missing = e.keyword === "required" ? String(e.params.missingProperty) : undefined;
  const expected = e.keyword === "type" ? String(e.params.type) : undefined;
  if (path === "" && missing !== "destinations") return "NULL_PARAMETER";
  if (path.endsWith("/number") && ["pattern", "maxLength"].includes(e.keyword))
    return "BAD_PHONE_NUMBER_FORMAT";
  if (top === "overflowRoutes")
    return path === "/overflowRoutes" && expected === "object" ? "NULL_PARAMETER" : "INVALID_OVERFLOW_ROUTE";
  const listOfDestinations = path.endsWith("/destinations") || path === "/presentationRoutes";
  if (
    ["minItems", "minLength"].includes(e.keyword) ||
    missing === "destinations" ||
    (listOfDestinations && expected === "array")
  )
    return "NULL_OR_EMPTY_PARAMETER";
  if (expected === "object" || top === "dndState") return "NULL_PARAMETER";
  if (top === "presentationRoutes") return "INVALID_CURRENT_DEVICE";
  return "INVALID_FORWARD_ROUTE";
}

/** The routing service's schema error formatter: bodies get the routing block, the rest a 400. */
export function routingValidationError(
  errors: FastifySchemaValidationError[],
  dataVar: "body" | "headers" | "params" | "querystring",
): O2gError {
  const first = errors[0];
  const message = first ? `${dataVar}${first.instancePath} ${first.message ?? "is not valid"}` : dataVar;
  if (dataVar !== "body" || !first) return badRequest(message);
  const cause = routingCauseOf(first);
  return cause === "BAD_PHONE_NUMBER_FORMAT"
    ? routingError(400, "BAD_PARAMETER_VALUE", cause, message)
    : badRoute(message, cause);
}
