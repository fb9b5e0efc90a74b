/**
 * The set-programming benchmark's second floor: the least a gateway can do for its two calls.
 * fastify over HTTPS with the gateway's TLS material and listener options, the two routes at the
 * gateway's paths answering the gateway's status codes and bodies, each doing its CMIP operation
 * through one association made as the bare CMIP client makes it (./floor.ts, the same code).
 * No session, role, license or schema, no logging: what is left is HTTPS, HTTP, JSON and CMIP.
 * The gateway's time over this server's is what its own logic costs; this server's time against
 * the goal says whether any gateway written on Node could meet it with these clients.
 *
 *   node protocol-server.ts --data-dir <the gateway's> --cmip host:port --node-id N
 *   (the link's login and password in O2G_LINK_LOGIN, O2G_LINK_PASSWORD, as the gateway's)
 */
import https from "node:https";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import Fastify from "fastify";
import { DEFAULT_GATEWAY_CONFIG } from "../../gateway/config/index.js";
import { useO2gJsonBodies } from "../../gateway/http/json-body.js";
import { limitServer, serverOptions } from "../../gateway/http/listeners.js";
import { ensureTls, tlsServerOptions } from "../../gateway/http/tls.js";
import { everyPosition, SetProgrammingFloor } from "./floor.js";

/** The limits the bench's gateway runs with: its defaults. */
const GATEWAY_HTTP_LIMITS = DEFAULT_GATEWAY_CONFIG.http;

const { values } = parseArgs({
  options: {
    "data-dir": { type: "string" },
    cmip: { type: "string" },
    "node-id": { type: "string" },
  },
});
const [host, port] = (values.cmip ?? "").split(":");
if (!values["data-dir"] || !host || !port || !values["node-id"])
  throw new Error("usage: protocol-server --data-dir DIR --cmip HOST:PORT --node-id N");

const floor = await SetProgrammingFloor.connect(
  { host, port: Number(port) },
  Number(values["node-id"]),
  process.env.O2G_LINK_LOGIN ?? "o2g",
  process.env.O2G_LINK_PASSWORD ?? "o2g-link",
);
const tls = ensureTls(values["data-dir"]);
const app = Fastify({
  logger: false,
  bodyLimit: 1024 * 1024,
  serverFactory: (h) =>
    limitServer(
      https.createServer({ ...serverOptions(GATEWAY_HTTP_LIMITS), ...tlsServerOptions(tls) }, h),
      GATEWAY_HTTP_LIMITS,
    ),
});
// The gateway's JSON bodies: an empty one is none, a wrong one its 400.
useO2gJsonBodies(app);

const BASE = "/api/rest/1.0/phonesetprogramming";
interface DevicePath {
  loginName: string;
  deviceId: string;
}
interface KeyBody {
  number?: string;
  mnemonic?: string;
}

app.put<{ Params: DevicePath & { position: string }; Body: KeyBody | undefined }>(
  `${BASE}/:loginName/devices/:deviceId/programmeableKeys/:position`,
  async (req, reply) => {
    const position = Number(req.params.position);
    if (!Number.isInteger(position) || position < 1) return reply.code(400).send({ message: "bad position" });
    await floor.setOne(
      { number: req.params.deviceId },
      position,
      req.body?.number ?? "",
      req.body?.mnemonic ?? "",
    );
    return reply.code(204).send(null);
  },
);
app.get<{ Params: DevicePath }>(`${BASE}/:loginName/devices/:deviceId/programmeableKeys`, async (req) => {
  const { held, count } = await floor.getKeys({ number: req.params.deviceId });
  return { pkeys: everyPosition(held, count) };
});

await app.listen({ host: "127.0.0.1", port: 0 });
const stop = async () => {
  await app.close();
  floor.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
console.log(
  `READY ${JSON.stringify({
    url: `https://localhost:${(app.server.address() as AddressInfo).port}`,
    caFile: tls.caFile,
  })}`,
);
