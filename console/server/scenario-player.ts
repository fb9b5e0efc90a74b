/**
 * The console's scenario player: the library (scenarios/library/*.yaml) listed with each
 * scenario's steps and expected events, one run at a time, its steps' results as they end, and
 * the run's Markdown and JUnit reports (scenarios/report). Administrators only; not O2G's, so
 * outside the OpenAPI document.
 *
 *   GET  /api/console/scenarios                       the library
 *   POST /api/console/scenarios/{file}/runs            run it: 202 {runId}; 409 while another runs
 *   GET  /api/console/scenarios/runs/{runId}           {state, ok, steps, failure, where, durationMs}
 *   GET  /api/console/scenarios/runs/{runId}/report.md the Markdown report (once done)
 *   GET  /api/console/scenarios/runs/{runId}/report.xml the JUnit report (once done)
 *
 * Where it runs: against the console's own sandbox (the board shows the calls happen) when the
 * scenario fits it: enough users and nodes, a standby when it switches over, and none of the
 * emulator or link timings it would set, nor an XML application (those need an emulator and a
 * gateway started for them). Otherwise, and for load scenarios, in a sandbox of its own, started
 * for the run and stopped after it; the answer says which.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { conflict, notFound } from "../../gateway/services/common/errors.js";
import { requireAdmin, session } from "../../gateway/services/common/request.js";
import type { Emulator } from "../../oxe-emulator/index.js";
import type { ScenarioEnv } from "../../scenarios/environment.js";
import { loadScenario, type Scenario, type Step } from "../../scenarios/format/index.js";
import { O2gClient } from "../../scenarios/o2g-client/index.js";
import type { RunResult, StepResult } from "../../scenarios/runner/index.js";

export const SCENARIOS_PATH = "/api/console/scenarios";
const LIBRARY = path.resolve(import.meta.dirname, "../../scenarios/library");
/** the sandbox's administrator, as scenarios/environment.ts and sandbox.ts create it */
const ADMIN = { login: "admin", password: "Sandbox-Admin-1" };

const FileParams = Type.Object({ file: Type.String({ pattern: "^[a-z0-9-]{1,80}\\.yaml$" }) });
const RunParams = Type.Object({ runId: Type.Integer({ minimum: 1, maximum: 1_000_000 }) });
const StepInfo = Type.Object({
  index: Type.String(),
  label: Type.String(),
  line: Type.Integer(),
  expects: Type.Array(Type.String(), { description: "the events an expect step waits for: actor: event" }),
});
const ScenarioInfo = Type.Object({
  file: Type.String(),
  name: Type.String(),
  description: Type.String(),
  live: Type.Boolean({ description: "runs against the console's sandbox (else in a sandbox of its own)" }),
  load: Type.Boolean(),
  steps: Type.Array(StepInfo),
});
const Library = Type.Object({ scenarios: Type.Array(ScenarioInfo) });
const StepResultSchema = Type.Object({
  index: Type.String(),
  label: Type.String(),
  line: Type.Integer(),
  ms: Type.Number(),
  ok: Type.Boolean(),
  error: Type.Optional(Type.String()),
});
const RunState = Type.Object({
  runId: Type.Integer(),
  file: Type.String(),
  state: Type.Union([Type.Literal("running"), Type.Literal("done")]),
  where: Type.Union([Type.Literal("live"), Type.Literal("own sandbox")]),
  ok: Type.Optional(Type.Boolean()),
  failure: Type.Optional(Type.String()),
  durationMs: Type.Optional(Type.Number()),
  steps: Type.Array(StepResultSchema),
});
const Text = Type.String();

interface Run {
  runId: number;
  file: string;
  where: "live" | "own sandbox";
  steps: StepResult[];
  result?: RunResult;
  crash?: string;
}

function libraryFiles(): string[] {
  return readdirSync(LIBRARY)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
}

function expectsOf(step: Step): string[] {
  if (step.kind === "expect") return step.all.map((e) => `${e.actor}: ${e.event}`);
  if (step.kind === "noEvent") return [`${step.actor}: no ${step.event ?? "event"}`];
  return [];
}

/** The top-level steps (a loop's own steps report as 3.1, 3.2... under it as they run). */
function stepsOf(steps: Step[]): { index: string; label: string; line: number; expects: string[] }[] {
  return steps.map((s, i) => ({
    index: String(i + 1),
    label: s.label,
    line: s.pos.line,
    expects: expectsOf(s),
  }));
}

/** Whether the scenario can run against this emulator as it was started. */
export function fitsLive(s: Scenario, emulator: Emulator): boolean {
  const e = s.emulator;
  if (s.load) return false;
  // an XML application needs a sandbox whose PRS trusts its CA (the runner starts one)
  if ("xmlApp" in s && s.xmlApp !== undefined) return false;
  if (e.ringTimeoutMs !== undefined || e.noAnswerForwardMs !== undefined || e.failedCallClearMs !== undefined)
    return false;
  if (e.maxMonitorsPerNode !== undefined) return false;
  // Link timings, a gateway pair...: whatever the scenario asks of the gateway, this one was not started with.
  if (Object.values(s.gateway).some((v) => v !== undefined)) return false;
  if ((e.nodes ?? 1) > emulator.nodes.length) return false;
  if (e.redundant && !emulator.nodes.every((n) => n.redundant)) return false;
  let span = 0;
  for (const a of s.actors.values()) {
    if (a.user !== undefined) span = Math.max(span, a.user + 1);
    if (a.number !== undefined && !emulator.directory.byNumber.has(a.number)) return false;
  }
  if (e.users !== undefined && e.users > 1000) return false; // a scenario about size wants its size
  return span <= emulator.directory.subscribers.length;
}

