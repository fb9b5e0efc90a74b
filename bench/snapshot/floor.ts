/**
 * The snapshot's floor: the CSTA share of the startup snapshot done by a bare client, with no
 * gateway in between. One RoseLink over TCP per node, associated as the gateway associates, then
 * MonitorStart + SnapshotDevice for every user of the node with the gateway's window. What the
 * gateway takes beyond this is its own share (CMIP user read, directory, state, bookkeeping);
 * what this takes is the emulator's and the wire's.
 */
import { defaultFirstNumber, nodeOfIndex } from "../../oxe-emulator/directory/generate.js";
import { monitorStart, snapshotDevice } from "../../protocols/csta/index.js";
import { connectBareCsta } from "../support/bare-csta.js";
import type { EmulatorReady } from "../support/processes.js";

/** The gateway's default snapshot window (gateway/config: links.snapshotWindow). */
export const DEFAULT_SNAPSHOT_WINDOW = 2_000;

/** Each node's devices, as the emulator numbers them: one contiguous block per node. */
export function devicesByNode(users: number, nodes: number): Map<number, string[]> {
  const first = defaultFirstNumber(users);
  const byNode = new Map<number, string[]>();
  for (let n = 1; n <= nodes; n++) byNode.set(n, []);
  for (let i = 0; i < users; i++) byNode.get(nodeOfIndex(i, users, nodes))!.push(String(first + i));
  return byNode;
}

interface NodeResult {
  monitored: number;
  close(): void;
}

function snapshotNode(
  endpoint: { host: string; port: number },
  login: string,
  password: string,
  devices: string[],
  window: number,
): Promise<NodeResult> {
  return new Promise((resolve, reject) => {
    let failed = false;
    let next = 0;
    let inFlight = 0;
    let finished = 0;
    const { link, socket } = connectBareCsta({
      endpoint,
      login,
      password,
      name: "snapshot floor",
      invokeTimeoutMs: 60_000,
      associated: () => pump(),
      failed: (err) => fail(err),
      closedIsFailure: () => finished < devices.length,
    });
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      socket.destroy();
      reject(err);
    };
    const completeOne = () => {
      inFlight--;
      if (++finished === devices.length) resolve({ monitored: finished, close: () => socket.destroy() });
      else pump();
    };
    const one = (device: string) => {
      inFlight++;
      link.invoke(monitorStart, { device }, (err) => {
        if (err) return fail(new Error(`MonitorStart ${device}: ${err.message}`));
        link.invoke(snapshotDevice, { device }, (err2) => {
          if (err2) return fail(new Error(`SnapshotDevice ${device}: ${err2.message}`));
          completeOne();
        });
      });
    };
    const pump = () => {
      while (inFlight < window && next < devices.length && !failed) one(devices[next++]!);
    };
    if (devices.length === 0) resolve({ monitored: 0, close: () => socket.destroy() });
  });
}

/**
 * ms from connecting to every node's CSTA service to every user monitored and snapshotted,
 * all nodes at once (as the gateway starts all its nodes at once).
 */
export async function measureSnapshotFloor(
  emulator: EmulatorReady,
  users: number,
  window = DEFAULT_SNAPSHOT_WINDOW,
): Promise<{ ms: number; monitored: number }> {
  const byNode = devicesByNode(users, emulator.nodes.length);
  const started = performance.now();
  const results = await Promise.allSettled(
    emulator.nodes.map((n) =>
      snapshotNode(n.csta, emulator.login, emulator.password, byNode.get(n.nodeId) ?? [], window),
    ),
  );
  const ms = Math.round(performance.now() - started);
  // Closing drops the monitors on the emulator's side, as a dropped gateway link does.
  for (const r of results) if (r.status === "fulfilled") r.value.close();
  const failure = results.find((r) => r.status === "rejected");
  if (failure) throw (failure as PromiseRejectedResult).reason;
  const monitored = results.reduce((s, r) => s + (r.status === "fulfilled" ? r.value.monitored : 0), 0);
  return { ms, monitored };
}
