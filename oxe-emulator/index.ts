export { NodeAnalytics } from "./analytics/index.js";
export { type Directory, generateDirectory, type Subscriber } from "./directory/index.js";
export {
  type CallServer,
  DEFAULT_EMULATOR_CONFIG,
  EmulatedNode,
  Emulator,
  type EmulatorConfig,
  type Endpoint,
  type Phone,
  type SwitchoverFlavour,
  startEmulator,
  XML_STATION_TYPES,
} from "./emulator.js";
export { type Call, type Connection, type Device, type ModelEvent, Network } from "./model/index.js";
export type { LinkFaults } from "./servers/common/faults.js";
export { VoiceMailStore } from "./voicemail/index.js";
export type { XmlBrowser, XmlBrowsers, XmlScreen } from "./xml-browser/index.js";
