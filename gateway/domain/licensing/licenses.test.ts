import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DomainError } from "../errors.js";
import { TEST_LICENSE_KEY_ID, trustedLicenseKeys } from "./keys.js";
import { LICENSE_FORMAT, type LicenseCounts, signLicense } from "./license-file.js";
import { type LicenseSource, Licenses, loadLicenseFile, NO_FILE_QUOTAS, sdkDay } from "./licenses.js";

const TEST_PRIVATE = readFileSync(
  path.resolve(import.meta.dirname, "../../../scripts/license-test-key/TEST-ONLY-ed25519-private.pem"),
  "utf8",
);
const DAY = 86_400_000;
/** a fixed clock: 2026-06-15 12:00 UTC */
const NOON = Date.UTC(2026, 5, 15, 12);

function fileSource(counts: Partial<LicenseCounts>, expires = "2026-12-31"): LicenseSource {
  const text = JSON.stringify(
    signLicense(
      { format: LICENSE_FORMAT, licensee: "t", issued: "2026-01-01", expires, counts },
      TEST_PRIVATE,
      TEST_LICENSE_KEY_ID,
    ),
  );
  return loadLicenseFile("lic.json", trustedLicenseKeys({ trustTestKey: true }), () => text);
}

const NONE = loadLicenseFile(null, []);

