/**
 * O2G's error answer: the stand-in throws the gateway's own O2gError (its module imports nothing
 * Node-only, so it bundles for the browser), rendered by `body()` exactly as the gateway renders it.
 */
export { type ErrorBlock, O2gError as MockError } from "../services/common/errors.js";
