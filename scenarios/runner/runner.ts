/**
 * Runs a scenario: plays its steps against a sandbox (emulator + gateway), as the application
 * (REST API and event channel only) and as the phones (the emulator handle), once or as a load.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type ScenarioEnv, startSandbox } from "../environment.js";
import { startHaSandbox } from "../environment-ha.js";
import type { Scenario, Step, Template } from "../format/index.js";
import { type EventStream, type O2gClient, type O2gEvent, O2gHttpError } from "../o2g-client/index.js";
import { type Actor, type RunContext, STEPS, type Webhooks } from "../steps/index.js";
import { sampleXmlAppCa, startDirectoryAppFor } from "../xml-apps/index.js";
import { interpolate, type Vars } from "./match.js";

export interface StepResult {
  index: string;
  label: string;
  line: number;
  ms: number;
  ok: boolean;
  error?: string;
}

export interface StepStats {
  label: string;
  line: number;
  count: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LoadStats {
  started: number;
  succeeded: number;
  failed: number;
  durationMs: number;
  ratePerSec: number;
  steps: StepStats[];
  firstFailures: string[];
}

export interface RunResult {
  scenario: Scenario;
  ok: boolean;
  durationMs: number;
  steps: StepResult[];
  failure?: string;
  load?: LoadStats;
}

export interface RunOptions {
  /** run against this sandbox instead of starting one */
  sandbox?: ScenarioEnv;
  /** a line of progress now and then (load runs), or per step */
  progress?: (line: string, final: boolean) => void;
  /** each step's result as it ends (steps inside a loop too): the console's scenario player */
  onStep?: (r: StepResult) => void;
}

export class StepFailure extends Error {
  constructor(
    readonly step: Step,
    readonly index: string,
    message: string,
  ) {
    super(`step ${index} "${step.label}" (${step.pos.file}:${step.pos.line}): ${message}`);
  }
}

/** One run of the steps, with its own users, variables and sessions. */
class Instance implements RunContext {
  readonly vars = new Map<string, unknown>();
  readonly actors = new Map<string, Actor>();
  readonly results: StepResult[] = [];

  constructor(
    readonly scenario: Scenario,
    readonly env: ScenarioEnv,
    readonly hooks: Webhooks,
    offset: number,
  ) {
    const dir = env.emulator.directory;
    for (const def of scenario.actors.values()) {
      let a: Actor;
      if (def.admin) {
        a = { name: def.name, login: "admin", number: "", password: "Sandbox-Admin-1", admin: true };
      } else {
        const sub =
          def.number !== undefined ? dir.byNumber.get(def.number) : dir.subscribers[(def.user ?? 0) + offset];
        if (!sub) {
          throw new Error(
            `${def.pos.file}:${def.pos.line}: actor ${def.name}: no such user (${def.number ?? `index ${(def.user ?? 0) + offset}`}) among ${dir.subscribers.length}`,
          );
        }
        a = {
          name: def.name,
          login: sub.loginName,
          number: sub.directoryNumber,
          password: sub.password,
          admin: false,
        };
        this.vars.set(`${def.name}.lastName`, sub.lastName);
        this.vars.set(`${def.name}.firstName`, sub.firstName);
      }
      this.actors.set(def.name, a);
      this.vars.set(`${def.name}.number`, a.number);
      this.vars.set(`${def.name}.login`, a.login);
    }
  }

  actor(name: string): Actor {
    const a = this.actors.get(name);
    if (!a) throw new Error(`no actor ${name}`);
    return a;
  }

  client(name: string): O2gClient {
    const a = this.actor(name);
    // Behind a failover client, the session of the moment (a new one after each recovery).
    const c = a.failover?.client ?? a.client;
    if (!c) throw new Error(`${name} is not logged in (add a login step first)`);
    return c;
  }

  stream(name: string): EventStream {
    const a = this.actor(name);
    if (!a.stream) throw new Error(`${name} has no subscription (add a subscribe step first)`);
    return a.stream;
  }

  value(t: Template | undefined): unknown {
    return interpolate(t, this.vars as Vars);
  }

  text(t: Template | undefined, what: string): string {
    const v = this.value(t);
    if (v === undefined || v === null || typeof v === "object")
      throw new Error(`${what} is ${JSON.stringify(v)}`);
    return String(v);
  }

  /** A destination: an actor's name stands for their number. */
  destination(t: Template | undefined): string {
    const v = this.text(t, "destination");
    return this.actors.get(v)?.number || v;
  }

  /** The call a step names, or the actor's only call. */
  async callRef(actor: string, t: Template | undefined, state?: string): Promise<string> {
    if (t !== undefined) return this.text(t, "call");
    const calls = (
      await this.client(actor).get<{ calls: { callRef: string; legs: { state: string }[] }[] }>(
        "telephony",
        "calls",
      )
    ).body.calls;
    const c = state ? calls.find((x) => x.legs.some((l) => l.state === state)) : calls[0];
    if (!c) throw new Error(`${actor} has no ${state ? `${state} ` : ""}call`);
    return c.callRef;
  }

