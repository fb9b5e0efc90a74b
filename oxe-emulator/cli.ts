/**
 * npm run emulator -- --users 1000 --nodes 1 --seed 1
 * Starts an emulated OXE network and prints where each node listens.
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { DEFAULT_EMULATOR_CONFIG, type EmulatorConfig, startEmulator } from "./index.js";

const USAGE = `usage: npm run emulator -- [options]
  --users N            generated users (default 1000)
  --nodes M            OXE nodes sharing one numbering plan (default 1)
  --seed S             generator seed: same seed, same users (default 1)
  --first-number D     first directory number (default 10000, or 100000 above 89,999 users)
  --password P         every user's password (default 0000)
  --host H             listen address (default 127.0.0.1)
  --base-port P        node i listens on P+10(i-1) for CSTA, +1 CMIP, +2 SSH, +3 IMAP (default 2555; 0 = any)
  --link-login L       account the gateway's links use (default o2g)
  --link-password P    its password (default o2g-link)
  --max-monitors N     CSTA monitors per node (default 20000, the OXE's limit)
  --max-links N        CSTA links per node (default 30, the OXE's limit)
  --ring-timeout-ms T  an unanswered call is released after T ms (default 60000)
  --agents F           fraction (0..1) of each node's users who are CCD operators, with
                       processing groups and pilots 7000+ (default 0: no CCD); the pilots'
                       calendars (open 08:00-18:00 weekdays) follow the wall clock
  --acd-traffic R      R callers per second to the pilots (patience 30 s), every operator
                       logged on, ready and answering by itself (needs --agents; the
                       calendars then stay still: the pilots stay open)
  --redundant          every node is a main/standby pair (the standby on ports +5..+8);
                       type "switchover <node> [clean|silent]" on stdin to switch one over
  --quiet              no per-link log lines
  --ready-json         print one line "READY {json}" with the endpoints (for programs driving it)`;

function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a whole number, not "${v}"\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        users: { type: "string" },
        nodes: { type: "string" },
        seed: { type: "string" },
        "first-number": { type: "string" },
        password: { type: "string" },
        host: { type: "string" },
        "base-port": { type: "string" },
        "link-login": { type: "string" },
        "link-password": { type: "string" },
        "max-monitors": { type: "string" },
        "max-links": { type: "string" },
        "ring-timeout-ms": { type: "string" },
        agents: { type: "string" },
        "acd-traffic": { type: "string" },
        quiet: { type: "boolean" },
        redundant: { type: "boolean" },
        "ready-json": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const s = (k: string) => values[k] as string | undefined;
  const cfg: Partial<EmulatorConfig> = {
    users: num(s("users"), "users") ?? DEFAULT_EMULATOR_CONFIG.users,
    nodes: num(s("nodes"), "nodes") ?? 1,
    seed: num(s("seed"), "seed") ?? 1,
    host: s("host") ?? "127.0.0.1",
    basePort: num(s("base-port"), "base-port") ?? 2555,
    maxMonitorsPerNode: num(s("max-monitors"), "max-monitors") ?? 20_000,
    maxCstaLinksPerNode: num(s("max-links"), "max-links") ?? 30,
  };
  if (values.redundant) cfg.redundant = true;
  if (s("agents") !== undefined) {
    const f = Number(s("agents"));
    if (!(f >= 0 && f <= 1)) {
      console.error(`--agents must be a fraction between 0 and 1, not "${s("agents")}"\n\n${USAGE}`);
      process.exit(2);
    }
    cfg.agents = f;
    // A standalone OXE's CCD keeps time: its pilots' calendars follow the wall clock, except
    // under generated traffic, which a pilot closing at 18:00 would stop.
    cfg.ccdCalendarClock = s("acd-traffic") === undefined ? "live" : "manual";
  }
  if (s("acd-traffic") !== undefined) {
    const rate = Number(s("acd-traffic"));
    if (!(rate > 0) || !cfg.agents) {
      console.error(`--acd-traffic needs a rate above 0 and --agents\n\n${USAGE}`);
      process.exit(2);
    }
    cfg.acdTraffic = { ratePerSec: rate };
  }
  const first = num(s("first-number"), "first-number");
  if (first !== undefined) cfg.firstNumber = first;
  if (s("password")) cfg.userPassword = s("password")!;
  if (s("link-login")) cfg.linkLogin = s("link-login")!;
  if (s("link-password")) cfg.linkPassword = s("link-password")!;
  const ring = num(s("ring-timeout-ms"), "ring-timeout-ms");
  if (ring !== undefined) cfg.network = { ringTimeoutMs: ring };
  if (!values.quiet) cfg.log = (line) => console.log(`${new Date().toISOString()} ${line}`);
  const t0 = performance.now();
  const emu = await startEmulator(cfg);
  const ms = Math.round(performance.now() - t0);
  const rss = Math.round(process.memoryUsage().rss / 1048576);
  const d = emu.directory;
  console.log(
    `OXE emulator: ${d.subscribers.length} users over ${emu.nodes.length} node(s), seed ${d.options.seed}, ` +
      `numbers ${d.subscribers[0]?.directoryNumber ?? "-"}..${d.subscribers.at(-1)?.directoryNumber ?? "-"}, ` +
      `started in ${ms} ms, RSS ${rss} MB`,
  );
  for (const n of emu.nodes) {
    const users = d.byNode.get(n.nodeId) ?? [];
    console.log(
      `  node ${n.nodeId}: CSTA ${n.cstaEndpoint.host}:${n.cstaEndpoint.port}  CMIP ${n.cmipEndpoint.port}  SSH ${n.sshEndpoint.port}  IMAP ${n.imapEndpoint.port}  PRS ${n.prsEndpoint.port} (TLS)  ` +
        `${users.length} users (${users[0]?.directoryNumber ?? "-"}..${users.at(-1)?.directoryNumber ?? "-"})`,
    );
  }
  if (values["ready-json"]) {
    const ready = {
      users: d.subscribers.length,
      startMs: ms,
      rssMB: rss,
      login: emu.config.linkLogin,
      password: emu.config.linkPassword,
      nodes: emu.nodes.map((n) => ({
        nodeId: n.nodeId,
        csta: n.cstaEndpoint,
        cmip: n.cmipEndpoint,
        ssh: n.sshEndpoint,
        imap: n.imapEndpoint,
        prs: n.prsEndpoint,
        ...(n.standby ? { standby: n.standby } : {}),
      })),
    };
    console.log(`READY ${JSON.stringify(ready)}`);
  }
  const nodesSpec = emu.nodes
    .map((n) => {
      const main = `${n.cstaEndpoint.host}:${n.cstaEndpoint.port}/${n.cmipEndpoint.port}/${n.sshEndpoint.port}/${n.imapEndpoint.port}`;
      const sb = n.standby;
      return `${n.nodeId}=${main}${sb ? `|${sb.csta.host}:${sb.csta.port}/${sb.cmip.port}/${sb.ssh.port}/${sb.imap.port}` : ""}`;
    })
    .join(",");
  console.log(
    `  links authenticate as ${emu.config.linkLogin} / ${emu.config.linkPassword}; SSH maintenance account ${emu.config.maintenanceLogin} / ${emu.config.maintenancePassword}`,
  );
  console.log(`  point a gateway at it: npm run gateway -- --nodes ${nodesSpec}`);
  if (emu.config.redundant) {
    for (const n of emu.nodes) {
      const sb = n.standby!;
      console.log(
        `  node ${n.nodeId} standby: CSTA ${sb.csta.port}  CMIP ${sb.cmip.port}  SSH ${sb.ssh.port}  IMAP ${sb.imap.port}`,
      );
    }
    // Commands on stdin, so a switchover can be played by hand while a gateway runs.
    const rl = createInterface({ input: process.stdin });
    rl.on("line", (line) => {
      const [cmd, node, flavour] = line.trim().split(/\s+/);
      if (!cmd) return;
      try {
        if (cmd === "switchover") {
          const f = flavour === "silent" ? "silent" : "clean";
          emu.switchover(Number(node ?? 1), f);
          console.log(
            `node ${node ?? 1}: ${f} switchover, call server ${emu.node(Number(node ?? 1)).activeMember === 0 ? "A" : "B"} is active`,
          );
        } else console.log("commands: switchover <node> [clean|silent]");
      } catch (err) {
        console.log((err as Error).message);
      }
    });
  }
  const stop = async () => {
    await emu.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

void main();
