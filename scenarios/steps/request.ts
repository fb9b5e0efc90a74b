/** Any REST request of any service, with the status and the answer it must have. */
import type { Node } from "yaml";
import { mismatch, pick } from "../runner/match.js";
import { type BodyOf, defineStep, type ParseContext } from "./step.js";

export const request = defineStep({
  kinds: ["request"],
  parse(v: Node, w: ParseContext, kind) {
    const f = w.fields(
      v,
      "request",
      ["actor", "method", "service", "path", "query", "body", "status", "match", "capture"],
      ["actor", "method", "service"],
    );
    const method = w.str(f.get("method")!.value, "request.method").toUpperCase();
    if (!["GET", "POST", "PUT", "DELETE"].includes(method))
      w.fail(f.get("method")!.value, "request.method must be GET, POST, PUT or DELETE");
    const body: BodyOf<"request"> = {
      kind,
      actor: w.actor(f.get("actor")!.value, "request.actor"),
      method: method as "GET",
      service: w.str(f.get("service")!.value, "request.service"),
      path: f.has("path") ? w.template(f.get("path")!.value) : "",
      status: f.has("status") ? w.int(f.get("status")!.value, "request.status", 100) : 0,
    };
    if (f.has("query")) body.query = w.template(f.get("query")!.value);
    if (f.has("body")) body.body = w.template(f.get("body")!.value);
    if (f.has("match")) body.match = w.template(f.get("match")!.value);
    if (f.has("capture")) body.capture = w.captures(f.get("capture")!.value, "request.capture");
    return { body, label: `${method} ${body.service}/${String(body.path)}` };
  },
  async run(step, ctx) {
    const c = ctx.client(step.actor);
    const query = (ctx.value(step.query) ?? {}) as Record<string, string>;
    const url = c.url(step.service, ctx.text(step.path, "path"), query);
    const body = step.body === undefined ? undefined : ctx.value(step.body);
    const r = await c.send(step.method, url, body);
    if (step.status ? r.status !== step.status : r.status < 200 || r.status > 299) {
      throw new Error(
        `${step.method} ${url} answered ${r.status}${step.status ? `, expected ${step.status}` : ""}: ${JSON.stringify(r.body)}`,
      );
    }
    if (step.match !== undefined) {
      const m = mismatch(ctx.value(step.match), r.body);
      if (m) throw new Error(`the answer does not match: ${m}`);
    }
    for (const [v, path] of Object.entries(step.capture ?? {})) ctx.vars.set(v, pick(r.body, path));
  },
});
