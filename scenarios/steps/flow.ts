/** The scenario's own flow: pauses, variables, loops and log lines. */
import type { Node, Scalar } from "yaml";
import type { Template } from "../format/types.js";
import { type BodyOf, defineStep, type ParseContext } from "./step.js";

export const wait = defineStep({
  kinds: ["wait"],
  parse(v: Node, w: ParseContext, kind) {
    const body: BodyOf<"wait"> = { kind, ms: w.duration(v, "wait") };
    return { body, label: `wait ${body.ms} ms` };
  },
  async run(step) {
    await new Promise((r) => setTimeout(r, step.ms));
  },
});

export const set = defineStep({
  kinds: ["set"],
  parse(v: Node, w: ParseContext, kind) {
    const vars: Record<string, Template> = {};
    for (const p of w.map(v, "set").items)
      vars[String((p.key as Scalar).value)] = w.template(p.value as Node);
    return { body: { kind, vars }, label: `set ${Object.keys(vars).join(", ")}` };
  },
  run(step, ctx) {
    for (const [k, v] of Object.entries(step.vars)) ctx.vars.set(k, ctx.value(v));
  },
});

export const loop = defineStep({
  kinds: ["loop"],
  parse(v: Node, w: ParseContext, kind) {
    const f = w.fields(v, "loop", ["times", "steps"], ["times", "steps"]);
    const body: BodyOf<"loop"> = {
      kind,
      times: w.int(f.get("times")!.value, "loop.times", 1),
      steps: w.steps(f.get("steps")!.value),
    };
    return { body, label: `loop ${body.times} times` };
  },
  async run(step, _ctx, at) {
    for (let n = 0; n < step.times; n++) await at.runSteps(step.steps, `${at.index}.${n + 1}.`);
  },
});

export const log = defineStep({
  kinds: ["log"],
  parse(v: Node, w: ParseContext, kind) {
    return { body: { kind, message: w.template(v) }, label: "log" };
  },
  run(step, ctx) {
    console.log(`[${ctx.scenario.name}] ${String(ctx.value(step.message))}`);
  },
});
