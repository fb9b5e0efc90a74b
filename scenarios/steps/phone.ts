/** The actor's phone itself (the emulator's handle, not the REST API): off hook, answer, hang up, dial. */
import type { Node } from "yaml";
import { PHONE_ACTIONS, type PhoneAction } from "../format/types.js";
import { type BodyOf, defineStep, type ParseContext } from "./step.js";

export const phone = defineStep({
  kinds: ["phone"],
  parse(v: Node, w: ParseContext, kind) {
    const f = w.fields(v, "phone", ["actor", "action", "number", "set"], ["actor", "action"]);
    const action = w.str(f.get("action")!.value, "phone.action");
    if (!(PHONE_ACTIONS as readonly string[]).includes(action)) {
      w.fail(f.get("action")!.value, `phone.action must be one of ${PHONE_ACTIONS.join(", ")}`);
    }
    const body: BodyOf<"phone"> = {
      kind,
      actor: w.actor(f.get("actor")!.value, "phone.actor"),
      action: action as PhoneAction,
    };
    // The actor at another set than their own: a desk sharing set they are logged on.
    if (f.has("set")) body.set = w.str(f.get("set")!.value, "phone.set");
    if (action === "dial" || action === "digits") {
      if (!f.has("number")) w.fail(v, `phone ${action} needs a number`);
      body.number = w.template(f.get("number")!.value);
    }
    return {
      body,
      label: `${body.actor}'s phone${body.set ? ` (set ${body.set})` : ""}: ${action}${body.number !== undefined ? ` ${String(body.number)}` : ""}`,
    };
  },
  run(step, ctx) {
    const phone = ctx.env.emulator.phone(step.set ?? ctx.actor(step.actor).number);
    if (step.action === "dial") phone.dial(ctx.destination(step.number!));
    else if (step.action === "digits") phone.digits(ctx.text(step.number, "digits"));
    else if (step.action === "hangUp") phone.hangUp();
    else if (step.action === "huntingGroupLogOn" || step.action === "huntingGroupLogOff")
      phone.huntingGroupLog(step.action === "huntingGroupLogOn");
    else phone.offHook();
  },
});
