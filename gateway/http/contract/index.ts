export { DEFAULT_ERROR_RESPONSES, type O2gErrorJson, O2gErrorRef, O2gErrorSchema } from "./error-schema.js";
export { EVENT_SCHEMAS } from "./event-schemas.js";
export {
  type ContractSchemaExtras,
  EXPLORER_URL,
  OPENAPI_URL,
  type RegisteredRoute,
  registerContract,
} from "./openapi.js";
export { checkResponsesAgainstSchemas } from "./response-check.js";
export { cachedSerializerCompiler, type LazySerializer } from "./serialization.js";
export { SERVICE_TAGS, type ServiceTag, serviceTagOf } from "./services.js";
export { type LazyValidator, validatorCompiler } from "./validation.js";
