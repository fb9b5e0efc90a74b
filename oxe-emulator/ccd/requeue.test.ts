import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { generateDirectory } from "../directory/index.js";
import { NodeMib } from "../mib/index.js";
import { type ModelEvent, Network } from "../model/index.js";
import { Ccd, type CcdEvent, generateCcd } from "./index.js";

// 40 users from 10000; 10000..10009 are operators of 7501, whose pilot is 7001. The group's ring
// timeout (1 s) is well below the network's (60 s): the CCD takes an unanswered call back first.
function setup() {
  const dir = generateDirectory({ users: 40, nodes: 1, seed: 1, firstNumber: 10000 });
  const net = new Network(dir, { ringTimeoutMs: 60_000, failedCallClearMs: 500 });
  const config = generateCcd(dir, { agents: 0.5, seed: 1, queueSize: 5, wrapUpMs: 0, ringTimeoutMs: 1000 });
  const ccd = new Ccd(net, config);
  const events: string[] = [];
  net.on((ev: ModelEvent) => {
    const who =
      "device" in ev && typeof ev.device === "object" ? ev.device.number : "device" in ev ? ev.device : "";
    const extra = ev.kind === "queued" ? `#${ev.numberQueued}` : "";
    events.push(`${ev.kind}:${who}:${ev.cause}${extra}`);
  });
  const states: string[] = [];
  ccd.on((ev: CcdEvent) => {
    if (ev.kind === "agentState") states.push(`${ev.operator.config.number}:${ev.operator.sub ?? "LOG_OFF"}`);
  });
  const n = (i: number) => String(10000 + i);
  const call = (caller: number) => net.makeCall(n(caller), "7001", { autoOriginate: "doNotPrompt" }).call;
  return { net, ccd, events, states, n, call };
}

describe("CCD requeue on no answer", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("takes a call its agent lets ring out back to the head of the queue; the agent goes to PAUSE", () => {
    const { net, ccd, events, states, n, call } = setup();
    ccd.logOn(n(1), n(1), "7501");
    ccd.ready(n(1));
    ccd.logOn(n(2), n(2), "7501");
    const first = call(30);
    expect(net.device(n(1)).connections[0]?.call).toBe(first);
    const second = call(31);
    expect(ccd.queueLength("7501")).toBe(1);
    vi.advanceTimersByTime(999);
    expect(net.device(n(1)).connections[0]?.state).toBe("alerting");
    events.length = 0;
    vi.advanceTimersByTime(1);
    // It left the agent's set and queued at the pilot again (what pilot monitors see), first in line.
    expect(events).toEqual(["diverted:10001:redirected", "queued:7001:enteringDistribution#1"]);
    expect(net.device(n(1)).connections).toEqual([]);
    expect(ccd.operator(n(1)).sub).toBe("PAUSE");
    expect(states.at(-1)).toBe("10001:PAUSE");
    expect(ccd.queueLength("7501")).toBe(2);
    // The next agent ready gets the requeued call, not the one that came after it.
    ccd.ready(n(2));
    expect(net.device(n(2)).connections[0]?.call).toBe(first);
    expect(ccd.queueLength("7501")).toBe(1);
    net.answer(net.device(n(2)), first);
    // Answered in time: no requeue.
    vi.advanceTimersByTime(5000);
    expect(net.device(n(2)).connections[0]?.state).toBe("connected");
    expect(ccd.operator(n(2)).sub).toBe("BUSY");
    expect(second.ended).toBe(false);
  });

  it("keeps a requeued call's place even when its queue is full", () => {
    const { net, ccd, n, call } = setup();
    ccd.config.groups.find((g) => g.number === "7501")!.queueSize = 1;
    ccd.logOn(n(1), n(1), "7501");
    ccd.ready(n(1));
    const first = call(30);
    call(31);
    expect(ccd.queueLength("7501")).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(ccd.queueLength("7501")).toBe(2);
    expect(first.ended).toBe(false);
    expect(first.connections.some((c) => c.device.number === "7001" && c.state === "queued")).toBe(true);
    net.clearCall(first);
    expect(ccd.queueLength("7501")).toBe(1);
  });

  it("follows the group's Ring_Timeout (CCD_Processing_Group, seconds; 0: rings until the network gives up)", () => {
    const { net, ccd, n, call } = setup();
    const group = new NodeMib(
      1,
      generateDirectory({ users: 40, nodes: 1, seed: 1, firstNumber: 10000 }),
      net,
    ).resolve("Node=1/CCD_Processing_Group=7501") as unknown as {
      value(id: number): unknown;
      write(id: number, v: unknown): void;
    };
    expect(group.value(7)).toBe(1);
    group.write(7, 0);
    ccd.logOn(n(1), n(1), "7501");
    ccd.ready(n(1));
    const first = call(30);
    vi.advanceTimersByTime(30_000);
    expect(net.device(n(1)).connections[0]?.call).toBe(first);
    expect(ccd.operator(n(1)).sub).toBe("BUSY");
  });
});
