/**
 * The pg-mem thread runs at a lower priority than the event loop (memory-worker.ts says why):
 * its nice value, from O2G_STORE_THREAD_NICE, and the thread's real one on Linux.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createMemoryDatabase, disposeMemoryDatabase, openMemory, storeThreadNice } from "./memory.js";

/** Nice value of each thread of this process (the 19th field of /proc/self/task/<tid>/stat). */
function threadNices(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    const rest = readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1]!.split(" ");
    out.set(Number(tid), Number(rest[16]));
  }
  return out;
}

describe("the pg-mem thread's priority", () => {
  it("is nice 10 unless O2G_STORE_THREAD_NICE says otherwise, and a wrong value is refused", () => {
    expect(storeThreadNice({})).toBe(10);
    expect(storeThreadNice({ O2G_STORE_THREAD_NICE: "" })).toBe(10);
    expect(storeThreadNice({ O2G_STORE_THREAD_NICE: "0" })).toBe(0);
    expect(storeThreadNice({ O2G_STORE_THREAD_NICE: "19" })).toBe(19);
    for (const bad of ["-1", "20", "5.5", "low"])
      expect(() => storeThreadNice({ O2G_STORE_THREAD_NICE: bad })).toThrow(/O2G_STORE_THREAD_NICE/);
  });

  it.runIf(process.platform === "linux")("lowers that thread alone, not the event loop", async () => {
    const memory = createMemoryDatabase();
    const db = openMemory(memory);
    try {
      await db.query("SELECT 1");
      const nices = threadNices();
      const main = nices.get(process.pid)!;
      const wanted = storeThreadNice();
      // Run under `nice` already as high: nothing to tell the thread from the rest by.
      if (main >= wanted) return;
      expect([...nices.values()].filter((n) => n === wanted).length).toBeGreaterThanOrEqual(1);
      expect(main).toBeLessThan(wanted);
    } finally {
      await db.close();
      await disposeMemoryDatabase(memory);
    }
  });
});
