/**
 * The listeners' own limits, with short timeouts so the test sees them act: slow request heads
 * and bodies, silent connections and TCP connections that never start TLS are closed, the
 * connection cap holds, and the event chunk channel still streams past every one of them.
 * Then the server certificate: a customer's PKCS#12 bundle, and plain HTTP kept on loopback.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import forge from "node-forge";
import { pino } from "pino";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_GATEWAY_CONFIG,
  type Gateway,
  type GatewayConfig,
  startGateway,
} from "../../gateway/index.js";

const ADMIN = { login: "admin", password: "Sandbox-Admin-1" };
const dirs: string[] = [];

function config(over: Partial<GatewayConfig> = {}): GatewayConfig {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "o2g-hard-"));
  dirs.push(dataDir);
  return {
    ...DEFAULT_GATEWAY_CONFIG,
    dataDir,
    httpsPort: 0,
    admins: [ADMIN],
    log: { level: "warn" },
    ...over,
  };
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Resolves with how long the server took to close the socket, or rejects after `capMs`. */
function closedWithin(socket: net.Socket, capMs: number): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const cap = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${capMs} ms`));
    }, capMs);
    socket.on("error", () => undefined);
    // A paused socket never reads the server's FIN: keep reading (and dropping) what comes.
    socket.resume();
    socket.once("close", () => {
      clearTimeout(cap);
      resolve(performance.now() - t0);
    });
  });
}

function connect(port: number, host = "127.0.0.1"): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, host, () => resolve(s));
    s.once("error", reject);
  });
}

describe("connection limits", { timeout: 15_000 }, () => {
  let gw: Gateway;
  let httpsPort: number;
  let httpPort: number;
  const LIMITS: GatewayConfig["http"] = {
    headersTimeoutMs: 500,
    requestTimeoutMs: 1_000,
    keepAliveTimeoutMs: 300,
    maxConnections: 20,
  };
  beforeAll(async () => {
    gw = await startGateway(
      config({
        httpPort: 0,
        http: LIMITS,
        events: { ...DEFAULT_GATEWAY_CONFIG.events, chunkKeepAliveMs: 200 },
      }),
      pino({ level: "warn" }),
    );
    httpsPort = Number(new URL(gw.url).port);
    httpPort = Number(new URL(gw.httpUrl!).port);
  });
  afterAll(async () => gw?.stop());

  // Node's defaults: 60 s for a head, 300 s for a request, 120 s for a TLS handshake, no limit
  // on an idle connection. 8 s leaves room for a loaded machine and is far below any of them.
  const CAP = 8_000;

  it("closes a connection whose request head trickles in", async () => {
    const s = await connect(httpPort);
    s.write("GET /api/rest HTTP/1.1\r\nHost: x\r\n");
    const drip = setInterval(() => s.writable && s.write("X-Slow: 1\r\n"), 100);
    await closedWithin(s, CAP).finally(() => clearInterval(drip));
  });

  it("closes a connection whose request body trickles in", async () => {
    const s = await connect(httpPort);
    s.write(
      "POST /api/rest/1.0/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n",
    );
    const drip = setInterval(() => s.writable && s.write("a"), 100);
    await closedWithin(s, CAP).finally(() => clearInterval(drip));
  });

  it("closes a plain-HTTP connection that never sends anything", async () => {
    await closedWithin(await connect(httpPort), CAP);
  });

  it("closes a TCP connection to the HTTPS port that never starts TLS", async () => {
    await closedWithin(await connect(httpsPort), CAP);
  });

  it("refuses connections past the cap", async () => {
    const held = await Promise.all(Array.from({ length: LIMITS.maxConnections }, () => connect(httpPort)));
    const extra = await connect(httpPort);
    // The cap closes it at once; the head timeout would take 0.5 s and more.
    expect(await closedWithin(extra, CAP)).toBeLessThan(400);
    for (const s of held) s.destroy();
  });

  it("lets an event chunk response stream past every one of these timeouts", async () => {
    const ca = gw.caFile;
    const dispatcher = new Agent({
      connect: { ca: (await import("node:fs")).readFileSync(ca) },
      bodyTimeout: 0,
    });
    const basic = Buffer.from(`${ADMIN.login}:${ADMIN.password}`).toString("base64");
    const auth = await request(`${gw.url}/api/rest/authenticate?version=1.0`, {
      headers: { authorization: `Basic ${basic}` },
      dispatcher,
    });
    const cookie = String(auth.headers["set-cookie"]).split(";")[0]!;
    await auth.body.dump();
    const json = { cookie, "content-type": "application/json" };
    await (
      await request(`${gw.url}/api/rest/1.0/sessions`, {
        method: "POST",
        headers: json,
        body: "{}",
        dispatcher,
      })
    ).body.dump();
    const sub = await request(`${gw.url}/api/rest/1.0/subscriptions`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ filter: { selectors: [{ names: ["system"] }] }, version: "1.0" }),
      dispatcher,
    });
    const { privatePollingUrl } = (await sub.body.json()) as { privatePollingUrl: string };
    const chunk = await request(privatePollingUrl, { method: "POST", headers: json, body: "", dispatcher });
    expect(chunk.statusCode).toBe(200);
    const t0 = performance.now();
    let text = "";
    const late = setTimeout(
      () => gw.core.bus.publish("system", null, { eventName: "OnLateEvent" }),
      LIMITS.headersTimeoutMs + LIMITS.requestTimeoutMs + LIMITS.keepAliveTimeoutMs + 1_000,
    );
    for await (const piece of chunk.body) {
      text += String(piece);
      if (text.includes("OnLateEvent")) break;
    }
    clearTimeout(late);
    expect(performance.now() - t0).toBeGreaterThan(LIMITS.headersTimeoutMs + LIMITS.requestTimeoutMs);
    expect(text).toContain("OnChannelInformation");
    await dispatcher.destroy();
  }, 20_000);
});

/** A CA and a localhost server certificate it signs, the server's as a PKCS#12 bundle. */
function customerPkcs12(password: string): {
  p12: Buffer;
  caPem: string;
  serial: string;
  certPem: string;
  keyPem: string;
} {
  const keys = () => forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const caKeys = keys();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = "01";
  ca.validity.notBefore = new Date(Date.now() - 86_400_000);
  ca.validity.notAfter = new Date(Date.now() + 86_400_000);
  const caName = [{ name: "commonName", value: "Customer Test CA" }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: "basicConstraints", cA: true },
    { name: "keyUsage", keyCertSign: true },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());
  const srvKeys = keys();
  const srv = forge.pki.createCertificate();
  srv.publicKey = srvKeys.publicKey;
  srv.serialNumber = "4242";
  srv.validity.notBefore = ca.validity.notBefore;
  srv.validity.notAfter = ca.validity.notAfter;
  srv.setSubject([{ name: "commonName", value: "o2g.customer.test" }]);
  srv.setIssuer(caName);
  srv.setExtensions([
    {
      name: "subjectAltName",
      altNames: [
        { type: 2, value: "localhost" },
        { type: 7, ip: "127.0.0.1" },
      ],
    },
  ]);
  srv.sign(caKeys.privateKey, forge.md.sha256.create());
  const asn1 = forge.pkcs12.toPkcs12Asn1(srvKeys.privateKey, [srv, ca], password, { algorithm: "3des" });
  return {
    p12: Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary"),
    caPem: forge.pki.certificateToPem(ca),
    serial: "4242",
    certPem: forge.pki.certificateToPem(srv),
    keyPem: forge.pki.privateKeyToPem(srvKeys.privateKey),
  };
}

describe("the server certificate and plain HTTP", { timeout: 20_000 }, () => {
  const bundle = customerPkcs12("p12-Secret");
  let file: string;
  beforeAll(() => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "o2g-p12-"));
    dirs.push(dir);
    file = path.join(dir, "customer.p12");
    writeFileSync(file, bundle.p12);
  });

  it("serves a customer's PKCS#12 certificate", async () => {
    const gw = await startGateway(
      config({ tls: { pfxFile: file, pfxPassword: "p12-Secret", certFile: null, keyFile: null } }),
      pino({ level: "warn" }),
    );
    try {
      const port = Number(new URL(gw.url).port);
      const cert = await new Promise<tls.PeerCertificate>((resolve, reject) => {
        const s = tls.connect({ port, host: "127.0.0.1", servername: "localhost", ca: bundle.caPem }, () => {
          resolve(s.getPeerCertificate());
          s.end();
        });
        s.once("error", reject);
      });
      expect(cert.subject.CN).toBe("o2g.customer.test");
      expect(cert.serialNumber).toBe(bundle.serial);
      const dispatcher = new Agent({ connect: { ca: bundle.caPem } });
      const r = await request(`https://localhost:${port}/api/rest`, { dispatcher });
      expect(r.statusCode).toBe(200);
      await r.body.dump();
      await dispatcher.close();
      expect(gw.caFile).toBe("");
    } finally {
      await gw.stop();
    }
  });

  it("serves a customer's PEM certificate and key as well", async () => {
    const dir = path.dirname(file);
    writeFileSync(path.join(dir, "cert.pem"), bundle.certPem);
    writeFileSync(path.join(dir, "key.pem"), bundle.keyPem);
    const gw = await startGateway(
      config({
        tls: {
          pfxFile: null,
          pfxPassword: "",
          certFile: path.join(dir, "cert.pem"),
          keyFile: path.join(dir, "key.pem"),
        },
      }),
      pino({ level: "warn" }),
    );
    try {
      const dispatcher = new Agent({ connect: { ca: bundle.caPem } });
      const r = await request(`${gw.url.replace("localhost", "127.0.0.1")}/api/rest`, { dispatcher });
      expect(r.statusCode).toBe(200);
      await r.body.dump();
      await dispatcher.close();
    } finally {
      await gw.stop();
    }
  });

  it("refuses to start on a PKCS#12 file with the wrong password, naming the file", async () => {
    await expect(
      startGateway(
        config({ tls: { pfxFile: file, pfxPassword: "wrong", certFile: null, keyFile: null } }),
        pino({ level: "silent" }),
      ),
    ).rejects.toThrow(new RegExp(`TLS certificate ${file.replace(/[.]/g, "\\.")}`));
  });

  it("keeps plain HTTP on loopback when the HTTPS listener is elsewhere", async () => {
    // 127.0.0.2 stands for "another interface" without leaving the machine.
    const gw = await startGateway(config({ host: "127.0.0.2", httpPort: 0 }), pino({ level: "warn" }));
    try {
      const port = Number(new URL(gw.httpUrl!).port);
      const onLoopback = await connect(port, "127.0.0.1");
      onLoopback.destroy();
      await expect(connect(port, "127.0.0.2")).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await gw.stop();
    }
  });
});
