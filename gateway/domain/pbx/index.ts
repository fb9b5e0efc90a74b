export { configurationLink, type NodeLookup, onNode, parseNodeId } from "./access.js";
export { fromCmip, nodeUnreachable } from "./errors.js";
export { parseInstanceFilter } from "./filter.js";
export {
  type AttributeModelJson,
  childClasses,
  type InstancePath,
  type ObjectModelJson,
  objectIdOf,
  objectModelJson,
  type PbxAttributeJson,
  type PbxObjectJson,
  pbxObjectJson,
  resolveInstancePath,
} from "./model.js";
export { provisioningOf, UserProvisioning } from "./provisioning.js";
export {
  loadedSubscriber,
  SUBSCRIBER_ATTRIBUTES,
  SubscriberSync,
  type SubscriberSyncHost,
  subscriberSyncOf,
  userAttributes,
} from "./subscriber-sync.js";
export { scalar, toCmipValue, toRestValue } from "./values.js";
