/**
 * The public keys a license file's signature may verify with.
 *
 * - The production slot: the key of whoever sells licenses for this gateway. There is none:
 *   this project has no vendor key, so out of the box no license file is honoured unless the
 *   test key is trusted. A release that sells licenses puts its SPKI PEM here (and keeps the
 *   private key off the repository).
 * - The TEST key: its private half is committed (scripts/license-test-key/), so anyone can
 *   make a license with it. The gateway trusts it only when told to (`licenses.trustTestKey`:
 *   the sandbox, the test environment and the benchmarks), never by default.
 */
import type { TrustedKey } from "./license-file.js";

/** The production key slot: empty, as no vendor key exists for this project. */
export const PRODUCTION_LICENSE_KEY: TrustedKey | null = null;

export const TEST_LICENSE_KEY_ID = "o2g-testbench-TEST-ONLY";

/** TEST ONLY: the public half of scripts/license-test-key/TEST-ONLY-ed25519-private.pem. */
export const TEST_LICENSE_KEY: TrustedKey = {
  keyId: TEST_LICENSE_KEY_ID,
  publicKeyPem: [
    "-----BEGIN PUBLIC KEY-----",
    "MCowBQYDK2VwAyEAIkFhcxosd6D/OWzvB0QDWAgYNLY2geZL0KJtE+PlR9Y=",
    "-----END PUBLIC KEY-----",
    "",
  ].join("\n"),
};

/** The keys a gateway trusts: the production one, if any, and the test key only when configured. */
export function trustedLicenseKeys(opts: { trustTestKey: boolean }): TrustedKey[] {
  const keys: TrustedKey[] = [];
  if (PRODUCTION_LICENSE_KEY) keys.push(PRODUCTION_LICENSE_KEY);
  if (opts.trustTestKey) keys.push(TEST_LICENSE_KEY);
  return keys;
}
