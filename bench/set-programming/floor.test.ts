import { afterEach, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../oxe-emulator/emulator.js";
import { readyOf } from "../support/processes.js";
import { SetProgrammingFloor } from "./floor.js";
import type { Target } from "./ops.js";

let emu: Emulator | undefined;
let floor: SetProgrammingFloor | undefined;
afterEach(async () => {
  floor?.close();
  floor = undefined;
  await emu?.stop();
  emu = undefined;
});

async function connect(password?: string): Promise<{ floor: SetProgrammingFloor; targets: Target[] }> {
  emu = await startEmulator({ users: 200, nodes: 1, seed: 1 });
  const ready = readyOf(emu, password);
  const node = ready.nodes[0]!;
  const targets = emu.directory.subscribers
    .filter((s) => s.stationType.keys > 0)
    .map((s) => ({ login: s.loginName, number: s.directoryNumber, keys: s.stationType.keys }));
  floor = await SetProgrammingFloor.connect(node.cmip, node.nodeId, ready.login, ready.password);
  return { floor, targets };
}

describe("the set-programming floor (a bare CMIP client)", () => {
  it("programs keys with M-SET and reads them back with the scoped M-GET", async () => {
    const { floor, targets } = await connect();
    expect(targets.length).toBeGreaterThan(10);
    const before = await floor.run("get", targets, 0, targets.length, 4);
    // A fresh node: most sets have nothing programmed yet, so the Sets below must show.
    expect(before.keysRead).toBeLessThan(targets.length);
    // Operations 0..T-1 program key 1 of every set: afterwards each set holds at least that one.
    const set = await floor.run("set", targets, 0, targets.length, 4);
    expect(set.ops).toBe(targets.length);
    const after = await floor.run("get", targets, 0, targets.length, 4);
    expect(after.keysRead).toBeGreaterThanOrEqual(targets.length);
    expect(after.keysRead).toBeGreaterThanOrEqual(before.keysRead);
  });

  it("fails when the node refuses an operation, rather than counting it", async () => {
    const { floor, targets } = await connect();
    const wrong = [{ ...targets[0]!, number: "99999999" }];
    await expect(floor.run("set", wrong, 0, 1, 1)).rejects.toThrow();
  });

  it("fails when the node refuses the association", async () => {
    await expect(connect("not-the-password")).rejects.toThrow(/refused|closed/);
  });
});
