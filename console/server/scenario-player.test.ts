/** Which library scenarios the console's player runs live against a given sandbox. */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../oxe-emulator/index.js";
import { loadScenario } from "../../scenarios/format/index.js";
import { fitsLive } from "./scenario-player.js";

const lib = (f: string) => loadScenario(path.resolve(import.meta.dirname, "../../scenarios/library", f));

let small: Emulator;
let pair: Emulator;
beforeAll(async () => {
  small = await startEmulator({ users: 12, nodes: 1, seed: 1, heartbeatMs: 0 });
  pair = await startEmulator({ users: 60, nodes: 2, seed: 1, heartbeatMs: 0, redundant: true });
});
afterAll(async () => {
  await small?.stop();
  await pair?.stop();
});

describe("fitsLive", () => {
  it("runs plain call scenarios live when the sandbox has their users", () => {
    expect(fitsLive(lib("basic-call.yaml"), small)).toBe(true);
    expect(fitsLive(lib("hold-retrieve.yaml"), small)).toBe(true);
  });
  it("does not when the scenario wants timings, more nodes, a load, or links of its own", () => {
    expect(fitsLive(lib("no-answer.yaml"), small)).toBe(false); // ringTimeout
    expect(fitsLive(lib("cross-node.yaml"), small)).toBe(false); // 2 nodes
    expect(fitsLive(lib("cross-node.yaml"), pair)).toBe(true);
    expect(fitsLive(lib("load-basic-calls.yaml"), pair)).toBe(false); // a load
    expect(fitsLive(lib("switchover-call.yaml"), pair)).toBe(false); // its heartbeat
  });
});
