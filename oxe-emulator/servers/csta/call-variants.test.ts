/**
 * The make-call variants on the emulated node: their wire form (MakeCall's accountCode [0] and
 * authCode [1], our private data for the rest), what the node checks against the caller's
 * configuration, and what the called party is told (presented number, restricted party).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BerReader, BerWriter } from "../../../protocols/ber/index.js";
import {
  type CstaEvent,
  cstaEventReport,
  deflectCall,
  type MakeCallArgument,
  makeCall,
  type RedirectArgument,
  singleStepTransfer,
} from "../../../protocols/csta/index.js";
import { generateDirectory } from "../../directory/index.js";
import { nodeConfig, SUBSCRIBER_ATTRIBUTES as SUB } from "../../mib/index.js";
import { type ModelError, Network } from "../../model/index.js";
import { makeCallOptions } from "./call-variants.js";
import { translateEvent } from "./translate.js";

function roundTrip<T>(encode: (w: BerWriter, v: T) => void, decode: (r: BerReader) => T, v: T): T {
  const w = new BerWriter();
  encode(w, v);
  const r = new BerReader(w.toBuffer());
  const out = decode(r);
  expect(r.atEnd()).toBe(true);
  return out;
}

describe("on the wire", () => {
  it("MakeCall carries the account code, the authorization code and the private options", () => {
    const arg: MakeCallArgument = {
      callingDevice: "10001",
      calledDirectoryNumber: "10002",
      accountCode: "12",
      authCode: "1234#0000",
      autoOriginate: "doNotPrompt",
      options: { callingNumber: "10040", inhibitProgressTone: true },
    };
    expect(roundTrip(makeCall.encodeArgument!, makeCall.decodeArgument!, arg)).toEqual(arg);
    // accountCode [0] and authCode [1] are ECMA-285's own, IMPLICIT OCTET STRINGs.
    const w = new BerWriter();
    makeCall.encodeArgument!(w, { callingDevice: "1", calledDirectoryNumber: "2", accountCode: "7" });
    expect(Buffer.from(w.toBuffer()).toString("hex")).toContain("800137");
  });

  it("DeflectCall and SingleStepTransfer carry `anonymous`, and a plain one nothing more", () => {
    const arg: RedirectArgument = {
      call: { callId: "5", deviceId: "10002" },
      destination: "10003",
      options: { anonymous: true },
    };
    expect(roundTrip(deflectCall.encodeArgument!, deflectCall.decodeArgument!, arg)).toEqual(arg);
    expect(roundTrip(singleStepTransfer.encodeArgument!, singleStepTransfer.decodeArgument!, arg)).toEqual(
      arg,
    );
    const plain = { call: arg.call, destination: "10003" };
    expect(roundTrip(deflectCall.encodeArgument!, deflectCall.decodeArgument!, plain)).toEqual(plain);
  });

  it("Delivered carries the presentation after the cause, a restricted party as null", () => {
    const event: CstaEvent = {
      type: "delivered",
      connection: { callId: "5", deviceId: "10003" },
      alertingDevice: "10003",
      callingDevice: null,
      calledDevice: "10003",
      lastRedirectionDevice: null,
      localConnectionInfo: "alerting",
      cause: "singleStepTransfer",
      callOptions: { presentation: { "10001": null, "10002": null } },
    };
    const out = roundTrip(cstaEventReport.encodeArgument!, cstaEventReport.decodeArgument!, {
      crossRefId: "x",
      event,
    });
    expect(out.event).toEqual(event);
  });
});

describe("the node's checks", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const dir = generateDirectory({ users: 20, nodes: 1, seed: 1, firstNumber: 10000 });
    const net = new Network(dir, { ringTimeoutMs: 1000 });
    const caller = net.device("10001");
    return { dir, net, caller };
  }
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as ModelError).code;
    }
    return "accepted";
  };
  const arg = (more: Partial<MakeCallArgument>): MakeCallArgument => ({
    callingDevice: "10001",
    calledDirectoryNumber: "10002",
    ...more,
  });

  it("a private call needs the caller's PIN, and the secret code when the PIN has one", () => {
    const { dir, net, caller } = setup();
    expect(code(() => makeCallOptions(net, caller, arg({ authCode: "1234" })))).toBe(
      "invalidAuthorizationCode",
    );
    const sets = nodeConfig(dir, 1).sets;
    sets.set("10001", new Map([[SUB.Pin_Number!, "1234"]]));
    expect(code(() => makeCallOptions(net, caller, arg({ authCode: "4321" })))).toBe(
      "invalidAuthorizationCode",
    );
    expect(makeCallOptions(net, caller, arg({ authCode: "1234" }))).toEqual({ privateCall: true });
    sets.get("10001")!.set(SUB.With_Secret_Code!, true);
    expect(code(() => makeCallOptions(net, caller, arg({ authCode: "1234" })))).toBe(
      "invalidAuthorizationCode",
    );
    expect(makeCallOptions(net, caller, arg({ authCode: `1234#${caller.subscriber.password}` }))).toEqual({
      privateCall: true,
    });
    expect(code(() => makeCallOptions(net, caller, arg({ authCode: "1234#9" })))).toBe(
      "invalidAuthorizationCode",
    );
  });

  it("a business call's code must be a cost center of the node", () => {
    const { dir, net, caller } = setup();
    const cc = [...nodeConfig(dir, 1).costCenters.keys()][0]!;
    expect(makeCallOptions(net, caller, arg({ accountCode: String(cc) }))).toEqual({
      accountCode: String(cc),
    });
    expect(code(() => makeCallOptions(net, caller, arg({ accountCode: "999" })))).toBe("invalidAccountCode");
    expect(code(() => makeCallOptions(net, caller, arg({ accountCode: "x" })))).toBe("invalidAccountCode");
  });

  it("presents only a number of the node in place of the caller's", () => {
    const { net, caller } = setup();
    expect(makeCallOptions(net, caller, arg({ options: { callingNumber: "10015" } }))).toEqual({
      callingNumber: "10015",
    });
    expect(code(() => makeCallOptions(net, caller, arg({ options: { callingNumber: "0145678900" } })))).toBe(
      "privilegeViolationOnCallingDevice",
    );
  });

  it("the called party is told the presented number; the caller sees itself; the ticket fields follow", () => {
    const { net, caller } = setup();
    const ended: { privateCall?: boolean; accountCode?: string }[] = [];
    net.onCallEnded((s) => ended.push(s));
    const c = net.makeCall("10001", "10002", {
      autoOriginate: "doNotPrompt",
      callingNumber: "10015",
      privateCall: true,
      inhibitProgressTone: true,
    });
    expect(c.call.progressToneInhibited).toBe(true);
    const callee = net.device("10002");
    const delivered = {
      kind: "delivered" as const,
      call: c.call,
      device: callee,
      calling: "10001",
      called: "10002",
      lastRedirection: null,
      cause: "newCall" as const,
      observers: [caller, callee],
    };
    expect(translateEvent(net, 1, delivered, callee)).toMatchObject({
      callingDevice: "10015",
      callOptions: { presentation: { "10001": "10015" } },
    });
    const own = translateEvent(net, 1, delivered, caller);
    expect(own).toMatchObject({ callingDevice: "10001" });
    expect("callOptions" in own).toBe(false);
    net.clearConnection(caller, c.call);
    expect(ended).toEqual([expect.objectContaining({ privateCall: true })]);
  });

  it("an anonymous blind transfer hides the transferred party and the transferrer from the destination", () => {
    const { net } = setup();
    const a = net.makeCall("10001", "10002", { autoOriginate: "doNotPrompt" });
    const b = net.device("10002");
    net.answer(b);
    const seen: CstaEvent[] = [];
    const dest = net.device("10003");
    net.on((ev) => {
      if (ev.kind === "delivered" && ev.device === dest) seen.push(translateEvent(net, 1, ev, dest));
    });
    net.singleStepTransfer(b, a.call, "10003", true);
    expect(seen).toEqual([
      expect.objectContaining({
        callingDevice: null,
        lastRedirectionDevice: null,
        callOptions: { presentation: { "10001": null, "10002": null } },
      }),
    ]);
  });
});
