import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { generateDirectory } from "../directory/index.js";
import { Network } from "../model/index.js";
import { Ccd, generateCcd } from "./index.js";

// 40 users from 10000; half are operators: 10000..10009 in 7501 (10000 supervises), 10010..10019
// in 7502; pilot 7001 queues in 7501 (queue of 2).
function setup() {
  const dir = generateDirectory({ users: 40, nodes: 1, seed: 1, firstNumber: 10000 });
  const net = new Network(dir, { ringTimeoutMs: 60_000, failedCallClearMs: 500 });
  const config = generateCcd(dir, { agents: 0.5, seed: 1, agentsPerGroup: 10, queueSize: 2, wrapUpMs: 0 });
  const ccd = new Ccd(net, config);
  const n = (i: number) => String(10000 + i);
  const call = (caller: number) => net.makeCall(n(caller), "7001", { autoOriginate: "doNotPrompt" });
  const pilot = () => ccd.rti.pilot(ccd.pilot("7001"));
  const queue = () => ccd.rti.queue(ccd.group("7501"));
  const group = () => ccd.rti.agentGroup(ccd.group("7501"));
  const agent = (i: number) => ccd.rti.agent(ccd.operator(n(i)), { lastName: "L", firstName: "F" });
  return { net, ccd, n, call, pilot, queue, group, agent };
}

describe("CCD real-time indicators", () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date("2026-03-02T09:00:00Z") }));
  afterEach(() => vi.useRealTimers());

  it("count a call that waits, is answered after 30 s and ends, for the pilot, queue, group and agent", () => {
    const { net, ccd, n, call, pilot, queue, group, agent } = setup();
    ccd.logOn(n(1), n(1), "7501"); // paused
    expect(agent(1)).toMatchObject({
      serviceState: "Assigned",
      phoneState: "Pause",
      logonDate: "2026-03-02T09:00:00.000Z",
      currentPG: "7501",
      associatedSet: n(1),
    });
    expect(group()).toMatchObject({ state: "Opened", nbOfLoggedOnAgents: 1, nbOfAgentsInPause: 1 });

    call(30);
    vi.advanceTimersByTime(12_000);
    expect(pilot()).toMatchObject({ nbOfWaitingCalls: 1, nbOfRunningCalls: 1, incomingTraffic: 1 });
    expect(queue()).toMatchObject({
      nbOfWaitingCalls: 1,
      currentWaitingTime: 12,
      fillingRate: 50,
      nbOfAgentsInDistribution: 0,
    });

    ccd.ready(n(1));
    expect(pilot()).toMatchObject({ nbOfWaitingCalls: 0, nbOfRingingACDCalls: 1 });
    expect(agent(1)).toMatchObject({ phoneState: "AcdRinging", pilotName: ccd.pilot("7001").name });
    expect(queue()).toMatchObject({ outgoingTraffic: 1, expectedWaitingTime: 12 });
    vi.advanceTimersByTime(18_000);
    net.answer(net.device(n(1)));
    expect(pilot()).toMatchObject({ nbOfCallsInConversation: 1, nbOfRingingACDCalls: 0 });
    expect(group()).toMatchObject({ nbOfAgentsInACDConv: 1, nbOfBusyAgents: 1, nbOfFreeAgents: 0 });
    expect(agent(1)).toMatchObject({
      phoneState: "AcdConversation",
      phoneStateDate: "2026-03-02T09:00:30.000Z",
    });

    vi.advanceTimersByTime(10_000);
    net.clearConnection(net.device(n(30)), net.device(n(30)).connections[0]!.call);
    // Answered 30 s after its offer: past the 20 s of the service level, but answered.
    expect(pilot()).toMatchObject({
      nbOfRunningCalls: 0,
      efficiency: 100,
      serviceLevel: 0,
      averageWaitingTime: 30,
    });
    expect(agent(1)).toMatchObject({ nbOfServedACDCalls: 1, phoneState: "Idle", pilotName: "" });

    // A second call that the caller abandons while it waits: efficiency halves.
    ccd.pause(n(1));
    call(31);
    vi.advanceTimersByTime(5_000);
    net.clearConnection(net.device(n(31)), net.device(n(31)).connections[0]!.call);
    expect(pilot()).toMatchObject({ efficiency: 50, nbOfWaitingCalls: 0 });
    // Fifteen minutes on, the period holds no call any more; the last minute neither.
    vi.advanceTimersByTime(16 * 60_000);
    expect(pilot()).toMatchObject({ efficiency: 100, serviceLevel: 100, incomingTraffic: 0 });
  });

  it("count an agent's withdrawals and private calls with their durations", () => {
    const { net, ccd, n, agent } = setup();
    ccd.logOn(n(2), n(2), "7501");
    ccd.withdraw(n(2), 2);
    expect(agent(2)).toMatchObject({ serviceState: "Withdrawn", withdrawReason: 2, nbOfWithdrawals: 1 });
    vi.advanceTimersByTime(60_000);
    ccd.ready(n(2));
    expect(agent(2)).toMatchObject({
      serviceState: "Assigned",
      withdrawReason: 0,
      nbOfWithdrawals: 1,
      withdrawalsTotalDuration: 60,
    });
    ccd.pause(n(2));
    const c = net.makeCall(n(2), n(25), { autoOriginate: "doNotPrompt" });
    expect(agent(2).phoneState).toBe("Dialing");
    net.answer(net.device(n(25)));
    expect(agent(2)).toMatchObject({ phoneState: "PrivateLocalConversation", nbOfPrivateCalls: 1 });
    vi.advanceTimersByTime(45_000);
    net.clearCall(c.call);
    expect(agent(2)).toMatchObject({ phoneState: "Pause", privateCallsTotalDuration: 45 });
    ccd.logOff(n(2));
    expect(agent(2)).toMatchObject({ serviceState: "LoggedOut", phoneState: "LoggedOut", logonDate: "" });
  });
});
