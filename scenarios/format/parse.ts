/**
 * Scenario files (YAML) into Scenario objects, with errors that say where: "file:line:col:
 * message". The YAML tree is walked node by node (not converted first) so that every error
 * can point at the key or value at fault.
 */
import { readFileSync } from "node:fs";
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import {
  type ActorDef,
  type Expectation,
  FAULT_KINDS,
  type FaultKind,
  type LoadProfile,
  PHONE_ACTIONS,
  type PhoneAction,
  type Pos,
  type Scenario,
  type Step,
  type StepBody,
  type Template,
} from "./types.js";

export class ScenarioSyntaxError extends Error {
  override readonly name = "ScenarioSyntaxError";
  constructor(
    readonly pos: Pos,
    readonly detail: string,
  ) {
    super(`${pos.file}:${pos.line}:${pos.col}: ${detail}`);
  }
}

const STEP_KINDS = [
  "login",
  "logout",
  "subscribe",
  "call",
  "answer",
  "release",
  "hold",
  "retrieve",
  "transfer",
  "merge",
  "redirect",
  "blindTransfer",
  "forward",
  "dnd",
  "phone",
  "expect",
  "noEvent",
  "request",
  "wait",
  "set",
  "loop",
  "fault",
  "incident",
  "log",
] as const;

const FORWARD_CONDITIONS = ["IMMEDIATE", "BUSY", "NO_ANSWER", "BUSY_NO_ANSWER"];

function closest(word: string, options: readonly string[]): string | undefined {
  const dist = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i]![j] = Math.min(
          d[i - 1]![j]! + 1,
          d[i]![j - 1]! + 1,
          d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
      }
    }
    return d[a.length]![b.length]!;
  };
  let best: string | undefined;
  let bestD = 3;
  for (const o of options) {
    const dd = dist(word.toLowerCase(), o.toLowerCase());
    if (dd < bestD) {
      best = o;
      bestD = dd;
    }
  }
  return best;
}

class Walker {
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  pos(node: Node | null | undefined): Pos {
    const offset = node?.range?.[0] ?? 0;
    const p = this.lines.linePos(offset);
    return { file: this.file, line: p.line, col: p.col };
  }

  fail(node: Node | null | undefined, msg: string): never {
    throw new ScenarioSyntaxError(this.pos(node), msg);
  }

  map(node: Node | null | undefined, what: string): YAMLMap<Scalar, Node> {
    if (!isMap(node)) this.fail(node, `${what} must be a mapping (key: value)`);
    return node as YAMLMap<Scalar, Node>;
  }

  /** The keys of a mapping, each checked against the allowed ones. */
  fields(
    node: Node | null | undefined,
    what: string,
    allowed: readonly string[],
    required: readonly string[] = [],
  ) {
    const m = this.map(node, what);
    const out = new Map<string, { value: Node; key: Scalar }>();
    for (const pair of m.items) {
      const key = pair.key as Scalar;
      const k = String(key?.value);
      if (!allowed.includes(k)) {
        const hint = closest(k, allowed);
        this.fail(
          key,
          `${what}: unknown key "${k}"${hint ? ` (did you mean "${hint}"?)` : ""}; allowed: ${allowed.join(", ")}`,
        );
      }
      if (out.has(k)) this.fail(key, `${what}: "${k}" given twice`);
      out.set(k, { value: pair.value as Node, key });
    }
    for (const r of required) if (!out.has(r)) this.fail(m, `${what}: "${r}" is required`);
    return out;
  }

  str(node: Node | null | undefined, what: string): string {
    if (!isScalar(node) || node.value === null || typeof node.value === "object")
      this.fail(node, `${what} must be a text`);
    return String(node.value);
  }

