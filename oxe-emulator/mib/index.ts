export { EMULATED_OXE_VERSION, type ManagedObject, MibError, matches, NodeMib } from "./mib.js";
export { attr, CLASSES, classById, NODE_CLASS, OBJECT_MODEL_CLASS, SUBSCRIBER_CLASS } from "./schema.js";
