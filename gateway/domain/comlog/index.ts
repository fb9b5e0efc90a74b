export { ComlogBuilder, type ComlogBuilderOptions } from "./builder.js";
