/**
 * The webhook sender against real receivers on loopback: the policy refuses denied addresses
 * (literal or resolved), redirects are not followed, a huge reply is not read.
 */
import type { LookupAddress } from "node:dns";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookSender } from "./webhook.js";
import { DEFAULT_WEBHOOK_DENY, LOOPBACK_RANGES, WebhookPolicy } from "./webhook-policy.js";

const servers: Server[] = [];
const senders: WebhookSender[] = [];
const policies: WebhookPolicy[] = [];

afterEach(async () => {
  for (const s of senders.splice(0)) s.stop();
  for (const p of policies.splice(0)) await p.close();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function receiver(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  return (s.address() as AddressInfo).port;
}

function policy(allow: string[], resolve?: (host: string) => LookupAddress[]): WebhookPolicy {
  const p = new WebhookPolicy(
    { deny: DEFAULT_WEBHOOK_DENY, allow, maxReplyBytes: 4096 },
    resolve ? (host, cb) => cb(null, resolve(host)) : undefined,
  );
  policies.push(p);
  return p;
}

function sender(url: string, p: WebhookPolicy, lines: string[]): WebhookSender {
  const s = new WebhookSender(url, {
    retryMaxMs: 60_000,
    timeoutMs: 5_000,
    queueLimit: 10,
    policy: p,
    log: (_level, line) => lines.push(line),
  });
  senders.push(s);
  return s;
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the address policy", () => {
  const p = new WebhookPolicy({ deny: DEFAULT_WEBHOOK_DENY, allow: [], maxReplyBytes: 1 });
  it.each([
    "http://127.0.0.1:8443/",
    "http://[::1]/",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://169.254.169.254/latest/meta-data",
    "http://[::ffff:127.0.0.1]/",
    "http://[fe80::1]/",
    "http://0.0.0.0:2555/",
    "http://localhost:2555/",
    "http://api.LOCALHOST./",
  ])("refuses %s before any look-up", (url) => {
    expect(p.refusal(new URL(url))).toMatch(/may not reach/);
  });

  it.each(["https://hooks.example.com/o2g", "http://10.1.2.3/", "http://[2001:db8::1]/"])(
    "leaves %s to the connection-time check",
    (url) => {
      expect(p.refusal(new URL(url))).toBeNull();
    },
  );

  it("lets the allow list carve loopback out of the deny list, and nothing else", () => {
    const sandbox = new WebhookPolicy({
      deny: DEFAULT_WEBHOOK_DENY,
      allow: LOOPBACK_RANGES,
      maxReplyBytes: 1,
    });
    expect(sandbox.refusal(new URL("http://127.0.0.1:9/"))).toBeNull();
    expect(sandbox.refusal(new URL("http://localhost:9/"))).toBeNull();
    expect(sandbox.refusal(new URL("http://169.254.169.254/"))).toMatch(/may not reach/);
    void sandbox.close();
  });

  it("rejects a malformed range at start", () => {
    expect(() => new WebhookPolicy({ deny: ["10.0.0.0/99"], allow: [], maxReplyBytes: 1 })).toThrow(
      /not an address or CIDR/,
    );
  });
  void p.close();
});

describe("delivery", () => {
  it("does not post to a denied address given literally, and says why", async () => {
    let hits = 0;
    const port = await receiver((_req, res) => {
      hits++;
      res.end();
    });
    const lines: string[] = [];
    sender(`http://127.0.0.1:${port}/hook`, policy([]), lines).send("{}");
    await until(() => lines.length > 0, "the failure to be logged");
    expect(lines[0]).toMatch(/may not reach 127\.0\.0\.1/);
    expect(hits).toBe(0);
  });

  it("checks the address a host name resolves to when connecting (no rebinding past it)", async () => {
    let hits = 0;
    const port = await receiver((_req, res) => {
      hits++;
      res.end();
    });
    const looks: string[] = [];
    const resolveToLoopback = (host: string) => {
      looks.push(host);
      return [{ address: "127.0.0.1", family: 4 }];
    };
    const lines: string[] = [];
    const denied = sender(`http://hooks.rebind.test:${port}/hook`, policy([], resolveToLoopback), lines);
    denied.send("{}");
    await until(() => lines.length > 0, "the failure to be logged");
    expect(lines[0]).toMatch(/hooks\.rebind\.test resolves to 127\.0\.0\.1, which webhooks may not reach/);
    expect(hits).toBe(0);

    // The same name where loopback is allowed: the request goes to the very address resolved.
    const ok = sender(
      `http://hooks.rebind.test:${port}/hook`,
      policy(LOOPBACK_RANGES, resolveToLoopback),
      [],
    );
    ok.send("{}");
    await until(() => ok.sent === 1, "the delivery");
    expect(hits).toBe(1);
    expect(looks.every((h) => h === "hooks.rebind.test")).toBe(true);
  });

  it("does not follow a redirect to another (internal) port", async () => {
    let innerHits = 0;
    const inner = await receiver((_req, res) => {
      innerHits++;
      res.end();
    });
    let outerHits = 0;
    const outer = await receiver((_req, res) => {
      outerHits++;
      res.writeHead(307, { location: `http://127.0.0.1:${inner}/admin` }).end();
    });
    const lines: string[] = [];
    const s = sender(`http://127.0.0.1:${outer}/hook`, policy(LOOPBACK_RANGES), lines);
    s.send("{}");
    await until(() => lines.length > 0, "the failure to be logged");
    expect(lines[0]).toMatch(/HTTP 307, not followed/);
    expect(outerHits).toBe(1);
    expect(innerHits).toBe(0);
    expect(s.sent).toBe(0);
  });

  it("reads a few KB of a huge reply and drops the connection", async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const offered = 64 * 1024 * 1024;
    let written = 0;
    let closed = false;
    const port = await receiver((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "text/plain", "content-length": String(offered) });
      const pump = () => {
        while (written < offered && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return res.once("drain", pump);
        }
        if (written >= offered) res.end();
      };
      res.on("close", () => {
        closed = true;
      });
      pump();
    });
    const s = sender(`http://127.0.0.1:${port}/hook`, policy(LOOPBACK_RANGES), []);
    s.send("{}");
    await until(() => s.sent === 1 && closed, "the delivery and the receiver's connection closing", 20_000);
    // What the kernel buffers on both sides before the close lands: a few MB at most, not 64.
    expect(written).toBeLessThan(16 * 1024 * 1024);
  });
});
