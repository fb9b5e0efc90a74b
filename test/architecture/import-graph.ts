/**
 * The repository's import graph as the TypeScript compiler sees it, and the two questions the
 * layering test asks of it: which imports go up a layer, and which files import each other in a
 * circle.
 *
 * Why the compiler and not dependency-cruiser: dependency-cruiser 18 parses TypeScript through
 * the `typescript` package only for versions below 7 (its `supportedTranspilers`), and this
 * project is on TypeScript 7, whose compiler answers through `typescript/unstable/sync`. A
 * source file's `imports` there are the module specifiers the compiler itself collected:
 * static, `import type`, `export ... from` and dynamic `import()` alike.
 */
import path from "node:path";
import { API } from "typescript/unstable/sync";

/** file -> the files it imports; repository-relative paths with forward slashes */
export type ImportGraph = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Read the graph of every file of the program `tsconfig` describes, keeping relative imports
 * (packages and `node:` builtins are no layer of ours). NodeNext specifiers name the emitted
 * `.js`; the source is the `.ts` next to it.
 */
export function readImportGraph(root: string, tsconfig = "tsconfig.json"): ImportGraph {
  const api = new API({ cwd: root });
  try {
    const snapshot = api.updateSnapshot({ openProjects: [path.resolve(root, tsconfig)] });
    const project = snapshot.getProjects()[0];
    if (!project) throw new Error(`no project for ${tsconfig}`);
    const files = project.program
      .getSourceFileNames()
      .filter((f) => !f.includes("/node_modules/") && path.resolve(f).startsWith(path.resolve(root)));
    const known = new Set(files.map((f) => path.resolve(f)));
    const graph = new Map<string, Set<string>>();
    for (const file of files) {
      const source = project.program.getSourceFile(file);
      if (!source) continue;
      const targets = new Set<string>();
      for (const specifier of source.imports) {
        const text = (specifier as unknown as { text: string }).text;
        if (!text.startsWith(".")) continue;
        const target = resolveSource(path.resolve(path.dirname(file), text), known);
        if (target === undefined) throw new Error(`${file}: cannot resolve ${text}`);
        targets.add(relative(root, target));
      }
      graph.set(relative(root, file), targets);
    }
    return graph;
  } finally {
    api.close();
  }
}

function resolveSource(absolute: string, known: ReadonlySet<string>): string | undefined {
  const candidates = [absolute, absolute.replace(/\.js$/, ".ts"), absolute.replace(/\.mjs$/, ".mts")];
  return candidates.find((c) => known.has(c)) ?? (absolute.endsWith(".json") ? absolute : undefined);
}

function relative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join("/");
}

/** The graph restricted to the files `keep` accepts, as sources and as targets. */
export function subgraph(graph: ImportGraph, keep: (file: string) => boolean): ImportGraph {
  const out = new Map<string, Set<string>>();
  for (const [from, targets] of graph) {
    if (!keep(from)) continue;
    out.set(from, new Set([...targets].filter(keep)));
  }
  return out;
}

/**
 * The circles: each strongly connected component of more than one file (or a file importing
 * itself), its files sorted. Tarjan's algorithm, iterative so a long chain cannot overflow.
 */
export function importCircles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const circles: string[][] = [];
  let next = 0;
  const targetsOf = (f: string) => [...(graph.get(f) ?? [])];
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { file: string; targets: string[]; at: number }[] = [];
    const enter = (file: string) => {
      index.set(file, next);
      low.set(file, next);
      next++;
      stack.push(file);
      onStack.add(file);
      work.push({ file, targets: targetsOf(file), at: 0 });
    };
    enter(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      if (frame.at < frame.targets.length) {
        const t = frame.targets[frame.at++]!;
        if (!index.has(t)) enter(t);
        else if (onStack.has(t)) low.set(frame.file, Math.min(low.get(frame.file)!, index.get(t)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.file, Math.min(low.get(parent.file)!, low.get(frame.file)!));
      if (low.get(frame.file) !== index.get(frame.file)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.file);
      if (component.length > 1 || graph.get(frame.file)?.has(frame.file)) circles.push(component.sort());
    }
  }
  return circles;
}

/** A layer: a name and the files in it. Layers are listed bottom first. */
export interface Layer {
  name: string;
  contains: (file: string) => boolean;
}

export interface UpwardImport {
  from: string;
  fromLayer: string;
  to: string;
  toLayer: string;
}

/**
 * Every import from a file of one layer into a file of a higher one. Files of no layer are not
 * judged; a file in two layers belongs to the first that claims it.
 */
export function upwardImports(graph: ImportGraph, layers: readonly Layer[]): UpwardImport[] {
  const rank = (file: string) => layers.findIndex((l) => l.contains(file));
  const out: UpwardImport[] = [];
  for (const [from, targets] of graph) {
    const r = rank(from);
    if (r < 0) continue;
    for (const to of targets) {
      const t = rank(to);
      if (t > r) out.push({ from, fromLayer: layers[r]!.name, to, toLayer: layers[t]!.name });
    }
  }
  return out;
}

/** Imports from files `from` accepts into files `to` accepts, as "a -> b" lines. */
export function importsBetween(
  graph: ImportGraph,
  from: (file: string) => boolean,
  to: (file: string) => boolean,
): string[] {
  const out: string[] = [];
  for (const [f, targets] of graph) {
    if (!from(f)) continue;
    for (const t of targets) if (to(t)) out.push(`${f} -> ${t}`);
  }
  return out;
}
