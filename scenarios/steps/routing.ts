/** The actor's routing through the Routing service: forward and do-not-disturb. */
import type { Node } from "yaml";
import { type BodyOf, defineStep, type ParseContext } from "./step.js";

const FORWARD_CONDITIONS = ["IMMEDIATE", "BUSY", "NO_ANSWER", "BUSY_NO_ANSWER"];

export const forward = defineStep({
  kinds: ["forward"],
  parse(v: Node, w: ParseContext, kind) {
    const f = w.fields(v, "forward", ["actor", "to", "when"], ["actor", "to"]);
    const when = f.has("when") ? w.str(f.get("when")!.value, "forward.when") : "IMMEDIATE";
    if (!FORWARD_CONDITIONS.includes(when))
      w.fail(f.get("when")!.value, `forward.when must be one of ${FORWARD_CONDITIONS.join(", ")}`);
    const body: BodyOf<"forward"> = {
      kind,
      actor: w.actor(f.get("actor")!.value, "forward.actor"),
      to: w.template(f.get("to")!.value),
      when: when as BodyOf<"forward">["when"],
    };
    return {
      body,
      label: `forward ${body.actor} -> ${String(body.to)}${when === "IMMEDIATE" ? "" : ` (${when})`}`,
    };
  },
  async run(step, ctx) {
    const c = ctx.client(step.actor);
    const to = ctx.text(step.to, "forward.to");
    if (to === "none") {
      await c.del("routing", "forwardroute");
      return;
    }
    const destination =
      to === "VOICEMAIL" ? { type: "VOICEMAIL" } : { type: "NUMBER", number: ctx.destination(to) };
    await c.post("routing", "forwardroute", {
      forwardRoute: {
        ...(step.when === "IMMEDIATE" ? {} : { forwardType: step.when }),
        destinations: [destination],
      },
    });
  },
});

export const dnd = defineStep({
  kinds: ["dnd"],
  parse(v: Node, w: ParseContext, kind) {
    const f = w.fields(v, "dnd", ["actor", "on"], ["actor", "on"]);
    const body: BodyOf<"dnd"> = {
      kind,
      actor: w.actor(f.get("actor")!.value, "dnd.actor"),
      on: w.bool(f.get("on")!.value, "dnd.on"),
    };
    return { body, label: `dnd ${body.on ? "on" : "off"} for ${body.actor}` };
  },
  async run(step, ctx) {
    if (step.on) await ctx.client(step.actor).post("routing", "dnd");
    else await ctx.client(step.actor).del("routing", "dnd");
  },
});
