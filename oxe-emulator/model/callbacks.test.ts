import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { generateDirectory } from "../directory/index.js";
import { ModelError, Network } from "./index.js";

function setup() {
  const dir = generateDirectory({ users: 20, nodes: 1, seed: 1, firstNumber: 10000 });
  const net = new Network(dir, { ringTimeoutMs: 60_000, failedCallClearMs: 60_000, callbackDelayMs: 100 });
  const d = (n: number) => net.device(String(10000 + n));
  const changed: string[] = [];
  net.callbacks.onChange((t) => changed.push(t.number));
  return { net, d, changed };
}

/** 1 talks with 2; 3 calls 2, finds it busy: 3's call. */
function busyCall(net: Network, d: (n: number) => ReturnType<Network["device"]>) {
  const c12 = net.makeCall("10001", "10002", { autoOriginate: "doNotPrompt" });
  net.answer(d(2));
  const c3 = net.makeCall("10003", "10002", { autoOriginate: "doNotPrompt" });
  return { c12, c3 };
}

describe("callbacks on the OXE", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("a callback on a busy callee rings the caller back once the callee frees up, then calls the callee", () => {
    const { net, d, changed } = setup();
    const { c12, c3 } = busyCall(net, d);
    const req = net.callbacks.requestOnCall(d(3), c3.call);
    expect(req).toMatchObject({ id: "10003", armed: true });
    expect(c3.call.ended).toBe(true); // the OXE released the caller
    expect(net.callbacks.incoming(d(2)).map((r) => r.originator.number)).toEqual(["10003"]);
    expect(changed).toEqual(["10002"]);
    vi.advanceTimersByTime(500);
    expect(d(3).connections).toEqual([]); // 2 is still busy

    net.clearConnection(d(1), c12.call);
    vi.advanceTimersByTime(99);
    expect(d(3).connections).toEqual([]);
    vi.advanceTimersByTime(1);
    // 3's set is prompted (rings) first; the request is used up.
    expect(d(3).connections).toMatchObject([{ state: "initiated", promptingOrigination: true }]);
    expect(net.callbacks.incoming(d(2))).toEqual([]);
    net.answer(d(3));
    expect(d(2).connections).toMatchObject([{ state: "alerting" }]);
    net.answer(d(2));
    expect(d(3).connections[0]!.call).toBe(d(2).connections[0]!.call);
  });

  it("a callback on a ringing callee waits for their next call, not for the ringing to stop", () => {
    const { net, d } = setup();
    const c = net.makeCall("10003", "10004", { autoOriginate: "doNotPrompt" });
    expect(net.callbacks.requestOnCall(d(3), c.call)).toMatchObject({ armed: false });
    expect(d(4).connections).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(d(3).connections).toEqual([]);
    const other = net.makeCall("10004", "10005", { autoOriginate: "doNotPrompt" });
    net.clearConnection(d(4), other.call);
    vi.advanceTimersByTime(100);
    expect(d(3).connections).toMatchObject([{ promptingOrigination: true }]);
  });

  it("waits for the caller too when the caller is busy", () => {
    const { net, d } = setup();
    net.callbacks.request(d(3), d(2));
    const c2 = net.makeCall("10002", "10006", { autoOriginate: "doNotPrompt" });
    net.answer(d(6));
    const c3 = net.makeCall("10003", "10007", { autoOriginate: "doNotPrompt" });
    net.answer(d(7));
    net.clearConnection(d(2), c2.call); // 2 frees up, but 3 talks
    vi.advanceTimersByTime(200);
    expect(d(3).connections).toHaveLength(1);
    expect(net.callbacks.incoming(d(2))).toHaveLength(1);
    net.clearConnection(d(3), c3.call);
    vi.advanceTimersByTime(100);
    expect(d(3).connections).toMatchObject([{ promptingOrigination: true }]);
  });

  it("keeps one request per caller, lists both ends, cancels", () => {
    const { net, d } = setup();
    const told: string[] = [];
    net.on((ev) => {
      if (ev.kind === "callBack")
        told.push(
          `${ev.originator.number}>${ev.target.number}:${ev.canceled}:${ev.observers.map((o) => o.number)}`,
        );
    });
    const r1 = net.callbacks.request(d(3), d(2));
    expect(net.callbacks.request(d(3), d(2))).toBe(r1);
    net.callbacks.request(d(5), d(2));
    expect(net.callbacks.incoming(d(2)).map((r) => r.id)).toEqual(["10003", "10005"]);
    expect(net.callbacks.involving(d(3)).map((r) => r.target.number)).toEqual(["10002"]);
    expect(net.callbacks.cancel(d(3), d(2))).toBe(true);
    expect(net.callbacks.cancel(d(3), d(2))).toBe(false);
    expect(net.callbacks.incoming(d(2)).map((r) => r.id)).toEqual(["10005"]);
    // Both sets' monitors hear of each request set and cancelled (CSTA CallBack event).
    expect(told).toEqual([
      "10003>10002:false:10003,10002",
      "10005>10002:false:10005,10002",
      "10003>10002:true:10003,10002",
    ]);
  });

  it("refuses a callback on an answered call, by the called party, or on oneself", () => {
    const { net, d } = setup();
    const c = net.makeCall("10001", "10002", { autoOriginate: "doNotPrompt" });
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ModelError).code;
      }
      return "accepted";
    };
    expect(code(() => net.callbacks.requestOnCall(d(2), c.call))).toBe("invalidConnection");
    net.answer(d(2));
    expect(code(() => net.callbacks.requestOnCall(d(1), c.call))).toBe("invalidConnectionState");
    expect(code(() => net.callbacks.request(d(1), d(1)))).toBe("notDifferentDevices");
    expect(code(() => net.callbacks.requestOnCall(d(3), c.call))).toBe("invalidConnection");
    expect(ModelError).toBeDefined();
  });
});