function refusal(f: () => void): DomainError {
  try {
    f();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error("not refused");
}

describe("licenses without a license file", () => {
  it("give 5 users basic telephony, 1 advanced telephony, 1 XML PRS and nothing else", () => {
    const l = new Licenses({ source: NONE, now: () => NOON });
    expect(l.state()).toBe("NONE");
    expect(l.counts()).toEqual(NO_FILE_QUOTAS);
    for (let i = 1; i <= 5; i++) l.checkIn("foundation", `oxe1000${i}`, `oxe1000${i}`);
    const sixth = refusal(() => l.checkIn("foundation", "oxe10006", "oxe10006"));
    expect(sixth).toMatchObject({ kind: "forbidden", detail: "LICENSE_EXHAUSTED" });
    expect(sixth.message).toMatch(/no Foundation license left for oxe10006: all 5 are taken/);
    l.checkIn("advancedTelephony", "oxe10001", "oxe10001");
    expect(refusal(() => l.checkIn("advancedTelephony", "oxe10002", "oxe10002")).detail).toBe(
      "LICENSE_EXHAUSTED",
    );
    expect(refusal(() => l.checkIn("analytics", "admin", "admin"))).toMatchObject({ detail: "NO_LICENSE" });
    expect(l.allows("highAvailability")).toBe(false);
    expect(l.allows("management")).toBe(false);
  });
});

describe("check-in and check-out", () => {
  it("one license per user however many sessions, given back when the holder is gone", () => {
    const l = new Licenses({ source: fileSource({ foundation: 2 }), now: () => NOON });
    l.checkIn("foundation", "a", "a");
    l.checkIn("foundation", "a", "a");
    l.checkIn("foundation", "b", "b");
    expect(l.used("foundation")).toBe(2);
    expect(() => l.checkIn("foundation", "c", "c")).toThrow(DomainError);
    l.checkOut("a");
    expect(l.used("foundation")).toBe(1);
    l.checkIn("foundation", "c", "c");
    expect(l.used("foundation")).toBe(2);
    l.checkOut("nobody");
    expect(l.used("foundation")).toBe(2);
  });

  it("an administrator acting for 1,000 users takes 1,000, and gives them back together", () => {
    const l = new Licenses({ source: fileSource({ foundation: 1000 }), now: () => NOON });
    for (let i = 0; i < 1000; i++) l.checkIn("foundation", `u${i}`, "admin");
    expect(l.used("foundation")).toBe(1000);
    expect(() => l.checkIn("foundation", "u1000", "admin")).toThrow(/all 1000 are taken/);
    // The user itself logging in takes no more: its license is the one the administrator took.
    l.checkIn("foundation", "u5", "u5");
    l.checkOut("admin");
    expect(l.used("foundation")).toBe(1);
    expect(l.holds("foundation", "u5")).toBe(true);
    l.checkOut("u5");
    expect(l.used("foundation")).toBe(0);
  });

  it("refuses server licenses as per-user ones (a programming error, not a client's)", () => {
    const l = new Licenses({ source: fileSource({ highAvailability: 1 }), now: () => NOON });
    expect(() => l.checkIn("highAvailability", "a", "a")).toThrow(/not a per-user license/);
    expect(l.allows("highAvailability")).toBe(true);
  });
});

describe("expiry", () => {
  it("a good file turns EXPIRED after its last day, and the quotas of no file apply", () => {
    let now = Date.UTC(2026, 11, 31, 23, 59);
    const l = new Licenses({ source: fileSource({ foundation: 100, management: 50 }), now: () => now });
    expect(l.state()).toBe("VALID");
    expect(l.total("foundation")).toBe(100);
    now += 2 * 60_000;
    expect(l.state()).toBe("EXPIRED");
    expect(l.total("foundation")).toBe(5);
    expect(l.total("management")).toBe(0);
    expect(l.status(0)).toMatchObject({ status: "EXPIRED", statusMessage: /expired on 2026-12-31/ });
  });

  it("warns from warningDays before the end, then counts the days since", () => {
    let now = NOON;
    const l = new Licenses({
      source: fileSource({ foundation: 1 }, "2026-06-20"),
      now: () => now,
      warningDays: 7,
    });
    now = NOON - 3 * DAY; // 12 June, noon: 8 and a half days left
    expect(l.expiryNotice()).toBeNull();
    now = NOON; // 15 June, noon: the 20th ends in 5.5 days
    expect(l.expiryNotice()).toEqual({ nbDays: 6, message: expect.stringMatching(/expires in 6 day/) });
    now = Date.UTC(2026, 5, 21, 6); // six hours after the end
    expect(l.expiryNotice()).toEqual({ nbDays: -1, message: expect.stringMatching(/expired on 2026-06-20/) });
    now = Date.UTC(2026, 5, 25, 6);
    expect(l.expiryNotice()?.nbDays).toBe(-5);
  });

  it("no notice without a good file", () => {
    expect(new Licenses({ source: NONE }).expiryNotice()).toBeNull();
  });
});

describe("status", () => {
  it("lists every license with total, use and the file's last day as the SDK parses it", () => {
    const l = new Licenses({
      source: fileSource({ foundation: 10, highAvailability: 1, management: 500 }, "2026-12-31"),
      managementOverride: 40,
      now: () => NOON,
    });
    l.checkIn("foundation", "a", "a");
    const st = l.status(37);
    expect(st.status).toBe("VALID");
    expect(st.lics).toHaveLength(8);
    expect(st.lics).toContainEqual({
      name: "FOUNDATION",
      total: 10,
      currentUsed: 1,
      expiration: "31-dec-2026",
    });
    expect(st.lics).toContainEqual({
      name: "MANAGEMENT",
      total: 40,
      currentUsed: 37,
      expiration: "31-dec-2026",
    });
    expect(st.lics).toContainEqual({
      name: "HIGH_AVAILABILITY",
      total: 1,
      currentUsed: 1,
      expiration: "31-dec-2026",
    });
    expect(sdkDay("2027-01-05")).toBe("05-jan-2027");
  });

  it("a file that cannot be read or verified is reported, never fatal", () => {
    const missing = loadLicenseFile("/nonexistent/lic.json", []);
    expect(missing).toMatchObject({ state: "INVALID", message: /cannot be read/ });
    const garbage = loadLicenseFile("x.json", [], () => "{}");
    expect(garbage).toMatchObject({ state: "INVALID", message: /not honoured, signature must be/ });
    const l = new Licenses({ source: garbage });
    expect(l.status(0)).toMatchObject({ status: "INVALID", lics: expect.any(Array) });
    expect(l.total("foundation")).toBe(5);
  });
});
