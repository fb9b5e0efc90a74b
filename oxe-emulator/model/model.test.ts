import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { generateDirectory } from "../directory/index.js";
import { ModelError, type ModelEvent, Network } from "./index.js";

function setup(nodes = 1) {
  const dir = generateDirectory({ users: 20, nodes, seed: 1, firstNumber: 10000 });
  const net = new Network(dir, { ringTimeoutMs: 1000, noAnswerForwardMs: 300, failedCallClearMs: 500 });
  const events: string[] = [];
  net.on((ev: ModelEvent) => {
    const who =
      "device" in ev && typeof ev.device === "object" ? ev.device.number : "device" in ev ? ev.device : "";
    events.push(`${ev.kind}:${who}:${ev.cause}`);
  });
  const d = (n: number) => net.device(String(10000 + n));
  return { net, events, d };
}

describe("Network call model", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("basic call: make, deliver, answer, clear", () => {
    const { net, events, d } = setup();
    const c = net.makeCall("10001", "10002", { autoOriginate: "doNotPrompt" });
    expect(c.state).toBe("connected");
    expect(d(2).connections[0]!.state).toBe("alerting");
    net.answer(d(2));
    expect(d(2).connections[0]!.state).toBe("connected");
    net.clearConnection(d(1), c.call);
    expect(d(1).connections).toEqual([]);
    expect(d(2).connections).toEqual([]);
    expect(c.call.ended).toBe(true);
    expect(events).toEqual([
      "serviceInitiated:10001:makeCall",
      "originated:10001:makeCall",
      "delivered:10002:newCall",
      "established:10002:newCall",
      "connectionCleared:10001:normalClearing",
      "connectionCleared:10002:normalClearing",
    ]);
  });

  it("MakeCall with prompt rings the caller first", () => {
    const { net, events, d } = setup();
    const c = net.makeCall("10001", "10002", { autoOriginate: "prompt" });
    expect(c.state).toBe("initiated");
    expect(d(2).connections).toEqual([]);
    net.offHook(d(1));
    expect(c.state).toBe("connected");
    expect(events.slice(-2)).toEqual(["originated:10001:makeCall", "delivered:10002:newCall"]);
  });

  it("busy: a second caller fails and is cleared after the busy tone", () => {
    const { net, events, d } = setup();
    net.makeCall("10001", "10002");
    const c3 = net.makeCall("10003", "10002");
    expect(events.at(-1)).toBe("failed:10002:busy");
    expect(c3.state).toBe("connected");
    vi.advanceTimersByTime(600);
    expect(d(3).connections).toEqual([]);
    expect(d(2).connections[0]!.state).toBe("alerting");
  });

  it("no answer: the call is released when the ring timer expires", () => {
    const { net, events, d } = setup();
    net.makeCall("10001", "10002");
    vi.advanceTimersByTime(1100);
    expect(d(1).connections).toEqual([]);
    expect(d(2).connections).toEqual([]);
    expect(events.slice(-2)).toEqual([
      "connectionCleared:10002:callNotAnswered",
      "connectionCleared:10001:callNotAnswered",
    ]);
  });

  it("hold and retrieve", () => {
    const { net, d } = setup();
    const c = net.makeCall("10001", "10002");
    net.answer(d(2));
    net.hold(d(1), c.call);
    expect(c.state).toBe("hold");
    expect(() => net.hold(d(1), c.call)).toThrow(ModelError);
    net.retrieve(d(1), c.call);
    expect(c.state).toBe("connected");
  });

  it("consultation then transfer joins the two other parties in the consultation call", () => {
    const { net, events, d } = setup();
    const c1 = net.makeCall("10001", "10002");
    net.answer(d(2));
    const c2 = net.consult(d(1), c1.call, "10003");
    expect(c1.state).toBe("hold");
    net.answer(d(3));
    const result = net.transfer(d(1), c1.call, c2.call);
    expect(result).toBe(c2.call);
    expect(d(1).connections).toEqual([]);
    expect(d(2).connections[0]!.call).toBe(c2.call);
    expect(d(3).connections[0]!.call).toBe(c2.call);
    expect(c1.call.ended).toBe(true);
    expect(events.at(-1)).toBe("transferred:10001:transfer");
  });

  it("three-party conference, and a fourth is refused", () => {
    const { net, d } = setup();
    const c1 = net.makeCall("10001", "10002");
    net.answer(d(2));
    const c2 = net.consult(d(1), c1.call, "10003");
    net.answer(d(3));
    const conf = net.conference(d(1), c1.call, c2.call);
    expect(conf.connections.map((c) => [c.device.number, c.state])).toEqual([
      ["10001", "connected"],
      ["10002", "connected"],
      ["10003", "connected"],
    ]);
    const c3 = net.consult(d(1), conf, "10004");
    net.answer(d(4));
    expect(() => net.conference(d(1), conf, c3.call)).toThrow(/at most 3/);
    net.clearConnection(d(1), c3.call);
    net.retrieve(d(1), conf);
    // one leaves, two remain in the conference call
    net.clearConnection(d(3), conf);
    expect(conf.connections.length).toBe(2);
  });

  it("deflect sends a ringing call elsewhere", () => {
    const { net, events, d } = setup();
    const c = net.makeCall("10001", "10002");
    net.deflect(d(2), c.call, "10005");
    expect(d(2).connections).toEqual([]);
    expect(d(5).connections[0]!.state).toBe("alerting");
    expect(events.slice(-2)).toEqual(["diverted:10002:redirected", "delivered:10005:redirected"]);
    expect(c.call.lastRedirectionDevice).toBe("10002");
  });

  it("calls between nodes carry a call id per node", () => {
    const { net, d } = setup(2);
    expect(d(1).nodeId).toBe(1);
    expect(d(15).nodeId).toBe(2);
    const c = net.makeCall("10001", "10015");
    expect(c.call.ids.get(1)).toBeDefined();
    expect(c.call.ids.get(2)).toBeDefined();
    expect(net.callOnNode(2, c.call.ids.get(2)!)).toBe(c.call);
  });

  it("DND fails the caller; forward immediate rings the destination", () => {
    const { net, events, d } = setup();
    net.setDoNotDisturb(d(2), true);
    net.makeCall("10001", "10002");
    expect(events.at(-1)).toBe("failed:10002:doNotDisturb");
    net.onHook(d(1));
    net.setDoNotDisturb(d(2), false);
    net.setForward(d(2), { type: "immediate", destination: "10006" }, true);
    net.makeCall("10001", "10002");
    expect(d(6).connections[0]!.state).toBe("alerting");
    expect(events.slice(-2)).toEqual([
      "diverted:10002:callForwardImmediate",
      "delivered:10006:callForwardImmediate",
    ]);
  });

  it("forward on no answer moves the ringing call after the delay", () => {
    const { net, d } = setup();
    net.setForward(d(2), { type: "noAnswer", destination: "10007" }, true);
    net.makeCall("10001", "10002");
    vi.advanceTimersByTime(350);
    expect(d(2).connections).toEqual([]);
    expect(d(7).connections[0]!.state).toBe("alerting");
  });

  it("phones: off-hook, dial, answer, on-hook", () => {
    const { net, d } = setup();
    net.offHook(d(1));
    net.dial(d(1), "10002");
    net.offHook(d(2));
    expect(d(2).connections[0]!.state).toBe("connected");
    net.onHook(d(2));
    expect(d(1).connections).toEqual([]);
  });

  it("unknown numbers fail with invalidNumberFormat", () => {
    const { net, events } = setup();
    net.makeCall("10001", "99999");
    expect(events.at(-1)).toBe("failed:99999:invalidNumberFormat");
    expect(() => net.makeCall("99998", "10001")).toThrow(/no device/);
  });

  it("defers events until a service has returned", () => {
    const { net, events } = setup();
    const seen: number[] = [];
    net.deferEvents(() => {
      net.makeCall("10001", "10002");
      seen.push(events.length);
    });
    expect(seen).toEqual([0]);
    expect(events.length).toBe(3);
  });
});

