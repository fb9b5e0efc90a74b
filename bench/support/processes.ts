/**
 * The emulator and the gateway as separate processes, as they would run in a lab: each gets
 * its own event loop (and core), and the gateway's RSS is its own. Each prints one
 * "READY {json}" line when it is up.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Emulator } from "../../oxe-emulator/index.js";
import { bundled, MEMORY_WORKER } from "./bundle.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface Spawned<T> {
  child: ChildProcess;
  ready: T;
  stop(): Promise<void>;
}

export function spawnTs<T>(
  script: string,
  args: string[],
  timeoutMs = 300_000,
  env: NodeJS.ProcessEnv = {},
  /** the first word of the line that says the process is up (a passive HA member: PASSIVE) */
  readyWord = "READY",
): Promise<Spawned<T>> {
  // BENCH_CPU_PROF=<dir>: each process writes a V8 CPU profile there when it exits (SIGTERM).
  const prof = process.env.BENCH_CPU_PROF
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  // BENCH_NODE_ARGS="<flags>": more node/V8 flags for each process (--trace-deopt, --log-deopt...).
  prof.push(...(process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? []));
  const tsx = process.env.O2G_SPAWN_TSX === "1";
  const started = tsx
    ? Promise.resolve({ entry: ["--import", "tsx", path.join(ROOT, script)], env: {} })
    : Promise.all([bundled(script), bundled(MEMORY_WORKER)]).then(([entry, memory]) => ({
        entry: [entry],
        env: { O2G_MEMORY_WORKER: memory },
      }));
  return started.then(({ entry, env: bundleEnv }) =>
    waitReady<T>(
      script,
      spawn(process.execPath, [...prof, ...entry, ...args], {
        cwd: ROOT,
        stdio: ["pipe", "pipe", "pipe"],
        env: { ...process.env, ...bundleEnv, ...env },
      }),
      timeoutMs,
      readyWord,
    ),
  );
}

function waitReady<T>(
  script: string,
  child: ChildProcess,
  timeoutMs: number,
  readyWord: string,
): Promise<Spawned<T>> {
  const lines = createInterface({ input: child.stdout! });
  const errors: string[] = [];
  child.stderr!.on("data", (d) => {
    errors.push(String(d));
    if (errors.length > 50) errors.shift();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} was not ready after ${timeoutMs} ms\n${errors.join("")}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready\n${errors.join("")}`));
    });
    lines.on("line", (line) => {
      if (!line.startsWith(`${readyWord} `)) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({
        child,
        ready: JSON.parse(line.slice(readyWord.length + 1)) as T,
        stop: () =>
          new Promise<void>((r) => {
            // Gone already: ended on its own (exitCode) or killed by a signal (signalCode).
            if (child.exitCode !== null || child.signalCode !== null) return r();
            child.once("exit", () => r());
            child.kill("SIGTERM");
            setTimeout(() => child.kill("SIGKILL"), 5000).unref();
          }),
      });
    });
  });
}

export interface EmulatorReady {
  users: number;
  startMs: number;
  rssMB: number;
  login: string;
  password: string;
  nodes: {
    nodeId: number;
    csta: { host: string; port: number };
    cmip: { host: string; port: number };
    standby?: { csta: { host: string; port: number }; cmip: { host: string; port: number } };
  }[];
}

export function spawnEmulator(
  users: number,
  nodes: number,
  seed = 1,
  extra: string[] = [],
): Promise<Spawned<EmulatorReady>> {
  return spawnTs<EmulatorReady>("oxe-emulator/cli.ts", [
    "--users",
    String(users),
    "--nodes",
    String(nodes),
    "--seed",
    String(seed),
    "--base-port",
    "0",
    "--quiet",
    "--ready-json",
    ...extra,
  ]);
}

/** An emulator running in this process, described as a spawned one's READY line would be. */
export function readyOf(emu: Emulator, password = emu.config.linkPassword): EmulatorReady {
  return {
    users: emu.directory.subscribers.length,
    startMs: 0,
    rssMB: 0,
    login: emu.config.linkLogin,
    password,
    nodes: emu.nodes.map((n) => ({ nodeId: n.nodeId, csta: n.cstaEndpoint, cmip: n.cmipEndpoint })),
  };
}

export interface GatewayReady {
  url: string;
  caFile: string;
  snapshotMs: number;
  /** the gateway's CPU ms (user + system) over the snapshot */
  snapshotCpuMs?: number;
  rssMB: number;
  monitored: number;
}

export function nodesSpec(e: EmulatorReady): string {
  return e.nodes
    .map((n) => {
      const sb = n.standby ? `|${n.standby.csta.host}:${n.standby.csta.port}/${n.standby.cmip.port}` : "";
      return `${n.nodeId}=${n.csta.host}:${n.csta.port}/${n.cmip.port}${sb}`;
    })
    .join(",");
}

export function spawnGateway(
  emulator: EmulatorReady,
  opts: {
    dataDir: string;
    snapshotWindow?: number;
    httpsPort?: number;
    heartbeatMs?: number;
    heartbeatMisses?: number;
    /** a deliberate slowdown (O2G_BENCH_SLOW, see ./slow.ts), for the gate's self-test */
    slow?: string;
    /** time stamps of each event's stages in the gateway (O2G_BENCH_STAGES, see ./event-stages.ts) */
    stages?: boolean;
  },
): Promise<Spawned<GatewayReady>> {
  return seedTls(opts.dataDir).then(() => spawnGatewayNow(emulator, opts));
}

/**
 * A bench's gateway starts in a fresh data directory, where it would make its CA and server
 * certificate: two RSA key pairs, 0.5-2 s of CPU at every start, on a machine the bench and
 * the test suite share. The sandboxes' shared certificate (made once per machine) serves it as
 * well; none of it is timed, only paid. Imported when needed: the CLI's other commands do not
 * load the gateway's modules for it.
 */
async function seedTls(dataDir: string): Promise<void> {
  if (existsSync(path.join(dataDir, "tls"))) return;
  const { seedSandboxTls } = await import("../../scenarios/sandbox-tls.js");
  seedSandboxTls(dataDir);
}

function spawnGatewayNow(
  emulator: EmulatorReady,
  opts: Parameters<typeof spawnGateway>[1],
): Promise<Spawned<GatewayReady>> {
  const args = [
    "--nodes",
    nodesSpec(emulator),
    "--data-dir",
    opts.dataDir,
    "--https-port",
    String(opts.httpsPort ?? 0),
  ];
  if (opts.snapshotWindow) args.push("--snapshot-window", String(opts.snapshotWindow));
  if (opts.heartbeatMs) args.push("--heartbeat-ms", String(opts.heartbeatMs));
  if (opts.heartbeatMisses) args.push("--heartbeat-misses", String(opts.heartbeatMisses));
  return spawnTs<GatewayReady>("bench/support/gateway-worker.ts", args, 300_000, {
    O2G_LINK_LOGIN: emulator.login,
    O2G_LINK_PASSWORD: emulator.password,
    ...(opts.slow ? { O2G_BENCH_SLOW: opts.slow } : {}),
    ...(opts.stages ? { O2G_BENCH_STAGES: "1" } : {}),
  });
}