/** The console's sandbox as the runner sees one: the emulator, and logins to this gateway. */
function liveSandbox(emulator: Emulator, baseUrl: string, ca: string | undefined): ScenarioEnv {
  const dispatcher = O2gClient.dispatcherFor(ca ? { ca } : {});
  const clients: O2gClient[] = [];
  const login = async (login: string, password: string) => {
    const c = await O2gClient.login({ baseUrl, login, password, ...(ca ? { ca } : {}) }, dispatcher);
    clients.push(c);
    return c;
  };
  return {
    emulator,
    loginUser: (number) => login(`oxe${number}`, emulator.directory.options.password),
    loginAdmin: () => login(ADMIN.login, ADMIN.password),
    async stop() {
      for (const c of clients) await c.close().catch(() => undefined);
      await dispatcher.close();
    },
  };
}

export function scenarioPlayerRoutes(emulator: Emulator) {
  return async function scenarioPlayer(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const core = app.core;
    app.addHook("onRequest", async (req: FastifyRequest) => requireAdmin(session(core, req)));
    const runs = new Map<number, Run>();
    let lastId = 0;
    let running: Run | undefined;
    const hidden = { hide: true } as const;

    const load = (file: string): Scenario => {
      if (!libraryFiles().includes(file)) throw notFound(`no scenario ${file} in the library`);
      return loadScenario(path.join(LIBRARY, file));
    };

    app.get("/", { schema: { ...hidden, response: { 200: Library } } }, async () => ({
      scenarios: libraryFiles().map((file) => {
        const s = load(file);
        return {
          file,
          name: s.name,
          description: s.description,
          live: fitsLive(s, emulator),
          load: s.load !== undefined,
          steps: stepsOf(s.steps),
        };
      }),
    }));

    app.post(
      "/:file/runs",
      {
        schema: { ...hidden, params: FileParams, response: { 202: Type.Object({ runId: Type.Integer() }) } },
      },
      async (req, reply) => {
        const scenario = load(req.params.file);
        if (running) throw conflict(`scenario ${running.file} is running (run ${running.runId})`);
        const where = fitsLive(scenario, emulator) ? "live" : "own sandbox";
        const run: Run = { runId: ++lastId, file: req.params.file, where, steps: [] };
        runs.set(run.runId, run);
        // Only the last few runs are kept.
        for (const id of runs.keys()) if (runs.size > 20 && id !== run.runId) runs.delete(id);
        running = run;
        const caFile = path.join(core.config.dataDir, "tls", "ca.pem");
        let ca: string | undefined;
        try {
          ca = readFileSync(caFile, "utf8");
        } catch {
          ca = undefined; // a customer's certificate: trusted by the system's store
        }
        const base = `https://127.0.0.1:${req.socket.localPort}`;
        void (async () => {
          const sandbox = where === "live" ? liveSandbox(emulator, base, ca) : undefined;
          try {
            // Loaded when first used: the runner starts sandboxes, which serve this console.
            const { runScenario } = await import("../../scenarios/runner/index.js");
            run.result = await runScenario(scenario, {
              ...(sandbox ? { sandbox } : {}),
              onStep: (r) => run.steps.push(r),
            });
          } catch (err) {
            run.crash = (err as Error).message;
          } finally {
            await sandbox?.stop().catch(() => undefined);
            running = undefined;
          }
        })();
        return reply.code(202).send({ runId: run.runId });
      },
    );

    const find = (runId: number): Run => {
      const r = runs.get(runId);
      if (!r) throw notFound(`no run ${runId}`);
      return r;
    };
    const finished = (runId: number): RunResult => {
      const r = find(runId);
      if (!r.result)
        throw conflict(r.crash ? `run ${runId} crashed: ${r.crash}` : `run ${runId} is not done`);
      return r.result;
    };

    app.get(
      "/runs/:runId",
      { schema: { ...hidden, params: RunParams, response: { 200: RunState } } },
      async (req) => {
        const r = find(req.params.runId);
        const done = r.result !== undefined || r.crash !== undefined;
        const failure = r.crash ?? r.result?.failure;
        return {
          runId: r.runId,
          file: r.file,
          state: done ? ("done" as const) : ("running" as const),
          where: r.where,
          steps: r.steps,
          ...(done ? { ok: r.result?.ok ?? false } : {}),
          ...(failure ? { failure } : {}),
          ...(r.result ? { durationMs: r.result.durationMs } : {}),
        };
      },
    );
    app.get(
      "/runs/:runId/report.md",
      { schema: { ...hidden, params: RunParams, response: { 200: Text } } },
      async (req, reply) => {
        const { markdownReport } = await import("../../scenarios/report/index.js");
        const text = markdownReport([finished(req.params.runId)]);
        return reply
          .type("text/markdown; charset=utf-8")
          .header("content-disposition", `attachment; filename="scenario-${req.params.runId}.md"`)
          .send(text);
      },
    );
    app.get(
      "/runs/:runId/report.xml",
      { schema: { ...hidden, params: RunParams, response: { 200: Text } } },
      async (req, reply) => {
        const { junitReport } = await import("../../scenarios/report/index.js");
        const text = junitReport([finished(req.params.runId)]);
        return reply
          .type("application/xml; charset=utf-8")
          .header("content-disposition", `attachment; filename="scenario-${req.params.runId}.xml"`)
          .send(text);
      },
    );
  };
}
