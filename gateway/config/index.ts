export {
  type AdminAccount,
  adminPasswordProblem,
  type ConfigSources,
  DEFAULT_GATEWAY_CONFIG,
  type Endpoint,
  type GatewayConfig,
  loadGatewayConfig,
  maskSecrets,
  type NodeConfig,
  parseEndpoint,
  parseNodes,
  validate,
} from "./config.js";
