/**
 * A node read again replaces its users wholesale: whoever left the node is gone from the logins
 * and devices, whoever stayed is the new object, other nodes are untouched.
 */
import { describe, expect, it } from "vitest";
import { deviceTypeOf, type LoadedSubscriber, UserDirectory } from "./directory.js";

const sub = (dn: number, stationType = "IPTouch8068"): LoadedSubscriber => ({
  directoryNumber: String(dn),
  lastName: `L${dn}`,
  firstName: `F${dn}`,
  stationType,
  loginName: `oxe${dn}`,
});

describe("UserDirectory.replaceNode", () => {
  it("forgets every user the node no longer has (not every other one), keeps other nodes", () => {
    const d = new UserDirectory();
    d.replaceNode(
      1,
      [1000, 1001, 1002, 1003, 1004, 1005].map((n) => sub(n)),
    );
    d.replaceNode(
      2,
      [2000, 2001].map((n) => sub(n)),
    );
    const kept = d.users.get("oxe1001");
    d.replaceNode(1, [sub(1001), sub(1006)]);
    expect([...d.users.keys()].sort()).toEqual(["oxe1001", "oxe1006", "oxe2000", "oxe2001"]);
    expect([...d.devices.keys()].sort()).toEqual(["1001", "1006", "2000", "2001"]);
    expect(d.usersOfNode(1).map((u) => u.loginName)).toEqual(["oxe1001", "oxe1006"]);
    expect(d.users.get("oxe1001")).not.toBe(kept);
    expect(d.devices.get("1001")?.owner).toBe(d.users.get("oxe1001"));
    expect(d.usersOfNode(2)).toHaveLength(2);
  });

  it("adds a user created later to its node's list once", () => {
    const d = new UserDirectory();
    d.replaceNode(1, [sub(1000)]);
    const u = d.addUser(1, sub(1001));
    expect(d.usersOfNode(1)).toEqual([d.users.get("oxe1000"), u]);
  });
});

describe("deviceTypeOf", () => {
  it("names the same type for a station type however often it is asked", () => {
    for (let i = 0; i < 3; i++) {
      expect(deviceTypeOf("DECT8262")).toBe("DECT");
      expect(deviceTypeOf("SIP_Extension")).toBe("SOFTPHONE");
      expect(deviceTypeOf("GSM_Mobile")).toBe("MOBILE");
      expect(deviceTypeOf("IPTouch8068")).toBe("DESKPHONE");
    }
  });
});
