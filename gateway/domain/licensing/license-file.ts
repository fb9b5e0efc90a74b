/**
 * The license file: a format of ours (the vendor's is not public), signed JSON.
 *
 * ```json
 * {
 *   "license": {
 *     "format": "o2g-testbench-license/1",
 *     "licensee": "ACME lab",
 *     "issued": "2026-01-10",
 *     "expires": "2026-12-31",
 *     "counts": { "foundation": 100, "advancedTelephony": 50, "management": 1000, ... }
 *   },
 *   "signature": { "algorithm": "Ed25519", "keyId": "o2g-testbench-TEST-ONLY", "value": "<base64>" }
 * }
 * ```
 *
 * The signature is Ed25519 (node:crypto) over the canonical JSON of `license`: keys sorted at
 * every level, no spaces, so that re-indenting the file does not break it while changing any
 * value does. `expires` is a calendar day (UTC): the license is good through the end of it.
 * A count left out is 0. The gateway honours a file only when the signature verifies with one
 * of the keys it trusts (./keys.ts).
 */
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";

export const LICENSE_FORMAT = "o2g-testbench-license/1";

/** Every license O2G sells, as the file counts them. */
export const LICENSE_NAMES = [
  "foundation",
  "advancedTelephony",
  "contactCenterAgent",
  "xmlIpTouch",
  "management",
  "highAvailability",
  "analytics",
  "cloudConnectivity",
] as const;
export type LicenseName = (typeof LICENSE_NAMES)[number];

export type LicenseCounts = Record<LicenseName, number>;

export interface LicenseBody {
  format: typeof LICENSE_FORMAT;
  licensee: string;
  /** YYYY-MM-DD */
  issued: string;
  /** YYYY-MM-DD, the last day the license is good */
  expires: string;
  counts: Partial<LicenseCounts>;
}

export interface SignedLicense {
  license: LicenseBody;
  signature: { algorithm: "Ed25519"; keyId: string; value: string };
}

export interface TrustedKey {
  keyId: string;
  /** SPKI PEM */
  publicKeyPem: string;
}

/** Why a file is not honoured. */
export class LicenseFileError extends Error {
  override readonly name = "LicenseFileError";
}

export function zeroCounts(): LicenseCounts {
  return Object.fromEntries(LICENSE_NAMES.map((n) => [n, 0])) as LicenseCounts;
}

/** JSON with sorted keys and no spaces: the bytes that are signed. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The first instant after the last day `expires` names (UTC). */
export function expiryInstant(expires: string): Date {
  const m = DAY.exec(expires);
  if (!m) throw new LicenseFileError(`expires must be a day as YYYY-MM-DD, not "${expires}"`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1));
  // Date.UTC rolls 2026-02-31 over to March: refuse a day that does not exist.
  const back = new Date(d.getTime() - 86_400_000).toISOString().slice(0, 10);
  if (back !== expires) throw new LicenseFileError(`expires is not a calendar day: "${expires}"`);
  return d;
}

/** Sign a license body (the license tool, and test environments with the test key). */
export function signLicense(body: LicenseBody, privateKeyPem: string, keyId: string): SignedLicense {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== "ed25519") throw new Error("the signing key must be an Ed25519 private key");
  validateBody(body);
  const value = sign(null, Buffer.from(canonicalJson(body)), key).toString("base64");
  return { license: body, signature: { algorithm: "Ed25519", keyId, value } };
}

function validateBody(body: LicenseBody): LicenseCounts {
  if (body === null || typeof body !== "object") throw new LicenseFileError("license must be an object");
  if (body.format !== LICENSE_FORMAT)
    throw new LicenseFileError(
      `license.format must be "${LICENSE_FORMAT}", not ${JSON.stringify(body.format)}`,
    );
  if (typeof body.licensee !== "string") throw new LicenseFileError("license.licensee must be text");
  if (typeof body.issued !== "string" || !DAY.test(body.issued))
    throw new LicenseFileError("license.issued must be a day as YYYY-MM-DD");
  if (typeof body.expires !== "string")
    throw new LicenseFileError("license.expires must be a day as YYYY-MM-DD");
  expiryInstant(body.expires);
  const counts = zeroCounts();
  if (body.counts === null || typeof body.counts !== "object" || Array.isArray(body.counts))
    throw new LicenseFileError("license.counts must be an object");
  for (const [name, n] of Object.entries(body.counts)) {
    if (!(LICENSE_NAMES as readonly string[]).includes(name))
      throw new LicenseFileError(
        `license.counts: unknown license "${name}" (known: ${LICENSE_NAMES.join(", ")})`,
      );
    if (!Number.isSafeInteger(n) || (n as number) < 0)
      throw new LicenseFileError(`license.counts.${name} must be a whole number, not ${JSON.stringify(n)}`);
    counts[name as LicenseName] = n as number;
  }
  return counts;
}

export interface VerifiedLicense {
  body: LicenseBody;
  counts: LicenseCounts;
  keyId: string;
  /** the first instant the license is no longer good */
  expiresAt: Date;
}

/**
 * A license file's text, verified: well-formed, signed by a trusted key. Whether it has
 * expired is the caller's to judge (an expired license is still reported for what it was).
 */
export function verifyLicense(text: string, trusted: readonly TrustedKey[]): VerifiedLicense {
  let doc: SignedLicense;
  try {
    doc = JSON.parse(text) as SignedLicense;
  } catch (err) {
    throw new LicenseFileError(`not JSON: ${(err as Error).message}`);
  }
  if (doc === null || typeof doc !== "object") throw new LicenseFileError("not a license document");
  const sig = doc.signature;
  if (sig?.algorithm !== "Ed25519" || typeof sig.value !== "string" || typeof sig.keyId !== "string")
    throw new LicenseFileError("signature must be { algorithm: Ed25519, keyId, value }");
  const key = trusted.find((k) => k.keyId === sig.keyId);
  if (!key) throw new LicenseFileError(`signed with key "${sig.keyId}", which this gateway does not trust`);
  const signature = Buffer.from(sig.value, "base64");
  const publicKey: KeyObject = createPublicKey(key.publicKeyPem);
  if (doc.license === null || typeof doc.license !== "object")
    throw new LicenseFileError("license must be an object");
  if (!verify(null, Buffer.from(canonicalJson(doc.license)), publicKey, signature))
    throw new LicenseFileError(
      `the signature does not verify with key "${key.keyId}": the file was altered or forged`,
    );
  // Only a signed body is read any further: nothing unsigned is trusted, not even its shape.
  const counts = validateBody(doc.license);
  return { body: doc.license, counts, keyId: key.keyId, expiresAt: expiryInstant(doc.license.expires) };
}
