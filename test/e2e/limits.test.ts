/**
 * The OXE's own limits, enforced by the emulator and seen through the gateway:
 * 20,000 monitors per node, 30 CSTA links per node, answered with the standard refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RoseClient } from "../../gateway/links/index.js";
import {
  CSTA_APPLICATION_CONTEXT,
  CSTA_OPERATIONS,
  cstaErrorCodec,
  monitorStart,
} from "../../protocols/csta/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

describe("two nodes of 25,000 users each", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ users: 50_000, nodes: 2 });
  }, 120_000);
  afterAll(async () => sb?.stop());

  it("monitors 20,000 users per node and reports the rest as refused by the node's limit", async () => {
    const admin = await sb.loginAdmin();
    const status = await admin.get<{
      pbxs: { nodeId: number; monitoredUserNumber: number; ctiLinkState: string }[];
    }>("maintenance", "status");
    expect(status.body.pbxs).toEqual([
      expect.objectContaining({ nodeId: 1, monitoredUserNumber: 20_000, ctiLinkState: "CONNECTED_MAIN" }),
      expect.objectContaining({ nodeId: 2, monitoredUserNumber: 20_000, ctiLinkState: "CONNECTED_MAIN" }),
    ]);
    for (const n of sb.gateway.core.nodes.values()) expect(n.status().unmonitoredUsers).toBe(5_000);
    for (const n of sb.emulator.nodes) expect(n.csta.monitors.size).toBe(20_000);
  });

  it("answers a further MonitorStart with universalFailure overallMonitorLimitExceeded", async () => {
    const node = sb.emulator.node(1);
    const client = new RoseClient({
      name: "test",
      endpoints: [node.cstaEndpoint],
      applicationContext: CSTA_APPLICATION_CONTEXT,
      login: sb.emulator.config.linkLogin,
      password: sb.emulator.config.linkPassword,
      operations: CSTA_OPERATIONS.byCode,
      errors: cstaErrorCodec,
      invokeTimeoutMs: 5000,
      connectTimeoutMs: 2000,
      reconnectMinMs: 100,
      reconnectMaxMs: 1000,
      log: () => {},
    });
    client.start();
    await new Promise<void>((r) => client.once("up", () => r()));
    const err = await client.invoke(monitorStart, { device: "10001" }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      failure: { kind: "error", error: { category: "systemResourceAvailability", value: 7 } },
    });
    client.stop();
  });
});

describe("CSTA links per node", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ users: 10 });
  });
  afterAll(async () => sb?.stop());

  it("accepts 30 associations per node and refuses the 31st in its AARE", async () => {
    const node = sb.emulator.node(1);
    const clients: RoseClient<unknown>[] = [];
    const refusals: string[] = [];
    const open = () => {
      const c = new RoseClient({
        name: `link ${clients.length + 1}`,
        endpoints: [node.cstaEndpoint],
        applicationContext: CSTA_APPLICATION_CONTEXT,
        login: sb.emulator.config.linkLogin,
        password: sb.emulator.config.linkPassword,
        operations: CSTA_OPERATIONS.byCode,
        errors: cstaErrorCodec,
        invokeTimeoutMs: 5000,
        connectTimeoutMs: 2000,
        reconnectMinMs: 5000,
        reconnectMaxMs: 5000,
        log: (_level, line) => refusals.push(line),
      });
      clients.push(c as RoseClient<unknown>);
      c.start();
      return c;
    };
    // The gateway holds one link already.
    expect(node.csta.linkCount).toBe(1);
    const ups = Array.from({ length: 29 }, () => {
      const c = open();
      return new Promise<void>((r) => c.once("up", () => r()));
    });
    await Promise.all(ups);
    expect(node.csta.linkCount).toBe(30);
    const extra = open();
    await new Promise((r) => setTimeout(r, 300));
    expect(extra.isUp).toBe(false);
    expect(refusals.some((l) => /association refused \(result 2/.test(l))).toBe(true);
    expect(node.csta.linkCount).toBe(30);
    for (const c of clients) c.stop();
  });
});
