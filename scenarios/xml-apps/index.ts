export {
  type AppRequest,
  type DirectoryEntry,
  keypadDigits,
  type QueueStatus,
  sampleXmlAppCa,
  startDirectoryAppFor,
  XmlDirectoryApp,
} from "./directory-app.js";
