/**
 * The agent against the sample application server and a small fastify application: the license
 * call site, backoff with one connection at a time, and what closes a socket before `ready`.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeTestPki, type TestPki } from "../../scenarios/wss-app/pki.js";
import { WssApp } from "../../scenarios/wss-app/server.js";
import { DEFAULT_GATEWAY_CONFIG } from "../config/index.js";
import type { WssAgentSettings } from "../config/settings.js";
import { EventBus } from "../events/index.js";
import { WssAgent } from "./agent.js";
import { CLOSE } from "./envelope.js";

let pki: TestPki;
let fastify: FastifyInstance;
const running: { stop(): Promise<void> }[] = [];
beforeAll(async () => {
  pki = makeTestPki("agent");
  fastify = Fastify();
  fastify.get("/api/rest/ping", async () => ({ pong: true }));
  await fastify.ready();
});
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.stop();
});

async function setup(settings: Partial<WssAgentSettings>, licensed: () => boolean = () => true) {
  const app = await WssApp.start({ pki });
  running.push(app);
  const agent = new WssAgent({
    settings: {
      ...DEFAULT_GATEWAY_CONFIG.wssAgent,
      url: app.url,
      ca: pki.ca.certPem,
      issuer: "wss-app",
      reconnectMinMs: 50,
      reconnectMaxMs: 400,
      ...settings,
    },
    app: fastify,
    subscriptions: new EventBus().subscriptions,
    log: pino({ level: "silent" }),
    host: "localhost",
    licensed,
  });
  running.push(agent);
  agent.start();
  return { app, agent };
}

describe("the Cloud Connectivity license", () => {
  it("is checked before connecting and every licenseCheckMs: a lapse closes the socket, a renewal reopens it", async () => {
    let licensed = false;
    const { app, agent } = await setup({ licenseCheckMs: 100 }, () => licensed);
    await app.until(() => agent.stats.licenseChecks >= 3, "three license checks");
    expect(agent.state).toBe("unlicensed");
    expect(app.connections).toBe(0);

    licensed = true;
    await app.until(() => app.isReady, "a connection once licensed");
    expect((await app.request("GET", "/api/rest/ping")).body).toEqual({ pong: true });

    licensed = false;
    await app.until(() => app.closes.some((c) => c.code === CLOSE.unlicensed), "the socket closed");
    const checks = agent.stats.licenseChecks;
    await app.until(() => agent.stats.licenseChecks >= checks + 3, "more license checks");
    expect(app.connections).toBe(1);
    expect(agent.state).toBe("unlicensed");

    licensed = true;
    await app.until(() => app.connections === 2 && app.isReady, "a connection again");
  });
});

describe("reconnection", () => {
  it("backs off, doubling up to reconnectMaxMs, one connection at a time", async () => {
    const { app, agent } = await setup({});
    app.token = () => app.makeToken({ audience: "not-o2g" });
    await app.until(() => app.connections >= 6, "six refused connections");
    // lower bounds only: a loaded machine may be later, never earlier
    const at = app.connectedAt;
    const gaps = at.slice(1, 6).map((t, i) => t - at[i]!);
    const expected = [50, 100, 200, 400, 400];
    for (const [i, g] of gaps.entries()) expect(g).toBeGreaterThanOrEqual(expected[i]! - 5);
    expect(app.maxOpen).toBe(1);
    expect(agent.stats.refused).toBeGreaterThanOrEqual(5);
    // a good token again: ready, and the backoff starts over from reconnectMinMs
    app.token = () => app.makeToken();
    await app.until(() => app.isReady, "a connection with a good token");
  });
});

describe("before ready", () => {
  it("closes a socket whose application sends no token in time", async () => {
    const { app } = await setup({ authTimeoutMs: 200 });
    app.token = () => new Promise(() => undefined);
    await app.until(() => app.closes.some((c) => c.code === CLOSE.authTimeout), "the auth timeout");
  });

  it("serves nothing before a valid token", async () => {
    const { app, agent } = await setup({});
    await app.until(() => app.isReady, "ready");
    app.token = () => app.makeToken({ expiresIn: -10 });
    app.drop();
    await app.until(() => app.closes.some((c) => c.code === CLOSE.tokenRefused), "the refusal");
    expect(agent.stats.requests).toBe(0);
  });
});
