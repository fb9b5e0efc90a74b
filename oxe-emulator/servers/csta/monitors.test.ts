import { describe, expect, it } from "vitest";
import { MonitorRegistry } from "./monitors.js";

const octets = (id: string) => [...id].map((c) => c.charCodeAt(0));

describe("MonitorRegistry", () => {
  it("hands out four-octet ids in sequence and refuses past its limit", () => {
    const reg = new MonitorRegistry<string>(3);
    const ids = ["1001", "1002", "1001"].map((d) => reg.add("gw", d)!.crossRefId);
    expect(ids.map(octets)).toEqual([
      [0, 0, 0, 1],
      [0, 0, 0, 2],
      [0, 0, 0, 3],
    ]);
    expect(reg.add("gw", "1003")).toBeUndefined();
    expect(reg.size).toBe(3);
    expect(reg.forDevice("1001")!.map((m) => m.crossRefId)).toEqual([ids[0], ids[2]]);
  });

  it("removes one monitor, or all of an owner's, leaving the others' untouched", () => {
    const reg = new MonitorRegistry<string>(10);
    const a1 = reg.add("a", "1001")!;
    const b1 = reg.add("b", "1001")!;
    reg.add("a", "1002");
    reg.remove(a1);
    expect(reg.get(a1.crossRefId)).toBeUndefined();
    reg.remove(a1); // already gone: nothing else goes with it
    expect(reg.size).toBe(2);
    // Ids this node never gave, or not four octets: no monitor.
    for (const id of [
      "",
      "m1",
      "\u0000\u0000\u0000\u0009",
      "\u0000\u0000\u0000\u0002\u0000",
      "\u0100\u0000\u0000\u0002",
    ])
      expect(reg.get(id)).toBeUndefined();
    expect(reg.forDevice("1001")).toEqual([b1]);
    expect(reg.removeOwner("a")).toBe(1);
    expect(reg.forDevice("1002") ?? []).toEqual([]);
    expect(reg.size).toBe(1);
    expect(reg.get(b1.crossRefId)).toBe(b1);
    // The only owner left: every monitor goes at once.
    expect(reg.removeOwner("b")).toBe(1);
    expect(reg.size).toBe(0);
    expect(reg.forDevice("1001") ?? []).toEqual([]);
    // A device monitored again after all that has exactly its new monitor.
    const again = reg.add("c", "1001")!;
    expect(reg.forDevice("1001")).toEqual([again]);
    expect(reg.countFor("c")).toBe(1);
  });

  it("after the ids wrap past 0xffffffff, skips those still in use", () => {
    const reg = new MonitorRegistry<string>(10);
    const first = reg.add("gw", "1001")!; // id 1, kept
    reg.add("gw", "1002"); // id 2, kept
    // Four billion MonitorStarts later (the counter is set rather than run there):
    (reg as unknown as { next: number }).next = 0xffffffff;
    expect(octets(reg.add("gw", "1003")!.crossRefId)).toEqual([0xff, 0xff, 0xff, 0xff]);
    const next = reg.add("gw", "1004")!;
    expect(octets(next.crossRefId)).toEqual([0, 0, 0, 3]);
    expect(reg.get(first.crossRefId)).toBe(first);
    expect(reg.size).toBe(4);
    expect(reg.countFor("gw")).toBe(4);
    expect(reg.removeOwner("gw")).toBe(4);
    expect(reg.size).toBe(0);
  });
});
