/**
 * npm start: the sandbox on embedded defaults. An emulated OXE (1 node, 1,000 users, seed 1)
 * and the gateway in front of it, linked over real TCP (CSTA and CMIP), the REST API on HTTPS
 * (and plain HTTP for curl). Prints how to reach it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { pino } from "pino";
import { LOOPBACK_RANGES } from "./gateway/events/index.js";
import { installLastResort, loadGatewayConfig, startGateway } from "./gateway/index.js";
import { startEmulator } from "./oxe-emulator/index.js";

async function main(): Promise<void> {
  const users = Number(process.env.SANDBOX_USERS ?? 1000);
  const nodes = Number(process.env.SANDBOX_NODES ?? 1);
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
    log: (line) => log.info(`[oxe] ${line}`),
  });
  const config = loadGatewayConfig({
    env: process.env,
    overrides: {
      httpsPort: Number(process.env.O2G_HTTPS_PORT ?? 8443),
      httpPort: Number(process.env.O2G_HTTP_PORT ?? 8080),
      // A sandbox's webhook receivers run on the same machine: loopback is allowed here only.
      events: { webhookAllow: LOOPBACK_RANGES },
      // All four links of each node: CSTA, CMIP, SSH (analytics), IMAP (voice mail).
      nodes: emu.nodes.map((n) => ({
        nodeId: n.nodeId,
        csta: n.cstaEndpoint,
        cmip: n.cmipEndpoint,
        login: emu.config.linkLogin,
        password: emu.config.linkPassword,
        ssh: n.sshEndpoint,
        maintenance: {
          login: emu.config.maintenanceLogin,
          password: emu.config.maintenancePassword,
          hostKeys: [n.ssh.hostPublicKey],
        },
        imap: n.imapEndpoint,
      })),
    },
  });
  const gw = await startGateway(config, log);
  await gw.ready();
  const [u1, u2] = emu.directory.subscribers;
  const pw = emu.directory.options.password;
  const admin = config.admins[0]!;
  const ca = path.relative(process.cwd(), gw.caFile);
  const base = gw.url;
  readFileSync(gw.caFile); // fail now rather than in the printed recipe
  const lines = [
    "",
    `o2g-testbench sandbox: ${emu.directory.subscribers.length} users on ${emu.nodes.length} emulated OXE node(s)`,
    `  REST API      ${base}/api/rest${gw.httpUrl ? `   (plain HTTP for curl: ${gw.httpUrl}/api/rest)` : ""}`,
    `  trust the CA  export NODE_EXTRA_CA_CERTS=${path.resolve(gw.caFile)}`,
    `  users         ${u1?.loginName} / ${pw} (${u1?.firstName} ${u1?.lastName}),  ${u2?.loginName} / ${pw} (${u2?.firstName} ${u2?.lastName})`,
    `  administrator ${admin.login} / ${admin.password}`,
    "  try it:",
    `    curl --cacert ${ca} -c /tmp/o2g.jar -u ${u1?.loginName}:${pw} '${base}/api/rest/authenticate?version=1.0' && \\`,
    `    curl --cacert ${ca} -b /tmp/o2g.jar -H 'Content-Type: application/json' -d '{"applicationName":"curl"}' ${base}/api/rest/1.0/sessions && \\`,
    `    curl --cacert ${ca} -b /tmp/o2g.jar -H 'Content-Type: application/json' -d '{"deviceId":"${u1?.directoryNumber}","callee":"${u2?.directoryNumber}"}' ${base}/api/rest/1.0/telephony/calls`,
    "  Ctrl-C stops everything.",
    "",
  ];
  console.log(lines.join("\n"));
  const stop = async () => {
    await gw.stop();
    await emu.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err) => {
  console.error(`sandbox: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
