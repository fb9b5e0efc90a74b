/**
 * Licensing as an application sees it: O2G's quotas without a license file (5 users of basic
 * telephony, 1 of advanced telephony, the rest refused), licenses checked in per login at its
 * first request and checked out when its last session ends (logout or timeout), an expired
 * file, a forged one, and the Maintenance service's license status and OnLicenseExpiration.
 * Each gateway here has its own license configuration (the other tests run on a generous one).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayConfig } from "../../gateway/index.js";
import type { O2gClient } from "../../scenarios/o2g-client/index.js";
import {
  dayFromToday,
  makeTestLicense,
  type TestLicenseOptions,
  testLicenseConfig,
} from "../../scenarios/test-license.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

interface Lic {
  name: string;
  total: number;
  currentUsed: number;
  expiration?: string;
}
interface LicenseStatus {
  status: string;
  statusMessage: string;
  lics: Lic[];
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), "o2g-lic-"));
  dirs.push(d);
  return d;
}
const withLicense = (opts: TestLicenseOptions) => testLicenseConfig(tmp(), opts);

async function licenseStatus(admin: O2gClient): Promise<LicenseStatus> {
  return (await admin.get<{ license: LicenseStatus }>("maintenance", "status")).body.license;
}
const lic = (st: LicenseStatus, name: string) => st.lics.find((l) => l.name === name);

/** A basic telephony request (read one's calls): takes a Foundation license. */
const basic = (c: O2gClient, loginName?: string) =>
  c.send<Record<string, unknown>>("GET", c.url("telephony", "calls", { loginName }));

const services = (c: O2gClient) => c.session.services.map((s) => s.serviceName);

describe("without a license file", () => {
  let sb: Sandbox;
  let admin: O2gClient;
  const users: O2gClient[] = [];
  beforeAll(async () => {
    sb = await startSandbox({ users: 10 }, { licenses: { file: null } });
    admin = await sb.loginAdmin();
    for (let i = 0; i < 6; i++) users.push(await sb.loginUser(String(10000 + i)));
  });
  afterAll(async () => sb?.stop());

  it("serves five users basic telephony and refuses the sixth with O2G's error", async () => {
    for (const u of users.slice(0, 5)) expect((await basic(u)).status).toBe(200);
    const sixth = await basic(users[5]!);
    expect(sixth).toMatchObject({
      status: 403,
      body: { httpStatus: "FORBIDDEN", code: 403, type: "FORBIDDEN", innerMessage: "LICENSE_EXHAUSTED" },
    });
    expect(String(sixth.body.helpMessage)).toMatch(
      /no Foundation license left for oxe10005: all 5 are taken/,
    );
    // The five keep working: a license taken is not taken again.
    expect((await basic(users[0]!)).status).toBe(200);
    const st = await licenseStatus(admin);
    expect(st).toMatchObject({ status: "NONE", statusMessage: expect.stringMatching(/no license file/) });
    expect(lic(st, "FOUNDATION")).toEqual({ name: "FOUNDATION", total: 5, currentUsed: 5 });
    expect(lic(st, "XML_IP_TOUCH")).toMatchObject({ total: 1 });
  });

  it("serves one user advanced telephony; for the others, advanced calls are refused", async () => {
    expect((await users[0]!.send("GET", users[0]!.url("routing"))).status).toBe(200);
    const second = await users[1]!.send<Record<string, unknown>>("GET", users[1]!.url("routing"));
    expect(second).toMatchObject({ status: 403, body: { innerMessage: "LICENSE_EXHAUSTED" } });
    // users[1] holds a Foundation license, not an Advanced Telephony one: holding a call is advanced.
    const hold = await users[1]!.send<Record<string, unknown>>(
      "POST",
      users[1]!.url("telephony", "calls/1/hold"),
    );
    expect(hold).toMatchObject({
      status: 403,
      body: { helpMessage: expect.stringMatching(/Advanced Telephony/) },
    });
    expect(lic(await licenseStatus(admin), "ADVANCED_TELEPHONY")).toEqual({
      name: "ADVANCED_TELEPHONY",
      total: 1,
      currentUsed: 1,
    });
  });

  it("offers no service a license it lacks gates, and refuses them when called anyway", async () => {
    expect(services(admin)).not.toContain("PbxManagement");
    expect(services(admin)).not.toContain("Analytics");
    expect(services(users[0]!)).toEqual(expect.arrayContaining(["Telephony", "Routing", "Subscriptions"]));
    const base = users[0]!.url("telephony").replace(/\/telephony$/, "");
    const pbx = await admin.send<Record<string, unknown>>("GET", `${base}/pbxmanagement/1/model`);
    expect(pbx).toMatchObject({ status: 403, body: { innerMessage: "NO_MANAGEMENT_LICENSE" } });
    const analytics = await admin.send<Record<string, unknown>>(
      "GET",
      `${base}/analytics/incidents?nodeId=1`,
    );
    expect(analytics).toMatchObject({ status: 403, body: { innerMessage: "NO_LICENSE" } });
  });
});

