import { afterEach, describe, expect, it, vi } from "vitest";
import { generateDirectory } from "../directory/index.js";
import { type Call, Network } from "../model/index.js";
import { generateRsiPoints, type RsiApplication, RsiPoints, rsiOf } from "./rsi.js";

// 20 users from 10000 on node 1; RSI points 4001..4003; voice mail 8001 when asked for.
function setup(opts: { voiceMail?: boolean; routeTimeoutMs?: number } = {}) {
  const dir = generateDirectory({ users: 20, nodes: 1, seed: 1, firstNumber: 10000 });
  const net = new Network(dir, { ringTimeoutMs: 5000, failedCallClearMs: 500 });
  if (opts.voiceMail)
    net.addServiceDevice("8001", 1, "Voice mail", {
      kind: "voicemail",
      answerAfterMs: 60_000,
      maxDurationMs: 60_000,
    });
  const rsi = new RsiPoints(net, generateRsiPoints(dir), {
    routeTimeoutMs: opts.routeTimeoutMs ?? 60_000,
    voiceGuideMs: 60_000,
  });
  const told: string[] = [];
  const calls: Call[] = [];
  const app: RsiApplication = {
    routeRequest: (r) => {
      calls.push(r.call);
      told.push(`request ${r.crossRefId} ${r.point} from ${r.caller}`);
    },
    reRoute: (r) => told.push(`reRoute ${r.crossRefId} ${r.reason}`),
    routeEnd: (r) => told.push(`end ${r.crossRefId}`),
    toneStart: (p, _c, tone) => told.push(`toneStart ${p} ${tone}`),
    toneStop: (p) => told.push(`toneStop ${p}`),
    digitsCollected: (p, _c, id, digits, cause) => told.push(`digits ${p} ${id} "${digits}" ${cause}`),
  };
  const call = (caller: string, to: string) =>
    net.makeCall(caller, to, { autoOriginate: "doNotPrompt" }).call;
  const parties = (c: Call) => c.connections.map((x) => `${x.device.number}:${x.state}`);
  return { net, rsi, app, told, calls, call, parties };
}

describe("RSI points", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("are generated per node in their own range, found on the network", () => {
    const { net, rsi } = setup();
    expect([...rsi.points.keys()]).toEqual(["4001", "4002", "4003"]);
    expect(rsiOf(net)).toBe(rsi);
    expect(net.devices.get("4001")?.service).toMatchObject({ kind: "pilot" });
  });

  it("a served point: route request, guide, digits by count, re-route on a busy set, then routed", () => {
    const { net, rsi, app, told, call, parties } = setup();
    const reg = rsi.register("4001", 1, app);
    expect(rsi.register("4001", 1, app)).toBe(reg);
    expect(() => rsi.register("4001", 1, { ...app })).toThrow(/another application/);
    const c = call("10001", "4001");
    expect(parties(c)).toEqual(["10001:connected", "4001:queued"]);
    expect(told).toEqual(["request 1 4001 from 10001"]);
    const callId = net.callId(c, 1);
    rsi.playVoiceGuide("4001", callId, app, 2, 0);
    rsi.playTone("4001", callId, app, "MUSIC", 0); // replaces the guide
    rsi.stopTone("4001", callId, app);
    expect(() => rsi.stopTone("4001", callId, app)).toThrow(/no tone/);
    const coll = rsi.collectDigits("4001", callId, app, { numChars: 2 });
    expect(() => rsi.collectDigits("4001", callId, app, { numChars: 2 })).toThrow(/already/);
    rsi.digits(c, "4");
    rsi.digits(c, "27");
    // 10005 is busy in a call of its own: the point asks again.
    call("10005", "10006");
    rsi.select(1, app, "10005");
    rsi.select(1, app, "10007");
    expect(told).toEqual([
      "request 1 4001 from 10001",
      "toneStart 4001 ANNOUNCEMENT",
      "toneStop 4001",
      "toneStart 4001 MUSIC",
      "toneStop 4001",
      `digits 4001 ${coll} "42" CHAR_COUNT_REACHED`,
      "reRoute 1 busy",
      "end 1",
    ]);
    expect(parties(c)).toEqual(["10001:connected", "10007:alerting"]);
    expect(() => rsi.select(1, app, "10008")).toThrow(/no route session/);
  });

  it("the end key, the collection's timeout, and the caller hanging up", () => {
    vi.useFakeTimers();
    const { net, rsi, app, told, call } = setup();
    rsi.register("4001", 1, app);
    const c = call("10001", "4001");
    const callId = net.callId(c, 1);
    rsi.collectDigits("4001", callId, app, { numChars: 0, flushChar: "#" });
    rsi.digits(c, "12#9");
    rsi.collectDigits("4001", callId, app, { numChars: 5, timeoutMs: 20 });
    rsi.digits(c, "3");
    vi.advanceTimersByTime(20);
    rsi.collectDigits("4001", callId, app, { numChars: 5 });
    net.onHook(net.devices.get("10001")!);
    expect(told.slice(1)).toEqual([
      `digits 4001 1 "12" FLUSCHAR_RECEIVED`,
      `digits 4001 2 "3" TIMEOUT`,
      `digits 4001 3 "" SF_TERMINATED`,
      "end 1",
    ]);
    expect(c.ended).toBe(true);
  });

  it("default treatment: the node's voice mail for an unserved point, an ended or timed-out session", async () => {
    vi.useFakeTimers();
    const { rsi, app, told, call, parties } = setup({ voiceMail: true, routeTimeoutMs: 30 });
    const unserved = call("10001", "4002");
    await Promise.resolve();
    expect(parties(unserved)).toEqual(["10001:connected", "8001:alerting"]);
    rsi.register("4001", 1, app);
    const ended = call("10002", "4001");
    rsi.end(1, app);
    expect(parties(ended)).toEqual(["10002:connected", "8001:alerting"]);
    const late = call("10003", "4001");
    vi.advanceTimersByTime(30);
    expect(parties(late)).toEqual(["10003:connected", "8001:alerting"]);
    expect(told).toEqual(["request 1 4001 from 10002", "request 2 4001 from 10003", "end 2"]);
  });

  it("routeToVoiceMail and callingLine: the selected route's voice mail, shown the number asked", () => {
    const { rsi, app, told, call, parties } = setup({ voiceMail: true });
    rsi.register("4001", 1, app);
    const c = call("10001", "4001");
    rsi.select(1, app, "10004", { toVoiceMail: true, callingLine: "5555" });
    expect(parties(c)).toEqual(["10001:connected", "8001:alerting"]);
    expect(c.presentation?.get("10001")).toBe("5555");
    expect(told).toEqual(["request 1 4001 from 10001", "end 1"]);
  });

  it("without a voice mail the call is released; an application gone gives its calls up", () => {
    const { net, rsi, app, told, call } = setup();
    rsi.register("4001", 1, app);
    const c = call("10001", "4001");
    rsi.cancelAll(app);
    expect(c.ended).toBe(true);
    expect(rsi.isRegistered("4001")).toBe(false);
    expect(told).toEqual(["request 1 4001 from 10001"]);
    expect(net.devices.get("10001")!.connections).toEqual([]);
  });
});
