import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TEST_LICENSE_KEY, TEST_LICENSE_KEY_ID, trustedLicenseKeys } from "./keys.js";
import {
  canonicalJson,
  expiryInstant,
  LICENSE_FORMAT,
  type LicenseBody,
  LicenseFileError,
  signLicense,
  verifyLicense,
} from "./license-file.js";

const TEST_PRIVATE = readFileSync(
  path.resolve(import.meta.dirname, "../../../scripts/license-test-key/TEST-ONLY-ed25519-private.pem"),
  "utf8",
);
const TRUST_TEST = trustedLicenseKeys({ trustTestKey: true });

const body = (over: Partial<LicenseBody> = {}): LicenseBody => ({
  format: LICENSE_FORMAT,
  licensee: "unit test",
  issued: "2026-01-01",
  expires: "2026-12-31",
  counts: { foundation: 10, advancedTelephony: 2, management: 500 },
  ...over,
});

const signed = (b = body()) => JSON.stringify(signLicense(b, TEST_PRIVATE, TEST_LICENSE_KEY_ID), null, 2);

describe("license file", () => {
  it("the committed test public key is the private key's other half", () => {
    const derived = createPublicKey(TEST_PRIVATE).export({ type: "spki", format: "pem" });
    expect(derived).toBe(TEST_LICENSE_KEY.publicKeyPem);
  });

  it("reads back what was signed, counts left out as 0, through the end of its last day (UTC)", () => {
    const v = verifyLicense(signed(), TRUST_TEST);
    expect(v.counts).toMatchObject({ foundation: 10, advancedTelephony: 2, management: 500, analytics: 0 });
    expect(v.keyId).toBe(TEST_LICENSE_KEY_ID);
    expect(v.expiresAt.toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });

  it("survives re-indenting and key reordering (the signature is over canonical JSON)", () => {
    const doc = JSON.parse(signed());
    const reordered = { signature: doc.signature, license: { counts: doc.license.counts, ...doc.license } };
    expect(() => verifyLicense(JSON.stringify(reordered), TRUST_TEST)).not.toThrow();
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });

  it.each([
    ["a count raised", (d: { license: LicenseBody }) => (d.license.counts.foundation = 10_000)],
    ["the expiry pushed back", (d: { license: LicenseBody }) => (d.license.expires = "2036-12-31")],
    ["a license added", (d: { license: LicenseBody }) => (d.license.counts.highAvailability = 1)],
    ["the licensee changed", (d: { license: LicenseBody }) => (d.license.licensee = "someone else")],
  ])("refuses a forged file: %s", (_what, forge) => {
    const doc = JSON.parse(signed());
    forge(doc);
    expect(() => verifyLicense(JSON.stringify(doc), TRUST_TEST)).toThrow(
      /does not verify.*altered or forged/,
    );
  });

  it("refuses a file signed by a key it does not trust, even under the trusted key's id", () => {
    const other = generateKeyPairSync("ed25519")
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const forged = JSON.stringify(signLicense(body(), other, TEST_LICENSE_KEY_ID));
    expect(() => verifyLicense(forged, TRUST_TEST)).toThrow(/does not verify/);
    const ownId = JSON.stringify(signLicense(body(), other, "my-own-key"));
    expect(() => verifyLicense(ownId, TRUST_TEST)).toThrow(/does not trust/);
  });

  it("trusts the test key only when told to, and has no production key", () => {
    expect(trustedLicenseKeys({ trustTestKey: false })).toEqual([]);
    expect(() => verifyLicense(signed(), trustedLicenseKeys({ trustTestKey: false }))).toThrow(
      /does not trust/,
    );
  });

  it.each([
    ["not JSON", "{", /not JSON/],
    ["no signature", JSON.stringify({ license: body() }), /signature must be/],
    [
      "a signature of another kind",
      JSON.stringify({ license: body(), signature: { algorithm: "RS256" } }),
      /signature/,
    ],
  ])("refuses %s", (_what, text, message) => {
    expect(() => verifyLicense(text, TRUST_TEST)).toThrow(message);
  });

  it("will not sign a malformed license", () => {
    expect(() => signLicense(body({ expires: "2026-02-30" }), TEST_PRIVATE, "k")).toThrow(LicenseFileError);
    expect(() => signLicense(body({ counts: { foundation: -1 } }), TEST_PRIVATE, "k")).toThrow(
      /whole number/,
    );
    const unknown = body({ counts: { telepathy: 1 } as unknown as LicenseBody["counts"] });
    expect(() => signLicense(unknown, TEST_PRIVATE, "k")).toThrow(/unknown license "telepathy"/);
  });

  it("knows the calendar", () => {
    expect(expiryInstant("2028-02-29").toISOString()).toBe("2028-03-01T00:00:00.000Z");
    expect(() => expiryInstant("2027-02-29")).toThrow(/not a calendar day/);
    expect(() => expiryInstant("31/12/2026")).toThrow(/YYYY-MM-DD/);
  });
});