describe("mini messages on the OXE", () => {
  it("keeps a set's messages; the link takes the newest unread first and erases it", () => {
    const { net, d } = setup();
    const seen: string[] = [];
    const lamp: string[] = [];
    net.miniMessages.onChange((x) => seen.push(x.number));
    net.on((ev) => {
      if (ev.kind === "messageWaiting") lamp.push(`${ev.device.number}:${ev.on}`);
    });
    net.miniMessages.send(d(1), d(2), "one");
    net.miniMessages.send(d(3), d(2), "two");
    expect(net.miniMessages.counts(d(2))).toEqual({ unread: 2, read: 0 });
    expect(net.miniMessages.takeNewest(d(2))).toMatchObject({ sender: "10003", text: "two" });
    expect(net.miniMessages.counts(d(2))).toEqual({ unread: 1, read: 0 });
    expect(net.miniMessages.takeNewest(d(2))?.text).toBe("one");
    expect(net.miniMessages.takeNewest(d(2))).toBeUndefined();
    expect(net.miniMessages.list(d(2))).toEqual([]);
    expect(seen).toEqual(["10002", "10002", "10002", "10002"]);
    // the set's message lamp: lit by each new message, out once none is unread
    expect(lamp).toEqual(["10002:true", "10002:true", "10002:true", "10002:false"]);
    expect(() => net.miniMessages.send(d(1), d(2), "")).toThrow(ModelError);
  });

  it("the set's display makes its messages old; a full box drops the oldest read one first", () => {
    const { net, d } = setup();
    for (let i = 0; i < 2; i++) net.miniMessages.send(d(1), d(2), `m${i}`);
    net.miniMessages.showOnSet(d(2)); // m0, m1 read on the set
    expect(net.miniMessages.counts(d(2))).toEqual({ unread: 0, read: 2 });
    expect(net.miniMessages.takeNewest(d(2))).toBeUndefined(); // the link reads unread ones only
    for (let i = 2; i < 20; i++) net.miniMessages.send(d(1), d(2), `m${i}`);
    net.miniMessages.send(d(1), d(2), "m20");
    expect(
      net.miniMessages
        .list(d(2))
        .map((m) => m.text)
        .slice(0, 2),
    ).toEqual(["m1", "m2"]);
    net.miniMessages.send(d(1), d(2), "m21");
    net.miniMessages.send(d(1), d(2), "m22");
    // no read one left: the oldest goes
    expect(net.miniMessages.list(d(2))).toHaveLength(20);
    expect(net.miniMessages.list(d(2))[0]!.text).toBe("m3");
  });
});
