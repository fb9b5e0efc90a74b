/**
 * A throwaway PKI for the sample application server: a CA, the server's TLS certificate (for
 * localhost and 127.0.0.1) and the certificate whose key signs the application's JSON Web
 * Tokens, both issued by the CA. The gateway's trust store gets the CA. Keys come from Node's
 * crypto; node-forge assembles and signs the certificates, which Node cannot do by itself.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
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

/** A certificate for `opts`, signed by `issuer` (self-signed when none). */
export function issue(opts: IssueOptions, issuer?: Issued): Issued {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
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
