import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { generateDirectory } from "../directory/index.js";
import { HUNT_GROUP_BASE, type HuntMode, type ModelEvent, Network, seedHuntingGroups } from "./index.js";

const NO_ANSWER = 500;

function setup(mode: HuntMode, members = ["10011", "10012", "10013"]) {
  const dir = generateDirectory({ users: 20, nodes: 1, seed: 1, firstNumber: 10000 });
  const net = new Network(dir, { ringTimeoutMs: 5000, huntNoAnswerMs: NO_ANSWER, failedCallClearMs: 500 });
  const g = net.huntingGroups.add("6000", 1, "group", mode);
  for (const m of members) net.huntingGroups.addMember(g, m);
  const events: string[] = [];
  net.on((ev: ModelEvent) => {
    if (ev.kind === "delivered") events.push(`delivered:${ev.device.number}:${ev.called}:${ev.cause}`);
    else if (ev.kind === "connectionCleared") events.push(`cleared:${ev.device.number}`);
    else if (ev.kind === "established") events.push(`established:${ev.device.number}`);
    else if (ev.kind === "failed") events.push(`failed:${ev.device}:${ev.cause}`);
    else if (ev.kind === "diverted")
      events.push(`diverted:${ev.device.number}->${ev.newDestination}:${ev.called}:${ev.cause}`);
  });
  const d = (n: string) => net.device(n);
  const ringing = () =>
    [...net.devices.values()]
      .filter((x) => x.connections.some((c) => c.state === "alerting"))
      .map((x) => x.number);
  return { net, g, events, d, ringing };
}

