export {
  XmlBrowser,
  type XmlFetch,
  type XmlPageRequest,
  type XmlScreen,
  type XmlScreenState,
} from "./browser.js";
export { type PrsUplink, XmlBrowsers, type XmlBrowsersOptions } from "./hub.js";
