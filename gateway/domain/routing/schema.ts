/**
 * The wire's routing shapes (the SDK's routing-types: DestinationJson, ForwardRouteJson,
 * OverflowRouteJson, RoutingStateJson, RoutingCapabilitiesJson) as schemas: the domain's types
 * follow from them, and the routing service answers with them.
 */
import { type Static, Type } from "typebox";

export const ForwardConditionSchema = Type.Union(
  [
    Type.Literal("IMMEDIATE"),
    Type.Literal("BUSY"),
    Type.Literal("NO_ANSWER"),
    Type.Literal("BUSY_NO_ANSWER"),
  ],
  { description: "IMMEDIATE travels as an absent forwardType" },
);
/** The SDK's ForwardCondition on the wire: IMMEDIATE travels as an absent forwardType. */
export type ForwardCondition = Static<typeof ForwardConditionSchema>;

export const OverflowConditionSchema = Type.Union([
  Type.Literal("BUSY"),
  Type.Literal("NO_ANSWER"),
  Type.Literal("BUSY_NO_ANSWER"),
]);
export type OverflowCondition = Static<typeof OverflowConditionSchema>;

export const DestinationSchema = Type.Object(
  {
    type: Type.Union([
      Type.Literal("NUMBER"),
      Type.Literal("VOICEMAIL"),
      Type.Literal("DEVICE"),
      Type.Literal("MOBILE"),
    ]),
    number: Type.Optional(Type.String()),
    deviceId: Type.Optional(Type.String()),
    selected: Type.Optional(Type.Boolean()),
  },
  { title: "Destination" },
);
export type DestinationJson = Static<typeof DestinationSchema>;

export const ForwardRouteSchema = Type.Object(
  {
    forwardType: Type.Optional(
      Type.Union([Type.Literal("BUSY"), Type.Literal("NO_ANSWER"), Type.Literal("BUSY_NO_ANSWER")], {
        description: "absent: immediate",
      }),
    ),
    destinations: Type.Array(DestinationSchema, { description: "empty when no forward is set" }),
  },
  { title: "ForwardRoute" },
);
export type ForwardRouteJson = Static<typeof ForwardRouteSchema>;

export const OverflowRouteSchema = Type.Object(
  {
    overflowType: OverflowConditionSchema,
    destinations: Type.Array(DestinationSchema),
  },
  { title: "OverflowRoute" },
);
export type OverflowRouteJson = Static<typeof OverflowRouteSchema>;

/** GET forwardroute / overflowroute with nothing set: no type, no destination. */
export const NoRouteSchema = Type.Object({ destinations: Type.Array(DestinationSchema, { maxItems: 0 }) });

export const PresentationRouteSchema = Type.Object(
  { destinations: Type.Array(DestinationSchema) },
  { title: "PresentationRoute" },
);
export type PresentationRouteJson = Static<typeof PresentationRouteSchema>;

export const DndStateSchema = Type.Object({ activate: Type.Boolean() }, { title: "DndState" });

export const RoutingStateSchema = Type.Object(
  {
    presentationRoutes: Type.Array(PresentationRouteSchema),
    forwardRoutes: Type.Array(ForwardRouteSchema, { maxItems: 1 }),
    overflowRoutes: Type.Array(OverflowRouteSchema, { maxItems: 1 }),
    dndState: DndStateSchema,
  },
  { title: "RoutingState" },
);
export type RoutingStateJson = Static<typeof RoutingStateSchema>;

export const RoutingCapabilitiesSchema = Type.Object(
  {
    presentationRoute: Type.Boolean(),
    forwardRoute: Type.Boolean(),
    overflowRoute: Type.Boolean(),
    dnd: Type.Boolean(),
  },
  { title: "RoutingCapabilities" },
);
export type RoutingCapabilitiesJson = Static<typeof RoutingCapabilitiesSchema>;
