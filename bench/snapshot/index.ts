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
import { measureSnapshotFloor } from "./floor.js";

export const VENDOR_SNAPSHOT_MS: Record<number, number> = {
  1000: 9000,
  3000: 11000,
  5000: 13000,
  15000: 23000,
  30000: 30000,
  50000: 43000,
  100000: 75000,
};

/** An OXE node monitors at most this many devices for one CTI application. */
const OXE_MONITOR_LIMIT = 20_000;
const defaultNodes = (users: number) => Math.max(1, Math.ceil(users / OXE_MONITOR_LIMIT));

export const SNAPSHOT_POINTS = [1000, 3000, 5000, 15000, 30000, 50000, 100000];

export interface SnapshotOptions {
  points: number[];
  /** runs per point; the median is kept */
  repeat: number;
  /** the gateway's snapshot window (requests in flight per node) */
  window?: number;
  /** OXE nodes the users are spread over; default: as few as the 20,000-monitor limit allows */
  nodes?: number;
  progress?: (line: string) => void;
}

export async function measureSnapshot(
  users: number,
  window?: number,
  /** a deliberate slowdown of the gateway (bench/support/slow.ts), for the gate's self-test */
  slow?: string,
  more: {
    /** OXE nodes; default: as few as the monitor limit allows */
    nodes?: number;
    /** also time a bare client doing the CSTA share on the same emulator (./floor.ts) */
    floor?: boolean;
    /**
     * the bare client's window, when it must not follow the gateway's: the gate's `window=1`
     * injection slows the gateway, and a floor slowed the same way would hide it
     */
    floorWindow?: number;
  } = {},
): Promise<{ ms: number; rssMB: number; nodes: number; monitored: number; floorMs: number | null }> {
  const nodes = more.nodes ?? defaultNodes(users);
  if (!Number.isInteger(nodes) || nodes < 1) throw new Error(`--nodes: ${more.nodes} is not a node count`);
  if (users / nodes > OXE_MONITOR_LIMIT)
    throw new Error(
      `${users} users on ${nodes} node(s) exceed the OXE's ${OXE_MONITOR_LIMIT} monitors per node`,
    );
  const emu = await spawnEmulator(users, nodes);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "o2g-bench-"));
  try {
    // The emulator stands for a PBX, which has no JIT to warm: one untimed gateway first, so
    // that the timed one's figure is not the emulator's cold start (at 1,000 users, a first
    // pass took the emulator 1.5-2x as long as the next). A bare CSTA pass warmed only the
    // monitoring; the timed gateway still waited 10-70 ms at a time on the emulator's first
    // CMIP reads of the users (helper S). The timed gateway is a new process: it starts cold.
    const warm = await spawnGateway(emu.ready, { dataDir, ...(window ? { snapshotWindow: window } : {}) });
    await warm.stop();
    const gw = await spawnGateway(emu.ready, {
      dataDir,
      ...(window ? { snapshotWindow: window } : {}),
      ...(slow ? { slow } : {}),
    });
    await gw.stop();
    if (gw.ready.monitored !== users)
      throw new Error(`only ${gw.ready.monitored} of ${users} users were monitored`);
    // After the gateway released its links (and so its monitors): the same warm emulator.
    let floorMs: number | null = null;
    if (more.floor) {
      const floor = await measureSnapshotFloor(emu.ready, users, more.floorWindow ?? window);
      if (floor.monitored !== users)
        throw new Error(`the bare client monitored ${floor.monitored} of ${users} users`);
      floorMs = floor.ms;
    }
    return { ms: gw.ready.snapshotMs, rssMB: gw.ready.rssMB, nodes, monitored: gw.ready.monitored, floorMs };
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
      runs.push(
        await measureSnapshot(users, opts.window, undefined, {
          floor: true,
          ...(opts.nodes !== undefined ? { nodes: opts.nodes } : {}),
        }),
      );
      opts.progress?.(`  ${runs.at(-1)!.ms} ms (bare client ${runs.at(-1)!.floorMs} ms)`);
    }
    const ms = median(runs.map((r) => r.ms));
    const rssMB = median(runs.map((r) => r.rssMB));
    const floorMs = median(runs.map((r) => r.floorMs ?? 0));
    const vendorMs = VENDOR_SNAPSHOT_MS[users] ?? null;
    rows.push({
      users,
      nodes: runs[0]!.nodes,
      ms,
      floorMs,
      vsFloor: floorMs > 0 ? Number((ms / floorMs).toFixed(1)) : null,
      rssMB,
      vendorMs,
      vsVendor: vendorMs ? Number((vendorMs / ms).toFixed(1)) : null,
    });
    opts.progress?.(
      `snapshot: ${users.toLocaleString("en-US")} users in ${ms} ms (bare client ${floorMs} ms), gateway RSS ${rssMB} MB`,
    );
  }
  const res = result("snapshot", rows, [
    "ms: from the gateway starting its links to every user monitored (CSTA MonitorStart) and snapshotted (SnapshotDevice), after reading the users over CMIP; median of the runs. The emulator stands for a PBX, which has no JIT to warm: an untimed gateway does the same first, then stops; the timed gateway is a new, cold process.",
    "floorMs: the same emulator answering a bare client (one CSTA association per node, MonitorStart + SnapshotDevice for every user, the same window, all nodes at once; no CMIP read, no gateway), timed after the timed gateway stopped; vsFloor = ms / floorMs, the gateway's cost over the emulator's and the wire's.",
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
