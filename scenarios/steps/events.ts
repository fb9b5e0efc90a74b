/** Events the actors' streams must (expect) or must not (noEvent) receive. */
import { isSeq, type Node, type YAMLSeq } from "yaml";
import type { Expectation } from "../format/types.js";
import type { O2gEvent } from "../o2g-client/index.js";
import { mismatch, pick } from "../runner/match.js";
import { type BodyOf, defineStep, type ParseContext } from "./step.js";

export const expect = defineStep({
  kinds: ["expect"],
  parse(v: Node, w: ParseContext, kind) {
    const f = w.fields(v, "expect", ["actor", "event", "match", "capture", "timeout", "all", "ordered"]);
    const one = (
      n: Node,
      what: string,
      fields = w.fields(n, what, ["actor", "event", "match", "capture"], ["actor", "event"]),
    ) => {
      const e: Expectation = {
        actor: w.actor(fields.get("actor")!.value, `${what}.actor`),
        event: w.str(fields.get("event")!.value, `${what}.event`),
      };
      // sdk:… are what the SDK tells its application of a gateway failover (steps/session.ts).
      if (!/^(On[A-Za-z]+|sdk:(sessionLost|serverSwitched|reconnected))$/.test(e.event))
        w.fail(
          fields.get("event")!.value,
          `${what}.event "${e.event}" is not an O2G event name (OnSomething) nor sdk:sessionLost, sdk:serverSwitched or sdk:reconnected`,
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
    const body: BodyOf<"expect"> = {
      kind,
      all,
      timeoutMs: f.has("timeout") ? w.duration(f.get("timeout")!.value, "expect.timeout") : 5000,
      ordered: f.has("ordered") ? w.bool(f.get("ordered")!.value, "expect.ordered") : false,
    };
    return { body, label: `expect ${all.map((e) => `${e.actor} ${e.event}`).join(", ")}` };
  },
  async run(step, ctx) {
    const wait = async (e: Expectation) => {
      const s = ctx.stream(e.actor);
      const expected = e.match === undefined ? undefined : ctx.value(e.match);
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
      for (const [v, path] of Object.entries(e.capture ?? {})) ctx.vars.set(v, pick(got, path));
    };
    if (step.ordered) for (const e of step.all) await wait(e);
    else await Promise.all(step.all.map(wait));
  },
});

export const noEvent = defineStep({
  kinds: ["noEvent"],
  parse(v: Node, w: ParseContext, kind) {
    const f = w.fields(v, "noEvent", ["actor", "event", "match", "within"], ["actor", "within"]);
    const body: BodyOf<"noEvent"> = {
      kind,
      actor: w.actor(f.get("actor")!.value, "noEvent.actor"),
      withinMs: w.duration(f.get("within")!.value, "noEvent.within"),
    };
    if (f.has("event")) body.event = w.str(f.get("event")!.value, "noEvent.event");
    if (f.has("match")) body.match = w.template(f.get("match")!.value);
    return { body, label: `no ${body.event ?? "event"} for ${body.actor} within ${body.withinMs} ms` };
  },
  async run(step, ctx) {
    // Only what arrives from now on counts: earlier events are another step's business.
    const s = ctx.stream(step.actor);
    const from = s.events.length;
    const expected = step.match === undefined ? undefined : ctx.value(step.match);
    await new Promise((r) => setTimeout(r, step.withinMs));
    const got = s.events
      .slice(from)
      .find(
        (ev) =>
          (!step.event || ev.eventName === step.event) &&
          (expected === undefined || mismatch(expected, ev) === null),
      );
    if (got) throw new Error(`${step.actor} received ${got.eventName} ${JSON.stringify(got).slice(0, 200)}`);
  },
});
