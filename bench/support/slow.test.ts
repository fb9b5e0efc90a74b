import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RoseLink } from "../../protocols/rose/index.js";
import { seedSandboxTls } from "../../scenarios/sandbox-tls.js";
import { installSlowdown, mainThreadCpuNs } from "./slow.js";

type Invoke = (...args: unknown[]) => number;
const proto = RoseLink.prototype as unknown as { invoke: Invoke; invokeWith: Invoke };
const real = proto.invoke;
const realWith = proto.invokeWith;

afterEach(() => {
  proto.invoke = real;
  proto.invokeWith = realWith;
});

describe("the node-links slowdown", () => {
  it("passes every argument after the callback through (a linked replies' decoder was once dropped, so the snapshot read no user)", async () => {
    const seen: unknown[][] = [];
    proto.invoke = (...args: unknown[]) => {
      seen.push(args);
      (args[2] as (err: unknown, res: unknown) => void)(null, "answer");
      return 7;
    };
    const remove = installSlowdown({ kind: "node-links" });
    const linked = () => {};
    const decode = () => {};
    const answered = new Promise((resolve) => {
      const id = proto.invoke.call(
        undefined,
        "op",
        "arg",
        (_e: unknown, r: unknown) => resolve(r),
        linked,
        decode,
      );
      expect(id).toBe(7);
    });
    await expect(answered).resolves.toBe("answer");
    expect(seen[0]?.slice(3)).toEqual([linked, decode]);
    remove();
    expect(proto.invoke).not.toBe(real); // our recorder is back, not the real one
  });

  it("holds back the snapshot's requests made with a context, and hands the context back", async () => {
    proto.invokeWith = (...args: unknown[]) => {
      (args[3] as (err: unknown, res: unknown, ctx: unknown) => void)(null, "answer", args[2]);
      return 8;
    };
    const remove = installSlowdown({ kind: "node-links" });
    const context = { device: "30001" };
    let got: unknown[] | undefined;
    const id = proto.invokeWith.call(
      undefined,
      "op",
      "arg",
      context,
      (_e: unknown, r: unknown, c: unknown) => {
        got = [r, c];
      },
    );
    expect(id).toBe(8);
    expect(got).toBeUndefined(); // held back: answered on a later turn of the event loop
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual(["answer", context]);
    remove();
    expect(proto.invokeWith).not.toBe(realWith); // our recorder is back
  });
});

describe("the thread CPU clock the slowdowns spin on", () => {
  it("is read up to date: its value moves at nearly every read, not once a scheduler tick", () => {
    // Counted in reads, not in time: what another thread or process does to this one's pace
    // changes neither count. Read stale, the file moved 54 times in 200 ms of reads (once a
    // 4 ms tick); up to date, 51,172 times. (A CPU budget checked against process.cpuUsage()
    // failed once in npm test: the process's other threads count there too.)
    const clock = mainThreadCpuNs();
    const reads = 2000;
    let moves = 0;
    let last = clock();
    for (let i = 0; i < reads; i++) {
      const now = clock();
      if (now !== last) moves++;
      last = now;
    }
    expect(moves).toBeGreaterThan(reads / 2);
  });
});

describe("the http slowdown", () => {
  /** CPU ms of this process (the server and its client both) over `fn`. */
  const cpuOver = async (fn: () => Promise<void>) => {
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  const burnMs = (ms: number) => {
    const c0 = process.cpuUsage();
    while (true) {
      const c = process.cpuUsage(c0);
      if (c.user + c.system >= ms * 1000) return;
    }
  };
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it("doubles the process's CPU while the matching path is served, and nothing once it is not", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "o2g-slow-"));
    seedSandboxTls(dir);
    const tls = path.join(dir, "tls");
    // Each answer costs the server some CPU of its own, as a gateway's handler would.
    const server = https.createServer(
      {
        key: readFileSync(path.join(tls, "server-key.pem")),
        cert: readFileSync(path.join(tls, "server.pem")),
      },
      (_req, res) => {
        burnMs(1);
        res.end("{}");
      },
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const agent = new https.Agent({
      keepAlive: true,
      maxSockets: 4,
      ca: readFileSync(path.join(tls, "ca.pem")),
    });
    const port = (server.address() as AddressInfo).port;
    const get = (p: string) =>
      new Promise<void>((resolve, reject) => {
        https
          .get({ host: "localhost", port, path: p, agent }, (res) => {
            res.resume();
            res.on("end", resolve);
          })
          .on("error", reject);
      });
    const requests = (p: string) => async () => {
      for (let i = 0; i < 60; i++) await Promise.all([get(p), get(p), get(p), get(p)]);
      // The last 2 ms window's doubling.
      await pause(10);
    };
    try {
      await requests("/api/rest")(); // connections and compiled code, for every run alike
      const plain = await cpuOver(requests("/api/rest"));
      const remove = installSlowdown({ kind: "http", path: /^\/api\/rest/ });
      try {
        const slowed = await cpuOver(requests("/api/rest"));
        const otherPath = await cpuOver(requests("/other"));
        // Once the path's last answer has left, the process's other work is its own cost again.
        const after = await cpuOver(async () => {
          burnMs(40);
          await pause(10);
        });
        expect(slowed / plain).toBeGreaterThan(1.6);
        expect(slowed / plain).toBeLessThan(2.6);
        expect(otherPath / plain).toBeLessThan(1.4);
        expect(after).toBeLessThan(55);
      } finally {
        remove();
      }
      expect(Object.hasOwn(https.Server.prototype, "emit")).toBe(false);
    } finally {
      agent.destroy();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
