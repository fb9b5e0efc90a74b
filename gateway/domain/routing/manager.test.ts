/**
 * RoutingManager's announcements: one OnRoutingStateChanged per change, however the node's
 * answers and events are spread in time. The node here is a fake with the timings of a loaded
 * link: each setting's event comes at once, its answer later.
 */
import { describe, expect, it } from "vitest";
import { testDirectory } from "../../../test/support/directory.js";
import type { O2gEvent } from "../../events/types.js";
import { RoutingManager, type RoutingNode } from "./index.js";
import type { SwitchForwardType } from "./routes.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup(answerMs: number) {
  const { directory, user } = testDirectory({ 1: ["10014", "10015"] });
  const published: O2gEvent[] = [];
  const forwards = new Map<SwitchForwardType, string>();
  let manager: RoutingManager;
  const node: RoutingNode = {
    cstaUp: true,
    voiceMailNumber: "8000",
    configSupport: { overflow: true, remoteExtension: false },
    getForwarding: async () =>
      [...forwards].map(([forwardingType, forwardDN]) => ({
        forwardingType,
        forwardStatus: true,
        forwardDN,
      })),
    async setForwarding(device, type, destination) {
      if (destination) forwards.set(type, destination);
      else forwards.delete(type);
      // The switch reports the change before the answer reaches the gateway.
      manager.onSwitchFeature(device, {
        type: "forwarding",
        forwardingType: type,
        forwardStatus: destination !== null,
        ...(destination ? { forwardTo: destination } : {}),
      });
      await sleep(answerMs);
    },
    getDoNotDisturb: async () => false,
    async setDoNotDisturb(device, on) {
      await sleep(answerMs);
      // ...and this one well after it: the echo of what the gateway already knows.
      setTimeout(() => manager.onSwitchFeature(device, { type: "doNotDisturb", doNotDisturbOn: on }), 20);
    },
    readConfig: async () => ({ overflow: null, remoteExtension: false, hasRemoteExtension: false }),
    writeConfig: async () => {},
  };
  manager = new RoutingManager({
    directory,
    events: { publish: (_pkg, _login, e) => published.push(e) },
    node: () => node,
    coalesceMs: 5,
  });
  return { manager, published, user };
}

const forwardTypes = (e: O2gEvent) =>
  (e.routingState as { forwardRoutes: Array<{ forwardType: string }> }).forwardRoutes.map(
    (r) => r.forwardType,
  );

describe("RoutingManager announcements", () => {
  it("announces a forward on busy and no answer once, though its two settings' answers take longer than the coalescing delay", async () => {
    const { manager, published, user } = setup(30);
    await manager.setForward(user("10014"), "BUSY_NO_ANSWER", "10015");
    await sleep(40);
    expect(published.map(forwardTypes)).toEqual([["BUSY_NO_ANSWER"]]);
    manager.stop();
  });

  it("announces a cancel once, and not again for the switch's echo of it", async () => {
    const { manager, published, user } = setup(30);
    await manager.setForward(user("10014"), "BUSY_NO_ANSWER", "10015");
    await sleep(20);
    published.length = 0;
    await manager.cancelForward(user("10014"));
    await sleep(40);
    expect(published.map(forwardTypes)).toEqual([[]]);
    manager.stop();
  });

  it("announces a change of DND once when the switch reports it long after answering", async () => {
    const { manager, published, user } = setup(10);
    await manager.state(user("10014"));
    await manager.setDnd(user("10014"), true);
    await sleep(60);
    expect(published.map((e) => (e.routingState as { dndState: unknown }).dndState)).toEqual([
      { activate: true },
    ]);
    manager.stop();
  });

  it("announces what the set changes by itself", async () => {
    const { manager, published, user } = setup(0);
    await manager.state(user("10014"));
    manager.onSwitchFeature("10014", { type: "doNotDisturb", doNotDisturbOn: true });
    manager.onSwitchFeature("10014", { type: "doNotDisturb", doNotDisturbOn: true });
    await sleep(30);
    manager.onSwitchFeature("10014", { type: "doNotDisturb", doNotDisturbOn: true });
    await sleep(30);
    expect(published).toHaveLength(1);
    manager.stop();
  });
});
