/** Sessions: actors log in and out, and subscribe to events (event channel or webhook). */
import { isMap, type Node } from "yaml";
import { EventStream, type FailoverClient } from "../o2g-client/index.js";
import { type BodyOf, defineStep, type ParseContext } from "./step.js";

export const loginLogout = defineStep({
  kinds: ["login", "logout"],
  parse(v: Node, w: ParseContext, kind) {
    const body: BodyOf<"login" | "logout"> = { kind, actors: w.actorList(v, kind) };
    return { body, label: `${kind} ${body.actors.join(", ")}` };
  },
  async run(step, ctx) {
    if (step.kind === "login") {
      const { ha } = ctx.env;
      await Promise.all(
        step.actors.map(async (name) => {
          const a = ctx.actor(name);
          if (ha) a.failover = await ha.login({ login: a.login, password: a.password });
          else a.client = a.admin ? await ctx.env.loginAdmin() : await ctx.env.loginUser(a.number);
        }),
      );
      return;
    }
    for (const name of step.actors) {
      const a = ctx.actor(name);
      a.stream?.close();
      await a.client?.close();
      await a.failover?.close();
      a.client = undefined;
      a.failover = undefined;
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
        if (a.failover) {
          if (step.webhook) throw new Error("subscribe: webhooks are not followed across a gateway failover");
          a.stream = failoverStream(a.failover, a.name);
          await a.failover.subscribe(selectors);
        } else if (step.webhook) {
          a.stream = await c.subscribe(selectors, ctx.hooks.urlFor(a.login));
          ctx.hooks.attach(a.login, a.stream);
        } else a.stream = await c.subscribe(selectors);
      }),
    );
  },
});

/**
 * One stream across the failover client's sessions: the events of each, plus what the SDK tells
 * its application of the failover itself (its O2G object's events), as `sdk:sessionLost`,
 * `sdk:serverSwitched` and `sdk:reconnected` (prefixed: no O2G server sends them).
 */
function failoverStream(fc: FailoverClient, name: string): EventStream {
  const stream = EventStream.fed(`failover:${name}`);
  fc.onEvent((e) => stream.push(e));
  fc.on("sessionLost", (reason) => stream.push({ eventName: "sdk:sessionLost", reason }));
  fc.on("serverSwitched", (s) => stream.push({ eventName: "sdk:serverSwitched", ...s }));
  fc.on("reconnected", () => stream.push({ eventName: "sdk:reconnected", host: fc.currentHost }));
  return stream;
}
