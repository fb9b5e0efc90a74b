/**
 * The console's benchmarks: the startup snapshot bench and the phone set programming bench of
 * bench/ (the same code as `npm run bench -- snapshot | set-programming`), run from the page,
 * one at a time, with their progress, their rows and their charts (bench/report's SVG, the
 * vendor's figures or goal drawn next to ours). Each starts its own emulator and gateway
 * processes, as the CLI does; the console's sandbox is not touched. Administrators only.
 *
 *   POST /api/console/bench/{kind}/runs   {points?: number[]} | {workers?: number[], ops?: number}: 202 {runId}
 *   GET  /api/console/bench/runs/{runId}  {state, done, total, lines, rows, notes, charts}
 *
 * Sizes are bounded (a page is not the place for the 100,000-user point: `npm run bench`).
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { conflict, notFound } from "../../gateway/services/common/errors.js";
import { requireAdmin, session } from "../../gateway/services/common/request.js";

export const BENCH_PATH = "/api/console/bench";

const KindParams = Type.Object({
  kind: Type.Union([Type.Literal("snapshot"), Type.Literal("set-programming")]),
});
const RunParams = Type.Object({ runId: Type.Integer({ minimum: 1, maximum: 1_000_000 }) });
const RunBody = Type.Object({
  points: Type.Optional(
    Type.Array(Type.Integer({ minimum: 100, maximum: 50_000 }), { minItems: 1, maxItems: 6 }),
  ),
  workers: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 8 }), { minItems: 1, maxItems: 4 })),
  ops: Type.Optional(Type.Integer({ minimum: 100, maximum: 20_000 })),
});
const Cell = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);
const RunState = Type.Object({
  runId: Type.Integer(),
  kind: Type.String(),
  state: Type.Union([Type.Literal("running"), Type.Literal("done"), Type.Literal("failed")]),
  done: Type.Integer({ description: "progress steps done, of total" }),
  total: Type.Integer(),
  lines: Type.Array(Type.String()),
  rows: Type.Array(Type.Record(Type.String(), Cell)),
  notes: Type.Array(Type.String()),
  charts: Type.Array(Type.Object({ name: Type.String(), svg: Type.String() })),
  error: Type.Optional(Type.String()),
});
type Run = {
  runId: number;
  kind: string;
  state: "running" | "done" | "failed";
  done: number;
  total: number;
  lines: string[];
  rows: Record<string, string | number | boolean | null>[];
  notes: string[];
  charts: { name: string; svg: string }[];
  error?: string;
};

export async function benchRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const core = app.core;
  app.addHook("onRequest", async (req: FastifyRequest) => requireAdmin(session(core, req)));
  const runs = new Map<number, Run>();
  let lastId = 0;
  let running: Run | undefined;
  const hidden = { hide: true } as const;

  app.post(
    "/:kind/runs",
    {
      schema: {
        ...hidden,
        params: KindParams,
        body: RunBody,
        response: { 202: Type.Object({ runId: Type.Integer() }) },
      },
    },
    async (req, reply) => {
      if (running) throw conflict(`the ${running.kind} bench is running (run ${running.runId})`);
      const { kind } = req.params;
      const body = req.body ?? {};
      const points = body.points ?? [1000, 3000, 5000];
      const workers = body.workers ?? [1, 2, 4];
      const ops = body.ops ?? 2000;
      const run: Run = {
        runId: ++lastId,
        kind,
        state: "running",
        done: 0,
        // the progress lines each bench prints: per point a start and an end per run, and a summary;
        // per worker count: warming up, Set, Get, the result
        total: kind === "snapshot" ? points.length * 3 : workers.length * 4,
        lines: [],
        rows: [],
        notes: [],
        charts: [],
      };
      runs.set(run.runId, run);
      for (const id of runs.keys()) if (runs.size > 10 && id !== run.runId) runs.delete(id);
      running = run;
      const progress = (line: string) => {
        run.lines.push(line);
        run.done = Math.min(run.total, run.done + 1);
      };
      void (async () => {
        try {
          // Loaded when asked: the benches pull in worker threads and process spawning.
          const out =
            kind === "snapshot"
              ? await (await import("../../bench/snapshot/index.js")).snapshotBench({
                  points,
                  repeat: 1,
                  progress,
                })
              : await (await import("../../bench/set-programming/index.js")).setProgrammingBench({
                  workers,
                  ops,
                  users: 200,
                  progress,
                });
          run.rows = out.res.rows;
          run.notes = out.res.notes ?? [];
          run.charts = Object.entries(out.charts).map(([name, svg]) => ({ name, svg }));
          run.done = run.total;
          run.state = "done";
        } catch (err) {
          run.error = (err as Error).message;
          run.state = "failed";
        } finally {
          running = undefined;
        }
      })();
      return reply.code(202).send({ runId: run.runId });
    },
  );

  app.get(
    "/runs/:runId",
    { schema: { ...hidden, params: RunParams, response: { 200: RunState } } },
    async (req) => {
      const r = runs.get(req.params.runId);
      if (!r) throw notFound(`no bench run ${req.params.runId}`);
      return r;
    },
  );
}
