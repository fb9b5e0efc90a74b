/** The MIB of an emulated node: its schema, its configuration store and the managed objects. */
export { PROG_KEY_ATTRIBUTES, SOFT_KEY_ATTRIBUTES, SUBSCRIBER_ATTRIBUTES } from "./attribute-ids.js";
export { matches } from "./filter.js";
export { NodeMib } from "./node-mib.js";
export { EMULATED_OXE_VERSION } from "./objects.js";
export {
  attr,
  CLASSES,
  COST_CENTER_CLASS,
  classById,
  classByName,
  ENTITY_CLASS,
  HUNT_GROUP_CLASS,
  HUNT_GROUP_MEMBER_CLASS,
  KEY_FUNCTIONS,
  NODE_CLASS,
  OBJECT_MODEL_CLASS,
  PIN_CONTROLS,
  PROG_KEY_CLASS,
  SOFT_KEY_CLASS,
  SUBSCRIBER_CLASS,
  softKeyCount,
} from "./schema.js";
export { type NodeConfigStore, nodeConfig } from "./store.js";
export {
  instanceError,
  invalidValue,
  type ManagedObject,
  type MibChange,
  MibError,
  type MibResult,
  processingFailure,
} from "./types.js";
export { valueProblem } from "./values.js";
