export { type ExternalContact, externalContactCount, generateExternalContacts } from "./contacts.js";
export {
  DEFAULT_USER_PASSWORD,
  type Directory,
  type DirectoryOptions,
  defaultFirstNumber,
  generateDirectory,
  nodeOfIndex,
  type Subscriber,
} from "./generate.js";
export {
  type DeviceKind,
  STATION_TYPES,
  type StationType,
  stationTypeByName,
  stationTypeFor,
} from "./station-types.js";