  async run(steps: Step[], prefix = "", report?: (r: StepResult) => void): Promise<void> {
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      const index = `${prefix}${i + 1}`;
      const t0 = performance.now();
      try {
        await this.step(step, index, report);
        const r = { index, label: step.label, line: step.pos.line, ms: performance.now() - t0, ok: true };
        this.results.push(r);
        report?.(r);
      } catch (err) {
        const message =
          err instanceof O2gHttpError
            ? `${err.method} ${err.url.replace(/^https?:\/\/[^/]+/, "")} answered ${err.status}: ${JSON.stringify(err.body)}`
            : (err as Error).message;
        const r = {
          index,
          label: step.label,
          line: step.pos.line,
          ms: performance.now() - t0,
          ok: false,
          error: message,
        };
        this.results.push(r);
        report?.(r);
        if (err instanceof StepFailure) throw err;
        throw new StepFailure(step, index, message);
      }
    }
  }

  /** One step, through the step table (its kind's entry holds its parse and its run). */
  private async step(step: Step, index: string, report?: (r: StepResult) => void): Promise<void> {
    const entry = STEPS.get(step.kind);
    if (!entry) throw new Error(`no step kind ${step.kind}`);
    await entry.run(step, this, { index, runSteps: (steps, prefix) => this.run(steps, prefix, report) });
  }

  async close(): Promise<void> {
    for (const a of this.actors.values()) {
      a.stream?.close();
      await a.client?.close().catch(() => undefined);
      await a.failover?.close().catch(() => undefined);
    }
  }
}

/** Receives webhook deliveries for the scenario's actors and feeds them to their event streams. */
class WebhookReceiver implements Webhooks {
  private server: Server | undefined;
  private port = 0;
  private readonly streams = new Map<string, EventStream>();

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const login = decodeURIComponent(req.url?.split("/").pop() ?? "");
        try {
          this.streams.get(login)?.push(JSON.parse(body) as O2gEvent);
          res.writeHead(200).end();
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", () => r()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  urlFor(login: string): string {
    return `http://127.0.0.1:${this.port}/hooks/${encodeURIComponent(login)}`;
  }

