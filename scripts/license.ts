/**
 * npm run license -- make --key scripts/license-test-key/TEST-ONLY-ed25519-private.pem --out lic.json \
 *   --foundation 100 --advanced-telephony 20 --management 1000 --expires 2027-06-30
 * npm run license -- verify lic.json --trust-test-key
 *
 * Makes and checks license files (format: gateway/domain/licensing/license-file.ts). The key
 * committed in scripts/license-test-key/ is a TEST key: gateways honour what it signs only with
 * `licenses.trustTestKey`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  LICENSE_FORMAT,
  LICENSE_NAMES,
  type LicenseCounts,
  type LicenseName,
  signLicense,
  TEST_LICENSE_KEY_ID,
  trustedLicenseKeys,
  verifyLicense,
} from "../gateway/domain/licensing/index.js";

/** advancedTelephony -> advanced-telephony */
const flagOf = (name: LicenseName) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const USAGE = `usage:
  npm run license -- make --key PRIVATE.pem --out FILE [--expires YYYY-MM-DD] [--licensee TEXT]
                          [--key-id ID] ${LICENSE_NAMES.map((n) => `[--${flagOf(n)} N]`).join(" ")}
  npm run license -- verify FILE [--trust-test-key]
A count left out is 0; --expires defaults to one year from today; --key-id to the test key's id.`;

function fail(message: string): never {
  console.error(`license: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function make(args: string[]): void {
  const countFlags = Object.fromEntries(LICENSE_NAMES.map((n) => [flagOf(n), { type: "string" as const }]));
  const { values } = parseArgs({
    args,
    options: {
      key: { type: "string" },
      out: { type: "string" },
      expires: { type: "string" },
      licensee: { type: "string" },
      "key-id": { type: "string" },
      ...countFlags,
    },
  });
  const v = values as Record<string, string | undefined>;
  if (!v.key || !v.out) fail("make needs --key and --out");
  const counts: Partial<LicenseCounts> = {};
  for (const name of LICENSE_NAMES) {
    const raw = v[flagOf(name)];
    if (raw === undefined) continue;
    if (!/^\d{1,9}$/.test(raw)) fail(`--${flagOf(name)} must be a whole number, not "${raw}"`);
    counts[name] = Number(raw);
  }
  const today = new Date();
  const signed = signLicense(
    {
      format: LICENSE_FORMAT,
      licensee: v.licensee ?? "o2g-testbench",
      issued: today.toISOString().slice(0, 10),
      expires: v.expires ?? new Date(today.getTime() + 365 * 86_400_000).toISOString().slice(0, 10),
      counts,
    },
    readFileSync(v.key, "utf8"),
    v["key-id"] ?? TEST_LICENSE_KEY_ID,
  );
  writeFileSync(v.out, `${JSON.stringify(signed, null, 2)}\n`);
  console.log(`${v.out}: ${JSON.stringify(signed.license.counts)}, good through ${signed.license.expires}`);
}

function verifyFile(args: string[]): void {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { "trust-test-key": { type: "boolean" } },
  });
  const file = positionals[0];
  if (!file) fail("verify needs a file");
  const v = verifyLicense(
    readFileSync(file, "utf8"),
    trustedLicenseKeys({ trustTestKey: !!values["trust-test-key"] }),
  );
  const expired = Date.now() >= v.expiresAt.getTime();
  console.log(
    `${file}: signed by ${v.keyId}, licensed to ${v.body.licensee}, ${expired ? "EXPIRED" : "good"} through ${v.body.expires}`,
  );
  for (const n of LICENSE_NAMES) console.log(`  ${n.padEnd(20)} ${v.counts[n]}`);
  if (expired) process.exitCode = 1;
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === "make") make(rest);
  else if (command === "verify") verifyFile(rest);
  else fail(command ? `unknown command "${command}"` : "a command is needed");
} catch (err) {
  console.error(`license: ${(err as Error).message}`);
  process.exit(1);
}
