/**
 * TLS material for the emulated nodes' servers that offer it (IMAP STARTTLS): a node's own key
 * and certificate when it is given some, otherwise one self-signed certificate per emulator
 * process, made on first need and shared by every node. Clients trust its PEM as their CA.
 *
 * Keys come from Node's crypto (native, asynchronous); node-forge only assembles and signs the
 * X.509 structure, which Node cannot do by itself.
 */
import { generateKeyPair, randomBytes } from "node:crypto";
import os from "node:os";
import { createSecureContext, type SecureContext } from "node:tls";
import { promisify } from "node:util";
import forge from "node-forge";

export interface TlsMaterial {
  key: string;
  cert: string;
}

const DAY = 24 * 3600 * 1000;
let selfSigned: Promise<TlsMaterial> | undefined;

/** The emulator's self-signed certificate, made once per process (the first call waits for it). */
export function emulatorTls(): Promise<TlsMaterial> {
  selfSigned ??= makeSelfSigned().catch((err: unknown) => {
    selfSigned = undefined; // a failure is not cached: the next caller tries again
    throw err;
  });
  return selfSigned;
}

async function makeSelfSigned(): Promise<TlsMaterial> {
  const { privateKey } = await promisify(generateKeyPair)("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const priv = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(priv.n, priv.e);
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f; // X.509 serials are positive
  cert.serialNumber = serial.toString("hex");
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + 365 * DAY);
  const name = [
    { name: "commonName", value: "OXE emulator" },
    { name: "organizationName", value: "o2g-testbench" },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  const names = [...new Set(["localhost", "127.0.0.1", "::1", os.hostname()])];
  cert.setExtensions([
    // its own trust anchor: clients put this certificate in their CA list
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: names.map((n) => (/^[\d.]+$|:/.test(n) ? { type: 7, ip: n } : { type: 2, value: n })),
    },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(priv, forge.md.sha256.create());
  return { key: privateKey, cert: forge.pki.certificateToPem(cert) };
}

const contexts = new WeakMap<TlsMaterial, SecureContext>();

/**
 * The servers' TLS context for `material`, one per material for the process: the nodes of every
 * emulator a process starts present the same certificate, and a context costs OpenSSL's setup and
 * the key's parsing (~2 ms of CPU) each time it is made.
 */
export function serverContext(material: TlsMaterial): SecureContext {
  let context = contexts.get(material);
  if (!context) {
    context = createSecureContext({ key: material.key, cert: material.cert, minVersion: "TLSv1.2" });
    contexts.set(material, context);
  }
  return context;
}
