/**
 * Scenario files (YAML) into Scenario objects, with errors that say where: "file:line:col:
 * message". The YAML tree is walked node by node (not converted first) so that every error
 * can point at the key or value at fault.
 */
import { readFileSync } from "node:fs";
import { isScalar, isSeq, LineCounter, type Node, parseDocument, type Scalar, type YAMLSeq } from "yaml";
import { type ParseContext, STEP_KINDS, STEPS } from "../steps/index.js";
import type { ActorDef, LoadProfile, Scenario, Step } from "./types.js";
import { closest, ScenarioSyntaxError, Walker } from "./walker.js";

export { ScenarioSyntaxError } from "./walker.js";

export function parseScenario(text: string, file = "<scenario>"): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const w = new Walker(file, lines);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const p = lines.linePos(e.pos[0]);
    throw new ScenarioSyntaxError({ file, line: p.line, col: p.col }, `YAML: ${e.message.split("\n")[0]}`);
  }
  const top = w.fields(
    doc.contents,
    "the scenario",
    ["name", "description", "emulator", "gateway", "actors", "steps", "load", "xmlApp"],
    ["name", "steps"],
  );
  const scenario: Scenario = {
    name: w.str(top.get("name")!.value, "name"),
    description: top.has("description") ? w.str(top.get("description")!.value, "description") : "",
    file,
    emulator: {},
    gateway: {},
    actors: new Map(),
    steps: [],
  };
  const emu = top.get("emulator");
  if (emu) {
    const keys = [
      "users",
      "nodes",
      "seed",
      "ringTimeout",
      "noAnswerForward",
      "failedCallClear",
      "huntNoAnswer",
      "maxMonitorsPerNode",
      "redundant",
      "agentsPercent",
      "ccdWrapUp",
      "ccdQueueSize",
    ] as const;
    for (const [k, v] of w.fields(emu.value, "emulator", keys)) {
      if (k === "redundant") scenario.emulator.redundant = w.bool(v.value, "emulator.redundant");
      else if (k === "ringTimeout")
        scenario.emulator.ringTimeoutMs = w.duration(v.value, "emulator.ringTimeout");
      else if (k === "noAnswerForward")
        scenario.emulator.noAnswerForwardMs = w.duration(v.value, "emulator.noAnswerForward");
      else if (k === "failedCallClear")
        scenario.emulator.failedCallClearMs = w.duration(v.value, "emulator.failedCallClear");
      else if (k === "huntNoAnswer")
        scenario.emulator.huntNoAnswerMs = w.duration(v.value, "emulator.huntNoAnswer");
      else if (k === "ccdWrapUp") scenario.emulator.ccdWrapUpMs = w.duration(v.value, "emulator.ccdWrapUp");
      else if (k === "ccdQueueSize")
        scenario.emulator.ccdQueueSize = w.int(v.value, "emulator.ccdQueueSize", 0);
      else if (k === "agentsPercent") {
        const pct = w.int(v.value, "emulator.agentsPercent", 0);
        if (pct > 100) w.fail(v.value, "emulator.agentsPercent is a percentage (0..100)");
        scenario.emulator.agentsPercent = pct;
      } else
        scenario.emulator[k as "users" | "nodes" | "seed" | "maxMonitorsPerNode"] = w.int(
          v.value,
          `emulator.${k}`,
          k === "seed" ? 0 : 1,
        );
    }
  }
  const gw = top.get("gateway");
  if (gw) {
    for (const [k, v] of w.fields(gw.value, "gateway", ["heartbeat", "heartbeatMisses", "ha"])) {
      if (k === "heartbeat") scenario.gateway.heartbeatMs = w.duration(v.value, "gateway.heartbeat");
      else if (k === "ha") scenario.gateway.ha = w.bool(v.value, "gateway.ha");
      else scenario.gateway.heartbeatMisses = w.int(v.value, "gateway.heartbeatMisses", 1);
    }
  }
  const xmlApp = top.get("xmlApp");
  if (xmlApp) {
    if (w.str(xmlApp.value, "xmlApp") !== "directory")
      w.fail(xmlApp.value, "xmlApp: the sample is directory");
    scenario.xmlApp = "directory";
  }
  const actorsNode = top.get("actors");
  if (actorsNode) {
    for (const pair of w.map(actorsNode.value, "actors").items) {
      const name = String((pair.key as Scalar).value);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
        w.fail(pair.key as Node, `actor name "${name}" must be a word`);
      const f = w.fields(pair.value as Node, `actor ${name}`, ["user", "number", "admin"]);
      const a: ActorDef = { name, pos: w.pos(pair.key as Node) };
      if (f.has("user")) a.user = w.int(f.get("user")!.value, `actor ${name}.user`);
      if (f.has("number")) a.number = w.str(f.get("number")!.value, `actor ${name}.number`);
      if (f.has("admin")) a.admin = w.bool(f.get("admin")!.value, `actor ${name}.admin`);
      const kinds = Number(a.user !== undefined) + Number(a.number !== undefined) + Number(!!a.admin);
      if (kinds !== 1)
        w.fail(pair.value as Node, `actor ${name} needs exactly one of user, number or admin: true`);
      scenario.actors.set(name, a);
    }
  }
  const stepsNode = top.get("steps")!.value;
  scenario.steps = parseSteps(new StepReader(file, lines, scenario.actors), stepsNode);
  const load = top.get("load");
  if (load) scenario.load = parseLoad(w, load.value);
  return scenario;
}

