/** Sessions: actors log in and out, and subscribe to events (event channel or webhook). */
import { isMap, type Node } from "yaml";
import { type BodyOf, defineStep, type ParseContext } from "./step.js";

export const loginLogout = defineStep({
  kinds: ["login", "logout"],
  parse(v: Node, w: ParseContext, kind) {
    const body: BodyOf<"login" | "logout"> = { kind, actors: w.actorList(v, kind) };
    return { body, label: `${kind} ${body.actors.join(", ")}` };
  },
  async run(step, ctx) {
    if (step.kind === "login") {
      await Promise.all(
        step.actors.map(async (name) => {
          const a = ctx.actor(name);
          a.client = a.admin ? await ctx.env.loginAdmin() : await ctx.env.loginUser(a.number);
        }),
      );
      return;
    }
    for (const name of step.actors) {
      const a = ctx.actor(name);
      a.stream?.close();
      await a.client?.close();
      a.client = undefined;
      a.stream = undefined;
    }
  },
});

export const subscribe = defineStep({
  kinds: ["subscribe"],
  parse(v: Node, w: ParseContext, kind) {
    let body: BodyOf<"subscribe">;
    if (isMap(v)) {
      const f = w.fields(v, "subscribe", ["actors", "actor", "packages", "webhook"]);
      const who = f.get("actors") ?? f.get("actor");
      if (!who) w.fail(v, "subscribe needs actor or actors");
      body = {
        kind,
        actors: w.actorList(who.value, "subscribe.actors"),
        packages: f.has("packages") ? w.names(f.get("packages")!.value, "subscribe.packages") : ["telephony"],
        webhook: f.has("webhook") ? w.bool(f.get("webhook")!.value, "subscribe.webhook") : false,
      };
    } else body = { kind, actors: w.actorList(v, "subscribe"), packages: ["telephony"], webhook: false };
    return { body, label: `subscribe ${body.actors.join(", ")} to ${body.packages.join(", ")}` };
  },
  async run(step, ctx) {
    await Promise.all(
      step.actors.map(async (name) => {
        const a = ctx.actor(name);
        const c = ctx.client(name);
        const ids = a.admin ? [] : [a.login];
        const selectors = step.packages.map((p) => ({ ids, names: [p] }));
        if (step.webhook) {
          a.stream = await c.subscribe(selectors, ctx.hooks.urlFor(a.login));
          ctx.hooks.attach(a.login, a.stream);
        } else a.stream = await c.subscribe(selectors);
      }),
    );
  },
});
