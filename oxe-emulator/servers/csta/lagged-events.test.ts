/**
 * The node's lagged events (eventLagMs: events reported some ms after the answer, as a loaded
 * switch reports them) keep their lag when the wall clock jumps: a test that fakes Date while
 * an event is queued (node-analytics.test.ts starts a node in 2027) made the old drain wait for
 * `due - Date.now()` = 59 days, which setTimeout turns into 1 ms and a warning, over and over,
 * for as long as the process lived.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { connectBareCsta } from "../../../bench/support/bare-csta.js";
import { type CstaFailure, monitorStart } from "../../../protocols/csta/index.js";
import type { RoseLink } from "../../../protocols/rose/index.js";
import { type Emulator, startEmulator } from "../../index.js";

const DAY_MS = 86_400_000;
let emu: Emulator;
let link: RoseLink<CstaFailure>;
const events: number[] = [];

beforeAll(async () => {
  emu = await startEmulator({ users: 4, nodes: 1, seed: 3, heartbeatMs: 0 });
  link = await new Promise<RoseLink<CstaFailure>>((resolve, reject) => {
    connectBareCsta({
      endpoint: emu.node(1).cstaEndpoint,
      login: emu.config.linkLogin,
      password: emu.config.linkPassword,
      name: "lagged events test",
      invokeTimeoutMs: 5_000,
      associated: resolve,
      invoked: () => events.push(performance.now()),
      failed: reject,
      closedIsFailure: () => false,
    });
  });
});
afterAll(async () => {
  link?.abort();
  await emu?.stop();
});

describe("lagged events", () => {
  it("arrive their lag after the request even when the wall clock jumps meanwhile", async () => {
    const dn = emu.directory.subscribers[0]!.directoryNumber;
    await link.invokeAsync(monitorStart, { device: dn });
    emu.node(1).csta.eventLagMs = 30;
    try {
      // The event is queued while Date says 59 days later, then the clock comes back.
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.now() + 59 * DAY_MS);
      const queuedAt = performance.now();
      emu.phone(dn).offHook();
      vi.useRealTimers();
      const until = performance.now() + 5_000;
      while (events.length === 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
      expect(events.length, "an event report within 5 s").toBeGreaterThan(0);
      expect(events[0]! - queuedAt).toBeGreaterThanOrEqual(25);
    } finally {
      vi.useRealTimers();
      emu.node(1).csta.eventLagMs = 0;
      emu.phone(dn).hangUp();
    }
  });
});
