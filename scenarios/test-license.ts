/**
 * Test licenses, signed with the committed TEST key (scripts/license-test-key/): what the
 * sandbox, the test environment and the benchmarks run on, so that none of them meets the
 * quotas of O2G without a license file. A gateway honours them only with
 * `licenses.trustTestKey`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { GatewayConfig } from "../gateway/config/index.js";
import {
  LICENSE_FORMAT,
  type LicenseCounts,
  type SignedLicense,
  signLicense,
  TEST_LICENSE_KEY_ID,
} from "../gateway/domain/licensing/index.js";

/** TEST ONLY: the private half of the key gateways trust with `licenses.trustTestKey`. */
export const TEST_LICENSE_PRIVATE_KEY_FILE = path.resolve(
  import.meta.dirname,
  "../scripts/license-test-key/TEST-ONLY-ed25519-private.pem",
);

/** Enough of everything for 100,000 users, the most a gateway serves. */
export const GENEROUS_TEST_COUNTS: LicenseCounts = {
  foundation: 100_000,
  advancedTelephony: 100_000,
  contactCenterAgent: 100_000,
  xmlIpTouch: 100_000,
  management: 100_000,
  highAvailability: 1,
  analytics: 100_000,
  cloudConnectivity: 1,
};

/** YYYY-MM-DD, `days` from today (UTC); negative: in the past. */
export function dayFromToday(days: number, now = Date.now()): string {
  return new Date(now + days * 86_400_000).toISOString().slice(0, 10);
}

export interface TestLicenseOptions {
  counts?: Partial<LicenseCounts>;
  /** the last day, YYYY-MM-DD (default: ten years from today) */
  expires?: string;
  licensee?: string;
}

export function makeTestLicense(opts: TestLicenseOptions = {}): SignedLicense {
  return signLicense(
    {
      format: LICENSE_FORMAT,
      licensee: opts.licensee ?? "o2g-testbench TEST license",
      issued: dayFromToday(0),
      expires: opts.expires ?? dayFromToday(3653),
      counts: opts.counts ?? GENEROUS_TEST_COUNTS,
    },
    readFileSync(TEST_LICENSE_PRIVATE_KEY_FILE, "utf8"),
    TEST_LICENSE_KEY_ID,
  );
}

/**
 * License files by what they say (the day they are issued, the options): every sandbox of a
 * process writes the same one, and signing it (the key's parsing included) is ~2 ms of CPU.
 */
const licenseTexts = new Map<string, string>();

/** A test license written in `dir`, and the configuration that makes a gateway honour it. */
export function testLicenseConfig(
  dir: string,
  opts: TestLicenseOptions = {},
): Pick<GatewayConfig["licenses"], "file" | "trustTestKey"> {
  const file = path.join(dir, "test-license.json");
  const key = JSON.stringify([dayFromToday(0), opts]);
  let text = licenseTexts.get(key);
  if (text === undefined) {
    text = `${JSON.stringify(makeTestLicense(opts), null, 2)}\n`;
    licenseTexts.set(key, text);
  }
  writeFileSync(file, text);
  return { file, trustTestKey: true };
}
