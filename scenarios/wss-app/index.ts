export { type Issued, type IssueOptions, issue, makeTestPki, type TestPki } from "./pki.js";
export { type TokenOptions, WssApp, type WssAppOptions, WssAppSession } from "./server.js";
