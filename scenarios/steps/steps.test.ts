import { describe, expect, it } from "vitest";
import { parseScenario } from "../format/index.js";
import { answerRelease, call } from "./calls.js";
import { STEP_KINDS, STEPS, stepTable } from "./index.js";

describe("the step table", () => {
  it("has one entry per kind, in the order a misspelt kind's suggestion prefers", () => {
    expect(STEP_KINDS).toEqual([
      "login",
      "logout",
      "subscribe",
      "call",
      "answer",
      "release",
      "hold",
      "retrieve",
      "transfer",
      "merge",
      "redirect",
      "blindTransfer",
      "forward",
      "dnd",
      "phone",
      "expect",
      "noEvent",
      "request",
      "wait",
      "set",
      "loop",
      "fault",
      "incident",
      "log",
    ]);
    for (const kind of STEP_KINDS) expect(STEPS.get(kind)?.kinds).toContain(kind);
  });

  it("refuses a kind given two entries", () => {
    expect(() => stepTable([call, answerRelease, call])).toThrow(/step kind call has two entries/);
  });

  it("suggests the first listed kind on a tie ('foo' is as near 'loop' as 'log')", () => {
    expect(() => parseScenario("name: x\nsteps:\n  - foo: 1\n", "t.yaml")).toThrow(
      't.yaml:3:5: unknown step "foo" (did you mean "loop"?)',
    );
  });

  it("parses a shared entry's kinds each as itself", () => {
    const s = parseScenario(
      "name: x\nactors: { a: { user: 1 } }\nsteps:\n  - answer: { actor: a }\n  - release: { actor: a, call: c }\n",
      "t.yaml",
    );
    expect(s.steps).toMatchObject([
      { kind: "answer", actor: "a", label: "answer a" },
      { kind: "release", actor: "a", call: "c", label: "release a" },
    ]);
  });
});