describe("check-in and check-out", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ users: 10 }, { licenses: withLicense({ counts: { foundation: 2 } }) });
  });
  afterAll(async () => sb?.stop());

  it("takes one license per login however many sessions, and gives it back when the last one ends", async () => {
    const admin = await sb.loginAdmin();
    const used = async () => lic(await licenseStatus(admin), "FOUNDATION")?.currentUsed;
    const a1 = await sb.loginUser("10000");
    const a2 = await sb.loginUser("10000");
    expect((await basic(a1)).status).toBe(200);
    expect((await basic(a2)).status).toBe(200);
    expect(await used()).toBe(1);
    const b = await sb.loginUser("10001");
    expect((await basic(b)).status).toBe(200);
    expect(await used()).toBe(2);
    const c = await sb.loginUser("10002");
    expect((await basic(c)).status).toBe(403);

    await a1.close();
    expect(await used()).toBe(2);
    expect((await basic(c)).status).toBe(403);
    await a2.close();
    expect(await used()).toBe(1);
    expect((await basic(c)).status).toBe(200);
    expect(await used()).toBe(2);
    await b.close();
    await c.close();
    expect(await used()).toBe(0);
    await admin.close();
  });
});

describe("an administrator acting for users", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ users: 10 }, { licenses: withLicense({ counts: { foundation: 3 } }) });
  });
  afterAll(async () => sb?.stop());

  it("takes one license per user it acts for, given back when the administrator's last session ends", async () => {
    const admin = await sb.loginAdmin();
    for (const n of ["10003", "10004", "10005"]) expect((await basic(admin, `oxe${n}`)).status).toBe(200);
    expect(lic(await licenseStatus(admin), "FOUNDATION")?.currentUsed).toBe(3);
    // Maintenance takes none, and acting again for the same users takes no more.
    expect((await basic(admin, "oxe10003")).status).toBe(200);
    const fourth = await basic(admin, "oxe10006");
    expect(fourth).toMatchObject({ status: 403, body: { innerMessage: "LICENSE_EXHAUSTED" } });
    // The user itself uses the license taken for it.
    const u = await sb.loginUser("10003");
    expect((await basic(u)).status).toBe(200);
    expect(lic(await licenseStatus(admin), "FOUNDATION")?.currentUsed).toBe(3);

    await admin.close();
    const again = await sb.loginAdmin();
    expect(lic(await licenseStatus(again), "FOUNDATION")?.currentUsed).toBe(1);
    expect((await basic(again, "oxe10006")).status).toBe(200);
  });
});

describe("a session that times out", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox(
      { users: 10 },
      { licenses: withLicense({ counts: { foundation: 1 } }), session: { ttlSeconds: 2 } },
    );
  });
  afterAll(async () => sb?.stop());

  it("gives its login's licenses back", async () => {
    const idle = await sb.loginUser("10000");
    expect((await basic(idle)).status).toBe(200);
    const waiting = await sb.loginUser("10001");
    expect((await basic(waiting)).status).toBe(403);
    // `idle` sends nothing more: once its session has timed out, `waiting` gets the license.
    // Each try also keeps `waiting`'s own session alive.
    let status = 403;
    for (let i = 0; i < 150 && status === 403; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await basic(waiting)).status;
    }
    expect(status).toBe(200);
    expect((await idle.send("POST", `${idle.sessionsUrl}/keepalive`)).status).toBe(401);
  });
});

