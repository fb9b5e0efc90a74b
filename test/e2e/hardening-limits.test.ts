/**
 * What one client may ask of the gateway: where its webhooks may go, how many sessions and
 * subscriptions one login may hold, how fast passwords may be guessed. Over real HTTPS.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Subscription } from "../../gateway/events/index.js";
import type { O2gClient } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

async function authenticate(sb: Sandbox, login: string, password: string): Promise<Answer> {
  const res = await request(`${sb.gateway.url}/api/rest/authenticate?version=1.0`, {
    headers: { authorization: `Basic ${Buffer.from(`${login}:${password}`).toString("base64")}` },
    dispatcher: sb.dispatcher,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

const subscribeBody = (webHookUrl?: string) => ({
  filter: { selectors: [{ ids: [], names: ["telephony"] }] },
  version: "1.0",
  ...(webHookUrl ? { webHookUrl } : {}),
});

describe("webhooks, sessions and subscriptions outside the sandbox's loopback allowance", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox(
      { users: 20 },
      {
        events: { webhookAllow: [] },
        limits: { sessionsPerUser: 4, subscriptionsPerUser: 3 },
      },
    );
  });
  afterAll(async () => sb?.stop());

  it.each([
    "http://127.0.0.1:2555/",
    "http://[::1]:8443/",
    "http://2130706433/",
    "http://169.254.169.254/latest/meta-data/",
    "http://localhost:8443/api/rest",
  ])("refuses a webhook to %s with O2G's error", async (url) => {
    const c = await sb.loginUser("10001");
    const r = await c.send("POST", c.url("subscriptions"), subscribeBody(url));
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 403, httpStatus: "FORBIDDEN", helpMessage: /may not reach/ });
    await c.close();
  });

  it("accepts a webhook whose host is left to the connection-time check", async () => {
    const c = await sb.loginUser("10002");
    const r = await c.send("POST", c.url("subscriptions"), subscribeBody("https://hooks.example.test/o2g"));
    expect(r.status).toBe(200);
    await c.close();
  });

  it("caps one login's sessions, and names other sessions without any part of their token", async () => {
    const held: O2gClient[] = [];
    for (let i = 0; i < 4; i++) held.push(await sb.loginUser("10003"));
    const fifth = await authenticate(sb, "oxe10003", sb.emulator.directory.options.password);
    expect(fifth.status).toBe(403);
    expect(fifth.body).toMatchObject({ code: 403, helpMessage: /already has 4 sessions/ });

    const info = await held[0]!.raw<{ otherSessions: { sessionId: string }[] }>("GET", held[0]!.sessionsUrl);
    expect(info.body.otherSessions).toHaveLength(3);
    const tokens = held.map((c) => decodeURIComponent(c.cookieHeader.replace(/^AlcUserId=/, "")));
    for (const o of info.body.otherSessions) {
      for (const t of tokens) {
        expect(t.includes(o.sessionId)).toBe(false);
        expect(o.sessionId.slice(0, 4)).not.toBe(t.slice(0, 4));
      }
    }

    await held.pop()!.close();
    const again = await authenticate(sb, "oxe10003", sb.emulator.directory.options.password);
    expect(again.status).toBe(200);
    for (const c of held) await c.close();
  });

  it("caps one login's subscriptions over its sessions, and frees their queues at logout", async () => {
    const a = await sb.loginUser("10004");
    const b = await sb.loginUser("10004");
    const ids: string[] = [];
    for (const c of [a, a, b]) {
      const r = await c.raw<{ subscriptionId: string }>("POST", c.url("subscriptions"), subscribeBody());
      ids.push(r.body.subscriptionId);
    }
    const fourth = await b.send("POST", b.url("subscriptions"), subscribeBody());
    expect(fourth.status).toBe(403);
    expect(fourth.body).toMatchObject({ code: 403, helpMessage: /already holds 3 subscriptions/ });

    // Nobody polls: every event is queued, as for a client that went away.
    const bus = sb.gateway.core.bus;
    for (let i = 0; i < 5_000; i++) bus.publish("telephony", "oxe10004", { eventName: "OnTest", n: i });
    const subs = ids.map((id) => bus.subscriptions.get(id)!);
    expect(subs.map((s) => s.queued)).toEqual([5_000, 5_000, 5_000]);
    const refs = subs.map((s) => new WeakRef<Subscription>(s));
    subs.length = 0;

    await a.close();
    await b.close();
    expect(ids.filter((id) => bus.subscriptions.has(id))).toEqual([]);
    // A WeakRef keeps its target alive until the current job ends: collect in a later one.
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 20));
      gc();
    }
    expect(refs.map((r) => r.deref()?.queued ?? "released")).toEqual(["released", "released", "released"]);
  });
});

describe("the voice mail", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ users: 10 });
  });
  afterAll(async () => sb?.stop());

  it("refuses a 100,000-character mailbox password at once, and still answers the right one", async () => {
    const c = await sb.loginUser("10005");
    const long = await c.send("POST", c.url("voicemail", "10005"), { password: "9".repeat(100_000) });
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ code: 400, httpStatus: "BAD_REQUEST" });
    const info = await c.send("POST", c.url("voicemail", "10005"), {
      password: sb.emulator.directory.options.password,
    });
    expect(info.status).toBe(200);
    await c.close();
  });
});

describe("failed logins", () => {
  let sb: Sandbox;
  const delay = 150;
  beforeAll(async () => {
    sb = await startSandbox(
      { users: 30 },
      {
        loginThrottle: {
          failuresPerLogin: 5,
          failuresPerAddress: 12,
          windowSeconds: 60,
          blockSeconds: 30,
          failureDelayMs: delay,
        },
      },
    );
  });
  afterAll(async () => sb?.stop());

  const pw = () => sb.emulator.directory.options.password;

  it("do not count when they succeed", async () => {
    for (let i = 0; i < 12; i++) {
      const r = await authenticate(sb, "oxe10001", pw());
      expect(r.status).toBe(200);
      const token = r.headers["set-cookie"]?.toString().match(/AlcUserId=([^;]+)/)?.[1];
      // Log out so the per-user session cap is not what this test meets.
      await request(`${sb.gateway.url}/api/rest/1.0/sessions`, {
        method: "DELETE",
        headers: { cookie: `AlcUserId=${token}` },
        dispatcher: sb.dispatcher,
      }).then((x) => x.body.dump());
    }
  });

  it("lock a login out after its limit, even with the right password, with 429 and Retry-After", async () => {
    const answers: number[] = [];
    for (let i = 0; i < 5; i++) answers.push((await authenticate(sb, "oxe10002", "9999")).status);
    expect(answers).toEqual([401, 401, 401, 401, 401]);
    const locked = await authenticate(sb, "oxe10002", pw());
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: 429, httpStatus: "TOO_MANY_REQUESTS", canRetry: true });
    const after = Number(locked.headers["retry-after"]);
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThanOrEqual(30);
    // Another user from the same address is not locked out by it.
    expect((await authenticate(sb, "oxe10003", pw())).status).toBe(200);
  });

  it("answer unknown logins no faster than known ones", async () => {
    const time = async (login: string) => {
      const t0 = performance.now();
      const r = await authenticate(sb, login, "9999");
      expect(r.status).toBe(401);
      return performance.now() - t0;
    };
    const unknown: number[] = [];
    const known: number[] = [];
    for (let i = 0; i < 3; i++) {
      unknown.push(await time(`nobody${i}`));
      known.push(await time(`oxe1001${i}`));
    }
    // Both wait out the same floor; before, an unknown login was answered at once.
    for (const t of [...unknown, ...known]) expect(t).toBeGreaterThanOrEqual(delay - 5);
  });

  it("lock an address out after its limit, whatever login it tries next", async () => {
    // 5 (oxe10002) + 6 (timing) failures so far from this address; the 12th is still answered.
    expect((await authenticate(sb, "oxe10020", "9999")).status).toBe(401);
    const r = await authenticate(sb, "oxe10021", pw());
    expect(r.status).toBe(429);
    expect(r.headers["retry-after"]).toBeDefined();
  });
});
