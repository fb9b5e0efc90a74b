/**
 * A gateway that stops releases its links in order (hardening issue, protocol conformance): it
 * stops its monitors and sends RLRQ on CSTA and CMIP, and the node answers RLRE, rather than the
 * node finding dead sockets.
 */
import { expect, it } from "vitest";
import { startSandbox } from "../support/sandbox.js";

it("stops its monitors and releases both associations when it stops", async () => {
  const lines: string[] = [];
  const sb = await startSandbox({ users: 10, log: (l: string) => lines.push(l) });
  const monitored = sb.emulator.nodes[0]!;
  expect(lines.some((l) => /csta\] association \d+ open/.test(l))).toBe(true);
  lines.length = 0;
  await sb.gateway.stop();
  const released = lines.filter((l) => / association \d+ released/.test(l));
  expect(released.some((l) => l.includes("csta]"))).toBe(true);
  expect(released.some((l) => l.includes("cmip]"))).toBe(true);
  // The monitors went with MonitorStop before the release: none left for the closing link.
  expect(lines.filter((l) => /csta\] association \d+ closed, [1-9]\d* monitor/.test(l))).toEqual([]);
  expect(monitored.nodeId).toBe(1);
  await sb.emulator.stop();
});
