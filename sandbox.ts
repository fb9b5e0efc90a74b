/**
 * npm start: the sandbox on embedded defaults. An emulated OXE (1 node, 1,000 users, seed 1)
 * and the gateway in front of it, linked over real TCP (CSTA and CMIP), the REST API on HTTPS
 * (and plain HTTP for curl), the web console at /console with its emulator control API.
 * Prints how to reach it. `--demo-traffic`: calls between random users, for the console to show.
 * A twentieth of the users are CCD operators (SANDBOX_AGENTS, 0 for none), so the call-center
 * services, RSI and statistics have agents, pilots and a history out of the box;
 * `--acd-traffic [R]`: R callers a second (default 0.5) to the pilots, every operator logged on
 * and answering by itself, for the wallboard and the real-time indicators.
 */
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { type Logger, pino } from "pino";
import { CONSOLE_PATH, consoleBundle, consoleRoutes, startDemoTraffic } from "./console/server/index.js";
import { LOOPBACK_RANGES } from "./gateway/events/index.js";
import {
  DEFAULT_GATEWAY_CONFIG,
  type ExtraRoutes,
  type Gateway,
  type GatewayConfig,
  installLastResort,
  loadGatewayConfig,
  startGateway,
} from "./gateway/index.js";
import { startEmulator } from "./oxe-emulator/index.js";
import { testLicenseConfig } from "./scenarios/test-license.js";
import { sampleXmlAppCa, startDirectoryAppFor } from "./scenarios/xml-apps/index.js";

/** The test license in the sandbox's data directory, made anew on each start (it never expires on a demo). */
function sandboxLicense() {
  const dir = process.env.O2G_DATA_DIR ?? DEFAULT_GATEWAY_CONFIG.dataDir;
  mkdirSync(dir, { recursive: true });
  return { ...DEFAULT_GATEWAY_CONFIG.licenses, ...testLicenseConfig(dir) };
}

