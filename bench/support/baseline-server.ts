/**
 * The in-run baseline of the REST benchmark: a bare fastify server on the same TLS certificate,
 * answering the very JSON bodies the gateway answered, with no session, no lookup, no CSTA.
 * The gateway's requests/s divided by this server's is the figure that survives a noisy machine.
 */
import { readFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import Fastify from "fastify";

const [dataDir, bodiesFile] = process.argv.slice(2);
const bodies = JSON.parse(readFileSync(bodiesFile!, "utf8")) as Record<string, unknown>;
const tls = path.join(dataDir!, "tls");
const app = Fastify({
  logger: false,
  serverFactory: (h) =>
    https.createServer(
      {
        key: readFileSync(path.join(tls, "server-key.pem")),
        cert: readFileSync(path.join(tls, "server.pem")),
      },
      h,
    ),
});
// As the gateway does: an empty body sent with Content-Type: application/json is no body.
app.removeContentTypeParser("application/json");
app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
  const text = String(body);
  try {
    done(null, text.trim() === "" ? undefined : JSON.parse(text));
  } catch (err) {
    done(err as Error, undefined);
  }
});
app.get("/api/rest/1.0/telephony/calls", async () => bodies.calls);
app.get("/api/rest/1.0/users/:login", async () => bodies.user);
app.get("/api/rest", async () => bodies.discovery);
app.post("/api/rest/1.0/telephony/calls", async () => ({ callRef: "1" }));
app.delete("/api/rest/1.0/telephony/calls/:ref", async (_req, reply) => reply.code(204).send());
await app.listen({ port: 0, host: "127.0.0.1" });
console.log(
  `READY ${JSON.stringify({ url: `https://localhost:${(app.server.address() as AddressInfo).port}` })}`,
);
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
