/**
 * The scripts that benches and tests start as processes of their own (a gateway, an emulator,
 * the bare fastify baseline), run as one ES module each that esbuild bundles from the sources,
 * packages left to node_modules.
 *
 * Why not `node --import tsx` as before: tsx compiles each file as it is imported, through loader
 * hooks on a thread of their own, some 3 s of CPU for a gateway to start against 1.5 s bundled;
 * and it keeps every function's name (esbuild's keepNames), a call for each closure the code
 * makes, a cost inside the very paths a benchmark times. A bundle is what a deployment would
 * run. `O2G_SPAWN_TSX=1` goes back to tsx (source file names and lines in stack traces).
 *
 * Built at most once per process and script, into node_modules/.cache (packages resolve from
 * there as from the sources), named by a hash of its content, so that test files building the
 * same script at once never read half of another's file.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

const ROOT = path.resolve(import.meta.dirname, "../..");
const OUT = path.join(ROOT, "node_modules", ".cache", "o2g-bundles");

/** The gateway's pg-mem thread: a bundle of its own, named to the gateway by O2G_MEMORY_WORKER. */
export const MEMORY_WORKER = "gateway/store/memory-worker.ts";

const built = new Map<string, Promise<string>>();

/**
 * `import.meta.url` and `import.meta.dirname` of each source file stay its own, not the
 * bundle's: the code finds the files it reads beside it (the test license key, the pg-mem boot
 * file) where they are. (META is spelt in pieces so that this file, bundled too, keeps its own
 * text intact.)
 */
const META = ["import", "meta"].join(".");
const asIfFromSource: Plugin = {
  name: "import-meta-of-the-source",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = await readFile(args.path, "utf8");
      return {
        loader: "ts",
        contents: source
          .replaceAll(`${META}.dirname`, JSON.stringify(path.dirname(args.path)))
          .replaceAll(`${META}.url`, JSON.stringify(pathToFileURL(args.path).href)),
      };
    });
  },
};

/** The bundle of `script` (a path from the repository's root): its absolute path. */
export function bundled(script: string): Promise<string> {
  let out = built.get(script);
  if (!out) {
    out = bundle(script);
    built.set(script, out);
    out.catch(() => built.delete(script));
  }
  return out;
}

async function bundle(script: string): Promise<string> {
  const res = await build({
    entryPoints: [path.join(ROOT, script)],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    write: false,
    logLevel: "silent",
    plugins: [asIfFromSource],
  });
  const code = res.outputFiles[0]?.contents;
  if (!code) throw new Error(`esbuild wrote nothing for ${script}`);
  const hash = createHash("sha256").update(code).digest("hex").slice(0, 16);
  const file = path.join(OUT, `${path.basename(script, ".ts")}-${hash}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(OUT, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
    forgetOld(path.basename(script, ".ts"), file);
  }
  return file;
}

/** Earlier builds of the same script, once no process can still be about to load them. */
function forgetOld(name: string, keep: string): void {
  const before = Date.now() - 10 * 60_000;
  for (const f of readdirSync(OUT)) {
    const file = path.join(OUT, f);
    if (file === keep || !f.startsWith(`${name}-`)) continue;
    try {
      if (statSync(file).mtimeMs < before) unlinkSync(file);
    } catch {
      // another process removed it first
    }
  }
}
