export { ADMIN, type Sandbox, startSandbox } from "../../scenarios/environment.js";
