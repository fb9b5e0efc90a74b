export {
  DEFAULT_USER_PASSWORD,
  type Directory,
  type DirectoryOptions,
  type Subscriber,
  defaultFirstNumber,
  generateDirectory,
  nodeOfIndex,
} from "./generate.js";
export { type DeviceKind, STATION_TYPES, type StationType, stationTypeByName, stationTypeFor } from "./station-types.js";
