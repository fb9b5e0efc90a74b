// A worker thread does not inherit the tsx loader of the process: load the TypeScript worker
// through tsx's API. (Plain JavaScript on purpose: it runs before any loader.)
import { tsImport } from "tsx/esm/api";

await tsImport("./memory-worker.ts", import.meta.url);