  attach(login: string, stream: EventStream): void {
    this.streams.set(login, stream);
    stream.push({ eventName: "OnChannelInformation", text: "webhook" });
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
  }
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** How many generated users one instance uses (the highest user index it names, plus one). */
function userSpan(s: Scenario): number {
  let span = 0;
  for (const a of s.actors.values()) if (a.user !== undefined) span = Math.max(span, a.user + 1);
  return span;
}

export async function runScenario(scenario: Scenario, opts: RunOptions = {}): Promise<RunResult> {
  const own = !opts.sandbox;
  const t0 = performance.now();
  const e = scenario.emulator;
  const network: Record<string, number> = {};
  if (e.ringTimeoutMs !== undefined) network.ringTimeoutMs = e.ringTimeoutMs;
  if (e.noAnswerForwardMs !== undefined) network.noAnswerForwardMs = e.noAnswerForwardMs;
  if (e.failedCallClearMs !== undefined) network.failedCallClearMs = e.failedCallClearMs;
  if (e.huntNoAnswerMs !== undefined) network.huntNoAnswerMs = e.huntNoAnswerMs;
  const links: Record<string, number> = {};
  if (scenario.gateway.heartbeatMs !== undefined) links.heartbeatMs = scenario.gateway.heartbeatMs;
  if (scenario.gateway.heartbeatMisses !== undefined)
    links.heartbeatMisses = scenario.gateway.heartbeatMisses;
  const emu = {
    users: e.users ?? 100,
    nodes: e.nodes ?? 1,
    seed: e.seed ?? 1,
    network,
    ...(e.maxMonitorsPerNode ? { maxMonitorsPerNode: e.maxMonitorsPerNode } : {}),
    ...(e.redundant ? { redundant: true } : {}),
    ...(e.agentsPercent ? { agents: e.agentsPercent / 100 } : {}),
    ...(e.ccdWrapUpMs !== undefined ? { ccdWrapUpMs: e.ccdWrapUpMs } : {}),
    ...(e.ccdQueueSize !== undefined ? { ccdQueueSize: e.ccdQueueSize } : {}),
  };
  if (opts.sandbox && scenario.gateway.ha)
    throw new Error(
      `${scenario.file}: gateway.ha starts its own pair of gateways; it cannot run on a given sandbox`,
    );
  const env: ScenarioEnv =
    opts.sandbox ??
    (scenario.gateway.ha
      ? await startHaSandbox(emu, links)
      : await startSandbox(emu, { links, ...(scenario.xmlApp ? { xmlPrs: { ca: sampleXmlAppCa() } } : {}) }));
  // The sample XML application the sets' XML key starts (a given sandbox must trust its CA).
  const xmlApp = scenario.xmlApp ? await startDirectoryAppFor(env.emulator) : undefined;
  const hooks = new WebhookReceiver();
  await hooks.start();
  try {
    if (!scenario.load) {
      const inst = new Instance(scenario, env, hooks, 0);
      let failure: string | undefined;
      try {
        await inst.run(scenario.steps, "", (r) => {
          opts.onStep?.(r);
          opts.progress?.(
            `${r.ok ? "ok  " : "FAIL"} ${r.index.padEnd(6)} ${r.label} (${Math.round(r.ms)} ms)${r.error ? `\n       ${r.error}` : ""}`,
            false,
          );
        });
      } catch (err) {
        failure = (err as Error).message;
      } finally {
        await inst.close();
      }
      return {
        scenario,
        ok: !failure,
        durationMs: performance.now() - t0,
        steps: inst.results,
        ...(failure ? { failure } : {}),
      };
    }
    const load = await runLoad(scenario, env, hooks, opts);
    return {
      scenario,
      ok: load.failed === 0,
      durationMs: performance.now() - t0,
      steps: [],
      load,
      ...(load.failed
        ? { failure: `${load.failed} of ${load.started} instance(s) failed; first: ${load.firstFailures[0]}` }
        : {}),
    };
  } finally {
    await hooks.stop();
    await xmlApp?.stop();
    if (own) await env.stop();
  }
}

async function runLoad(
  scenario: Scenario,
  env: ScenarioEnv,
  hooks: WebhookReceiver,
  opts: RunOptions,
): Promise<LoadStats> {
  const load = scenario.load!;
  const span = Math.max(1, userSpan(scenario));
  const slots = Math.floor(env.emulator.directory.subscribers.length / span);
  if (slots < load.instances) {
    throw new Error(
      `load: ${load.instances} concurrent instances need ${load.instances * span} users; the emulator has ${env.emulator.directory.subscribers.length}`,
    );
  }
  const free = Array.from({ length: slots }, (_, i) => i);
  const durations = new Map<string, { label: string; line: number; ms: number[]; failures: number }>();
  let started = 0;
  let succeeded = 0;
  let failed = 0;
  let running = 0;
  const firstFailures: string[] = [];
  const t0 = performance.now();
  const deadline = load.durationMs !== undefined ? t0 + load.durationMs : Number.POSITIVE_INFINITY;
  const maxIterations = load.iterations ?? Number.POSITIVE_INFINITY;
  const interval = 1000 / load.rate;
  const progress = setInterval(() => {
    const s = Math.round((performance.now() - t0) / 1000);
    opts.progress?.(
      `[${s}s] started ${started}  ok ${succeeded}  failed ${failed}  running ${running}`,
      false,
    );
  }, 1000);
  const all: Promise<void>[] = [];
  const runOne = async (slot: number) => {
    running++;
    const inst = new Instance(scenario, env, hooks, slot * span);
    try {
      await inst.run(scenario.steps);
      succeeded++;
    } catch (err) {
      failed++;
      if (firstFailures.length < 5) firstFailures.push((err as Error).message);
    } finally {
      for (const r of inst.results) {
        const key = `${r.line}:${r.label.replace(/\d{4,}/g, "#")}`;
        let d = durations.get(key);
        if (!d) {
          d = { label: r.label.replace(/\d{4,}/g, "#"), line: r.line, ms: [], failures: 0 };
          durations.set(key, d);
        }
        d.ms.push(r.ms);
        if (!r.ok) d.failures++;
      }
      await inst.close();
      running--;
      free.push(slot);
    }
  };
  try {
    let next = performance.now();
    while (started < maxIterations && performance.now() < deadline) {
      const now = performance.now();
      if (now < next) await new Promise((r) => setTimeout(r, next - now));
      next += interval;
      if (running >= load.instances || free.length === 0) continue;
      started++;
      all.push(runOne(free.shift()!));
    }
    await Promise.all(all);
  } finally {
    clearInterval(progress);
  }
  const durationMs = performance.now() - t0;
  opts.progress?.(
    `done: ${started} instance(s), ${succeeded} ok, ${failed} failed in ${(durationMs / 1000).toFixed(1)} s`,
    true,
  );
  return {
    started,
    succeeded,
    failed,
    durationMs,
    ratePerSec: started / (durationMs / 1000),
    steps: [...durations.values()]
      .sort((a, b) => a.line - b.line)
      .map((d) => {
        const sorted = [...d.ms].sort((x, y) => x - y);
        return {
          label: d.label,
          line: d.line,
          count: sorted.length,
          failures: d.failures,
          p50Ms: percentile(sorted, 50),
          p99Ms: percentile(sorted, 99),
          maxMs: sorted.at(-1) ?? 0,
        };
      }),
    firstFailures,
  };
}
