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
      "recording",
      "xml",
      "screen",
      "expect",
      "noEvent",
      "request",
      "wait",
      "set",
      "loop",
      "fault",
      "incident",
      "killGateway",
      "log",
      "acdQueue",
      "acdClock",
    ]);
    for (const kind of STEP_KINDS) expect(STEPS.get(kind)?.kinds).toContain(kind);
  });

  it("reads a gateway pair and its kill step, and refuses a kill of anything but the active member", () => {
    const s = parseScenario("name: x\ngateway: { ha: true }\nsteps:\n  - killGateway: active\n", "t.yaml");
    expect(s.gateway.ha).toBe(true);
    expect(s.steps[0]).toMatchObject({ kind: "killGateway", which: "active" });
    expect(() => parseScenario("name: x\nsteps:\n  - killGateway: passive\n", "t.yaml")).toThrow(
      /t.yaml:3:18: killGateway: only the active member can be killed/,
    );
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

describe("the XML browser steps", () => {
  it("reads the keys, a menu choice, digits, a softkey and a screen, and refuses what is not one", () => {
    const s = parseScenario(
      [
        "name: x",
        "xmlApp: directory",
        "actors: { a: { user: 5 } }",
        "steps:",
        "  - xml: { actor: a, key: xml }",
        "  - xml: { actor: a, select: 2 }",
        '  - xml: { actor: a, type: "627" }',
        "  - xml: { actor: a, softkey: Back }",
        "  - screen: { actor: a, state: page, title: Directory, menu: [A, B], timeout: 2s }",
      ].join("\n"),
      "t.yaml",
    );
    expect(s.xmlApp).toBe("directory");
    expect(s.steps.map((x) => x.kind)).toEqual(["xml", "xml", "xml", "xml", "screen"]);
    expect(s.steps[1]).toMatchObject({ action: "select", value: 2 });
    expect(s.steps[4]).toMatchObject({
      state: "page",
      title: "Directory",
      menu: ["A", "B"],
      timeoutMs: 2000,
    });
    const bad = (step: string) => () =>
      parseScenario(`name: x\nactors: { a: { user: 5 } }\nsteps:\n  - ${step}\n`, "t.yaml");
    expect(bad("xml: { actor: a, key: menu }")).toThrow(/xml.key must be one of xml, ok, exit, backspace/);
    expect(bad("xml: { actor: a, select: 1, softkey: Back }")).toThrow(/xml takes one of/);
    expect(bad("screen: { actor: a, state: busy }")).toThrow(/screen.state must be one of/);
    expect(() => parseScenario("name: x\nxmlApp: queues\nsteps: []\n", "t.yaml")).toThrow(
      /the sample is directory/,
    );
  });
});
