/**
 * Switchover: a redundant node with N monitored users and calls in progress; its main fails
 * (clean: connections reset; silent: the main goes mute and only the heartbeat can tell); we
 * time from the fault to the gateway's OnCtiLinkUp with every monitor restored, then count
 * users left unmonitored and calls the gateway lost track of (must both be 0).
 * The emulator runs in this process (the fault and the stopwatch share a clock), the gateway in
 * its own.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmulator } from "../../oxe-emulator/index.js";
import { O2gClient } from "../../scenarios/o2g-client/index.js";
import { type BenchResult, barChart, type Row, result } from "../report/index.js";
import { spawnGateway } from "../support/processes.js";

export interface SwitchoverOptions {
  points: number[];
  flavours: ("clean" | "silent")[];
  heartbeatMs: number;
  heartbeatMisses: number;
  progress?: (line: string) => void;
}

export interface SwitchoverRow {
  users: number;
  flavour: "clean" | "silent";
  ms: number;
  /** of which: until the gateway noticed (OnCtiLinkDown) */
  detectMs: number;
  lostUsers: number;
  lostCalls: number;
  calls: number;
}

export async function measureSwitchover(
  users: number,
  flavour: "clean" | "silent",
  opts: Pick<SwitchoverOptions, "heartbeatMs" | "heartbeatMisses">,
): Promise<SwitchoverRow> {
  const emu = await startEmulator({
    users,
    nodes: 1,
    seed: 1,
    heartbeatMs: 0,
    redundant: true,
    network: { ringTimeoutMs: 600_000 },
  });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "o2g-switch-"));
  const n = emu.node(1);
  const ready = {
    users,
    startMs: 0,
    rssMB: 0,
    login: emu.config.linkLogin,
    password: emu.config.linkPassword,
    nodes: [{ nodeId: 1, csta: n.cstaEndpoint, cmip: n.cmipEndpoint, standby: n.standby! }],
  };
  const gw = await spawnGateway(ready, {
    dataDir,
    heartbeatMs: opts.heartbeatMs,
    heartbeatMisses: opts.heartbeatMisses,
  });
  try {
    const ca = readFileSync(gw.ready.caFile, "utf8");
    const admin = await O2gClient.login({
      baseUrl: gw.ready.url,
      login: "admin",
      password: "Sandbox-Admin-1",
      ca,
    });
    const sys = await admin.subscribe([{ names: ["system"] }]);
    // Calls in progress across the switchover: placed and answered on the phones.
    const callCount = Math.min(200, Math.floor(users / 10));
    const subs = emu.directory.subscribers;
    const net = emu.network;
    const callers: string[] = [];
    for (let i = 0; i < callCount; i++) {
      const a = subs[2 * i]!;
      const b = subs[2 * i + 1]!;
      net.deferEvents(() => {
        net.makeCall(a.directoryNumber, b.directoryNumber, { autoOriginate: "doNotPrompt" });
        net.answer(net.device(b.directoryNumber));
      });
      callers.push(a.loginName);
    }
    const refsBefore = new Map<string, string>();
    const deadline = Date.now() + 10_000;
    for (const login of callers) {
      for (;;) {
        const calls = (
          await admin.get<{ calls: { callRef: string; callData: { state: string } }[] }>(
            "telephony",
            "calls",
            { loginName: login },
          )
        ).body.calls;
        const c = calls.find((x) => x.callData.state === "ACTIVE");
        if (c) {
          refsBefore.set(login, c.callRef);
          break;
        }
        if (Date.now() > deadline) throw new Error(`the gateway does not show ${login}'s call`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    const t0 = performance.now();
    emu.switchover(1, flavour);
    await sys.next((e) => e.eventName === "OnCtiLinkDown", 30_000, "OnCtiLinkDown");
    const detectMs = performance.now() - t0;
    await sys.next((e) => e.eventName === "OnCtiLinkUp", 120_000, "OnCtiLinkUp");
    const ms = performance.now() - t0;
    const status = (await admin.get<{ pbxs: { monitoredUserNumber: number }[] }>("maintenance", "status"))
      .body.pbxs[0]!;
    let lostCalls = 0;
    for (const [login, ref] of refsBefore) {
      const calls = (
        await admin.get<{ calls: { callRef: string; callData: { state: string } }[] }>("telephony", "calls", {
          loginName: login,
        })
      ).body.calls;
      if (!calls.some((c) => c.callRef === ref && c.callData.state === "ACTIVE")) lostCalls++;
    }
    sys.close();
    await admin.close();
    return {
      users,
      flavour,
      ms: Math.round(ms),
      detectMs: Math.round(detectMs),
      lostUsers: users - status.monitoredUserNumber,
      lostCalls,
      calls: refsBefore.size,
    };
  } finally {
    await gw.stop();
    await emu.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function switchoverBench(
  opts: SwitchoverOptions,
): Promise<{ res: BenchResult; charts: Record<string, string> }> {
  const rows: SwitchoverRow[] = [];
  for (const users of opts.points) {
    for (const flavour of opts.flavours) {
      opts.progress?.(`switchover: ${users.toLocaleString("en-US")} users, ${flavour}...`);
      const r = await measureSwitchover(users, flavour, opts);
      rows.push(r);
      opts.progress?.(
        `switchover: ${users} users ${flavour}: link up again after ${r.ms} ms (noticed after ${r.detectMs} ms), ${r.lostUsers} users and ${r.lostCalls} calls lost`,
      );
    }
  }
  const res = result("switchover", rows as unknown as Row[], [
    "ms: from the fault on the main call server to OnCtiLinkUp from the gateway with every user monitored again on the standby (both CSTA and CMIP re-linked, users re-read over CMIP, every device monitored and snapshotted, calls reconciled).",
    `detectMs: until OnCtiLinkDown. A clean failure resets the connections: noticed at once. A silent one is noticed by the heartbeat: ${opts.heartbeatMs} ms period, ${opts.heartbeatMisses} misses.`,
    "lostUsers: users not monitored afterwards; lostCalls: of the calls established before, those the gateway no longer shows ACTIVE under the same reference (both must be 0).",
  ]);
  const charts = {
    "switchover.svg": barChart({
      title: "Time to OnCtiLinkUp after a switchover",
      unit: "ms",
      groups: opts.points.map((u) => ({
        label: `${u.toLocaleString("en-US")} users`,
        values: rows.filter((r) => r.users === u).map((r) => ({ name: r.flavour, value: r.ms })),
      })),
    }),
  };
  return { res, charts };
}
