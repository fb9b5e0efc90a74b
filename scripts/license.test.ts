import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundled } from "../bench/support/bundle.js";
import { trustedLicenseKeys, verifyLicense } from "../gateway/domain/licensing/index.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const KEY = path.join(ROOT, "scripts/license-test-key/TEST-ONLY-ed25519-private.pem");
const dir = mkdtempSync(path.join(os.tmpdir(), "o2g-license-tool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The tool as one bundled module (bench/support/bundle.ts), the same sources `npm run license`
// runs through tsx: six starts through tsx cost some 6 s of CPU, bundled well under one.
let script = "";
beforeAll(async () => {
  script = await bundled("scripts/license.ts");
});
const tool = (...args: string[]) =>
  spawnSync(process.execPath, [script, ...args], { cwd: ROOT, encoding: "utf8" });

describe("npm run license", () => {
  it("makes a license the gateway verifies with the test key, and checks one", () => {
    const out = path.join(dir, "lic.json");
    const made = tool("make", "--key", KEY, "--out", out, "--foundation", "100", "--advanced-telephony", "7");
    expect(made.status, made.stderr).toBe(0);
    const v = verifyLicense(readFileSync(out, "utf8"), trustedLicenseKeys({ trustTestKey: true }));
    expect(v.counts).toMatchObject({ foundation: 100, advancedTelephony: 7, management: 0 });
    expect(tool("verify", out, "--trust-test-key").stdout).toMatch(/advancedTelephony\s+7/);
    // Without --trust-test-key it is what a production gateway would say: not trusted.
    const untrusted = tool("verify", out);
    expect(untrusted.status).toBe(1);
    expect(untrusted.stderr).toMatch(/does not trust/);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    doc.license.counts.foundation = 1000;
    writeFileSync(out, JSON.stringify(doc));
    expect(tool("verify", out, "--trust-test-key").stderr).toMatch(/altered or forged/);
  });

  it("refuses a count that is not a number", () => {
    const r = tool("make", "--key", KEY, "--out", path.join(dir, "x.json"), "--foundation", "lots");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--foundation must be a whole number/);
    expect(() => execFileSync(process.execPath, [script], { cwd: ROOT, stdio: "pipe" })).toThrow();
  });
});
