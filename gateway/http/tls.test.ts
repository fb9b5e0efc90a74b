import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureTls } from "./tls.js";

const dirs: string[] = [];
function tmp(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "o2g-tls-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("ensureTls", () => {
  it("creates a CA and a server certificate once, then reuses them", () => {
    const dir = tmp();
    const first = ensureTls(dir);
    expect(first.created).toBe(true);
    const cert = new X509Certificate(first.cert);
    const ca = new X509Certificate(first.ca);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.subjectAltName).toContain("DNS:localhost");
    expect(cert.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(ca.ca).toBe(true);
    const again = ensureTls(dir);
    expect(again.created).toBe(false);
    expect(again.cert).toBe(first.cert);
  });

  it("serves HTTPS that a client trusting only the CA accepts", async () => {
    const dir = tmp();
    const tls = ensureTls(dir);
    const server = https.createServer({ key: tls.key, cert: tls.cert }, (_req, res) => res.end("ok"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get({ host: "127.0.0.1", port, path: "/", ca: tls.ca, servername: "localhost" }, (res) => {
          let s = "";
          res.on("data", (c) => (s += c));
          res.on("end", () => resolve(s));
        })
        .on("error", reject);
    });
    server.close();
    expect(body).toBe("ok");
  });
});
