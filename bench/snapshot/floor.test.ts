import { afterEach, describe, expect, it } from "vitest";
import { generateDirectory } from "../../oxe-emulator/directory/generate.js";
import { type Emulator, startEmulator } from "../../oxe-emulator/emulator.js";
import { readyOf } from "../support/processes.js";
import { devicesByNode, measureSnapshotFloor } from "./floor.js";

/** What the emulator's CLI prints as READY, from an emulator started in this process. */

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

describe("devicesByNode", () => {
  it("numbers each node's users as the emulator generates them", () => {
    for (const [users, nodes] of [
      [1000, 1],
      [1000, 7],
      [100_000, 100],
    ] as const) {
      const dir = generateDirectory({ users, nodes, seed: 1 });
      const mine = devicesByNode(users, nodes);
      for (let n = 1; n <= nodes; n++)
        expect(mine.get(n)).toEqual(dir.byNode.get(n)!.map((s) => s.directoryNumber));
    }
  });
});

describe("measureSnapshotFloor", () => {
  it("monitors and snapshots every user of every node over bare CSTA links", async () => {
    emu = await startEmulator({ users: 600, nodes: 3, seed: 1 });
    const r = await measureSnapshotFloor(readyOf(emu), 600, 50);
    expect(r.monitored).toBe(600);
    expect(r.ms).toBeGreaterThan(0);
  });

  it("fails when the node refuses the association", async () => {
    emu = await startEmulator({ users: 100, nodes: 1, seed: 1 });
    await expect(measureSnapshotFloor(readyOf(emu, "not-the-password"), 100)).rejects.toThrow(
      /refused|closed/,
    );
  });

  it("fails when a node refuses a monitor (its limit), rather than counting it", async () => {
    emu = await startEmulator({ users: 300, nodes: 1, seed: 1, maxMonitorsPerNode: 200 });
    await expect(measureSnapshotFloor(readyOf(emu), 300)).rejects.toThrow(/MonitorStart/);
  });
});
