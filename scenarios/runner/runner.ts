/**
 * Runs a scenario: plays its steps against a sandbox (emulator + gateway), as the application
 * (REST API and event channel only) and as the phones (the emulator handle), once or as a load.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Sandbox, startSandbox } from "../environment.js";
import type { Scenario, Step } from "../format/index.js";
import { type EventStream, type O2gClient, type O2gEvent, O2gHttpError } from "../o2g-client/index.js";
import { interpolate, mismatch, pick, type Vars } from "./match.js";

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
  sandbox?: Sandbox;
  /** a line of progress now and then (load runs), or per step */
  progress?: (line: string, final: boolean) => void;
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

interface Actor {
  name: string;
  login: string;
  number: string;
  password: string;
  admin: boolean;
  client?: O2gClient;
  stream?: EventStream;
}

/** One run of the steps, with its own users, variables and sessions. */
class Instance {
  readonly vars = new Map<string, unknown>();
  readonly actors = new Map<string, Actor>();
  readonly results: StepResult[] = [];

  constructor(
    readonly scenario: Scenario,
    readonly env: Sandbox,
    readonly hooks: WebhookReceiver,
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

  private actor(name: string): Actor {
    const a = this.actors.get(name);
    if (!a) throw new Error(`no actor ${name}`);
    return a;
  }

  private client(name: string): O2gClient {
    const a = this.actor(name);
    if (!a.client) throw new Error(`${name} is not logged in (add a login step first)`);
    return a.client;
  }

  private stream(name: string): EventStream {
    const a = this.actor(name);
    if (!a.stream) throw new Error(`${name} has no subscription (add a subscribe step first)`);
    return a.stream;
  }

  private value(t: Parameters<typeof interpolate>[0]): unknown {
    return interpolate(t, this.vars as Vars);
  }

  private text(t: Parameters<typeof interpolate>[0], what: string): string {
    const v = this.value(t);
    if (v === undefined || v === null || typeof v === "object")
      throw new Error(`${what} is ${JSON.stringify(v)}`);
    return String(v);
  }

  /** A destination: an actor's name stands for their number. */
  private destination(t: Parameters<typeof interpolate>[0]): string {
    const v = this.text(t, "destination");
    return this.actors.get(v)?.number || v;
  }

  /** The call a step names, or the actor's only call. */
  private async callRef(
    actor: string,
    t: Parameters<typeof interpolate>[0] | undefined,
    state?: string,
  ): Promise<string> {
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

  private async step(step: Step, index: string, report?: (r: StepResult) => void): Promise<void> {
    const env = this.env;
    switch (step.kind) {
      case "login":
        await Promise.all(
          step.actors.map(async (name) => {
            const a = this.actor(name);
            a.client = a.admin ? await env.loginAdmin() : await env.loginUser(a.number);
          }),
        );
        return;
      case "logout":
        for (const name of step.actors) {
          const a = this.actor(name);
          a.stream?.close();
          await a.client?.close();
          a.client = undefined;
          a.stream = undefined;
        }
        return;
      case "subscribe":
        await Promise.all(
          step.actors.map(async (name) => {
            const a = this.actor(name);
            const c = this.client(name);
            const ids = a.admin ? [] : [a.login];
            const selectors = step.packages.map((p) => ({ ids, names: [p] }));
            if (step.webhook) {
              a.stream = await c.subscribe(selectors, this.hooks.urlFor(a.login));
              this.hooks.attach(a.login, a.stream);
            } else a.stream = await c.subscribe(selectors);
          }),
        );
        return;
      case "call": {
        const a = this.actor(step.from);
        const body: Record<string, unknown> = {
          deviceId: step.device !== undefined ? this.text(step.device, "device") : a.number,
          callee: this.destination(step.to),
        };
        if (step.autoAnswer !== undefined) body.autoAnswer = step.autoAnswer;
        const r = await this.client(step.from).post<{ callRef: string }>("telephony", "calls", body);
        if (step.capture) this.vars.set(step.capture, r.body.callRef);
        return;
      }
      case "answer": {
        const a = this.actor(step.actor);
        const ref = await this.callRef(step.actor, step.call, "RINGING_INCOMING");
        await this.client(step.actor).post("telephony", `calls/${ref}/answer`, { deviceId: a.number });
        return;
      }
      case "release": {
        const ref = await this.callRef(step.actor, step.call);
        await this.client(step.actor).del("telephony", `calls/${ref}`);
        return;
      }
      case "hold":
      case "retrieve": {
        const a = this.actor(step.actor);
        await this.client(step.actor).post(
          "telephony",
          `calls/${this.text(step.call, "call")}/${step.kind}`,
          { deviceId: a.number },
        );
        return;
      }
      case "transfer":
      case "merge":
        await this.client(step.actor).post(
          "telephony",
          `calls/${this.text(step.active, "active")}/${step.kind}`,
          {
            heldCallRef: this.text(step.held, "held"),
          },
        );
        return;
      case "forward": {
        const c = this.client(step.actor);
        const to = this.text(step.to, "forward.to");
        if (to === "none") {
          await c.del("routing", "forwardroute");
          return;
        }
        const destination =
          to === "VOICEMAIL" ? { type: "VOICEMAIL" } : { type: "NUMBER", number: this.destination(to) };
        await c.post("routing", "forwardroute", {
          forwardRoute: {
            ...(step.when === "IMMEDIATE" ? {} : { forwardType: step.when }),
            destinations: [destination],
          },
        });
        return;
      }
      case "dnd":
        if (step.on) await this.client(step.actor).post("routing", "dnd");
        else await this.client(step.actor).del("routing", "dnd");
        return;
      case "redirect":
        await this.client(step.actor).post("telephony", `calls/${this.text(step.call, "call")}/redirect`, {
          redirectTo: this.destination(step.to),
        });
        return;
      case "blindTransfer":
        await this.client(step.actor).post(
          "telephony",
          `calls/${this.text(step.call, "call")}/blindtransfer`,
          {
            transferTo: this.destination(step.to),
          },
        );
        return;
      case "phone": {
        const phone = env.emulator.phone(this.actor(step.actor).number);
        if (step.action === "dial") phone.dial(this.destination(step.number!));
        else if (step.action === "hangUp") phone.hangUp();
        else phone.offHook();
        return;
      }
      case "expect": {
        const wait = async (e: (typeof step.all)[number]) => {
          const s = this.stream(e.actor);
          const expected = e.match === undefined ? undefined : this.value(e.match);
          const what = `${e.actor}'s ${e.event}${expected === undefined ? "" : ` matching ${JSON.stringify(expected)}`}`;
          let got: O2gEvent;
          try {
            got = await s.next(
              (ev) => ev.eventName === e.event && (expected === undefined || mismatch(expected, ev) === null),
              step.timeoutMs,
              what,
            );
          } catch (err) {
            const near = s
              .pending()
              .filter((ev) => ev.eventName === e.event)
              .map((ev) => mismatch(expected, ev))
              .filter(Boolean);
            throw new Error(
              `expected ${what} within ${step.timeoutMs} ms; ${(err as Error).message.replace(/^timed out.*?; /, "")}` +
                (near.length ? `; closest ${e.event}: ${near[0]}` : ""),
            );
          }
          for (const [v, path] of Object.entries(e.capture ?? {})) this.vars.set(v, pick(got, path));
        };
        if (step.ordered) for (const e of step.all) await wait(e);
        else await Promise.all(step.all.map(wait));
        return;
      }
      case "noEvent": {
        // Only what arrives from now on counts: earlier events are another step's business.
        const s = this.stream(step.actor);
        const from = s.events.length;
        const expected = step.match === undefined ? undefined : this.value(step.match);
        await new Promise((r) => setTimeout(r, step.withinMs));
        const got = s.events
          .slice(from)
          .find(
            (ev) =>
              (!step.event || ev.eventName === step.event) &&
              (expected === undefined || mismatch(expected, ev) === null),
          );
        if (got)
          throw new Error(`${step.actor} received ${got.eventName} ${JSON.stringify(got).slice(0, 200)}`);
        return;
      }
      case "request": {
        const c = this.client(step.actor);
        const query = (this.value(step.query) ?? {}) as Record<string, string>;
        const url = c.url(step.service, this.text(step.path, "path"), query);
        const body = step.body === undefined ? undefined : this.value(step.body);
        const r = await c.send(step.method, url, body);
        if (step.status ? r.status !== step.status : r.status < 200 || r.status > 299) {
          throw new Error(
            `${step.method} ${url} answered ${r.status}${step.status ? `, expected ${step.status}` : ""}: ${JSON.stringify(r.body)}`,
          );
        }
        if (step.match !== undefined) {
          const m = mismatch(this.value(step.match), r.body);
          if (m) throw new Error(`the answer does not match: ${m}`);
        }
        for (const [v, path] of Object.entries(step.capture ?? {})) this.vars.set(v, pick(r.body, path));
        return;
      }
      case "wait":
        await new Promise((r) => setTimeout(r, step.ms));
        return;
      case "set":
        for (const [k, v] of Object.entries(step.vars)) this.vars.set(k, this.value(v));
        return;
      case "loop":
        for (let n = 0; n < step.times; n++) await this.run(step.steps, `${index}.${n + 1}.`, report);
        return;
      case "fault":
        applyFault(env, step);
        return;
      case "incident": {
        const { node, code, rack, board, equipment } = step;
        const raised = env.emulator.node(node).analytics.incidents.raise({
          code,
          ...(rack !== undefined ? { rack } : {}),
          ...(board !== undefined ? { board } : {}),
          ...(equipment !== undefined ? { equipment } : {}),
        });
        if (step.capture) this.vars.set(step.capture, raised.text);
        return;
      }
      case "log":
        console.log(`[${this.scenario.name}] ${String(this.value(step.message))}`);
        return;
    }
  }

  async close(): Promise<void> {
    for (const a of this.actors.values()) {
      a.stream?.close();
      await a.client?.close().catch(() => undefined);
    }
  }
}

function applyFault(env: Sandbox, step: Extract<Step, { kind: "fault" }>): void {
  const node = env.emulator.node(step.node);
  const servers =
    step.link === "csta" ? [node.csta] : step.link === "cmip" ? [node.cmip] : [node.csta, node.cmip];
  switch (step.fault) {
    case "drop":
      for (const s of servers) s.dropLinks();
      return;
    case "delay":
      for (const s of servers)
        Object.assign(s.faults, { delayMs: step.ms ?? 0, jitterMs: step.jitterMs ?? 0 });
      return;
    case "stall":
      for (const s of servers) s.faults.stalled = true;
      return;
    case "garbage":
      for (const s of servers) s.sendGarbage(Buffer.from("this is not BER \xff\xfe\x00\x01", "latin1"));
      return;
    case "refuse":
      for (const s of servers) s.faults.refuseUntil = Date.now() + (step.ms ?? 0);
      return;
    case "clear":
      for (const s of servers)
        Object.assign(s.faults, { delayMs: 0, jitterMs: 0, stalled: false, refuseUntil: 0 });
      return;
    case "switchover":
      if (!node.redundant) {
        throw new Error(
          `node ${step.node} is not a redundant pair: add "redundant: true" to the scenario's emulator block`,
        );
      }
      node.switchover(step.flavour ?? "clean");
      return;
  }
}

/** Receives webhook deliveries for the scenario's actors and feeds them to their event streams. */
class WebhookReceiver {
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
  const links: Record<string, number> = {};
  if (scenario.gateway.heartbeatMs !== undefined) links.heartbeatMs = scenario.gateway.heartbeatMs;
  if (scenario.gateway.heartbeatMisses !== undefined)
    links.heartbeatMisses = scenario.gateway.heartbeatMisses;
  const env =
    opts.sandbox ??
    (await startSandbox(
      {
        users: e.users ?? 100,
        nodes: e.nodes ?? 1,
        seed: e.seed ?? 1,
        network,
        ...(e.maxMonitorsPerNode ? { maxMonitorsPerNode: e.maxMonitorsPerNode } : {}),
        ...(e.redundant ? { redundant: true } : {}),
      },
      { links },
    ));
  const hooks = new WebhookReceiver();
  await hooks.start();
  try {
    if (!scenario.load) {
      const inst = new Instance(scenario, env, hooks, 0);
      let failure: string | undefined;
      try {
        await inst.run(scenario.steps, "", (r) =>
          opts.progress?.(
            `${r.ok ? "ok  " : "FAIL"} ${r.index.padEnd(6)} ${r.label} (${Math.round(r.ms)} ms)${r.error ? `\n       ${r.error}` : ""}`,
            false,
          ),
        );
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
    if (own) await env.stop();
  }
}

async function runLoad(
  scenario: Scenario,
  env: Sandbox,
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
