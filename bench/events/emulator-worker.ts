/**
 * The emulated OXE of the events benchmark, in a process of its own. It places the calls itself
 * and notes when each callee's CSTA Delivered is emitted, so the pace of the calls owes nothing
 * to the client's parsing, and the client parses in a process the emulator does not share.
 * Instants are on the machine's clock (performance.timeOrigin + performance.now(), the same in
 * every process of this machine), so the bench process can subtract its own from them.
 *
 * stdout: "READY {json}" (the endpoints and the call pairs), then one "RAN {json}" per command.
 * stdin: one command a line, {"rate": calls/s, "durationS": s, "holdMs": ms}.
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { startEmulator } from "../../oxe-emulator/index.js";
import { recordGcPauses } from "../support/gc-pauses.js";
import { readyOf } from "../support/processes.js";
import type { EmulatorRun, EventsEmulatorReady, RunCommand } from "./protocol.js";

const { values } = parseArgs({ options: { users: { type: "string" } } });
const users = Number(values.users ?? 4000);
const emu = await startEmulator({
  users,
  nodes: 1,
  seed: 1,
  heartbeatMs: 0,
  network: { ringTimeoutMs: 60_000 },
});
const net = emu.network;
const subs = emu.directory.subscribers;
const clock = () => performance.timeOrigin + performance.now();

// Pairs (2i, 2i+1) call each other; a pair is reused once its call is over.
const pairs = Array.from({ length: Math.floor(users / 2) }, (_, i) => ({
  caller: subs[2 * i]!.directoryNumber,
  callee: subs[2 * i + 1]!.directoryNumber,
  calleeLogin: subs[2 * i + 1]!.loginName,
}));
const free: number[] = pairs.map((_, i) => i);
let delivered: Record<string, number[]> = {};
net.on((ev) => {
  if (ev.kind !== "delivered") return;
  const login = ev.device.subscriber.loginName;
  const list = delivered[login];
  if (list) list.push(clock());
  else delivered[login] = [clock()];
});

const gc = recordGcPauses();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(cmd: RunCommand): Promise<EmulatorRun> {
  delivered = {};
  gc.take();
  const total = Math.round(cmd.rate * cmd.durationS);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let placed = 0;
  let busy = 0;
  while (placed < total) {
    // Always yield to the event loop: spinning on the clock until a call is due would hold back
    // the emulator's own socket writes (and burn a core the other processes need).
    await sleep(Math.max(0, t0 + (placed * 1000) / cmd.rate - performance.now()));
    // Place every call that is due now (a timer tick may cover several at high rates).
    while (placed < total && performance.now() >= t0 + (placed * 1000) / cmd.rate) {
      const pair = free.shift();
      placed++;
      if (pair === undefined) {
        busy++;
        continue;
      }
      const p = pairs[pair]!;
      const c = net.deferEvents(() => net.makeCall(p.caller, p.callee, { autoOriginate: "doNotPrompt" }));
      setTimeout(() => {
        if (!c.call.ended) net.deferEvents(() => net.clearCall(c.call));
        free.push(pair);
      }, cmd.holdMs).unref();
    }
  }
  const elapsedS = (performance.now() - t0) / 1000;
  await sleep(cmd.holdMs + 50); // the last calls cleared: their work is the run's
  const cpu = process.cpuUsage(cpu0);
  return { placed, busy, elapsedS, cpuMs: (cpu.user + cpu.system) / 1000, delivered, gc: gc.take() };
}

const ready: EventsEmulatorReady = { ...readyOf(emu), pairs };
console.log(`READY ${JSON.stringify(ready)}`);
let queue = Promise.resolve();
createInterface({ input: process.stdin }).on("line", (line) => {
  if (!line.trim()) return;
  const cmd = JSON.parse(line) as RunCommand;
  queue = queue.then(async () => console.log(`RAN ${JSON.stringify(await run(cmd))}`));
});
const stop = async () => {
  await emu.stop();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
