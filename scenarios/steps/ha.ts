/** The gateway pair of a `gateway: { ha: true }` scenario: the active member killed. */
import type { Node } from "yaml";
import { type BodyOf, defineStep, type ParseContext } from "./step.js";

export const killGateway = defineStep({
  kinds: ["killGateway"],
  parse(v: Node, w: ParseContext, kind) {
    const which = w.str(v, "killGateway");
    if (which !== "active")
      w.fail(v, "killGateway: only the active member can be killed (killGateway: active)");
    const body: BodyOf<"killGateway"> = { kind, which };
    return { body, label: "kill -9 the active gateway" };
  },
  async run(_step, ctx) {
    const { ha } = ctx.env;
    if (!ha)
      throw new Error('killGateway needs the gateway pair: add "gateway: { ha: true }" to the scenario');
    const url = await ha.killActive();
    ctx.vars.set("killedGateway", url);
  },
});
