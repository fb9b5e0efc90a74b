export { type FetchedPage, fetchPage, type PageFetch, PageFetchError } from "./fetch-page.js";
export { XML_PRS_HOLDER, type XmlPrsOptions, XmlPrsService } from "./service.js";
