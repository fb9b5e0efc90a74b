export { junitReport } from "./junit.js";
export { markdownReport } from "./markdown.js";
