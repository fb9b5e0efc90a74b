import { describe, expect, it } from "vitest";
import { lostRecords, payloadAfter } from "./lost.js";

describe("failover bench: lost comlog records", () => {
  it("counts the announced records the new active member does not list, per login", () => {
    const announced = [
      { loginName: "oxe10000", recordId: 1 },
      { loginName: "oxe10001", recordId: 2 },
      { loginName: "oxe10001", recordId: 3 },
      { loginName: "oxe10002", recordId: 4 },
    ];
    const listed = new Map([
      ["oxe10000", new Set([1])],
      // record 3 listed under another login does not count as kept
      ["oxe10001", new Set([2])],
      ["oxe10003", new Set([3])],
    ]);
    expect(lostRecords(announced, listed)).toEqual([
      { loginName: "oxe10001", recordId: 3 },
      { loginName: "oxe10002", recordId: 4 },
    ]);
    expect(lostRecords(announced.slice(0, 2), listed)).toEqual([]);
  });

  it("reads a worker's state line by its first word only", () => {
    expect(payloadAfter<{ monitored: number }>('READY {"monitored":5}', "READY")).toEqual({ monitored: 5 });
    expect(payloadAfter('PASSIVE {"url":"x"}', "READY")).toBeNull();
    expect(payloadAfter("READYX {}", "READY")).toBeNull();
  });
});
