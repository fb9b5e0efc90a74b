import { describe, expect, it } from "vitest";
import { parseScenario, ScenarioSyntaxError } from "./index.js";

function error(text: string): ScenarioSyntaxError {
  try {
    parseScenario(text, "t.yaml");
  } catch (e) {
    if (e instanceof ScenarioSyntaxError) return e;
    throw e;
  }
  throw new Error("no error");
}

const head = "name: x\nactors:\n  a: { user: 1 }\n  b: { user: 2 }\nsteps:\n";

describe("scenario files", () => {
  it("parses the step forms", () => {
    const s = parseScenario(
      `${head}  - login: [a, b]\n  - subscribe: { actors: [a], packages: [telephony, routingManagement] }\n  - call: { from: a, to: b, capture: c }\n  - wait: 1.5s\n  - expect: { actor: b, event: OnCallCreated, match: { callRef: "\${c}" }, timeout: 2s }\n  - loop: { times: 2, steps: [ { wait: 10ms } ] }\n  - fault: { node: 1, kind: delay, ms: 200ms }\n`,
      "t.yaml",
    );
    expect(s.steps.map((x) => x.kind)).toEqual([
      "login",
      "subscribe",
      "call",
      "wait",
      "expect",
      "loop",
      "fault",
    ]);
    expect(s.steps[3]).toMatchObject({ ms: 1500, pos: { line: 9, col: 5 } });
    expect(s.steps[4]).toMatchObject({
      timeoutMs: 2000,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a scenario variable, kept as written
      all: [{ actor: "b", event: "OnCallCreated", match: { callRef: "${c}" } }],
    });
  });

  it("parses the routing and incident steps, and refuses a forward condition it does not know", () => {
    const s = parseScenario(
      `${head}  - forward: { actor: a, to: b, when: BUSY }\n  - forward: { actor: a, to: none }\n  - dnd: { actor: b, on: true }\n  - incident: { code: 2018, board: 3 }\n`,
      "t.yaml",
    );
    expect(s.steps).toMatchObject([
      { kind: "forward", actor: "a", to: "b", when: "BUSY" },
      { kind: "forward", to: "none", when: "IMMEDIATE" },
      { kind: "dnd", actor: "b", on: true },
      { kind: "incident", node: 1, code: 2018, board: 3 },
    ]);
    expect(error(`${head}  - forward: { actor: a, to: b, when: SOMETIMES }\n`).message).toMatch(
      /forward\.when must be one of IMMEDIATE, BUSY, NO_ANSWER, BUSY_NO_ANSWER/,
    );
  });

  it("points at an unknown step, with a suggestion", () => {
    const e = error(`${head}  - login: [a]\n  - cal: { from: a, to: b }\n`);
    expect(e.message).toBe('t.yaml:7:5: unknown step "cal" (did you mean "call"?)');
  });

  it("points at an unknown key", () => {
    const e = error(`${head}  - call: { from: a, too: b }\n`);
    expect(e.pos).toMatchObject({ line: 6, col: 22 });
    expect(e.detail).toMatch(/unknown key "too" \(did you mean "to"\?\)/);
  });

  it("points at an unknown actor", () => {
    const e = error(`${head}  - answer: { actor: zed }\n`);
    expect(e.message).toMatch(/^t\.yaml:6:22: answer\.actor: no actor "zed" \(actors: a, b\)/);
  });

  it("rejects bad durations, event names, fault kinds and YAML", () => {
    expect(error(`${head}  - wait: soon\n`).message).toMatch(/t\.yaml:6:11: wait must be a duration/);
    expect(error(`${head}  - expect: { actor: a, event: CallCreated }\n`).message).toMatch(
      /not an O2G event name/,
    );
    expect(error(`${head}  - fault: { node: 1, kind: explode }\n`).message).toMatch(
      /fault\.kind must be one of/,
    );
    expect(error("name: x\nsteps: [\n").message).toMatch(/^t\.yaml:\d+:\d+: YAML:/);
    expect(error("steps: []\n").message).toMatch(/"name" is required/);
    expect(error(`${head}  - { login: [a], wait: 1s }\n`).message).toMatch(/exactly one action/);
  });

  it("requires each actor to be a user, a number or the administrator", () => {
    expect(error("name: x\nactors:\n  a: { user: 1, admin: true }\nsteps: []\n").message).toMatch(
      /exactly one of/,
    );
  });
});
