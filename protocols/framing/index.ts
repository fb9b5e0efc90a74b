export {
  FRAME_HEADER_BYTES,
  FrameDecoder,
  type FrameSink,
  FramingError,
  MAX_FRAME_BYTES,
  encodeFrame,
} from "./frame-decoder.js";
