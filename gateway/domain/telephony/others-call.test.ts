/**
 * isOthersCall: the gateway refuses an action on a call only when its own, current record of the
 * call proves the user is not in it; never on a stale record whose id the switch may have reused
 * for the user's new call (whose events can trail the answer to the request that placed it).
 */
import { describe, expect, it } from "vitest";
import type { CstaEvent } from "../../../protocols/csta/index.js";
import { testDirectory } from "../../../test/support/directory.js";
import { TelephonyEngine } from "./engine.js";

function setup() {
  const { directory, user } = testDirectory({ 1: ["10000", "10001", "10002"], 2: ["20000"] });
  const engine = new TelephonyEngine(directory, { publish: () => undefined });
  /** node 1 places call `id` from `a` to `b`, as reported on the monitor of `a` */
  const place = (id: string, a: string, b: string) => {
    const evs: CstaEvent[] = [
      {
        type: "serviceInitiated",
        initiatedConnection: { callId: id, deviceId: a },
        initiatingDevice: a,
        cause: "makeCall",
      },
      {
        type: "originated",
        originatedConnection: { callId: id, deviceId: a },
        callingDevice: a,
        calledDevice: b,
        cause: "makeCall",
      },
      {
        type: "delivered",
        connection: { callId: id, deviceId: b },
        alertingDevice: b,
        callingDevice: a,
        calledDevice: b,
        lastRedirectionDevice: null,
        cause: "newCall",
      },
    ];
    for (const ev of evs) engine.onCstaEvent(1, a, ev);
  };
  const hangUp = (id: string, device: string, monitor: string) =>
    engine.onCstaEvent(1, monitor, {
      type: "connectionCleared",
      droppedConnection: { callId: id, deviceId: device },
      releasingDevice: device,
      cause: "normalClearing",
    });
  return { engine, user, place, hangUp };
}

describe("isOthersCall", () => {
  it("is true for a current call between other users of the node", () => {
    const { engine, user, place } = setup();
    place("5", "10001", "10002");
    // the user of 10000 is in none of it, and 10001/10002 are reported to us: someone else's
    expect(engine.isOthersCall(user("10000"), "5")).toBe(true);
  });

  it("is false for the user's own call, and for a call the node has not told of yet", () => {
    const { engine, user, place } = setup();
    place("5", "10000", "10001");
    expect(engine.isOthersCall(user("10000"), "5")).toBe(false);
    expect(engine.isOthersCall(user("10001"), "5")).toBe(false);
    expect(engine.isOthersCall(user("10000"), "6")).toBe(false);
  });

  it("is false for a call id the node reused once its call across nodes was over", () => {
    const { engine, user, place, hangUp } = setup();
    // A call to node 2: when 10000 hangs up, node 2's party is cleared on node 2's link only;
    // node 1's record has no party it reports on left, so it goes (none stays for ever).
    place("7", "10000", "20000");
    hangUp("7", "10000", "10000");
    expect(engine.table(1).get("7")).toBeUndefined();
    // The switch reuses id 7 for 10000's next call, and the release overtakes its events: the
    // gateway must let the switch decide instead of answering 404.
    expect(engine.isOthersCall(user("10000"), "7")).toBe(false);
    expect(engine.isOthersCall(user("10001"), "7")).toBe(false);
  });
});
