/**
 * A throwaway PKI for the sample application server: a CA, the server's TLS certificate (for
 * localhost and 127.0.0.1) and the certificate whose key signs the application's JSON Web
 * Tokens, both issued by the CA. The gateway's trust store gets the CA. Keys come from Node's
 * crypto; node-forge assembles and signs the certificates, which Node cannot do by itself.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import forge from "node-forge";

export interface Issued {
  keyPem: string;
  certPem: string;
  /** the certificate in DER, base64: an entry of a JWT's x5c header */
  certB64: string;
}

export interface IssueOptions {
  commonName: string;
  /** DNS names and IP addresses for a TLS server certificate */
  serverNames?: string[];
  /** a CA certificate (may issue others) */
  ca?: boolean;
  notBefore?: Date;
  notAfter?: Date;
}

const DAY = 24 * 3600 * 1000;

function serial(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString("hex");
}

function issued(cert: forge.pki.Certificate, keyPem: string): Issued {
  const certPem = forge.pki.certificateToPem(cert);
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  return { keyPem, certPem, certB64: forge.util.encode64(der) };
}

function newKey(): string {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
}

/**
 * RSA-2048 key pairs cost 50-500 ms of CPU each to make, and the test suite issues some thirty
 * certificates per run (8-10 s of its CPU). So the keys of this throwaway PKI are kept in a
 * pool, a file of the temporary folder, and handed out in order: every key a process gets is a
 * different one (a "rogue" CA never shares its key with the CA it imitates), while two
 * processes may use the same keys for PKIs that never meet. A process that needs more keys
 * than the pool holds makes them and adds them to it, so a machine's first run costs what it
 * did and the next ones nothing.
 */
const POOL_MAX = 64;
let pool: string[] | undefined;
let taken = 0;

function poolFile(): string {
  const uid = typeof process.getuid === "function" ? process.getuid() : 0;
  return path.join(os.tmpdir(), `o2g-testbench-rsa-pool-${uid}.json`);
}

function readPool(): string[] {
  try {
    const keys = JSON.parse(readFileSync(poolFile(), "utf8")) as unknown;
    if (Array.isArray(keys) && keys.every((k) => typeof k === "string")) return keys as string[];
  } catch {
    // none yet, or unreadable: started afresh
  }
  return [];
}

function pooledKey(): string {
  pool ??= readPool();
  if (taken < pool.length) return pool[taken++]!;
  const key = newKey();
  pool.push(key);
  taken++;
  if (pool.length <= POOL_MAX) {
    // Written aside and renamed into place: files that run side by side may each add keys;
    // the last rename wins, and the keys a process already holds stay its own either way.
    const scratch = mkdtempSync(`${poolFile()}-`);
    try {
      writeFileSync(path.join(scratch, "keys.json"), JSON.stringify(pool), { mode: 0o600 });
      renameSync(path.join(scratch, "keys.json"), poolFile());
    } catch {
      // a pool that cannot be saved only costs the next run its keys again
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return key;
}

/** A certificate for `opts`, signed by `issuer` (self-signed when none). */
export function issue(opts: IssueOptions, issuer?: Issued): Issued {
  const privateKey = pooledKey();
  const priv = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(priv.n, priv.e);
  cert.serialNumber = serial();
  const now = Date.now();
  cert.validity.notBefore = opts.notBefore ?? new Date(now - DAY);
  cert.validity.notAfter = opts.notAfter ?? new Date(now + 365 * DAY);
  const subject = [
    { name: "commonName", value: opts.commonName },
    { name: "organizationName", value: "o2g-testbench sample application" },
  ];
  cert.setSubject(subject);
  const issuerCert = issuer ? forge.pki.certificateFromPem(issuer.certPem) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  const extensions: object[] = [{ name: "subjectKeyIdentifier" }];
  if (opts.ca) {
    extensions.push(
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    );
  } else {
    extensions.push(
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    );
  }
  if (opts.serverNames) {
    extensions.push(
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: opts.serverNames.map((n) =>
          /^[\d.]+$|:/.test(n) ? { type: 7, ip: n } : { type: 2, value: n },
        ),
      },
    );
  }
  cert.setExtensions(extensions);
  const signer = issuer ? (forge.pki.privateKeyFromPem(issuer.keyPem) as forge.pki.rsa.PrivateKey) : priv;
  cert.sign(signer, forge.md.sha256.create());
  return issued(cert, privateKey);
}

export interface TestPki {
  /** what the gateway trusts */
  ca: Issued;
  /** the application server's TLS certificate */
  server: Issued;
  /** signs the application's tokens */
  signer: Issued;
}

export function makeTestPki(name = "sample application"): TestPki {
  const ca = issue({ commonName: `${name} CA`, ca: true });
  return {
    ca,
    server: issue({ commonName: "localhost", serverNames: ["localhost", "127.0.0.1"] }, ca),
    signer: issue({ commonName: `${name} token signer` }, ca),
  };
}
