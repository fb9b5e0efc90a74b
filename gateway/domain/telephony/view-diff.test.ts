import { describe, expect, it } from "vitest";
import { diff, sameJson } from "./view-diff.js";

describe("sameJson", () => {
  const cases: [unknown, unknown][] = [
    [
      { a: 1, b: [1, { c: "x" }] },
      { a: 1, b: [1, { c: "x" }] },
    ],
    [{ a: 1, b: undefined }, { a: 1 }],
    [{ a: 1 }, { a: 1, b: undefined }],
    [{ a: 1 }, { a: 2 }],
    [{ a: 1 }, { a: 1, b: null }],
    [
      [1, 2],
      [1, 2, 3],
    ],
    [[], {}],
    [{ a: { b: false } }, { a: { b: 0 } }],
    [{ a: "1" }, { a: 1 }],
    [null, {}],
  ];
  it.each(cases)("agrees with comparing JSON.stringify (%j, %j)", (a, b) => {
    expect(sameJson(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
  });
});

describe("diff", () => {
  it("tells added, modified and removed elements by key", () => {
    const before = [
      { id: "1", state: "ACTIVE" },
      { id: "2", state: "HELD" },
    ];
    const after = [
      { id: "2", state: "ACTIVE" },
      { id: "3", state: "DIALING" },
    ];
    expect(diff(before, after, (x) => x.id)).toEqual({
      added: [{ id: "3", state: "DIALING" }],
      modified: [{ id: "2", state: "ACTIVE" }],
      removed: [{ id: "1", state: "ACTIVE" }],
    });
  });
});
