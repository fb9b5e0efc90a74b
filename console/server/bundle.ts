/**
 * The console's browser code, bundled by esbuild (a devDependency `npm ci` brings) when the
 * sandbox starts: no build step to remember, no files to keep in step with the sources. One
 * build per process (about a tenth of a second), kept in memory and served from there.
 */
import path from "node:path";
import { build } from "esbuild";

export interface ConsoleBundle {
  /** the application script (ES module, preact + htm inside) */
  readonly js: string;
  readonly css: string;
  readonly html: string;
}

const APP_DIR = path.resolve(import.meta.dirname, "../app");

let pending: Promise<ConsoleBundle> | undefined;

/** The bundle, built on the first call and shared by every later one. */
export function consoleBundle(): Promise<ConsoleBundle> {
  pending ??= buildConsole().catch((err: unknown) => {
    pending = undefined; // a failed build is retried by the next caller
    throw err;
  });
  return pending;
}

async function buildConsole(): Promise<ConsoleBundle> {
  const result = await build({
    entryPoints: [path.join(APP_DIR, "main.ts"), path.join(APP_DIR, "console.css")],
    bundle: true,
    write: false,
    format: "esm",
    target: "es2022",
    minify: true,
    // Errors in the browser point at the TypeScript sources.
    sourcemap: "inline",
    outdir: "/console",
    logLevel: "silent",
  });
  const out = (ext: string) => {
    const f = result.outputFiles.find((o) => o.path.endsWith(ext));
    if (!f) throw new Error(`the console bundle has no ${ext} output`);
    return f.text;
  };
  return { js: out(".js"), css: out(".css"), html: INDEX_HTML };
}

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>o2g-testbench console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/main.css">
</head>
<body>
<div id="root"></div>
<script type="module" src="/console/main.js"></script>
</body>
</html>
`;
