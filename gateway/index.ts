export {
  DEFAULT_GATEWAY_CONFIG,
  type GatewayConfig,
  loadGatewayConfig,
  type NodeConfig,
} from "./config/index.js";
export { GatewayCore } from "./core.js";
export { type Gateway, type GatewayExtensions, startGateway } from "./gateway.js";
export type { ExtraRoutes } from "./http/app.js";
export { ensureTls } from "./http/tls.js";
export { installLastResort, type LastResort } from "./last-resort.js";
