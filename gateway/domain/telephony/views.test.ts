/**
 * The identities and capabilities the views share between calls (views.ts builds each once):
 * what a shared value must still follow (a rename, the leg's own state, a parked call), and that
 * no consumer can change it for every other view.
 */
import { describe, expect, it } from "vitest";
import { testDirectory } from "../../../test/support/directory.js";
import type { CallRecord, ConnRecord } from "./call-table.js";
import { deviceCapabilities, partyInfo, userView } from "./views.js";

const setup = () => testDirectory({ 1: ["10000", "10001", "10002"] });

const record = (callId: string, conns: [string, ConnRecord][]): CallRecord => ({
  callId,
  conns: new Map(conns),
  calling: null,
  called: null,
  lastRedirection: null,
  correlator: undefined,
});

describe("views' shared values", () => {
  it("tells a user's new name once the directory renamed them in place", () => {
    const { directory, user } = setup();
    expect(partyInfo("10001", directory).displayName).toBe("F10001 L10001");
    const u = user("10001");
    u.firstName = "Ann";
    directory.touch();
    expect(partyInfo("10001", directory)).toEqual({
      id: { loginName: "oxe10001", phoneNumber: "10001" },
      firstName: "Ann",
      lastName: "L10001",
      displayName: "Ann L10001",
      type: { main: "USER", subType: "8068" },
    });
    // an external number is nobody's: not shared, built as before
    expect(partyInfo("0600", directory)).toEqual({
      id: { phoneNumber: "0600" },
      displayName: "0600",
      type: { main: "EXTERNAL" },
    });
  });

  it("tells a number's new set type once another set replaced the device", () => {
    const { directory, user } = setup();
    expect(partyInfo("10002", directory).type).toEqual({ main: "USER", subType: "8068" });
    // as subscriber-sync does on a Station_Type change: a new device object under the number
    const u = user("10002");
    const device = { ...u.devices[0]!, subType: "8078s" };
    u.devices[0] = device;
    directory.devices.set("10002", device);
    directory.touch();
    expect(partyInfo("10002", directory).type).toEqual({ main: "USER", subType: "8078s" });
  });

  it("cannot be changed by whoever receives them", () => {
    const { directory, user } = setup();
    const who = partyInfo("10001", directory);
    expect(() => {
      (who as { displayName?: string }).displayName = "x";
    }).toThrow(TypeError);
    expect(() => {
      (who.id as { phoneNumber?: string }).phoneNumber = "x";
    }).toThrow(TypeError);
    const [caps] = deviceCapabilities(user("10000"), new Set());
    expect(() => {
      (caps as { makeCall: boolean }).makeCall = false;
    }).toThrow(TypeError);
    const view = userView(
      record("1", [["10000", { device: "10000", state: "alerting" }]]),
      user("10000"),
      directory,
      [],
    );
    expect(() => {
      (view!.callData.capabilities as { redirect: boolean }).redirect = false;
    }).toThrow(TypeError);
    expect(() => {
      (view!.legs[0]!.capabilities as { answer: boolean }).answer = false;
    }).toThrow(TypeError);
  });

  it("gives each leg the capabilities of its own state, a parked call's included", () => {
    const { directory, user } = setup();
    const me = user("10000");
    // on hold while another call of the user is active
    const heldView = () =>
      userView(
        record("1", [
          ["10000", { device: "10000", state: "hold" }],
          ["10001", { device: "10001", state: "connected" }],
        ]),
        me,
        directory,
        ["ACTIVE"],
      )!;
    const held = heldView();
    const parked = userView(
      record("2", [
        ["10000", { device: "10000", state: "queued", parked: true }],
        ["10002", { device: "10002", state: "connected" }],
      ]),
      me,
      directory,
      ["ACTIVE"],
    )!;
    expect(held.legs[0]!.capabilities).toMatchObject({ retrieve: true, reconnect: true });
    expect(parked.legs[0]!.state).toBe("HELD");
    expect(parked.legs[0]!.capabilities).toMatchObject({ retrieve: false, reconnect: false });
    // and the first view's, asked again after the parked one, is still its own
    const again = heldView();
    expect(again.legs[0]!.capabilities).toMatchObject({ retrieve: true, reconnect: true });
    expect(held.callData.capabilities).toMatchObject({ transfer: true, merge: true, blindTransfer: false });
    expect(deviceCapabilities(me, new Set(["10000"])).map((c) => c.makeCall)).toEqual([false]);
    expect(deviceCapabilities(me, new Set()).map((c) => c.makeCall)).toEqual([true]);
  });
});
