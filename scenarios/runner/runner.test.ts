import { describe, expect, it } from "vitest";
import { parseScenario } from "../format/index.js";
import { runScenario } from "./index.js";
import { mismatch } from "./match.js";

describe("matching", () => {
  it("matches partially, element by element, numbers against texts", () => {
    expect(mismatch({ a: 1, b: [{ c: "x" }] }, { a: "1", b: [{ c: "x", d: 2 }], e: 3 })).toBeNull();
    expect(mismatch({ b: [{ c: "x" }] }, { b: [] })).toBe("b has 0 element(s), expected 1");
    expect(mismatch({ a: { b: "y" } }, { a: { b: "z" } })).toBe('a.b is "z", expected "y"');
    expect(mismatch({ a: "*" }, { a: 0 })).toBeNull();
    expect(mismatch({ a: "*" }, {})).toBe("a is missing");
    expect(mismatch({ $startsWith: "RIFF" }, "RIFF\u0000\u0001WAVE")).toBeNull();
    expect(mismatch({ body: { $startsWith: "RIFF" } }, { body: "<html>" })).toBe(
      'body does not start with "RIFF": "<html>"',
    );
  });
});

describe("a failing scenario", () => {
  it("names the step, its line and the event it expected, and what arrived instead", async () => {
    const s = parseScenario(
      [
        "name: wrong expectation",
        "emulator: { users: 10 }",
        "actors:",
        "  a: { user: 1 }",
        "  b: { user: 2 }",
        "steps:",
        "  - login: [a, b]",
        "  - subscribe: [b]",
        "  - call: { from: a, to: b, capture: c }",
        "  - expect: { actor: b, event: OnCallCreated, match: { legs: [{ state: ACTIVE }] }, timeout: 300ms }",
      ].join("\n"),
      "wrong.yaml",
    );
    const r = await runScenario(s);
    expect(r.ok).toBe(false);
    expect(r.failure).toMatch(
      /^step 4 "expect b OnCallCreated" \(wrong\.yaml:10\): expected b's OnCallCreated matching/,
    );
    expect(r.failure).toMatch(/not taken: \[.*OnCallCreated.*\]/);
    expect(r.failure).toMatch(
      /closest OnCallCreated: legs\[0\]\.state is "RINGING_INCOMING", expected "ACTIVE"/,
    );
    expect(r.steps.map((x) => x.ok)).toEqual([true, true, true, false]);
  });

  it("reports a REST refusal with its status and body", async () => {
    const s = parseScenario(
      "name: refused\nemulator: { users: 10 }\nactors:\n  a: { user: 1 }\nsteps:\n  - login: [a]\n  - hold: { actor: a, call: 999 }\n",
      "refused.yaml",
    );
    const r = await runScenario(s);
    expect(r.failure).toMatch(/step 2 .*answered 404: .*CALL_REFERENCE_NOT_FOUND/);
  });
});