async function main(): Promise<void> {
  const users = Number(process.env.SANDBOX_USERS ?? 1000);
  const nodes = Number(process.env.SANDBOX_NODES ?? 1);
  const demoTraffic = process.argv.includes("--demo-traffic");
  const agents = Number(process.env.SANDBOX_AGENTS ?? 0.05);
  const acdAt = process.argv.indexOf("--acd-traffic");
  const acdRate =
    acdAt < 0 ? 0 : Number(/^[\d.]+$/.test(process.argv[acdAt + 1] ?? "") ? process.argv[acdAt + 1] : 0.5);
  if (!(agents >= 0 && agents <= 1))
    throw new Error(`SANDBOX_AGENTS must be a fraction between 0 and 1, not ${agents}`);
  if (acdAt >= 0 && (!(acdRate > 0) || agents === 0))
    throw new Error("--acd-traffic needs a rate above 0 and CCD operators (SANDBOX_AGENTS above 0)");
  // --ha: a second gateway on the next ports, the pair over DATABASE_URL (see sandboxPair below).
  const ha = process.argv.includes("--ha");
  const log = pino({
    level: process.env.O2G_LOG_LEVEL ?? "info",
    transport: { target: "pino-pretty", options: { ignore: "pid,hostname,svc" } },
  });
  installLastResort(log);
  const emu = await startEmulator({
    users,
    nodes,
    seed: Number(process.env.SANDBOX_SEED ?? 1),
    basePort: Number(process.env.SANDBOX_OXE_PORT ?? 2555),
    // Main/standby pairs, so the console's switchover button has a standby to go to.
    redundant: true,
    agents,
    // The pilots' calendars are kept and editable, applied only when the clock is set: a demo at
    // night does not find every pilot closed by the seeded working week.
    ccdCalendarClock: "manual",
    ...(acdRate > 0 ? { acdTraffic: { ratePerSec: acdRate } } : {}),
    log: (line) => log.info(`[oxe] ${line}`),
  });
  const config = loadGatewayConfig({
    env: process.env,
    overrides: {
      httpsPort: Number(process.env.O2G_HTTPS_PORT ?? 8443),
      httpPort: Number(process.env.O2G_HTTP_PORT ?? 8080),
      // A sandbox's webhook receivers run on the same machine: loopback is allowed here only.
      events: { webhookAllow: LOOPBACK_RANGES },
      // A generous TEST license (the committed test key), unless O2G_LICENSE_FILE names one:
      // 1,000 users would not get far on the quotas of O2G without a license file.
      ...(process.env.O2G_LICENSE_FILE ? {} : { licenses: sandboxLicense() }),
      ...(ha ? { ha: { enabled: true } } : {}),
      // All four links of each node: CSTA, CMIP, SSH (analytics), IMAP (voice mail).
      nodes: emu.nodes.map((n) => ({
        nodeId: n.nodeId,
        csta: n.cstaEndpoint,
        cmip: n.cmipEndpoint,
        ...(n.standby
          ? {
              cstaSecondary: n.standby.csta,
              cmipSecondary: n.standby.cmip,
              sshSecondary: n.standby.ssh,
              imapSecondary: n.standby.imap,
              prsSecondary: n.standby.prs,
            }
          : {}),
        login: emu.config.linkLogin,
        password: emu.config.linkPassword,
        ssh: n.sshEndpoint,
        maintenance: {
          login: emu.config.maintenanceLogin,
          password: emu.config.maintenancePassword,
          hostKeys: [n.ssh.hostPublicKey],
        },
        imap: n.imapEndpoint,
        prs: n.prsEndpoint,
      })),
      // XML PRS: the PRS links over TLS on the emulator's certificate; the sample XML application's CA.
      xmlPrs: { nodeCa: (await emu.nodes[0]?.prs.certificate()) ?? null, ca: sampleXmlAppCa() },
    },
  });
  // The console is the sandbox's, not the gateway's: a production gateway serves neither it nor
  // the emulator control API.
  const consoleApi = [consoleRoutes({ bundle: await consoleBundle(), emulator: emu })];
  const gw = await startGateway(config, log, { extraRoutes: consoleApi });
  await gw.ready();
  const pair = ha ? await sandboxPair(config, log, gw, consoleApi) : undefined;
  const traffic = demoTraffic ? startDemoTraffic(emu) : undefined;
  // The sample XML application (directory, queue status) behind every IP Touch set's XML key.
  const xmlApp = await startDirectoryAppFor(emu);
  const [u1, u2] = emu.directory.subscribers;
  const pw = emu.directory.options.password;
  const admin = config.admins[0]!;
  const ca = path.relative(process.cwd(), gw.caFile);
  const base = gw.url;
  readFileSync(gw.caFile); // fail now rather than in the printed recipe
  const lines = [
    "",
    `o2g-testbench sandbox: ${emu.directory.subscribers.length} users on ${emu.nodes.length} emulated OXE node(s)`,
    `  console       ${base}${CONSOLE_PATH}${traffic ? "   (demo traffic on)" : "   (npm start -- --demo-traffic: calls to watch)"}`,
    `  REST API      ${base}/api/rest${gw.httpUrl ? `   (plain HTTP for curl: ${gw.httpUrl}/api/rest)` : ""}`,
    `  trust the CA  export NODE_EXTRA_CA_CERTS=${path.resolve(gw.caFile)}`,
    `  users         ${u1?.loginName} / ${pw} (${u1?.firstName} ${u1?.lastName}),  ${u2?.loginName} / ${pw} (${u2?.firstName} ${u2?.lastName})`,
    `  administrator ${admin.login} / ${admin.password}`,
    "  try it:",
    `    curl --cacert ${ca} -c /tmp/o2g.jar -u ${u1?.loginName}:${pw} '${base}/api/rest/authenticate?version=1.0' && \\`,
    `    curl --cacert ${ca} -b /tmp/o2g.jar -H 'Content-Type: application/json' -d '{"applicationName":"curl"}' ${base}/api/rest/1.0/sessions && \\`,
    `    curl --cacert ${ca} -b /tmp/o2g.jar -H 'Content-Type: application/json' -d '{"deviceId":"${u1?.directoryNumber}","callee":"${u2?.directoryNumber}"}' ${base}/api/rest/1.0/telephony/calls`,
    `  XML PRS       the IP Touch sets' XML key starts ${xmlApp.url} (console API: /api/console/emulator/xml/<number>)`,
    "  Ctrl-C stops everything.",
    "",
  ];
  console.log(lines.join("\n"));
  const stop = async () => {
    traffic?.stop();
    await xmlApp.stop();
    // With --ha the pair stops what is still running, the first gateway included.
    await (pair ? pair.stop() : gw.stop());
    await emu.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/**
 * The passive member of `npm start -- --ha`: the same configuration (and certificate) on the
 * next ports. `kill -USR2 <sandbox pid>` stops the active member, as a failure would, so that
 * the other one takes over (once: a stopped member stays stopped). `stop()` stops what is left.
 */
async function sandboxPair(
  config: GatewayConfig,
  log: Logger,
  first: Gateway,
  /** the console and emulator control API: served by whichever member is active */
  extraRoutes: readonly ExtraRoutes[],
): Promise<{ stop(): Promise<void> }> {
  const second = await startGateway(
    {
      ...config,
      httpsPort: config.httpsPort + 1,
      httpPort: config.httpPort === null ? null : config.httpPort + 1,
    },
    log.child({ member: 2 }),
    { extraRoutes },
  );
  console.log(
    `high availability: passive member on ${second.url} (same database); kill -USR2 ${process.pid} stops the active one`,
  );
  const running = new Set([first, second]);
  for (const gw of running)
    void gw.ha?.whenActive().then(() => console.log(`high availability: ${gw.url} is active`));
  process.on("SIGUSR2", () => {
    const active = [...running].find((gw) => gw.ha?.role === "active");
    if (!active) return;
    running.delete(active);
    console.log(`high availability: stopping the active member ${active.url}`);
    void active.stop();
  });
  return { stop: async () => void (await Promise.all([...running].map((gw) => gw.stop()))) };
}

main().catch((err) => {
  console.error(`sandbox: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