describe("hunting groups", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sequential: rings the first free member, then the next on no answer", () => {
    const { net, events, d, ringing } = setup("Sequential");
    const c = net.makeCall("10001", "6000");
    expect(ringing()).toEqual(["10011"]);
    expect(events).toContain("delivered:10011:6000:distributed");
    vi.advanceTimersByTime(NO_ANSWER + 1);
    expect(ringing()).toEqual(["10012"]);
    // The call moves on from the member (Diverted, as ECMA-269 says a distribution moves a call).
    expect(events.slice(-2)).toEqual([
      "diverted:10011->10012:6000:distributed",
      "delivered:10012:6000:distributed",
    ]);
    net.answer(d("10012"));
    expect(c.call.connections.map((x) => `${x.device.number}:${x.state}`)).toEqual([
      "10001:connected",
      "10012:connected",
    ]);
    // Answered: the search is over, the timer with it.
    vi.advanceTimersByTime(NO_ANSWER * 4);
    expect(d("10012").connections[0]?.state).toBe("connected");
  });

  it("sequential: starts again from the first member for each call", () => {
    const { net, d, ringing } = setup("Sequential");
    const c1 = net.makeCall("10001", "6000");
    net.answer(d("10011"));
    net.clearConnection(d("10001"), c1.call);
    net.makeCall("10002", "6000");
    expect(ringing()).toEqual(["10011"]);
  });

  it("skips busy and logged-off members", () => {
    const { net, g, ringing } = setup("Sequential");
    net.makeCall("10011", "10005"); // the first member is busy calling
    g.members[1]!.loggedOn = false;
    net.makeCall("10001", "6000");
    expect(ringing()).toEqual(["10005", "10013"]);
  });

  it("skips members in do-not-disturb", () => {
    const { net, d, ringing } = setup("Circular");
    net.setDoNotDisturb(d("10011"), true);
    net.makeCall("10001", "6000");
    expect(ringing()).toEqual(["10012"]);
  });

  it("fails busy when no member is free, releases the call when nobody answers", () => {
    const { net, g, events } = setup("Sequential");
    for (const m of g.members) m.loggedOn = false;
    net.makeCall("10001", "6000");
    expect(events.at(-1)).toBe("failed:6000:busy");

    const s = setup("Sequential", ["10011", "10012"]);
    const c = s.net.makeCall("10001", "6000");
    vi.advanceTimersByTime(NO_ANSWER + 1);
    vi.advanceTimersByTime(NO_ANSWER + 1);
    expect(c.call.ended).toBe(true);
    expect(s.ringing()).toEqual([]);
    expect(s.d("10001").connections).toEqual([]);
  });

  it("circular: the search continues after the member that took the last call", () => {
    const { net, d, ringing } = setup("Circular");
    const c1 = net.makeCall("10001", "6000");
    expect(ringing()).toEqual(["10011"]);
    net.answer(d("10011"));
    net.clearConnection(d("10001"), c1.call);
    const c2 = net.makeCall("10001", "6000");
    expect(ringing()).toEqual(["10012"]);
    net.answer(d("10012"));
    net.clearConnection(d("10001"), c2.call);
    const c3 = net.makeCall("10001", "6000");
    expect(ringing()).toEqual(["10013"]);
    // Unanswered, it wraps round to the first member.
    vi.advanceTimersByTime(NO_ANSWER + 1);
    expect(ringing()).toEqual(["10011"]);
    net.answer(d("10011"));
    net.clearConnection(d("10001"), c3.call);
    net.makeCall("10001", "6000");
    expect(ringing()).toEqual(["10012"]);
  });

  it("circular: skips a busy member where the search resumes", () => {
    const { net, d, ringing } = setup("Circular");
    const c1 = net.makeCall("10001", "6000");
    net.answer(d("10011"));
    net.clearConnection(d("10001"), c1.call);
    net.makeCall("10012", "10005");
    net.makeCall("10001", "6000");
    expect(ringing()).toEqual(["10005", "10013"]);
  });

  it("parallel: every free member rings, the first to answer takes it, the others stop", () => {
    const { net, g, d, events, ringing } = setup("Parallel", ["10011", "10012", "10013", "10014"]);
    g.members[3]!.loggedOn = false;
    net.makeCall("10012", "10005");
    const c = net.makeCall("10001", "6000");
    expect(ringing()).toEqual(["10005", "10011", "10013"]);
    net.answer(d("10013"));
    expect(ringing()).toEqual(["10005"]);
    expect(events.slice(-2)).toEqual(["cleared:10011", "established:10013"]);
    expect(c.call.connections.map((x) => x.device.number)).toEqual(["10001", "10013"]);
  });

  it("parallel: the caller hanging up stops every member ringing", () => {
    const { net, d, ringing } = setup("Parallel");
    const c = net.makeCall("10001", "6000");
    expect(ringing()).toEqual(["10011", "10012", "10013"]);
    net.clearConnection(d("10001"), c.call);
    expect(ringing()).toEqual([]);
    expect(c.call.ended).toBe(true);
  });

  it("a member turning the call down passes it to the next one, the last one ends it", () => {
    const { net, d, ringing, events } = setup("Sequential");
    const c = net.makeCall("10001", "6000");
    net.clearConnection(d("10011"), c.call);
    expect(ringing()).toEqual(["10012"]);
    expect(events.at(-2)).toBe("diverted:10011->10012:6000:distributed");
    net.clearConnection(d("10012"), c.call);
    net.clearConnection(d("10013"), c.call);
    expect(c.call.ended).toBe(true);
    expect(d("10001").connections).toEqual([]);
  });

  it("parallel: a member turning the call down leaves the others ringing", () => {
    const { net, d, ringing } = setup("Parallel", ["10011", "10012"]);
    const c = net.makeCall("10001", "6000");
    net.clearConnection(d("10011"), c.call);
    expect(ringing()).toEqual(["10012"]);
    net.clearConnection(d("10012"), c.call);
    expect(c.call.ended).toBe(true);
    expect(d("10001").connections).toEqual([]);
  });

  it("a set is a member of one group at most, and leaves it when deleted", () => {
    const { net, g } = setup("Sequential");
    const other = net.huntingGroups.add("6001", 1, "other", "Parallel");
    expect(() => net.huntingGroups.addMember(other, "10011")).toThrow(
      /already a member of hunting group 6000/,
    );
    expect(() => net.huntingGroups.addMember(other, "99999")).toThrow(/no set/);
    expect(() => net.huntingGroups.add("10001", 1, "x", "Parallel")).toThrow(/numbering plan/);
    net.removeDevice("10011");
    expect(g.members.map((m) => m.number)).toEqual(["10012", "10013"]);
    expect(net.huntingGroups.groupOf("10011")).toBeUndefined();
  });

  it("seeds one group per mode per node, members from the node's last users", () => {
    const dir = generateDirectory({ users: 40, nodes: 2, seed: 1, firstNumber: 10000 });
    const net = new Network(dir);
    seedHuntingGroups(
      net.huntingGroups,
      new Map([...dir.byNode].map(([n, subs]) => [n, subs.map((s) => s.directoryNumber)])),
    );
    const node2 = net.huntingGroups.ofNode(2);
    expect(node2.map((g) => [g.number, g.mode, g.members.map((m) => m.number)])).toEqual([
      [String(HUNT_GROUP_BASE + 21), "Sequential", ["10031", "10032", "10033"]],
      [String(HUNT_GROUP_BASE + 22), "Circular", ["10034", "10035", "10036"]],
      [String(HUNT_GROUP_BASE + 23), "Parallel", ["10037", "10038", "10039"]],
    ]);
    expect(net.huntingGroups.ofNode(1).map((g) => g.members[0]?.number)).toEqual(["10011", "10014", "10017"]);
  });
});
