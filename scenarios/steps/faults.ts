/** Trouble on purpose: link faults and switchovers of a node, and incidents it raises. */
import type { Node } from "yaml";
import type { ScenarioEnv } from "../environment.js";
import { FAULT_KINDS, type FaultKind } from "../format/types.js";
import { type BodyOf, defineStep, type ParseContext, type StepOf } from "./step.js";

export const fault = defineStep({
  kinds: ["fault"],
  parse(v: Node, w: ParseContext, kind) {
    const f = w.fields(v, "fault", ["node", "kind", "link", "ms", "jitter", "flavour"], ["node", "kind"]);
    const fk = w.str(f.get("kind")!.value, "fault.kind");
    if (!(FAULT_KINDS as readonly string[]).includes(fk))
      w.fail(f.get("kind")!.value, `fault.kind must be one of ${FAULT_KINDS.join(", ")}`);
    const link = f.has("link") ? w.str(f.get("link")!.value, "fault.link") : "all";
    if (!["csta", "cmip", "all"].includes(link))
      w.fail(f.get("link")!.value, "fault.link must be csta, cmip or all");
    const body: BodyOf<"fault"> = {
      kind,
      node: w.int(f.get("node")!.value, "fault.node", 1),
      fault: fk as FaultKind,
      link: link as "all",
    };
    if (f.has("ms")) body.ms = w.duration(f.get("ms")!.value, "fault.ms");
    if (f.has("jitter")) body.jitterMs = w.duration(f.get("jitter")!.value, "fault.jitter");
    if (f.has("flavour")) {
      const fl = w.str(f.get("flavour")!.value, "fault.flavour");
      if (fl !== "clean" && fl !== "silent")
        w.fail(f.get("flavour")!.value, "fault.flavour must be clean or silent");
      body.flavour = fl;
    }
    if ((fk === "delay" || fk === "refuse") && body.ms === undefined) w.fail(v, `fault ${fk} needs ms`);
    return { body, label: `fault ${fk} on node ${body.node} (${link})` };
  },
  run(step, ctx) {
    applyFault(ctx.env, step);
  },
});

function applyFault(env: ScenarioEnv, step: StepOf<"fault">): void {
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

export const incident = defineStep({
  kinds: ["incident"],
  parse(v: Node, w: ParseContext, kind) {
    const f = w.fields(v, "incident", ["node", "code", "rack", "board", "equipment", "capture"], ["code"]);
    const body: BodyOf<"incident"> = {
      kind,
      node: f.has("node") ? w.int(f.get("node")!.value, "incident.node", 1) : 1,
      code: w.int(f.get("code")!.value, "incident.code", 0),
    };
    for (const k of ["rack", "board", "equipment"] as const)
      if (f.has(k)) body[k] = w.int(f.get(k)!.value, `incident.${k}`, 0);
    if (f.has("capture")) body.capture = w.str(f.get("capture")!.value, "incident.capture");
    return { body, label: `incident ${body.code} on node ${body.node}` };
  },
  run(step, ctx) {
    const { node, code, rack, board, equipment } = step;
    const raised = ctx.env.emulator.node(node).analytics.incidents.raise({
      code,
      ...(rack !== undefined ? { rack } : {}),
      ...(board !== undefined ? { board } : {}),
      ...(equipment !== undefined ? { equipment } : {}),
    });
    if (step.capture) ctx.vars.set(step.capture, raised.text);
  },
});
