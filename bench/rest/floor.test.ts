import { afterEach, describe, expect, it } from "vitest";
import { defaultFirstNumber } from "../../oxe-emulator/directory/generate.js";
import { type Emulator, startEmulator } from "../../oxe-emulator/emulator.js";
import { readyOf } from "../support/processes.js";
import { measureMakeReleaseFloor } from "./floor.js";

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

describe("measureMakeReleaseFloor", () => {
  it("places and releases calls over a bare CSTA link, leaving none behind", async () => {
    emu = await startEmulator({ users: 100, nodes: 1, seed: 1 });
    const first = defaultFirstNumber(100);
    const callers = [first + 10, first + 12, first + 14, first + 16];
    const r = await measureMakeReleaseFloor(readyOf(emu), { callers, concurrency: 4, durationS: 0.5 });
    expect(r.pairs).toBeGreaterThan(0);
    expect(r.rps).toBeGreaterThan(0);
    expect(r.cpuUs).toBeGreaterThan(0);
    expect(r.emulatorCpuUs).toBeNull();
    // Every call the client placed it released: the node holds none of them any more.
    await new Promise((ok) => setTimeout(ok, 100));
    for (const c of callers)
      for (const d of [c, c + 1]) expect(emu.network.device(String(d)).connections).toEqual([]);
  });

  it("fails when the node refuses the association", async () => {
    emu = await startEmulator({ users: 100, nodes: 1, seed: 1 });
    const first = defaultFirstNumber(100);
    await expect(
      measureMakeReleaseFloor(readyOf(emu, "not-the-password"), {
        callers: [first + 10],
        concurrency: 1,
        durationS: 0.2,
      }),
    ).rejects.toThrow(/refused|closed/);
  });

  it("fails when the node refuses a call, rather than counting it", async () => {
    emu = await startEmulator({ users: 100, nodes: 1, seed: 1 });
    // A calling device the node does not have.
    await expect(
      measureMakeReleaseFloor(readyOf(emu), { callers: [99_990], concurrency: 1, durationS: 0.2 }),
    ).rejects.toThrow(/MonitorStart|MakeCall/);
  });
});
