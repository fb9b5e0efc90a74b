/**
 * The SSH link against an emulated node's SSH server over loopback: login, exec with streamed
 * lines, the channel limit, host key pinning, and a link that drops and comes back.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeAnalytics } from "../../../oxe-emulator/analytics/index.js";
import { generateDirectory } from "../../../oxe-emulator/directory/index.js";
import { SshNodeServer } from "../../../oxe-emulator/servers/ssh/index.js";
import { LineSplitter, LineTooLongError } from "./lines.js";
import { SshLink, SshLinkError, type SshLinkOptions } from "./ssh-link.js";

describe("LineSplitter", () => {
  it("gives the same lines however the bytes are cut", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: "grapheme", maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, "")),
          {
            maxLength: 20,
          },
        ),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 10 }),
        (lines, crlf, cuts) => {
          const bytes = Buffer.from(lines.map((l) => l + (crlf ? "\r\n" : "\n")).join(""), "utf8");
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const got: string[] = [];
          const s = new LineSplitter((l) => got.push(l));
          let at = 0;
          for (const p of [...points, bytes.length]) {
            s.push(bytes.subarray(at, p));
            at = p;
          }
          s.end();
          expect(got).toEqual(lines);
        },
      ),
    );
  });

  it("keeps a last line without newline, and refuses an endless one", () => {
    const got: string[] = [];
    const s = new LineSplitter((l) => got.push(l), 8);
    s.push(Buffer.from("a\nbc"));
    s.end();
    expect(got).toEqual(["a", "bc"]);
    const t = new LineSplitter(() => {}, 8);
    expect(() => t.push(Buffer.from("0123456789"))).toThrow(LineTooLongError);
  });
});

const dir = generateDirectory({ users: 30, nodes: 1, seed: 3 });
const analytics = new NodeAnalytics({ nodeId: 1, seed: 3, directory: dir });
let server: SshNodeServer;
const logs: string[] = [];

function link(over: Partial<SshLinkOptions> = {}): SshLink {
  return new SshLink({
    name: "node 1 SSH",
    endpoints: [{ host: "127.0.0.1", port: server.port }],
    login: "adfexc",
    password: "adfexc",
    keepaliveMs: 1000,
    keepaliveCountMax: 3,
    connectTimeoutMs: 2000,
    reconnectMinMs: 20,
    reconnectMaxMs: 200,
    maxChannels: 2,
    log: (level, line) => logs.push(`${level} ${line}`),
    ...over,
  });
}

async function up(l: SshLink): Promise<SshLink> {
  l.start();
  expect(await l.waitUp(3000)).toBe(true);
  return l;
}

beforeAll(async () => {
  server = new SshNodeServer(analytics, {
    nodeId: 1,
    host: "127.0.0.1",
    port: 0,
    login: "adfexc",
    password: "adfexc",
  });
  await server.listen();
});
afterAll(async () => {
  await server.close();
});

describe("SshLink", () => {
  it("logs in, streams a command's lines and gives its exit status", async () => {
    const l = await up(link());
    try {
      const lines: string[] = [];
      const r = await l.exec("incvisu -n 3", (x) => lines.push(x));
      expect(r.code).toBe(0);
      expect(lines[0]).toMatch(/^#date\|node\|/);
      expect(lines.at(-1)).toBe("#END 3");
      const bad = await l.exec("taxdump NOPE.txt", () => {});
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("no such file");
      expect(l.status()).toMatchObject({ state: "up", channels: 0, waiting: 0 });
      expect(logs.some((x) => /info node 1 SSH up on 127\.0\.0\.1:\d+ \(host key SHA256:/.test(x))).toBe(
        true,
      );
    } finally {
      l.stop();
    }
  });

  it("runs at most maxChannels commands at once; the others wait their turn", async () => {
    const l = await up(link({ maxChannels: 2 }));
    try {
      let peak = 0;
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          l
            .exec("taxfiles", () => {
              peak = Math.max(peak, l.status().channels);
            })
            .then((r) => r.code),
        ),
      );
      expect(results).toEqual([0, 0, 0, 0, 0, 0]);
      expect(peak).toBeLessThanOrEqual(2);
    } finally {
      l.stop();
    }
  });

  it("accepts a pinned host key and refuses a node whose key is not the pinned one", async () => {
    const good = await up(link({ hostKeys: [server.hostPublicKey] }));
    good.stop();
    const other = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOv2gEbHkL1d5m4Yf5kQ2Qw5m1C7wXb5xR0m5lqZ2m5c";
    const bad = link({ hostKeys: [other] });
    logs.length = 0;
    bad.start();
    expect(await bad.waitUp(400)).toBe(false);
    bad.stop();
    expect(logs.join("\n")).toMatch(/cannot connect \(host key SHA256:\S+ is not one of the pinned keys\)/);
  });

  it("fails a command cut by a dropped link as retryable, and is back at once", async () => {
    const l = await up(link());
    try {
      logs.length = 0;
      const cut = l.exec("incvisu -F", () => {}, { unlimited: true });
      await new Promise((r) => setTimeout(r, 50));
      server.dropLinks();
      const err = await cut.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SshLinkError);
      expect((err as SshLinkError).retryable).toBe(true);
      expect(await l.waitUp(3000)).toBe(true);
      expect((await l.exec("taxfiles", () => {})).code).toBe(0);
      expect(logs.filter((x) => x.includes("down"))).toHaveLength(1);
      expect(logs.filter((x) => x.includes(" up on "))).toHaveLength(1);
    } finally {
      l.stop();
    }
  });

  it("answers at once while down, and retries with backoff until the node listens", async () => {
    const closed = new SshNodeServer(analytics, {
      nodeId: 2,
      host: "127.0.0.1",
      port: 0,
      login: "adfexc",
      password: "adfexc",
    });
    const port = await closed.listen();
    await closed.close();
    const l = link({ endpoints: [{ host: "127.0.0.1", port }] });
    logs.length = 0;
    l.start();
    await expect(l.exec("taxfiles", () => {})).rejects.toMatchObject({ failure: "down" });
    await new Promise((r) => setTimeout(r, 150));
    await closed.listen(port);
    try {
      expect(await l.waitUp(3000)).toBe(true);
      expect(logs.filter((x) => x.includes("cannot connect"))).toHaveLength(1);
    } finally {
      l.stop();
      await closed.close();
    }
  });

  it("refuses wrong credentials and keeps retrying", async () => {
    const l = link({ password: "wrong" });
    logs.length = 0;
    l.start();
    expect(await l.waitUp(300)).toBe(false);
    l.stop();
    expect(logs.join("\n")).toMatch(/cannot connect \(All configured authentication methods failed\)/);
  });

  it("says why it cannot connect with a key ssh2 cannot read, and keeps trying", async () => {
    const l = link({ privateKey: "not a key" });
    logs.length = 0;
    l.start();
    expect(await l.waitUp(100)).toBe(false);
    l.stop();
    expect(l.status().lastError).toMatch(/privateKey/i);
    expect(logs.filter((x) => x.includes("cannot connect"))).toHaveLength(1);
  });
});
