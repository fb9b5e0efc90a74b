/** Call control through the Telephony service: make, answer, release, hold, transfer, redirect. */
import type { Node } from "yaml";
import { type BodyOf, defineStep, type ParseContext } from "./step.js";

export const call = defineStep({
  kinds: ["call"],
  parse(v: Node, w: ParseContext, kind) {
    const f = w.fields(v, "call", ["from", "to", "device", "autoAnswer", "capture"], ["from", "to"]);
    const body: BodyOf<"call"> = {
      kind,
      from: w.actor(f.get("from")!.value, "call.from"),
      to: w.template(f.get("to")!.value),
    };
    if (f.has("device")) body.device = w.template(f.get("device")!.value);
    if (f.has("autoAnswer")) body.autoAnswer = w.bool(f.get("autoAnswer")!.value, "call.autoAnswer");
    if (f.has("capture")) body.capture = w.str(f.get("capture")!.value, "call.capture");
    return { body, label: `call ${body.from} -> ${String(body.to)}` };
  },
  async run(step, ctx) {
    const a = ctx.actor(step.from);
    const body: Record<string, unknown> = {
      deviceId: step.device !== undefined ? ctx.text(step.device, "device") : a.number,
      callee: ctx.destination(step.to),
    };
    if (step.autoAnswer !== undefined) body.autoAnswer = step.autoAnswer;
    const r = await ctx.client(step.from).post<{ callRef: string }>("telephony", "calls", body);
    if (step.capture) ctx.vars.set(step.capture, r.body.callRef);
  },
});

export const answerRelease = defineStep({
  kinds: ["answer", "release"],
  parse(v: Node, w: ParseContext, kind) {
    const f = w.fields(v, kind, ["actor", "call"], ["actor"]);
    const body: BodyOf<"answer" | "release"> = {
      kind,
      actor: w.actor(f.get("actor")!.value, `${kind}.actor`),
    };
    if (f.has("call")) body.call = w.template(f.get("call")!.value);
    return { body, label: `${kind} ${body.actor}` };
  },
  async run(step, ctx) {
    if (step.kind === "answer") {
      const a = ctx.actor(step.actor);
      const ref = await ctx.callRef(step.actor, step.call, "RINGING_INCOMING");
      await ctx.client(step.actor).post("telephony", `calls/${ref}/answer`, { deviceId: a.number });
      return;
    }
    const ref = await ctx.callRef(step.actor, step.call);
    await ctx.client(step.actor).del("telephony", `calls/${ref}`);
  },
});

export const holdRetrieve = defineStep({
  kinds: ["hold", "retrieve"],
  parse(v: Node, w: ParseContext, kind) {
    const f = w.fields(v, kind, ["actor", "call"], ["actor", "call"]);
    const body: BodyOf<"hold" | "retrieve"> = {
      kind,
      actor: w.actor(f.get("actor")!.value, `${kind}.actor`),
      call: w.template(f.get("call")!.value),
    };
    return { body, label: `${kind} ${body.actor} ${String(body.call)}` };
  },
  async run(step, ctx) {
    const a = ctx.actor(step.actor);
    await ctx
      .client(step.actor)
      .post("telephony", `calls/${ctx.text(step.call, "call")}/${step.kind}`, { deviceId: a.number });
  },
});

export const transferMerge = defineStep({
  kinds: ["transfer", "merge"],
  parse(v: Node, w: ParseContext, kind) {
    const f = w.fields(v, kind, ["actor", "active", "held"], ["actor", "active", "held"]);
    const body: BodyOf<"transfer" | "merge"> = {
      kind,
      actor: w.actor(f.get("actor")!.value, `${kind}.actor`),
      active: w.template(f.get("active")!.value),
      held: w.template(f.get("held")!.value),
    };
    return { body, label: `${kind} ${body.actor}` };
  },
  async run(step, ctx) {
    await ctx.client(step.actor).post("telephony", `calls/${ctx.text(step.active, "active")}/${step.kind}`, {
      heldCallRef: ctx.text(step.held, "held"),
    });
  },
});

export const redirectBlindTransfer = defineStep({
  kinds: ["redirect", "blindTransfer"],
  parse(v: Node, w: ParseContext, kind) {
    const f = w.fields(v, kind, ["actor", "call", "to"], ["actor", "call", "to"]);
    const body: BodyOf<"redirect" | "blindTransfer"> = {
      kind,
      actor: w.actor(f.get("actor")!.value, `${kind}.actor`),
      call: w.template(f.get("call")!.value),
      to: w.template(f.get("to")!.value),
    };
    return { body, label: `${kind} ${body.actor} -> ${String(body.to)}` };
  },
  async run(step, ctx) {
    const c = ctx.client(step.actor);
    if (step.kind === "redirect")
      await c.post("telephony", `calls/${ctx.text(step.call, "call")}/redirect`, {
        redirectTo: ctx.destination(step.to),
      });
    else
      await c.post("telephony", `calls/${ctx.text(step.call, "call")}/blindtransfer`, {
        transferTo: ctx.destination(step.to),
      });
  },
});