describe("call summaries", () => {
  it("tells who called whom, who answered and when, once the call ends", () => {
    const dir = generateDirectory({ users: 5, nodes: 1, seed: 1, firstNumber: 10000 });
    const net = new Network(dir);
    const ended: import("./index.js").CallSummary[] = [];
    net.onCallEnded((s) => ended.push(s));
    const c = net.makeCall("10001", "10002");
    net.answer(net.device("10002"));
    net.clearConnection(net.device("10001"), c.call);
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({
      callingDevice: "10001",
      calledDevice: "10002",
      answeredBy: "10002",
      participants: ["10001", "10002"],
    });
    expect(ended[0]!.answeredAt).toBeGreaterThanOrEqual(ended[0]!.startedAt);
    net.makeCall("10003", "10004");
    net.clearCall([...net.activeCalls()][0]!);
    expect(ended[1]).toMatchObject({ answeredBy: null, answeredAt: undefined });
  });
});

describe("park (CSTA ParkCall)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function answered() {
    const s = setup();
    const c = s.net.makeCall("10001", "10002", { autoOriginate: "doNotPrompt" });
    s.net.answer(s.d(2));
    s.events.length = 0;
    return { ...s, call: c.call };
  }

  it("parks the call on another set, queued there under the same call, and that set takes it back", () => {
    const { net, events, d, call } = answered();
    const q = net.park(d(1), call, "10003");
    expect(q.device.number).toBe("10003");
    expect(d(1).connections).toEqual([]);
    expect(d(3).connections[0]).toMatchObject({ state: "queued", call });
    expect(d(2).connections[0]!.state).toBe("connected");
    expect(events).toEqual(["connectionCleared:10001:park", "queued:10003:park"]);
    // A set with a call parked on it still takes new calls.
    const other = net.makeCall("10004", "10003", { autoOriginate: "doNotPrompt" });
    expect(d(3).connections.find((x) => x.call === other.call)?.state).toBe("alerting");
    net.clearConnection(d(4), other.call);
    events.length = 0;
    net.answer(d(3), call);
    expect(d(3).connections[0]!.state).toBe("connected");
    expect(events).toEqual(["established:10003:park"]);
    expect(call.connections.map((x) => [x.device.number, x.state])).toEqual([
      ["10002", "connected"],
      ["10003", "connected"],
    ]);
  });

  it("parks on the parking set itself", () => {
    const { net, events, d, call } = answered();
    net.park(d(1), call, "10001");
    expect(d(1).connections[0]!.state).toBe("queued");
    expect(events).toEqual(["queued:10001:park"]);
  });

  it("rings the set that parked the call when nobody takes it back", () => {
    const { net, events, d, call } = answered();
    net.park(d(1), call, "10003");
    events.length = 0;
    vi.advanceTimersByTime(net.options.parkTimeoutMs + 1);
    expect(d(3).connections).toEqual([]);
    expect(d(1).connections[0]).toMatchObject({ state: "alerting", call });
    expect(events).toEqual(["connectionCleared:10003:recall", "delivered:10001:recall"]);
  });

  it("refuses a call not answered, an unknown set, a set already holding a parked call", () => {
    const { net, d } = setup();
    const ringing = net.makeCall("10001", "10002", { autoOriginate: "doNotPrompt" });
    expect(() => net.park(d(1), ringing.call, "10003")).toThrow(ModelError);
    net.answer(d(2));
    expect(() => net.park(d(1), ringing.call, "99999")).toThrow(/cannot park/);
    expect(() => net.park(d(1), ringing.call, "10002")).toThrow(/already in the call/);
    net.park(d(1), ringing.call, "10003");
    const c2 = net.makeCall("10004", "10005", { autoOriginate: "doNotPrompt" });
    net.answer(d(5));
    expect(() => net.park(d(4), c2.call, "10003")).toThrow(/already parked/);
  });

  it("ends the parked call when the waiting party hangs up", () => {
    const { net, d, call } = answered();
    net.park(d(1), call, "10003");
    net.clearConnection(d(2), call);
    expect(d(3).connections).toEqual([]);
    expect(call.ended).toBe(true);
  });
});
