/**
 * An emulated OXE in front of an O2G high-availability pair: two gateway processes (`--ha`) over
 * one PostgreSQL, as `npm run bench -- failover` runs them. Each member is its own process so
 * that a scenario's `killGateway` is a real kill -9: the lock connection dies with the process's
 * sockets, nothing is closed politely. The actors log in as the official SDK does with
 * O2GServers (a primary and a secondary host; scenarios/o2g-client/failover.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type GatewayReady, type Spawned, spawnTs } from "../bench/support/processes.js";
import { DEFAULT_GATEWAY_CONFIG } from "../gateway/index.js";
import { type Emulator, type EmulatorConfig, startEmulator } from "../oxe-emulator/index.js";
import { planPostgresTests, providePostgres } from "../test/support/store/postgres.js";
import type { HaPair, ScenarioEnv } from "./environment.js";
import { FailoverClient, O2gClient } from "./o2g-client/index.js";
import { seedSandboxTls } from "./sandbox-tls.js";

const ADMIN = { login: "admin", password: "Sandbox-Admin-1" };
/**
 * The pair's timings: the product's defaults. Tighter ones fence a member whose heartbeat a busy
 * machine delays (a scenario shares its cores with two other test files): safe, but not this test.
 */
const { pollMs, heartbeatMs, heartbeatTimeoutMs } = DEFAULT_GATEWAY_CONFIG.ha;
const HA_TIMINGS = `${pollMs}/${heartbeatMs}/${heartbeatTimeoutMs}`;
/** The clients' recovery: the SDK's logic with a short keepalive and backoff, for the same reason. */
const CLIENT = { keepAliveMs: 250, backoffMs: [250, 500, 1_000] };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Member = Spawned<{ url: string; caFile: string }>;

/** Why no pair can start here (no PostgreSQL), or undefined when one can. */
export function haUnavailable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const plan = planPostgresTests(env);
  return plan.targets.length ? undefined : plan.reason;
}

export async function startHaSandbox(
  emu: Partial<EmulatorConfig>,
  links: { heartbeatMs?: number; heartbeatMisses?: number },
): Promise<ScenarioEnv & { ha: HaPair }> {
  const plan = planPostgresTests();
  const target = plan.targets[0];
  if (!target) throw new Error(`gateway.ha needs PostgreSQL: ${plan.reason}`);
  const pg = await providePostgres(target);
  const stops: (() => Promise<void>)[] = [() => pg.dispose()];
  const stopAll = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  let emulator: Emulator | undefined;
  // One data directory: both members serve one certificate, as a pair behind one name does.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "o2g-ha-scenario-"));
  stops.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  seedSandboxTls(dataDir);
  try {
    const url = await pg.createDatabase();
    emulator = await startEmulator({ users: 50, nodes: 1, seed: 1, heartbeatMs: 0, ...emu });
    stops.push(() => emulator!.stop());
    const nodes = emulator.nodes
      .map((n) => `${n.nodeId}=${n.cstaEndpoint.host}:${n.cstaEndpoint.port}/${n.cmipEndpoint.port}`)
      .join(",");
    const args = ["--nodes", nodes, "--data-dir", dataDir, "--ha", HA_TIMINGS];
    if (links.heartbeatMs !== undefined) args.push("--heartbeat-ms", String(links.heartbeatMs));
    if (links.heartbeatMisses !== undefined) args.push("--heartbeat-misses", String(links.heartbeatMisses));
    const env = {
      DATABASE_URL: url,
      O2G_HA_PAIR: "scenario",
      O2G_LINK_LOGIN: emulator.config.linkLogin,
      O2G_LINK_PASSWORD: emulator.config.linkPassword,
    };
    const worker = "bench/support/gateway-worker.ts";
    // The first one up takes the lock and says READY once every user is monitored; the second
    // starts once it holds it, and says PASSIVE.
    const first: Member = await spawnTs<GatewayReady>(worker, args, 120_000, env);
    stops.push(first.stop);
    const second: Member = await spawnTs<{ url: string; caFile: string }>(
      worker,
      args,
      120_000,
      env,
      "PASSIVE",
    );
    stops.push(second.stop);
    const ca = readFileSync(first.ready.caFile, "utf8");
    const dispatcher = O2gClient.dispatcherFor({ ca });
    stops.push(() => dispatcher.close());
    // The pair is up once the active member sees the other one's lock connection (its next
    // heartbeat after the second started): what Maintenance reports as the secondary RUNNING.
    const probe = await O2gClient.login({ baseUrl: first.ready.url, ...ADMIN, ca }, dispatcher);
    try {
      for (const until = performance.now() + 30_000; ; await sleep(100)) {
        type Status = { secondaryServicesStatus?: { status: string } };
        const st = await probe.get<Status>("maintenance", "status");
        if (st.body.secondaryServicesStatus?.status === "RUNNING") break;
        if (performance.now() > until) throw new Error("the active member never saw the passive one");
      }
    } finally {
      await probe.close();
    }
    const alive = [first, second];
    const clients: FailoverClient[] = [];
    stops.push(async () => void (await Promise.all(clients.map((c) => c.close()))));
    const login = async (credentials: { login: string; password: string }) => {
      const c = await FailoverClient.login({
        primary: first.ready.url,
        secondary: second.ready.url,
        ...credentials,
        ca,
        dispatcher,
        ...CLIENT,
      });
      clients.push(c);
      return c;
    };
    const ha: HaPair = {
      members: [first.ready.url, second.ready.url],
      login,
      async killActive() {
        // The members start in order, and only one may be killed: the one that serves is the first alive.
        const victim = alive.shift();
        if (!victim || alive.length === 0)
          throw new Error(
            "killGateway: the pair has one member left; a scenario kills the active member once",
          );
        const gone = new Promise<void>((r) => victim.child.once("exit", () => r()));
        victim.child.kill("SIGKILL");
        await gone;
        return victim.ready.url;
      },
    };
    const directory = emulator.directory;
    return {
      emulator,
      ha,
      async loginUser(number) {
        const sub = directory.byNumber.get(number);
        if (!sub) throw new Error(`no user ${number}`);
        return (await login({ login: sub.loginName, password: sub.password })).client;
      },
      async loginAdmin() {
        return (await login(ADMIN)).client;
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
