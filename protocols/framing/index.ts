export {
  encodeFrame,
  FRAME_HEADER_BYTES,
  FrameDecoder,
  type FrameSink,
  FramingError,
  MAX_FRAME_BYTES,
} from "./frame-decoder.js";
