/**
 * The sandbox's TLS: a small local certificate authority and a server certificate it signs for
 * localhost, 127.0.0.1, ::1 and this host's name, created on first start in the data directory
 * and reused after. Clients trust the CA file (Node: NODE_EXTRA_CA_CERTS=<ca.pem>), which is
 * the only way the SDK's chunk channel, a bare fetch, can trust a private certificate.
 *
 * Keys come from Node's own crypto (fast, native); node-forge only assembles and signs the
 * X.509 structures, which Node cannot do by itself.
 */
import { generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type https from "node:https";
import os from "node:os";
import path from "node:path";
import { createSecureContext } from "node:tls";
import forge from "node-forge";
import type { GatewayConfig } from "../config/index.js";

export interface TlsMaterial {
  key: string;
  cert: string;
  /** a customer's PKCS#12 bundle, served as is (then key and cert are empty) */
  pfx?: Buffer;
  passphrase?: string;
  /** a customer's certificate rather than the local CA's (then ca and caFile are empty) */
  customer?: boolean;
  ca: string;
  caFile: string;
  certFile: string;
  /** true when made now, false when reused */
  created: boolean;
}

const DAY = 24 * 3600 * 1000;

function keyPair(): { pub: forge.pki.PublicKey; priv: forge.pki.rsa.PrivateKey; pem: string } {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const priv = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  const pub = forge.pki.setRsaPublicKey(priv.n, priv.e);
  return { pub, priv, pem: privateKey };
}

function serial(): string {
  // Positive, 16 bytes: X.509 serials must not be negative.
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString("hex");
}

export function subjectAltNames(): string[] {
  return [...new Set(["localhost", "127.0.0.1", "::1", os.hostname()])];
}

function stillGood(certPem: string, names: string[]): boolean {
  try {
    const c = new X509Certificate(certPem);
    if (Date.parse(c.validTo) - Date.now() < 30 * DAY) return false;
    return names.every((n) => (/^[\d.]+$|:/.test(n) ? c.checkIP(n) : c.checkHost(n)) !== undefined);
  } catch {
    return false;
  }
}

export function ensureTls(dataDir: string): TlsMaterial {
  const dir = path.join(dataDir, "tls");
  const caFile = path.join(dir, "ca.pem");
  const caKeyFile = path.join(dir, "ca-key.pem");
  const certFile = path.join(dir, "server.pem");
  const keyFile = path.join(dir, "server-key.pem");
  const names = subjectAltNames();
  if ([caFile, caKeyFile, certFile, keyFile].every((f) => existsSync(f))) {
    const cert = readFileSync(certFile, "utf8");
    if (stillGood(cert, names)) {
      return {
        key: readFileSync(keyFile, "utf8"),
        cert,
        ca: readFileSync(caFile, "utf8"),
        caFile,
        certFile,
        created: false,
      };
    }
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const now = new Date();

  let caKeyPem: string;
  let caCert: forge.pki.Certificate;
  if (existsSync(caFile) && existsSync(caKeyFile)) {
    // Keep the CA clients already trust; only the server certificate is renewed.
    caKeyPem = readFileSync(caKeyFile, "utf8");
    caCert = forge.pki.certificateFromPem(readFileSync(caFile, "utf8"));
  } else {
    const ca = keyPair();
    caKeyPem = ca.pem;
    caCert = forge.pki.createCertificate();
    caCert.publicKey = ca.pub;
    caCert.serialNumber = serial();
    caCert.validity.notBefore = new Date(now.getTime() - DAY);
    caCert.validity.notAfter = new Date(now.getTime() + 10 * 365 * DAY);
    const caName = [
      { name: "commonName", value: `o2g-testbench local CA (${os.hostname()})` },
      { name: "organizationName", value: "o2g-testbench" },
    ];
    caCert.setSubject(caName);
    caCert.setIssuer(caName);
    caCert.setExtensions([
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
      { name: "subjectKeyIdentifier" },
    ]);
    caCert.sign(ca.priv, forge.md.sha256.create());
    writeFileSync(caKeyFile, caKeyPem, { mode: 0o600 });
    writeFileSync(caFile, forge.pki.certificateToPem(caCert));
  }
  const caPriv = forge.pki.privateKeyFromPem(caKeyPem) as forge.pki.rsa.PrivateKey;

  const server = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = server.pub;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(now.getTime() - DAY);
  cert.validity.notAfter = new Date(now.getTime() + 397 * DAY);
  cert.setSubject([{ name: "commonName", value: "localhost" }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: names.map((n) => (/^[\d.]+$|:/.test(n) ? { type: 7, ip: n } : { type: 2, value: n })),
    },
  ]);
  cert.sign(caPriv, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  writeFileSync(keyFile, server.pem, { mode: 0o600 });
  writeFileSync(certFile, certPem);
  return {
    key: server.pem,
    cert: certPem,
    ca: readFileSync(caFile, "utf8"),
    caFile,
    certFile,
    created: true,
  };
}

/**
 * The server certificate: the customer's when configured (PKCS#12, O2G's format, or a PEM
 * certificate and key), otherwise the local CA's. A customer's file is tried at start, so a wrong
 * password or a key that does not match fails there, naming the file, not at the first handshake.
 */
export function serverTls(config: GatewayConfig): TlsMaterial {
  const t = config.tls;
  const customer = (
    file: string,
    load: () => Omit<TlsMaterial, "ca" | "caFile" | "certFile" | "created">,
  ) => {
    try {
      const m = load();
      createSecureContext(tlsServerOptions({ ...m, ca: "", caFile: "", certFile: file, created: false }));
      return { ...m, ca: "", caFile: "", certFile: file, created: false, customer: true };
    } catch (err) {
      throw new Error(`TLS certificate ${file}: ${(err as Error).message}`);
    }
  };
  if (t.pfxFile) {
    const file = t.pfxFile;
    return customer(file, () => ({ key: "", cert: "", pfx: readFileSync(file), passphrase: t.pfxPassword }));
  }
  if (t.certFile && t.keyFile) {
    const [certFile, keyFile] = [t.certFile, t.keyFile];
    return customer(certFile, () => ({
      key: readFileSync(keyFile, "utf8"),
      cert: readFileSync(certFile, "utf8"),
    }));
  }
  return ensureTls(config.dataDir);
}

/** What https.createServer takes from the material. */
export function tlsServerOptions(t: TlsMaterial): https.ServerOptions {
  return t.pfx ? { pfx: t.pfx, passphrase: t.passphrase ?? "" } : { key: t.key, cert: t.cert };
}
