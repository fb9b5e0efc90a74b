/**
 * The actor's IP Touch set's XML browser (the emulator's handle, not the REST API): `xml` presses
 * its keys, `screen` waits until its display shows what is expected. The application the XML key
 * starts is the scenario's `xmlApp` (the runner starts it and configures the nodes).
 *
 *   - xml: { actor: alice, key: xml }          # or ok, exit, backspace
 *   - xml: { actor: alice, select: 1 }         # menu item, 1 = the first
 *   - xml: { actor: alice, type: "627" }       # digits into the page's input
 *   - xml: { actor: alice, softkey: Back }     # by label
 *   - screen: { actor: alice, state: page, title: Directory, menu: [...], lines: [...], contains: "..." }
 */
import type { Node } from "yaml";
import type { Template } from "../format/types.js";
import { type BodyOf, defineStep, type ParseContext } from "./step.js";

export const XML_KEYS = ["xml", "ok", "exit", "backspace"] as const;
export type XmlKey = (typeof XML_KEYS)[number];
const ACTIONS = ["key", "select", "type", "softkey"] as const;
const STATES = ["idle", "loading", "page", "error"] as const;

export const xml = defineStep({
  kinds: ["xml"],
  parse(v: Node, w: ParseContext, kind) {
    const f = w.fields(v, "xml", ["actor", ...ACTIONS], ["actor"]);
    const given = ACTIONS.filter((a) => f.has(a));
    if (given.length !== 1) w.fail(v, `xml takes one of ${ACTIONS.join(", ")}`);
    const action = given[0]!;
    const node = f.get(action)!.value;
    const body: BodyOf<"xml"> = {
      kind,
      actor: w.actor(f.get("actor")!.value, "xml.actor"),
      action,
      value: "",
    };
    if (action === "key") {
      const key = w.str(node, "xml.key");
      if (!(XML_KEYS as readonly string[]).includes(key))
        w.fail(node, `xml.key must be one of ${XML_KEYS.join(", ")}`);
      body.value = key;
    } else if (action === "select") body.value = w.int(node, "xml.select", 1);
    else body.value = w.template(node);
    return { body, label: `${body.actor}'s set: ${action} ${String(body.value)}` };
  },
  run(step, ctx) {
    const set = ctx.env.emulator.xmlSet(ctx.actor(step.actor).number);
    switch (step.action) {
      case "key":
        if (step.value === "xml") set.pressXmlKey();
        else if (step.value === "ok") set.ok();
        else if (step.value === "exit") set.exit();
        else set.backspace();
        return;
      case "select":
        set.select(Number(step.value));
        return;
      case "type":
        set.type(ctx.text(step.value, "xml.type"));
        return;
      case "softkey":
        set.softKey(ctx.text(step.value, "xml.softkey"));
        return;
    }
  },
});

export const screen = defineStep({
  kinds: ["screen"],
  parse(v: Node, w: ParseContext, kind) {
    const f = w.fields(
      v,
      "screen",
      ["actor", "state", "title", "lines", "menu", "softkeys", "contains", "timeout"],
      ["actor"],
    );
    const body: BodyOf<"screen"> = {
      kind,
      actor: w.actor(f.get("actor")!.value, "screen.actor"),
      timeoutMs: f.has("timeout") ? w.duration(f.get("timeout")!.value, "screen.timeout") : 5_000,
    };
    if (f.has("state")) {
      const s = w.str(f.get("state")!.value, "screen.state");
      if (!(STATES as readonly string[]).includes(s))
        w.fail(f.get("state")!.value, `screen.state must be one of ${STATES.join(", ")}`);
      body.state = s as (typeof STATES)[number];
    }
    for (const k of ["title", "contains"] as const) if (f.has(k)) body[k] = w.template(f.get(k)!.value);
    for (const k of ["lines", "menu", "softkeys"] as const)
      if (f.has(k)) {
        const t = w.template(f.get(k)!.value);
        if (!Array.isArray(t)) w.fail(f.get(k)!.value, `screen.${k} is a list`);
        body[k] = t;
      }
    return {
      body,
      label: `${body.actor}'s screen${body.title !== undefined ? `: ${String(body.title)}` : ""}`,
    };
  },
  async run(step, ctx) {
    const set = ctx.env.emulator.xmlSet(ctx.actor(step.actor).number);
    const text = (t: Template | undefined, what: string) => (t === undefined ? undefined : ctx.text(t, what));
    const list = (t: Template[] | undefined, what: string) => t?.map((x) => ctx.text(x, what));
    const title = text(step.title, "screen.title");
    const contains = text(step.contains, "screen.contains");
    const lines = list(step.lines, "screen.lines");
    const menu = list(step.menu, "screen.menu");
    const softKeys = list(step.softkeys, "screen.softkeys");
    const same = (a: string[], b: string[] | undefined) =>
      b === undefined || JSON.stringify(a) === JSON.stringify(b);
    await set.until(
      (s) =>
        (step.state === undefined ? s.state !== "loading" : s.state === step.state) &&
        (title === undefined || s.title === title) &&
        same(s.lines, lines) &&
        same(s.menu, menu) &&
        same(s.softKeys, softKeys) &&
        (contains === undefined || [s.title, ...s.lines, ...s.menu].some((l) => l.includes(contains))),
      step.timeoutMs,
    );
  },
});
