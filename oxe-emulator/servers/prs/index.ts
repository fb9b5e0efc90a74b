export { PrsNodeServer, type PrsServerOptions } from "./node-server.js";
