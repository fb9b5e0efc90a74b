import { describe, expect, it } from "vitest";
import { generateDirectory } from "./index.js";

describe("generateDirectory", () => {
  it("is deterministic by seed", () => {
    const a = generateDirectory({ users: 500, nodes: 2, seed: 7 });
    const b = generateDirectory({ users: 500, nodes: 2, seed: 7 });
    const c = generateDirectory({ users: 500, nodes: 2, seed: 8 });
    const names = (d: typeof a) => d.subscribers.map((s) => `${s.firstName} ${s.lastName}`);
    expect(names(a)).toEqual(names(b));
    expect(names(a)).not.toEqual(names(c));
  });

  it("keeps user i the same whatever the population size", () => {
    const small = generateDirectory({ users: 100, nodes: 1, seed: 3, firstNumber: 10000 });
    const large = generateDirectory({ users: 5000, nodes: 5, seed: 3, firstNumber: 10000 });
    for (let i = 0; i < 100; i++) {
      expect(large.subscribers[i]!.lastName).toBe(small.subscribers[i]!.lastName);
      expect(large.subscribers[i]!.directoryNumber).toBe(small.subscribers[i]!.directoryNumber);
    }
  });

  it("spreads users over nodes in contiguous blocks of one numbering plan", () => {
    const d = generateDirectory({ users: 1000, nodes: 3, seed: 1 });
    expect([...d.byNode.values()].map((l) => l.length)).toEqual([334, 333, 333]);
    expect(d.subscribers[0]!.directoryNumber).toBe("10000");
    expect(d.subscribers[999]!.directoryNumber).toBe("10999");
    expect(d.byNode.get(2)![0]!.directoryNumber).toBe("10334");
    expect(new Set(d.subscribers.map((s) => s.directoryNumber)).size).toBe(1000);
    expect(d.subscribers[5]!.loginName).toBe("oxe10005");
  });

  it("moves to six digits above 89,999 users", () => {
    const d = generateDirectory({ users: 100_000, nodes: 5, seed: 1 });
    expect(d.subscribers[0]!.directoryNumber).toBe("100000");
    expect(d.subscribers[99_999]!.directoryNumber).toBe("199999");
    expect(d.byNode.get(5)!.length).toBe(20_000);
  });

  it("refuses a range that overflows the numbering plan", () => {
    expect(() => generateDirectory({ users: 95_000, nodes: 1, seed: 1, firstNumber: 10000 })).toThrow(
      /overflow/,
    );
  });
});
