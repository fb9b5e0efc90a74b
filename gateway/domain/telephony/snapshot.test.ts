/**
 * onSnapshot: what the startup snapshot (and a re-snapshot after a link came back) tells the
 * users. An idle device is the common case and takes a short path: it must tell nothing, and
 * leave the user's state where a later call's events expect it.
 */
import { describe, expect, it } from "vitest";
import { testDirectory } from "../../../test/support/directory.js";
import { TelephonyEngine } from "./engine.js";

function setup() {
  const { directory, user } = testDirectory({ 1: ["10000", "10001"] });
  const told: { eventName: string; loginName: string; state?: string }[] = [];
  const engine = new TelephonyEngine(directory, {
    publish: (_pkg: string, _login: string | null, ev: unknown) => {
      told.push(ev as (typeof told)[number]);
    },
  });
  const none = new Map();
  return { engine, user, told, none };
}

describe("TelephonyEngine.onSnapshot", () => {
  it("tells nothing of an idle device, and the user is FREE", () => {
    const { engine, user, told, none } = setup();
    engine.onSnapshot(1, "10000", [], none);
    engine.onSnapshot(1, "10000", [], none);
    expect(told).toEqual([]);
    expect(engine.userState(user("10000"))).toBe("FREE");
    expect(engine.calls(user("10000"))).toEqual([]);
  });

  it("tells a call found in the snapshot, then its end when the next snapshot no longer has it", () => {
    const { engine, user, told, none } = setup();
    engine.onSnapshot(1, "10000", [], none);
    engine.onSnapshot(1, "10000", [{ callId: "7", state: "connected" }], none);
    expect(told.map((e) => e.eventName)).toEqual(["OnCallCreated", "OnUserStateModified"]);
    expect(told[1]).toMatchObject({ loginName: "oxe10000", state: "BUSY" });
    expect(engine.userState(user("10000"))).toBe("BUSY");

    told.length = 0;
    // Idle again (the call ended while the link was down): the known call must not be forgotten silently.
    engine.onSnapshot(1, "10000", [], none);
    expect(told.map((e) => e.eventName)).toEqual(["OnCallRemoved", "OnUserStateModified"]);
    expect(told[1]).toMatchObject({ loginName: "oxe10000", state: "FREE" });
    expect(engine.userState(user("10000"))).toBe("FREE");
  });
});
