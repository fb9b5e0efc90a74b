/**
 * One-way layers (contract issue #12): read the import graph the TypeScript compiler sees and
 * fail on an import that goes up a layer or on files that import each other in a circle.
 *
 * Inside gateway/, bottom first: config/ store/ events/, links/, domain/, core.ts (which wires
 * links and domain into the object the services use), services/, http/ (the fastify app, its
 * error rendering and guards), and the entry points. Between the top folders: protocols/
 * imports none of the others, gateway/ and oxe-emulator/ never import each other, and gateway/
 * imports nothing of scenarios/, bench/ or test/.
 *
 * Tests are not judged (`*.test.ts` may start an emulator to talk to a gateway part).
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ImportGraph,
  importCircles,
  importsBetween,
  type Layer,
  readImportGraph,
  subgraph,
  upwardImports,
} from "./import-graph.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

const under =
  (...prefixes: string[]) =>
  (file: string) =>
    prefixes.some((p) => (p.endsWith("/") ? file.startsWith(p) : file === p));

const GATEWAY_LAYERS: readonly Layer[] = [
  { name: "config, store, events", contains: under("gateway/config/", "gateway/store/", "gateway/events/") },
  { name: "links", contains: under("gateway/links/") },
  { name: "domain", contains: under("gateway/domain/") },
  // per node: the links put to work for the domain (startup monitoring and snapshot, events
  // into the telephony engine, re-monitoring after a switchover, routing over CSTA and CMIP)
  { name: "nodes", contains: under("gateway/nodes/") },
  { name: "core", contains: under("gateway/core.ts") },
  { name: "services", contains: under("gateway/services/") },
  // msw handlers for front-end developers: beside the services, on the same schemas; nothing
  // of the gateway imports them
  { name: "mock", contains: under("gateway/mock/") },
  { name: "http", contains: under("gateway/http/") },
  // the WSS agent serves the REST API through the fastify application, over a socket it opens
  { name: "wss agent", contains: under("gateway/wss-agent/") },
  {
    name: "entry points",
    contains: under("gateway/gateway.ts", "gateway/index.ts", "gateway/cli.ts", "gateway/last-resort.ts"),
  },
];

/**
 * Upward imports still to remove, each named so the list can only shrink: the test fails on
 * any upward import not listed here, and on a listed one that is gone (delete its line).
 */
const KNOWN_UPWARD = new Set<string>([]);

const isTest = (f: string) => /\.test\.ts$/.test(f);
const production = (g: ImportGraph) => subgraph(g, (f) => !isTest(f));
const line = (u: { from: string; to: string }) => `${u.from} -> ${u.to}`;

describe("the layering rules, on small graphs", () => {
  const graph = (edges: Record<string, string[]>): ImportGraph => {
    const g = new Map<string, Set<string>>();
    for (const [from, to] of Object.entries(edges)) {
      g.set(from, new Set(to));
      for (const t of to) if (!g.has(t)) g.set(t, new Set());
    }
    return g;
  };
  const layers: Layer[] = [
    { name: "links", contains: under("links/") },
    { name: "domain", contains: under("domain/") },
    { name: "http", contains: under("http/") },
  ];

  it("accepts imports that go down or stay level", () => {
    const g = graph({
      "http/a.ts": ["domain/b.ts", "links/c.ts", "http/d.ts"],
      "domain/b.ts": ["links/c.ts"],
    });
    expect(upwardImports(g, layers)).toEqual([]);
  });

  it("names an import that goes up", () => {
    const g = graph({ "domain/b.ts": ["http/a.ts", "links/c.ts"], "links/c.ts": ["domain/x.ts"] });
    expect(upwardImports(g, layers).map(line)).toEqual([
      "domain/b.ts -> http/a.ts",
      "links/c.ts -> domain/x.ts",
    ]);
  });

  it("finds a circle however long, and a file importing itself", () => {
    const g = graph({
      "a.ts": ["b.ts"],
      "b.ts": ["c.ts"],
      "c.ts": ["d.ts", "a.ts"],
      "d.ts": [],
      "self.ts": ["self.ts"],
    });
    expect(importCircles(g)).toEqual([["a.ts", "b.ts", "c.ts"], ["self.ts"]]);
  });

  it("finds no circle in a diamond", () => {
    const g = graph({ "a.ts": ["b.ts", "c.ts"], "b.ts": ["d.ts"], "c.ts": ["d.ts"] });
    expect(importCircles(g)).toEqual([]);
  });

  it("follows a chain far longer than the call stack would allow", () => {
    const n = 50_000;
    const edges: Record<string, string[]> = {};
    for (let i = 0; i < n; i++) edges[`f${i}.ts`] = [`f${i + 1}.ts`];
    edges[`f${n}.ts`] = ["f0.ts"];
    expect(importCircles(graph(edges))[0]).toHaveLength(n + 1);
  });
});

describe("the repository's imports", () => {
  let graph: ImportGraph;
  beforeAll(() => {
    graph = production(readImportGraph(ROOT));
  }, 60_000);

  it("reads the real graph (a sanity check that it is not empty)", () => {
    expect(graph.get("gateway/core.ts")?.has("gateway/links/index.ts")).toBe(true);
  });

  it("has no import going up a layer inside gateway/", () => {
    const upward = upwardImports(graph, GATEWAY_LAYERS).map(
      (u) => `${line(u)} (${u.fromLayer} imports ${u.toLayer})`,
    );
    const unknown = upward.filter((u) => !KNOWN_UPWARD.has(u.slice(0, u.indexOf(" ("))));
    expect(unknown).toEqual([]);
    const still = new Set(upward.map((u) => u.slice(0, u.indexOf(" ("))));
    expect([...KNOWN_UPWARD].filter((k) => !still.has(k))).toEqual([]);
  });

  it("has every gateway/ file in a layer", () => {
    const gateway = [...graph.keys()].filter((f) => f.startsWith("gateway/"));
    expect(gateway.filter((f) => !GATEWAY_LAYERS.some((l) => l.contains(f)))).toEqual([]);
  });

  it("has no circle of imports in gateway/", () => {
    expect(importCircles(subgraph(graph, (f) => f.startsWith("gateway/")))).toEqual([]);
  });

  it("keeps the top folders apart", () => {
    const top = (name: string) => (f: string) => f.startsWith(`${name}/`);
    const outsideProtocols = (f: string) => !f.startsWith("protocols/");
    expect(importsBetween(graph, top("protocols"), outsideProtocols)).toEqual([]);
    expect(importsBetween(graph, top("oxe-emulator"), top("gateway"))).toEqual([]);
    for (const other of ["oxe-emulator", "scenarios", "bench", "test"])
      expect(importsBetween(graph, top("gateway"), top(other))).toEqual([]);
  });
});