describe("an expired license file", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ users: 10 }, { licenses: withLicense({ expires: dayFromToday(-2) }) });
  });
  afterAll(async () => sb?.stop());

  it("is not honoured: the quotas of no file apply, and it says so", async () => {
    const admin = await sb.loginAdmin();
    const st = await licenseStatus(admin);
    expect(st).toMatchObject({ status: "EXPIRED", statusMessage: expect.stringMatching(/expired on/) });
    expect(lic(st, "FOUNDATION")).toEqual({ name: "FOUNDATION", total: 5, currentUsed: 0 });
    expect(lic(st, "MANAGEMENT")?.total).toBe(0);
    expect(services(admin)).not.toContain("PbxManagement");
    const events = await admin.subscribe([{ names: ["system"] }]);
    const e = await events.next((x) => x.eventName === "OnLicenseExpiration");
    expect(e).toMatchObject({ nbDays: expect.any(Number), message: expect.stringMatching(/expired on/) });
    expect(e.nbDays as number).toBeLessThanOrEqual(-1);
    const users: O2gClient[] = [];
    for (let i = 0; i < 6; i++) users.push(await sb.loginUser(String(10000 + i)));
    const statuses = [];
    for (const u of users) statuses.push((await basic(u)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 403]);
  });
});

describe("a forged license file", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    const dir = tmp();
    const doc = makeTestLicense({ counts: { foundation: 2 } });
    doc.license.counts.foundation = 100_000;
    const file = path.join(dir, "forged.json");
    writeFileSync(file, JSON.stringify(doc, null, 2));
    sb = await startSandbox({ users: 10 }, { licenses: { file, trustTestKey: true } });
  });
  afterAll(async () => sb?.stop());

  it("is refused: reported, and the quotas of no file apply", async () => {
    const admin = await sb.loginAdmin();
    const st = await licenseStatus(admin);
    expect(st).toMatchObject({
      status: "INVALID",
      statusMessage: expect.stringMatching(/altered or forged/),
    });
    expect(lic(st, "FOUNDATION")?.total).toBe(5);
  });
});

describe("a test license on a gateway that does not trust the test key", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    const licenses: Partial<GatewayConfig["licenses"]> = { ...withLicense({}), trustTestKey: false };
    sb = await startSandbox({ users: 10 }, { licenses });
  });
  afterAll(async () => sb?.stop());

  it("is refused", async () => {
    const st = await licenseStatus(await sb.loginAdmin());
    expect(st).toMatchObject({ status: "INVALID", statusMessage: expect.stringMatching(/does not trust/) });
    expect(lic(st, "FOUNDATION")?.total).toBe(5);
  });
});

describe("a license file about to expire", () => {
  let sb: Sandbox;
  const expires = dayFromToday(3);
  beforeAll(async () => {
    sb = await startSandbox(
      { users: 10 },
      {
        licenses: {
          ...withLicense({ expires, counts: { foundation: 20, management: 100, highAvailability: 1 } }),
          expiryWarningDays: 10,
        },
      },
    );
  });
  afterAll(async () => sb?.stop());

  it("lists each license with its expiration as the SDK reads it, and warns with OnLicenseExpiration", async () => {
    const admin = await sb.loginAdmin();
    const st = await licenseStatus(admin);
    const [y, m, d] = expires.split("-");
    const month = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"][
      Number(m) - 1
    ];
    expect(st.status).toBe("VALID");
    expect(lic(st, "FOUNDATION")).toEqual({
      name: "FOUNDATION",
      total: 20,
      currentUsed: 0,
      expiration: `${d}-${month}-${y}`,
    });
    expect(lic(st, "HIGH_AVAILABILITY")).toMatchObject({ total: 1, currentUsed: 1 });
    expect(lic(st, "MANAGEMENT")).toMatchObject({ total: 100, currentUsed: 10 });
    expect(services(admin)).toContain("PbxManagement");
    const events = await admin.subscribe([{ names: ["system"] }]);
    const e = await events.next((x) => x.eventName === "OnLicenseExpiration");
    // good through the end of its last day, 3 calendar days from today: 3 days and part of today
    expect([3, 4]).toContain(e.nbDays);
    expect(sb.gateway.core.licenses.allows("highAvailability")).toBe(true);
  });
});
