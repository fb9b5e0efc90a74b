export { RsiRouter } from "./router.js";
export * from "./schema.js";
