import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { generateDirectory } from "../directory/index.js";
import { CallRecorder } from "../voicemail/recorder.js";
import { DeskSharing } from "./desk-sharing.js";
import { intrude, overflowToVoiceMail, pickUp } from "./features.js";
import { type ModelError, type ModelEvent, Network } from "./index.js";
import { IthMicro } from "./ith-micro.js";

function setup() {
  const dir = generateDirectory({ users: 20, nodes: 1, seed: 1, firstNumber: 10000 });
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

const refused = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as ModelError).code;
  }
  return "accepted";
};

describe("OXE features on the call model", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("pick-up: the ringing call leaves the rung set and is answered at the picker, same call", () => {
    const { net, events, d } = setup();
    const c = net.makeCall("10001", "10002");
    events.length = 0;
    pickUp(net, d(3), c.call, d(2));
    expect(d(2).connections).toEqual([]);
    expect(d(3).connections[0]).toMatchObject({ call: c.call, state: "connected" });
    expect(c.call.answeredBy).toBe("10003");
    expect(c.call.lastRedirectionDevice).toBe("10002");
    expect(events).toEqual(["diverted:10002:callPickup", "established:10003:callPickup"]);
    // the ring timer is gone: the call is not released as unanswered
    vi.advanceTimersByTime(5000);
    expect(c.call.ended).toBe(false);
  });

  it("pick-up that rings the picker: the call alerts there, the picker answers", () => {
    const { net, events, d } = setup();
    const c = net.makeCall("10001", "10002");
    events.length = 0;
    pickUp(net, d(3), c.call, d(2), true);
    expect(d(3).connections[0]).toMatchObject({ call: c.call, state: "alerting" });
    expect(events).toEqual(["diverted:10002:callPickup", "delivered:10003:callPickup"]);
    net.answer(d(3));
    expect(c.call.answeredBy).toBe("10003");
    // unanswered, it is released like any ringing call
    const x = net.makeCall("10004", "10005");
    pickUp(net, d(6), x.call, d(5), true);
    vi.advanceTimersByTime(1500);
    expect(x.call.ended).toBe(true);
  });

  it("pick-up refuses a call not ringing there, its own call and a busy picker", () => {
    const { net, d } = setup();
    const c = net.makeCall("10001", "10002");
    expect(refused(() => pickUp(net, d(3), c.call, d(1)))).toBe("invalidConnectionState");
    expect(refused(() => pickUp(net, d(2), c.call, d(2)))).toBe("notDifferentDevices");
    net.makeCall("10004", "10005");
    expect(refused(() => pickUp(net, d(4), c.call, d(2)))).toBe("invalidDeviceState");
    net.answer(d(2));
    expect(refused(() => pickUp(net, d(3), c.call, d(2)))).toBe("invalidConnectionState");
  });

  it("intrusion: the caller who found the callee busy joins the callee's call", () => {
    const { net, events, d } = setup();
    const ab = net.makeCall("10001", "10002");
    net.answer(d(2));
    const x = net.makeCall("10003", "10002");
    expect(events.at(-1)).toBe("failed:10002:busy");
    const joined = intrude(net, d(3), x.call);
    expect(joined.call).toBe(ab.call);
    expect(ab.call.connections.map((c) => `${c.device.number}:${c.state}`)).toEqual([
      "10001:connected",
      "10002:connected",
      "10003:connected",
    ]);
    expect(x.call.ended).toBe(true);
    expect(events.at(-1)).toBe("conferenced:10003:activeParticipation");
    // a fourth party is past the OXE's three-party limit
    const y = net.makeCall("10004", "10002");
    expect(refused(() => intrude(net, d(4), y.call))).toBe("conferenceMemberLimitExceeded");
  });

  it("intrusion needs a call that found a busy callee", () => {
    const { net, d } = setup();
    const c = net.makeCall("10001", "10002");
    expect(refused(() => intrude(net, d(1), c.call))).toBe("invalidConnectionState"); // ringing
    net.answer(d(2));
    expect(refused(() => intrude(net, d(1), c.call))).toBe("invalidConnectionState"); // answered
    // refused for do-not-disturb: nobody to intrude on
    net.setDoNotDisturb(d(4), true);
    const x = net.makeCall("10003", "10004");
    expect(refused(() => intrude(net, d(3), x.call))).toBe("invalidDeviceState");
  });

  it("overflow to voice mail: the caller's ringing call goes to the callee's mailbox pilot", () => {
    const { net, events, d } = setup();
    net.addServiceDevice("8001", 1, "Voice mail", {
      kind: "voicemail",
      answerAfterMs: 100,
      maxDurationMs: 5000,
    });
    const c = net.makeCall("10001", "10002");
    expect(refused(() => overflowToVoiceMail(net, d(2), c.call))).toBe("invalidConnectionState");
    overflowToVoiceMail(net, d(1), c.call);
    expect(d(2).connections).toEqual([]);
    expect(c.call.lastRedirectionDevice).toBe("10002"); // whose mailbox
    expect(events.slice(-2)).toEqual(["diverted:10002:redirected", "delivered:8001:redirected"]);
    vi.advanceTimersByTime(150);
    expect(c.call.answeredBy).toBe("8001");
    expect(refused(() => overflowToVoiceMail(net, d(1), c.call))).toBe("invalidConnectionState");
  });

  it("overflow without a voice mail on the node is refused", () => {
    const { net, d } = setup();
    const c = net.makeCall("10001", "10002");
    expect(refused(() => overflowToVoiceMail(net, d(1), c.call))).toBe("invalidCalledDevice");
  });

  it("recorder: start, pause, resume, stop; a WAVE as long as the time recorded", () => {
    const { net, d } = setup();
    let now = 1_000_000;
    const rec = new CallRecorder(() => now);
    const c = net.makeCall("10001", "10002");
    expect(refused(() => rec.act(d(1), c.call, "start"))).toBe("invalidConnectionState");
    net.answer(d(2));
    expect(refused(() => rec.act(d(3), c.call, "start"))).toBe("invalidConnection");
    expect(refused(() => rec.act(d(1), c.call, "pause"))).toBe("invalidConnectionState");
    const r = rec.act(d(1), c.call, "start");
    now += 2000;
    rec.act(d(1), c.call, "pause");
    expect(refused(() => rec.act(d(1), c.call, "pause"))).toBe("invalidConnectionState");
    now += 5000;
    rec.act(d(2), c.call, "resume"); // the other party may act on it too
    now += 1000;
    rec.act(d(1), c.call, "stop");
    expect(r).toMatchObject({ state: "done", recordedMs: 3000, recordedBy: "10001" });
    expect(r.wav!.readUInt32LE(46)).toBe(3 * 8000);
    expect(refused(() => rec.act(d(1), c.call, "stop"))).toBe("invalidConnectionState");
  });

  it("recorder: the call's end finishes a running recording", () => {
    const { net, d } = setup();
    let now = 0;
    const rec = new CallRecorder(() => now);
    net.onCallEnded((s) => rec.callEnded(s.seq));
    const c = net.makeCall("10001", "10002");
    net.answer(d(2));
    const r = rec.act(d(2), c.call, "start");
    now += 1500;
    net.clearConnection(d(1), c.call);
    expect(r).toMatchObject({ state: "done", recordedMs: 1500 });
  });

  it("desk sharing: a free set takes the user's number, its own is out of reach until log off", () => {
    const { net, events, d } = setup();
    const desks = new DeskSharing(net);
    expect(desks.addSets(1)).toEqual(["5001", "5002", "5003"]);
    desks.logOn(d(1), "5001");
    expect(desks.deviceAt("5001")).toBe(d(1));
    expect(refused(() => desks.logOn(d(2), "5001"))).toBe("invalidDeviceState");
    expect(refused(() => desks.logOn(d(1), "5002"))).toBe("invalidDeviceState");
    expect(refused(() => desks.logOn(d(2), "10003"))).toBe("invalidDevice");
    net.makeCall("10002", "5001");
    expect(events.at(-1)).toBe("failed:5001:destNotObtainable");
    expect(desks.logOff(d(1))).toBe("5001");
    expect(desks.deviceAt("5001").number).toBe("5001");
    expect(refused(() => desks.logOff(d(1)))).toBe("invalidDeviceState");
    net.makeCall("10003", "5001");
    expect(events.at(-1)).toBe("delivered:5001:newCall");
  });

  it("microphone / interphony key: mute in a call, interphony when idle, nothing while ringing", () => {
    const { net, d } = setup();
    const key = new IthMicro(net);
    expect(key.press(d(1))).toBe("interphonyOn");
    // interphony: a call to the set is answered by itself
    const c = net.makeCall("10002", "10001");
    expect(key.press(d(1))).toBe("none"); // ringing
    vi.advanceTimersByTime(100);
    expect(net.connection(d(1), c.call).state).toBe("connected");
    expect(key.press(d(1))).toBe("microphoneMuted");
    expect(key.isMuted(d(1))).toBe(true);
    expect(key.press(d(1))).toBe("microphoneActive");
    expect(key.press(d(1))).toBe("microphoneMuted");
    // back to idle: the microphone comes back on; interphony stays until pressed again
    net.clearConnection(d(2), c.call);
    expect(key.isMuted(d(1))).toBe(false);
    expect(key.press(d(1))).toBe("interphonyOff");
    const again = net.makeCall("10002", "10001");
    vi.advanceTimersByTime(100);
    expect(net.connection(d(1), again.call).state).toBe("alerting");
  });
});
