/**
 * The gateway as a benchmark runs it: started alone in this process, it prints
 * "READY {json}" with the startup snapshot time and its RSS once every node is monitored
 * and snapshotted, then serves until it is stopped.
 */
import { mkdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { DEFAULT_GATEWAY_CONFIG, loadGatewayConfig, parseNodes } from "../../gateway/config/index.js";
import { installLastResort, startGateway } from "../../gateway/index.js";
import { testLicenseConfig } from "../../scenarios/test-license.js";
import { installEventStages } from "./event-stages.js";
import { installSlowdown, parseSlow } from "./slow.js";

const { values } = parseArgs({
  options: {
    nodes: { type: "string" },
    "data-dir": { type: "string" },
    "https-port": { type: "string" },
    "snapshot-window": { type: "string" },
    "heartbeat-ms": { type: "string" },
    "heartbeat-misses": { type: "string" },
    // a member of an active/passive pair (needs DATABASE_URL): "pollMs/heartbeatMs/timeoutMs"
    ha: { type: "string" },
  },
});
const haTimings = values.ha?.split("/").map(Number);
const env = process.env;

function benchLicense(dir: string) {
  mkdirSync(dir, { recursive: true });
  return { ...DEFAULT_GATEWAY_CONFIG.licenses, ...testLicenseConfig(dir) };
}
const config = loadGatewayConfig({
  // Only what a test or benchmark means to pass: a database and an administrator account.
  env: { DATABASE_URL: env.DATABASE_URL, O2G_ADMIN: env.O2G_ADMIN },
  overrides: {
    nodes: parseNodes(values.nodes ?? "", env.O2G_LINK_LOGIN ?? "o2g", env.O2G_LINK_PASSWORD ?? "o2g-link"),
    dataDir: values["data-dir"] ?? ".data/bench-gateway",
    httpsPort: Number(values["https-port"] ?? 0),
    links: {
      ...DEFAULT_GATEWAY_CONFIG.links,
      ...(values["snapshot-window"] ? { snapshotWindow: Number(values["snapshot-window"]) } : {}),
      ...(values["heartbeat-ms"] ? { heartbeatMs: Number(values["heartbeat-ms"]) } : {}),
      ...(values["heartbeat-misses"] ? { heartbeatMisses: Number(values["heartbeat-misses"]) } : {}),
    },
    log: { level: "warn" },
    // Benchmarks load thousands of users: a generous TEST license, not the quotas of no file.
    licenses: benchLicense(values["data-dir"] ?? ".data/bench-gateway"),
    ...(haTimings
      ? {
          ha: {
            enabled: true,
            pair: env.O2G_HA_PAIR ?? "o2g",
            peer: null,
            pollMs: haTimings[0]!,
            heartbeatMs: haTimings[1]!,
            heartbeatTimeoutMs: haTimings[2]!,
          },
        }
      : {}),
  },
});
const log = pino({ level: "warn" });
installLastResort(log);
// The gate's self-test: a deliberate slowdown of one path (bench/support/slow.ts).
const slow = parseSlow(env.O2G_BENCH_SLOW);
const removeSlowdown = slow ? installSlowdown(slow) : undefined;
// The events benchmark's per-stage breakdown (bench/support/event-stages.ts).
if (env.O2G_BENCH_STAGES) installEventStages();
const gw = await startGateway(config, log);
// Before any line that tells the parent it may stop us: a pipe write is synchronous, and a
// SIGTERM that lands before a listener exists kills the process outright, with no CPU profile
// (BENCH_CPU_PROF) and no release of its links.
const stop = async () => {
  await gw.stop();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// A passive member says so at once (a benchmark kills the active one only once both are up),
// then READY once it has taken over and monitored everyone.
if (gw.ha && gw.ha.role !== "active")
  console.log(`PASSIVE ${JSON.stringify({ url: gw.url, caFile: gw.caFile })}`);
await gw.ready();
// node-links slows the startup snapshot only: what the process serves afterwards is not measured.
if (slow?.kind === "node-links") removeSlowdown?.();
global.gc?.();
const monitored = [...gw.core.nodes.values()].reduce((s, n) => s + n.status().monitoredUsers, 0);
console.log(
  `READY ${JSON.stringify({
    url: gw.url,
    caFile: gw.caFile,
    snapshotMs: gw.core.snapshotMs,
    snapshotCpuMs: gw.core.snapshotCpuMs,
    rssMB: Math.round(process.memoryUsage().rss / 1048576),
    monitored,
  })}`,
);
