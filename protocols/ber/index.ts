export { dumpBer } from "./dump.js";
export { BerError, type BerErrorCode } from "./errors.js";
export { BerReader, isAscii, shortLatin1 } from "./reader.js";
export {
  app,
  appC,
  asConstructed,
  asPrimitive,
  ctx,
  ctxC,
  describeTag,
  isConstructed,
  type Tag,
  TagClass,
  tag,
  tagClass,
  tagNumber,
  U,
} from "./tags.js";
export { BerWriter } from "./writer.js";
