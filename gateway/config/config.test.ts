import { describe, expect, it } from "vitest";
import { loadGatewayConfig, maskSecrets, parseNodes } from "./config.js";

describe("--nodes / O2G_NODES", () => {
  it("reads CSTA and CMIP, and SSH and IMAP when given, for the main and the standby", () => {
    const [n] = parseNodes("1=10.0.0.1:2555/2556/2557/2558|10.0.0.2:2555/2556", "o2g", "pw");
    expect(n).toEqual({
      nodeId: 1,
      csta: { host: "10.0.0.1", port: 2555 },
      cmip: { host: "10.0.0.1", port: 2556 },
      ssh: { host: "10.0.0.1", port: 2557 },
      imap: { host: "10.0.0.1", port: 2558 },
      cstaSecondary: { host: "10.0.0.2", port: 2555 },
      cmipSecondary: { host: "10.0.0.2", port: 2556 },
      login: "o2g",
      password: "pw",
    });
  });

  it("defaults the CMIP port to the next one, and refuses what is not a port", () => {
    expect(parseNodes("2=h:100", "a", "b")[0]!.cmip).toEqual({ host: "h", port: 101 });
    expect(() => parseNodes("1=h:100/x", "a", "b")).toThrow(/ports after the host are numbers/);
    expect(() => parseNodes("one=h:100", "a", "b")).toThrow(/nodeId=host:cstaPort/);
  });
});

describe("the database", () => {
  it("comes from O2G_DATABASE_URL or DATABASE_URL, and its password is masked when printed", () => {
    const c = loadGatewayConfig({ env: { DATABASE_URL: "postgres://o2g:s3cret@db:5432/o2g" } });
    expect(c.store.databaseUrl).toBe("postgres://o2g:s3cret@db:5432/o2g");
    expect(JSON.stringify(maskSecrets(c))).not.toContain("s3cret");
    const o = loadGatewayConfig({
      env: { DATABASE_URL: "postgres://a@x/y", O2G_DATABASE_URL: "postgres://b@x/y" },
    });
    expect(o.store.databaseUrl).toBe("postgres://b@x/y");
  });
});

describe("licenses", () => {
  it("have no file and trust no test key by default; the file comes from O2G_LICENSE_FILE", () => {
    expect(loadGatewayConfig().licenses).toEqual({
      file: null,
      trustTestKey: false,
      management: null,
      expiryWarningDays: 30,
    });
    const cfg = loadGatewayConfig({
      env: { O2G_LICENSE_FILE: "/etc/o2g/lic.json", O2G_LICENSE_MANAGEMENT: "40" },
    });
    expect(cfg.licenses).toMatchObject({ file: "/etc/o2g/lic.json", management: 40, trustTestKey: false });
    expect(() => loadGatewayConfig({ env: { O2G_LICENSE_MANAGEMENT: "-1" } })).toThrow(/licenses.management/);
  });
});

describe("the security settings", () => {
  it("deny loopback and link-local webhooks, keep plain HTTP on loopback, and bound connections by default", () => {
    const c = loadGatewayConfig({ env: {} });
    expect(c.events.webhookDeny).toEqual(
      expect.arrayContaining(["127.0.0.0/8", "::1/128", "169.254.0.0/16"]),
    );
    expect(c.events.webhookAllow).toEqual([]);
    expect(c.httpPort).toBeNull();
    expect(c.httpHost).toBe("127.0.0.1");
    expect(c.http.headersTimeoutMs).toBeGreaterThan(0);
    expect(c.limits).toEqual({ sessionsPerUser: 100, subscriptionsPerUser: 100 });
  });

  it("take a PKCS#12 file from the environment, and mask its password when printed", () => {
    const c = loadGatewayConfig({
      env: { O2G_TLS_PFX: "/etc/o2g/server.p12", O2G_TLS_PFX_PASSWORD: "p12-s3cret" },
    });
    expect(c.tls).toMatchObject({ pfxFile: "/etc/o2g/server.p12", pfxPassword: "p12-s3cret" });
    expect(JSON.stringify(maskSecrets(c))).not.toContain("p12-s3cret");
  });

  it("refuse limits that are not positive whole numbers, and a certificate without its key", () => {
    expect(() => loadGatewayConfig({ overrides: { limits: { sessionsPerUser: 0 } } })).toThrow(
      /limits.sessionsPerUser must be a positive whole number/,
    );
    expect(() => loadGatewayConfig({ overrides: { http: { requestTimeoutMs: -1 } } })).toThrow(
      /http.requestTimeoutMs/,
    );
    expect(() => loadGatewayConfig({ overrides: { tls: { certFile: "a.pem" } } })).toThrow(/go together/);
  });
});

describe("the WSS agent", () => {
  it("is off by default, takes a wss:// URL with a trust store, from the file or O2G_WSS_AGENT_*", () => {
    expect(loadGatewayConfig().wssAgent.url).toBeNull();
    const c = loadGatewayConfig({
      env: { O2G_WSS_AGENT_URL: "wss://app:443/o2g", O2G_WSS_AGENT_CA_FILE: "/ca.pem" },
    });
    expect(c.wssAgent).toMatchObject({ url: "wss://app:443/o2g", caFile: "/ca.pem", audience: "o2g" });
    expect(() =>
      loadGatewayConfig({ overrides: { wssAgent: { url: "ws://app/o2g", caFile: "/ca.pem" } } }),
    ).toThrow(/must be a wss:\/\/ URL/);
    expect(() => loadGatewayConfig({ overrides: { wssAgent: { url: "wss://app/o2g" } } })).toThrow(
      /trust store/,
    );
    expect(() => loadGatewayConfig({ overrides: { wssAgent: { replayLimit: 0 } } })).toThrow(
      /wssAgent.replayLimit/,
    );
  });
});
