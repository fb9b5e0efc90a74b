/**
 * The emulated CCD as a scenario sees it beside the REST API: how many calls wait in a processing
 * group's queue (what a wallboard would show; the CallCenterPilot and Realtime services that
 * would tell it over O2G are not built yet).
 */
import type { Node } from "yaml";
import { type BodyOf, defineStep, type ParseContext } from "./step.js";

export const acdQueue = defineStep({
  kinds: ["acdQueue"],
  parse(v: Node, w: ParseContext, kind) {
    const f = w.fields(v, "acdQueue", ["group", "waiting", "timeout"], ["group", "waiting"]);
    const body: BodyOf<"acdQueue"> = {
      kind,
      group: w.template(f.get("group")!.value),
      waiting: w.int(f.get("waiting")!.value, "acdQueue.waiting"),
      timeoutMs: f.has("timeout") ? w.duration(f.get("timeout")!.value, "acdQueue.timeout") : 5000,
    };
    return { body, label: `${body.waiting} call(s) queued in processing group ${String(body.group)}` };
  },
  async run(step, ctx) {
    const ccd = ctx.env.emulator.ccd;
    if (!ccd) throw new Error("the emulator has no CCD (set emulator.agentsPercent)");
    const group = String(ctx.value(step.group));
    const end = Date.now() + step.timeoutMs;
    for (;;) {
      const n = ccd.queueLength(group);
      if (n === step.waiting) return;
      if (Date.now() > end)
        throw new Error(`processing group ${group} has ${n} call(s) queued, not ${step.waiting}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  },
});

const CLOCK = /^([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2})$/;

/**
 * Sets the emulated CCD's clock (manual in scenarios): the pilots' calendar transitions it crosses
 * going forward act then, as on an OXE whose clock passes them.
 */
export const acdClock = defineStep({
  kinds: ["acdClock"],
  parse(v: Node, w: ParseContext, kind) {
    const at = w.template(v);
    if (typeof at === "string" && !at.includes("${") && !CLOCK.test(at))
      w.fail(v, 'acdClock is a local time "YYYY-MM-DD HH:MM"');
    const body: BodyOf<"acdClock"> = { kind, at };
    return { body, label: `the CCD's clock at ${String(at)}` };
  },
  async run(step, ctx) {
    const ccd = ctx.env.emulator.ccd;
    if (!ccd) throw new Error("the emulator has no CCD (set emulator.agentsPercent)");
    const text = ctx.text(step.at, "acdClock");
    const m = CLOCK.exec(text);
    if (!m) throw new Error(`acdClock: "${text}" is not a local time YYYY-MM-DD HH:MM`);
    const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
    ccd.calendar.setClock(new Date(y, mo - 1, d, h, mi));
  },
});