function parseLoad(w: Walker, node: Node): LoadProfile {
  const f = w.fields(node, "load", ["instances", "rate", "duration", "iterations"], ["instances", "rate"]);
  const l: LoadProfile = {
    instances: w.int(f.get("instances")!.value, "load.instances", 1),
    rate: (() => {
      const v = f.get("rate")!.value;
      const n = isScalar(v) ? v.value : undefined;
      if (typeof n !== "number" || n <= 0)
        w.fail(v, "load.rate must be a positive number of instances per second");
      return n;
    })(),
  };
  if (f.has("duration")) l.durationMs = w.duration(f.get("duration")!.value, "load.duration");
  if (f.has("iterations")) l.iterations = w.int(f.get("iterations")!.value, "load.iterations", 1);
  if (l.durationMs === undefined && l.iterations === undefined)
    w.fail(node, "load needs a duration or a number of iterations");
  return l;
}

/** The walker, with the scenario's actors: what each step kind's parser reads with. */
class StepReader extends Walker implements ParseContext {
  constructor(
    file: string,
    lines: LineCounter,
    private readonly actors: Map<string, ActorDef>,
  ) {
    super(file, lines);
  }

  actor(n: Node | null | undefined, what: string): string {
    const name = this.str(n, what);
    if (!this.actors.has(name))
      this.fail(
        n,
        `${what}: no actor "${name}"${this.actors.size ? ` (actors: ${[...this.actors.keys()].join(", ")})` : ""}`,
      );
    return name;
  }

  actorList(n: Node | null | undefined, what: string): string[] {
    return this.names(n, what).map((name, i) => {
      if (!this.actors.has(name))
        this.fail(isSeq(n) ? ((n as YAMLSeq<Node>).items[i] as Node) : n, `${what}: no actor "${name}"`);
      return name;
    });
  }

  steps(node: Node): Step[] {
    return parseSteps(this, node);
  }
}

function parseSteps(w: StepReader, node: Node): Step[] {
  if (!isSeq(node)) w.fail(node, "steps must be a list");
  return (node as YAMLSeq<Node>).items.map((item, i) => parseStep(w, item, i));
}

function parseStep(w: StepReader, item: Node, index: number): Step {
  const m = w.map(item, `step ${index + 1}`);
  if (m.items.length !== 1)
    w.fail(
      item,
      `step ${index + 1} must have exactly one action (found ${m.items.map((p) => String((p.key as Scalar).value)).join(", ")})`,
    );
  const pair = m.items[0]!;
  const keyNode = pair.key as Scalar;
  const kind = String(keyNode.value);
  const entry = STEPS.get(kind);
  if (!entry) {
    const hint = closest(kind, STEP_KINDS);
    w.fail(keyNode, `unknown step "${kind}"${hint ? ` (did you mean "${hint}"?)` : ""}`);
  }
  const { body, label } = entry.parse(pair.value as Node, w, kind as Step["kind"]);
  return { ...body, pos: w.pos(item), label } as Step;
}

export function loadScenario(file: string): Scenario {
  return parseScenario(readFileSync(file, "utf8"), file);
}
