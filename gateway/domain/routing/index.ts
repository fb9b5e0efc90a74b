export {
  RoutingManager,
  type RoutingManagerOptions,
  type RoutingNode,
  RoutingRefused,
  type SubscriberRouting,
} from "./manager.js";
export type {
  DestinationJson,
  DeviceRouting,
  ForwardCondition,
  ForwardRouteJson,
  OverflowCondition,
  OverflowRouteJson,
  RoutingStateJson,
} from "./routes.js";
export { forwardRouteJson, overflowRouteJson } from "./routes.js";
export {
  DestinationSchema,
  DndStateSchema,
  ForwardConditionSchema,
  ForwardRouteSchema,
  NoRouteSchema,
  OverflowConditionSchema,
  OverflowRouteSchema,
  PresentationRouteSchema,
  type RoutingCapabilitiesJson,
  RoutingCapabilitiesSchema,
  RoutingStateSchema,
} from "./schema.js";
