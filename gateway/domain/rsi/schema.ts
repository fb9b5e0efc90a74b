/**
 * The RSI service's wire shapes, field for field the SDK's rsi-types.ts (RsiPointJson,
 * RouteSessionJson) and its enums (Tones, RoutingReason, RoutingCallerType, CollectionCause).
 */
import { type Static, Type } from "typebox";

export const TonesSchema = Type.Union([
  Type.Literal("BUSY"),
  Type.Literal("RINGBACK"),
  Type.Literal("SILENCE"),
  Type.Literal("MUSIC"),
  Type.Literal("ANNOUNCEMENT"),
]);

export const RoutingReasonSchema = Type.Union([
  Type.Literal("INITIAL"),
  Type.Literal("NOANSWER"),
  Type.Literal("BUSY"),
  Type.Literal("NOT_OBTAINABLE"),
  Type.Literal("UNKNOWN"),
]);
export type RoutingReason = Static<typeof RoutingReasonSchema>;

export const RoutingCallerTypeSchema = Type.Union([
  Type.Literal("INTERNAL"),
  Type.Literal("EXTERNAL"),
  Type.Literal("UNKNOWN"),
]);

export const CollectionCauseSchema = Type.Union([
  Type.Literal("FLUSCHAR_RECEIVED"),
  Type.Literal("CHAR_COUNT_REACHED"),
  Type.Literal("TIMEOUT"),
  Type.Literal("SF_TERMINATED"),
]);

export const RsiPointSchema = Type.Object({
  number: Type.String({ description: "the RSI point's extension number" }),
  name: Type.String(),
  node: Type.Integer({ description: "the OXE node it is configured on" }),
  registered: Type.Boolean({ description: "whether an application serves it now" }),
});
export type RsiPointJson = Static<typeof RsiPointSchema>;

export const RsiPointListSchema = Type.Object({ rsiPoints: Type.Array(RsiPointSchema) });

export const RouteSessionSchema = Type.Object({
  routeCrid: Type.String({ description: "the route session's id" }),
  caller: Type.String(),
  called: Type.String(),
  routedCallRef: Type.String(),
});
export type RouteSessionJson = Static<typeof RouteSessionSchema>;

export const RouteSessionListSchema = Type.Object({ routeSessions: Type.Array(RouteSessionSchema) });

/** Ours: what the SDK's OnRouteRequest `request` holds (see router.ts). */
export const RouteRequestSchema = Type.Object({
  ...RouteSessionSchema.properties,
  callerType: RoutingCallerTypeSchema,
  reason: RoutingReasonSchema,
});

/** Ours: what the SDK's OnDigitCollected `dataCollected` holds. */
export const DataCollectedSchema = Type.Object({
  collCrid: Type.String(),
  digits: Type.String(),
  cause: CollectionCauseSchema,
});

/** The `rsi` package's events (http/contract/event-schemas.ts). */
export const RSI_EVENT_FIELDS = {
  OnRouteRequest: { rsiPoint: Type.String(), request: RouteRequestSchema },
  OnRouteEnd: {
    rsiPoint: Type.String(),
    routeCrid: Type.String(),
    routedCallRef: Type.String(),
    reason: RoutingReasonSchema,
  },
  OnToneGeneratedStart: { rsiPoint: Type.String(), callRef: Type.String(), tonesTypes: TonesSchema },
  OnToneGeneratedStop: { rsiPoint: Type.String(), callRef: Type.String() },
  OnDigitCollected: { rsiPoint: Type.String(), callRef: Type.String(), dataCollected: DataCollectedSchema },
};