  int(node: Node | null | undefined, what: string, min = 0): number {
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min)
      this.fail(node, `${what} must be a whole number${min > 0 ? ` of at least ${min}` : ""}`);
    return v;
  }

  bool(node: Node | null | undefined, what: string): boolean {
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v !== "boolean") this.fail(node, `${what} must be true or false`);
    return v;
  }

  /** 500ms, 2s, 1.5s, 1m, or a bare number of milliseconds. */
  duration(node: Node | null | undefined, what: string): number {
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v === "number" && v >= 0) return v;
    const m = typeof v === "string" ? /^(\d+(?:\.\d+)?)\s*(ms|s|m)$/.exec(v.trim()) : null;
    if (!m) this.fail(node, `${what} must be a duration such as 500ms, 2s or 1m`);
    const n = Number(m[1]);
    return Math.round(m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : n * 60_000);
  }

  names(node: Node | null | undefined, what: string): string[] {
    if (isSeq(node)) return (node as YAMLSeq<Node>).items.map((x) => this.str(x, what));
    return [this.str(node, what)];
  }

  template(node: Node | null | undefined): Template {
    if (!node) return null;
    return node.toJSON() as Template;
  }

  /** `variable: path.in.the.object` pairs. */
  captures(node: Node | null | undefined, what: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const pair of this.map(node, what).items) {
      const k = String((pair.key as Scalar).value);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
        this.fail(pair.key as Node, `${what}: variable name "${k}" must be a word`);
      out[k] = this.str(pair.value as Node, `${what}.${k}`);
    }
    return out;
  }
}

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
    ["name", "description", "emulator", "gateway", "actors", "steps", "load"],
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
      "maxMonitorsPerNode",
      "redundant",
    ] as const;
    for (const [k, v] of w.fields(emu.value, "emulator", keys)) {
      if (k === "redundant") scenario.emulator.redundant = w.bool(v.value, "emulator.redundant");
      else if (k === "ringTimeout")
        scenario.emulator.ringTimeoutMs = w.duration(v.value, "emulator.ringTimeout");
      else if (k === "noAnswerForward")
        scenario.emulator.noAnswerForwardMs = w.duration(v.value, "emulator.noAnswerForward");
      else if (k === "failedCallClear")
        scenario.emulator.failedCallClearMs = w.duration(v.value, "emulator.failedCallClear");
      else
        scenario.emulator[k as "users" | "nodes" | "seed" | "maxMonitorsPerNode"] = w.int(
          v.value,
          `emulator.${k}`,
          k === "seed" ? 0 : 1,
        );
    }
  }
  const gw = top.get("gateway");
  if (gw) {
    for (const [k, v] of w.fields(gw.value, "gateway", ["heartbeat", "heartbeatMisses"])) {
      if (k === "heartbeat") scenario.gateway.heartbeatMs = w.duration(v.value, "gateway.heartbeat");
      else scenario.gateway.heartbeatMisses = w.int(v.value, "gateway.heartbeatMisses", 1);
    }
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
  scenario.steps = parseSteps(w, stepsNode, scenario.actors);
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

function parseSteps(w: Walker, node: Node, actors: Map<string, ActorDef>): Step[] {
  if (!isSeq(node)) w.fail(node, "steps must be a list");
  return (node as YAMLSeq<Node>).items.map((item, i) => parseStep(w, item, actors, i));
}

function parseStep(w: Walker, item: Node, actors: Map<string, ActorDef>, index: number): Step {
  const m = w.map(item, `step ${index + 1}`);
  if (m.items.length !== 1)
    w.fail(
      item,
      `step ${index + 1} must have exactly one action (found ${m.items.map((p) => String((p.key as Scalar).value)).join(", ")})`,
    );
  const pair = m.items[0]!;
  const keyNode = pair.key as Scalar;
  const kind = String(keyNode.value);
  if (!(STEP_KINDS as readonly string[]).includes(kind)) {
    const hint = closest(kind, STEP_KINDS);
    w.fail(keyNode, `unknown step "${kind}"${hint ? ` (did you mean "${hint}"?)` : ""}`);
  }
  const v = pair.value as Node;
  const actor = (n: Node | null | undefined, what: string) => {
    const name = w.str(n, what);
    if (!actors.has(name))
      w.fail(
        n,
        `${what}: no actor "${name}"${actors.size ? ` (actors: ${[...actors.keys()].join(", ")})` : ""}`,
      );
    return name;
  };
  const actorList = (n: Node | null | undefined, what: string) =>
    w.names(n, what).map((name, i) => {
      if (!actors.has(name))
        w.fail(isSeq(n) ? ((n as YAMLSeq<Node>).items[i] as Node) : n, `${what}: no actor "${name}"`);
      return name;
    });
  let body: StepBody;
  let label = kind;
  type Of<K extends StepBody["kind"]> = Extract<StepBody, { kind: K }>;
  switch (kind) {
    case "login":
    case "logout":
      {
        const b: Of<"login" | "logout"> = { kind, actors: actorList(v, kind) };
        body = b;
        label = `${kind} ${b.actors.join(", ")}`;
      }
      break;
    case "subscribe": {
      let b: Of<"subscribe">;
      if (isMap(v)) {
        const f = w.fields(v, "subscribe", ["actors", "actor", "packages", "webhook"]);
        const who = f.get("actors") ?? f.get("actor");
        if (!who) w.fail(v, "subscribe needs actor or actors");
        b = {
          kind,
          actors: actorList(who.value, "subscribe.actors"),
          packages: f.has("packages")
            ? w.names(f.get("packages")!.value, "subscribe.packages")
            : ["telephony"],
          webhook: f.has("webhook") ? w.bool(f.get("webhook")!.value, "subscribe.webhook") : false,
        };
      } else b = { kind, actors: actorList(v, "subscribe"), packages: ["telephony"], webhook: false };
      body = b;
      label = `subscribe ${b.actors.join(", ")} to ${b.packages.join(", ")}`;
      break;
    }
    case "call": {
      const f = w.fields(v, "call", ["from", "to", "device", "autoAnswer", "capture"], ["from", "to"]);
      const b: Of<"call"> = {
        kind,
        from: actor(f.get("from")!.value, "call.from"),
        to: w.template(f.get("to")!.value),
      };
      if (f.has("device")) b.device = w.template(f.get("device")!.value);
      if (f.has("autoAnswer")) b.autoAnswer = w.bool(f.get("autoAnswer")!.value, "call.autoAnswer");
      if (f.has("capture")) b.capture = w.str(f.get("capture")!.value, "call.capture");
      body = b;
      label = `call ${b.from} -> ${String(b.to)}`;
      break;
    }
    case "answer":
    case "release": {
      const f = w.fields(v, kind, ["actor", "call"], ["actor"]);
      const b: Of<"answer" | "release"> = { kind, actor: actor(f.get("actor")!.value, `${kind}.actor`) };
      if (f.has("call")) b.call = w.template(f.get("call")!.value);
      body = b;
      label = `${kind} ${b.actor}`;
      break;
    }
    case "hold":
    case "retrieve": {
      const f = w.fields(v, kind, ["actor", "call"], ["actor", "call"]);
      const b: Of<"hold" | "retrieve"> = {
        kind,
        actor: actor(f.get("actor")!.value, `${kind}.actor`),
        call: w.template(f.get("call")!.value),
      };
      body = b;
      label = `${kind} ${b.actor} ${String(b.call)}`;
      break;
    }
    case "transfer":
    case "merge": {
      const f = w.fields(v, kind, ["actor", "active", "held"], ["actor", "active", "held"]);
      const b: Of<"transfer" | "merge"> = {
        kind,
        actor: actor(f.get("actor")!.value, `${kind}.actor`),
        active: w.template(f.get("active")!.value),
        held: w.template(f.get("held")!.value),
      };
      body = b;
      label = `${kind} ${b.actor}`;
      break;
    }
    case "redirect":
    case "blindTransfer": {
      const f = w.fields(v, kind, ["actor", "call", "to"], ["actor", "call", "to"]);
      const b: Of<"redirect" | "blindTransfer"> = {
        kind,
        actor: actor(f.get("actor")!.value, `${kind}.actor`),
        call: w.template(f.get("call")!.value),
        to: w.template(f.get("to")!.value),
      };
      body = b;
      label = `${kind} ${b.actor} -> ${String(b.to)}`;
      break;
    }
    case "forward": {
      const f = w.fields(v, "forward", ["actor", "to", "when"], ["actor", "to"]);
      const when = f.has("when") ? w.str(f.get("when")!.value, "forward.when") : "IMMEDIATE";
      if (!FORWARD_CONDITIONS.includes(when))
        w.fail(f.get("when")!.value, `forward.when must be one of ${FORWARD_CONDITIONS.join(", ")}`);
      const b: Of<"forward"> = {
        kind,
        actor: actor(f.get("actor")!.value, "forward.actor"),
        to: w.template(f.get("to")!.value),
        when: when as Of<"forward">["when"],
      };
      body = b;
      label = `forward ${b.actor} -> ${String(b.to)}${when === "IMMEDIATE" ? "" : ` (${when})`}`;
      break;
    }
    case "dnd": {
      const f = w.fields(v, "dnd", ["actor", "on"], ["actor", "on"]);
      const b: Of<"dnd"> = {
        kind,
        actor: actor(f.get("actor")!.value, "dnd.actor"),
        on: w.bool(f.get("on")!.value, "dnd.on"),
      };
      body = b;
      label = `dnd ${b.on ? "on" : "off"} for ${b.actor}`;
      break;
    }
    case "phone": {
      const f = w.fields(v, "phone", ["actor", "action", "number"], ["actor", "action"]);
      const action = w.str(f.get("action")!.value, "phone.action");
      if (!(PHONE_ACTIONS as readonly string[]).includes(action)) {
        w.fail(f.get("action")!.value, `phone.action must be one of ${PHONE_ACTIONS.join(", ")}`);
      }
      const b: Of<"phone"> = {
        kind,
        actor: actor(f.get("actor")!.value, "phone.actor"),
        action: action as PhoneAction,
      };
      if (action === "dial") {
        if (!f.has("number")) w.fail(v, "phone dial needs a number");
        b.number = w.template(f.get("number")!.value);
      }
      body = b;
      label = `${b.actor}'s phone: ${action}${b.number !== undefined ? ` ${String(b.number)}` : ""}`;
      break;
    }
    case "expect": {
      const f = w.fields(v, "expect", ["actor", "event", "match", "capture", "timeout", "all", "ordered"]);
      const one = (
        n: Node,
        what: string,
        fields = w.fields(n, what, ["actor", "event", "match", "capture"], ["actor", "event"]),
      ) => {
        const e: Expectation = {
          actor: actor(fields.get("actor")!.value, `${what}.actor`),
          event: w.str(fields.get("event")!.value, `${what}.event`),
        };
        if (!/^On[A-Za-z]+$/.test(e.event))
          w.fail(
            fields.get("event")!.value,
            `${what}.event "${e.event}" is not an O2G event name (OnSomething)`,
          );
        if (fields.has("match")) e.match = w.template(fields.get("match")!.value);
        if (fields.has("capture")) e.capture = w.captures(fields.get("capture")!.value, `${what}.capture`);
        return e;
      };
      let all: Expectation[];
      if (f.has("all")) {
        if (f.has("actor") || f.has("event")) w.fail(v, "expect takes either actor+event or all, not both");
        const list = f.get("all")!.value;
        if (!isSeq(list)) w.fail(list, "expect.all must be a list of expectations");
        all = (list as YAMLSeq<Node>).items.map((n, i) => one(n, `expect.all[${i}]`));
      } else {
        if (!f.has("actor") || !f.has("event")) w.fail(v, "expect needs actor and event (or all: [...])");
        const copy = new Map(f);
        copy.delete("timeout");
        copy.delete("ordered");
        all = [one(v, "expect", copy)];
      }
      body = {
        kind: "expect",
        all,
        timeoutMs: f.has("timeout") ? w.duration(f.get("timeout")!.value, "expect.timeout") : 5000,
        ordered: f.has("ordered") ? w.bool(f.get("ordered")!.value, "expect.ordered") : false,
      };
      label = `expect ${all.map((e) => `${e.actor} ${e.event}`).join(", ")}`;
      break;
    }
    case "noEvent": {
      const f = w.fields(v, "noEvent", ["actor", "event", "match", "within"], ["actor", "within"]);
      const b: Of<"noEvent"> = {
        kind,
        actor: actor(f.get("actor")!.value, "noEvent.actor"),
        withinMs: w.duration(f.get("within")!.value, "noEvent.within"),
      };
      if (f.has("event")) b.event = w.str(f.get("event")!.value, "noEvent.event");
      if (f.has("match")) b.match = w.template(f.get("match")!.value);
      body = b;
      label = `no ${b.event ?? "event"} for ${b.actor} within ${b.withinMs} ms`;
      break;
    }
    case "request": {
      const f = w.fields(
        v,
        "request",
        ["actor", "method", "service", "path", "query", "body", "status", "match", "capture"],
        ["actor", "method", "service"],
      );
      const method = w.str(f.get("method")!.value, "request.method").toUpperCase();
      if (!["GET", "POST", "PUT", "DELETE"].includes(method))
        w.fail(f.get("method")!.value, "request.method must be GET, POST, PUT or DELETE");
      const b: Of<"request"> = {
        kind,
        actor: actor(f.get("actor")!.value, "request.actor"),
        method: method as "GET",
        service: w.str(f.get("service")!.value, "request.service"),
        path: f.has("path") ? w.template(f.get("path")!.value) : "",
        status: f.has("status") ? w.int(f.get("status")!.value, "request.status", 100) : 0,
      };
      if (f.has("query")) b.query = w.template(f.get("query")!.value);
      if (f.has("body")) b.body = w.template(f.get("body")!.value);
      if (f.has("match")) b.match = w.template(f.get("match")!.value);
      if (f.has("capture")) b.capture = w.captures(f.get("capture")!.value, "request.capture");
      body = b;
      label = `${method} ${b.service}/${String(b.path)}`;
      break;
    }
    case "wait": {
      const b: Of<"wait"> = { kind, ms: w.duration(v, "wait") };
      body = b;
      label = `wait ${b.ms} ms`;
      break;
    }
    case "set": {
      const vars: Record<string, Template> = {};
      for (const p of w.map(v, "set").items)
        vars[String((p.key as Scalar).value)] = w.template(p.value as Node);
      body = { kind: "set", vars };
      label = `set ${Object.keys(vars).join(", ")}`;
      break;
    }
    case "loop": {
      const f = w.fields(v, "loop", ["times", "steps"], ["times", "steps"]);
      const b: Of<"loop"> = {
        kind,
        times: w.int(f.get("times")!.value, "loop.times", 1),
        steps: parseSteps(w, f.get("steps")!.value, actors),
      };
      body = b;
      label = `loop ${b.times} times`;
      break;
    }
    case "fault": {
      const f = w.fields(v, "fault", ["node", "kind", "link", "ms", "jitter", "flavour"], ["node", "kind"]);
      const fk = w.str(f.get("kind")!.value, "fault.kind");
      if (!(FAULT_KINDS as readonly string[]).includes(fk))
        w.fail(f.get("kind")!.value, `fault.kind must be one of ${FAULT_KINDS.join(", ")}`);
      const link = f.has("link") ? w.str(f.get("link")!.value, "fault.link") : "all";
      if (!["csta", "cmip", "all"].includes(link))
        w.fail(f.get("link")!.value, "fault.link must be csta, cmip or all");
      const b: Of<"fault"> = {
        kind,
        node: w.int(f.get("node")!.value, "fault.node", 1),
        fault: fk as FaultKind,
        link: link as "all",
      };
      if (f.has("ms")) b.ms = w.duration(f.get("ms")!.value, "fault.ms");
      if (f.has("jitter")) b.jitterMs = w.duration(f.get("jitter")!.value, "fault.jitter");
      if (f.has("flavour")) {
        const fl = w.str(f.get("flavour")!.value, "fault.flavour");
        if (fl !== "clean" && fl !== "silent")
          w.fail(f.get("flavour")!.value, "fault.flavour must be clean or silent");
        b.flavour = fl;
      }
      if ((fk === "delay" || fk === "refuse") && b.ms === undefined) w.fail(v, `fault ${fk} needs ms`);
      body = b;
      label = `fault ${fk} on node ${b.node} (${link})`;
      break;
    }
    case "incident": {
      const f = w.fields(v, "incident", ["node", "code", "rack", "board", "equipment", "capture"], ["code"]);
      const b: Of<"incident"> = {
        kind,
        node: f.has("node") ? w.int(f.get("node")!.value, "incident.node", 1) : 1,
        code: w.int(f.get("code")!.value, "incident.code", 0),
      };
      for (const k of ["rack", "board", "equipment"] as const)
        if (f.has(k)) b[k] = w.int(f.get(k)!.value, `incident.${k}`, 0);
      if (f.has("capture")) b.capture = w.str(f.get("capture")!.value, "incident.capture");
      body = b;
      label = `incident ${b.code} on node ${b.node}`;
      break;
    }
    case "log":
      body = { kind: "log", message: w.template(v) };
      label = `log`;
      break;
    default:
      w.fail(keyNode, `unknown step "${kind}"`);
  }
  return { ...body, pos: w.pos(item), label } as Step;
}

export function loadScenario(file: string): Scenario {
  return parseScenario(readFileSync(file, "utf8"), file);
}
