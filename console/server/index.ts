export { type ConsoleBundle, consoleBundle } from "./bundle.js";
export { type DemoTraffic, startDemoTraffic } from "./demo-traffic.js";
export { CONTROL_ROOT } from "./emulator-control.js";
export { CONSOLE_PATH, type ConsoleRoutesOptions, consoleRoutes } from "./routes.js";
