export { BerError, type BerErrorCode } from "./errors.js";
export { BerReader } from "./reader.js";
export {
  type Tag,
  TagClass,
  U,
  app,
  appC,
  asConstructed,
  asPrimitive,
  ctx,
  ctxC,
  describeTag,
  isConstructed,
  tag,
  tagClass,
  tagNumber,
} from "./tags.js";
export { BerWriter } from "./writer.js";
export { dumpBer } from "./dump.js";
