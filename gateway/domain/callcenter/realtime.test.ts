import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConfigurationNode } from "../pbx/access.js";
import { CallCenterRealtime } from "./realtime.js";

/** A node whose CMIP link answers scoped gets from `objects`, counting them per class. */
function fakeNode(objects: Record<string, Record<string, string | number>[]>) {
  const reads: string[] = [];
  const node = {
    nodeId: 1,
    cmip: {
      isUp: true,
      root: "Node=1",
      schema: new Map(Object.keys(objects).map((c) => [c, {}])),
      list: async (cls: string) => {
        reads.push(cls);
        return (objects[cls] ?? []).map((attributes) => ({
          instance: `Node=1/${cls}=${attributes.number}`,
          attributes,
        }));
      },
    },
  } as unknown as ConfigurationNode;
  return { node, reads, objects };
}

describe("CallCenterRealtime contexts", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const agent = {
      number: "10001",
      name: "Doe",
      firstName: "Jane",
      type: "Normal",
      phoneState: "Idle",
      phoneStateDate: "2026-01-01T00:00:00.000Z",
      nbOfServedACDCalls: 0,
      currentPG: "7501",
    };
    const other = { ...agent, number: "10002", name: "Roe" };
    const pilot = { number: "7001", name: "Sales", state: "Opened", nbOfWaitingCalls: 0 };
    const fake = fakeNode({ CCD_RTI_Agent: [agent, other], CCD_RTI_Pilot: [pilot] });
    const got = new Map<object, Record<string, unknown>[]>();
    const listening = new Set<object>();
    const rt = new CallCenterRealtime({
      nodes: () => [fake.node],
      deliver: (owner, e) => got.set(owner, [...(got.get(owner) ?? []), e]),
      wants: (owner) => listening.has(owner),
    });
    return { rt, fake, got, listening, agent, pilot };
  }

  it("sends every selected attribute first, then only what changed, at the context's period", async () => {
    const { rt, fake, got, listening, agent } = setup();
    const me = {};
    listening.add(me);
    rt.setContext(me, {
      notifFrequency: 5,
      filter: { agentFilter: { numbers: ["10001"], attributes: ["PhoneState", "NbOfServedACDCalls"] } },
    });
    expect(rt.context(me)).toEqual({
      active: false,
      obsPeriod: 15,
      notifFrequency: 5,
      filter: { agentFilter: { numbers: ["10001"], attributes: ["PhoneState", "NbOfServedACDCalls"] } },
    });
    expect(rt.start(me)).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    // Only the agents are followed: the pilots are not read.
    expect(fake.reads).toEqual(["CCD_RTI_Agent"]);
    expect(got.get(me)).toEqual([
      {
        eventName: "OnAgentRtiChanged",
        number: "10001",
        name: "Doe",
        firstName: "Jane",
        type: "Normal",
        phoneState: "Idle",
        phoneStateDate: "2026-01-01T00:00:00.000Z",
        nbOfServedACDCalls: 0,
      },
    ]);
    // Nothing changed: a round, no event.
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.reads).toHaveLength(2);
    expect(got.get(me)).toHaveLength(1);
    // One counter moves, and an attribute not selected: only the counter is told.
    agent.nbOfServedACDCalls = 1;
    agent.currentPG = "7502";
    await vi.advanceTimersByTimeAsync(5000);
    expect(got.get(me)?.[1]).toEqual({
      eventName: "OnAgentRtiChanged",
      number: "10001",
      name: "Doe",
      firstName: "Jane",
      type: "Normal",
      nbOfServedACDCalls: 1,
    });
    // Deleted: no more rounds.
    expect(rt.deleteContext(me)).toBe(true);
    agent.nbOfServedACDCalls = 2;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(got.get(me)).toHaveLength(2);
    expect(fake.reads).toHaveLength(3);
    expect(rt.deleteContext(me)).toBe(false);
  });

  it("shares one read between the sessions whose rounds fall together; reads nothing for nobody", async () => {
    const { rt, fake, got, listening } = setup();
    const a = {};
    const b = {};
    const deaf = {};
    listening.add(a).add(b);
    for (const o of [a, b, deaf]) rt.setContext(o, { notifFrequency: 5, filter: { pilotFilter: {} } });
    expect(rt.start(a) && rt.start(b) && rt.start(deaf)).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.reads).toEqual(["CCD_RTI_Pilot"]);
    // No numbers, no attributes: every pilot, every attribute.
    expect(got.get(a)).toEqual([
      { eventName: "OnPilotRtiChanged", number: "7001", name: "Sales", state: "Opened", nbOfWaitingCalls: 0 },
    ]);
    expect(got.get(b)).toEqual(got.get(a));
    expect(got.has(deaf)).toBe(false);
    expect(rt.started).toBe(3);
    rt.close();
    expect(rt.started).toBe(0);
  });

  it("keeps a period of 5 s at least; starting without a context is refused", () => {
    const { rt } = setup();
    const me = {};
    expect(rt.start(me)).toBe(false);
    rt.setContext(me, { notifFrequency: 1 });
    expect(rt.context(me)?.notifFrequency).toBe(5);
  });
});
