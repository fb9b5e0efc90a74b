/**
 * Startup snapshot: from the gateway starting its links to every user of every node monitored
 * and snapshotted, for the vendor's published points, next to the vendor's figures (O2G on a
 * 4 vCPU VM; ../shared/o2g-facts.md). Emulator and gateway run as separate processes; nodes
 * are sized so none exceeds the OXE's 20,000 monitors.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type BenchResult, lineChart, type Row, result } from "../report/index.js";
import { spawnEmulator, spawnGateway } from "../support/processes.js";

export const VENDOR_SNAPSHOT_MS: Record<number, number> = {
  1000: 9000,
  3000: 11000,
  5000: 13000,
  15000: 23000,
  30000: 30000,
  50000: 43000,
  100000: 75000,
};

export const SNAPSHOT_POINTS = [1000, 3000, 5000, 15000, 30000, 50000, 100000];

export interface SnapshotOptions {
  points: number[];
  /** runs per point; the median is kept */
  repeat: number;
  /** the gateway's snapshot window (requests in flight per node) */
  window?: number;
  progress?: (line: string) => void;
}

export async function measureSnapshot(
  users: number,
  window?: number,
  /** a deliberate slowdown of the gateway (bench/support/slow.ts), for the gate's self-test */
  slow?: string,
): Promise<{ ms: number; rssMB: number; nodes: number; monitored: number }> {
  const nodes = Math.max(1, Math.ceil(users / 20_000));
  const emu = await spawnEmulator(users, nodes);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "o2g-bench-"));
  try {
    const gw = await spawnGateway(emu.ready, {
      dataDir,
      ...(window ? { snapshotWindow: window } : {}),
      ...(slow ? { slow } : {}),
    });
    await gw.stop();
    if (gw.ready.monitored !== users)
      throw new Error(`only ${gw.ready.monitored} of ${users} users were monitored`);
    return { ms: gw.ready.snapshotMs, rssMB: gw.ready.rssMB, nodes, monitored: gw.ready.monitored };
  } finally {
    await emu.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function snapshotBench(
  opts: SnapshotOptions,
): Promise<{ res: BenchResult; charts: Record<string, string> }> {
  const rows: Row[] = [];
  for (const users of opts.points) {
    const runs = [];
    for (let i = 0; i < opts.repeat; i++) {
      opts.progress?.(`snapshot: ${users.toLocaleString("en-US")} users, run ${i + 1}/${opts.repeat}...`);
      runs.push(await measureSnapshot(users, opts.window));
    }
    const ms = median(runs.map((r) => r.ms));
    const rssMB = median(runs.map((r) => r.rssMB));
    const vendorMs = VENDOR_SNAPSHOT_MS[users] ?? null;
    rows.push({
      users,
      nodes: runs[0]!.nodes,
      ms,
      rssMB,
      vendorMs,
      vsVendor: vendorMs ? Number((vendorMs / ms).toFixed(1)) : null,
    });
    opts.progress?.(`snapshot: ${users.toLocaleString("en-US")} users in ${ms} ms, gateway RSS ${rssMB} MB`);
  }
  const res = result("snapshot", rows, [
    "ms: from the gateway starting its links to every user monitored (CSTA MonitorStart) and snapshotted (SnapshotDevice), after reading the users over CMIP; median of the runs.",
    "vendorMs: the vendor's published startup snapshot time (O2G, 2 GHz 4 vCPU 4 GB VM); vsVendor = vendorMs / ms.",
    "rssMB: resident memory of the gateway process once the snapshot is done.",
    `machine: ${os.cpus().length} CPU(s); the emulator runs in its own process on the same machine.`,
  ]);
  const withVendor = rows.filter((r) => r.vendorMs !== null);
  const charts = {
    "snapshot.svg": lineChart({
      title: "Startup snapshot time vs users",
      xLabel: "users",
      yLabel: "ms (log scale)",
      logY: true,
      series: [
        { name: "o2g-testbench (this machine)", points: rows.map((r) => [Number(r.users), Number(r.ms)]) },
        {
          name: "vendor O2G (published, 4 vCPU)",
          points: withVendor.map((r) => [Number(r.users), Number(r.vendorMs)]),
          dashed: true,
        },
      ],
    }),
    "snapshot-rss.svg": lineChart({
      title: "Gateway memory after the snapshot",
      xLabel: "users",
      yLabel: "RSS (MB)",
      series: [{ name: "gateway RSS", points: rows.map((r) => [Number(r.users), Number(r.rssMB)]) }],
    }),
  };
  return { res, charts };
}
