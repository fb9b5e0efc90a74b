import { afterEach, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "./index.js";

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

describe("the node's voice mail", () => {
  it("answers a call forwarded to it and keeps the message for the user the call was for", async () => {
    emu = await startEmulator({ users: 10, seed: 1, voiceMailAnswerAfterMs: 30, voiceMailMaxMs: 60_000 });
    const net = emu.network;
    const bob = net.device("10002");
    net.setForward(bob, { type: "immediate", destination: "8001" }, true);
    const before = emu.node(1).voicemail.list("10002").length;
    const c = net.makeCall("10001", "10002");
    await new Promise((r) => setTimeout(r, 80));
    expect(net.device("8001").connections[0]?.state).toBe("connected");
    await new Promise((r) => setTimeout(r, 1100));
    net.clearConnection(net.device("10001"), c.call);
    const box = emu.node(1).voicemail.list("10002");
    expect(box.length).toBe(before + 1);
    expect(box.at(-1)).toMatchObject({ caller: "10001", durationSec: 1 });
  });

  it("hangs up by itself at its longest message, and several callers may leave one at once", async () => {
    emu = await startEmulator({ users: 10, seed: 1, voiceMailAnswerAfterMs: 10, voiceMailMaxMs: 150 });
    const net = emu.network;
    for (const b of ["10003", "10004"])
      net.setForward(net.device(b), { type: "immediate", destination: "8001" }, true);
    const before = emu.node(1).voicemail.list("10003").length + emu.node(1).voicemail.list("10004").length;
    net.makeCall("10005", "10003");
    net.makeCall("10006", "10004");
    await new Promise((r) => setTimeout(r, 300));
    expect(net.device("10005").connections).toEqual([]);
    expect(emu.node(1).voicemail.list("10003").length + emu.node(1).voicemail.list("10004").length).toBe(
      before + 2,
    );
  });
});
