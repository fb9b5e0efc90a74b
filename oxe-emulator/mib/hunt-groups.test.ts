import { describe, expect, it } from "vitest";
import { generateDirectory } from "../directory/index.js";
import { Network, seedHuntingGroups } from "../model/index.js";
import { HUNT_GROUP_CLASS, HUNT_GROUP_MEMBER_CLASS, MibError, NodeMib } from "./index.js";

function setup() {
  const d = generateDirectory({ users: 30, nodes: 1, seed: 2, firstNumber: 10000 });
  const net = new Network(d);
  seedHuntingGroups(net.huntingGroups, new Map([[1, d.subscribers.map((s) => s.directoryNumber)]]));
  return { net, mib: new NodeMib(1, d, net) };
}
const HG = "Node=1/Hunt_Group=6011";
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof MibError) return e.code;
    throw e;
  }
  return "none";
};
const named = (mib: NodeMib, o: Parameters<NodeMib["attributes"]>[0]) =>
  Object.fromEntries(
    mib.attributes(o).map((a) => [o.cls.attributes.find((x) => x.id === a.id)!.name, a.value]),
  );

describe("a node's hunting groups", () => {
  it("are listed below the node, with their mode and member count", () => {
    const { mib } = setup();
    const groups = [...mib.select(HUNT_GROUP_CLASS.id, "Node=1", "firstLevelOnly")].map((o) => named(mib, o));
    expect(groups).toEqual([
      {
        Hunt_Group_Number: "6011",
        Hunt_Group_Name: "Sequential group 1",
        Hunt_Group_Type: "Sequential",
        Member_Count: 3,
      },
      {
        Hunt_Group_Number: "6012",
        Hunt_Group_Name: "Circular group 1",
        Hunt_Group_Type: "Circular",
        Member_Count: 3,
      },
      {
        Hunt_Group_Number: "6013",
        Hunt_Group_Name: "Parallel group 1",
        Hunt_Group_Type: "Parallel",
        Member_Count: 3,
      },
    ]);
  });

  it("list their members in search order, found by a filter on the number", () => {
    const { mib } = setup();
    const members = [...mib.select(HUNT_GROUP_MEMBER_CLASS.id, HG, "firstLevelOnly")].map((o) =>
      named(mib, o),
    );
    expect(members).toEqual([
      { Member_Number: "10021", Member_Position: 1, Logged_On: true },
      { Member_Number: "10022", Member_Position: 2, Logged_On: true },
      { Member_Number: "10023", Member_Position: 3, Logged_On: true },
    ]);
    const found = [
      ...mib.select(HUNT_GROUP_MEMBER_CLASS.id, HG, "firstLevelOnly", {
        equality: { id: 1, value: "10022" },
      }),
    ];
    expect(found.map((o) => o.instance)).toEqual([`${HG}/Hunt_Group_Member=10022`]);
  });

  it("log a member off and on (the call model sees it), and change the search mode", () => {
    const { mib, net } = setup();
    const r = mib.set({
      objectClass: HUNT_GROUP_MEMBER_CLASS.id,
      instance: `${HG}/Hunt_Group_Member=10022`,
      modifications: [{ id: 3, value: false }],
    });
    expect(r.changes).toEqual([
      expect.objectContaining({ type: "attributeValueChange", attributes: [{ id: 3, value: false }] }),
    ]);
    expect(net.huntingGroups.get("6011")!.members[1]!.loggedOn).toBe(false);
    mib.set({
      objectClass: HUNT_GROUP_CLASS.id,
      instance: HG,
      modifications: [{ id: 3, value: "Parallel" }],
    });
    expect(net.huntingGroups.get("6011")!.mode).toBe("Parallel");
    expect(
      code(() =>
        mib.set({
          objectClass: HUNT_GROUP_CLASS.id,
          instance: HG,
          modifications: [{ id: 3, value: "Random" }],
        }),
      ),
    ).toBe("setListError");
  });

  it("take a set of the node as a new member, and let it go", () => {
    const { mib, net } = setup();
    const made = mib.create({
      objectClass: HUNT_GROUP_MEMBER_CLASS.id,
      superiorInstance: HG,
      attributes: [{ id: 1, value: "10005" }],
    });
    expect(made.result.instance).toBe(`${HG}/Hunt_Group_Member=10005`);
    expect(made.result.attributes).toContainEqual({ id: 2, value: 4 });
    expect(net.huntingGroups.groupOf("10005")?.number).toBe("6011");
    mib.delete({ objectClass: HUNT_GROUP_MEMBER_CLASS.id, instance: `${HG}/Hunt_Group_Member=10005` });
    expect(net.huntingGroups.groupOf("10005")).toBeUndefined();
  });

  it("refuse a member twice, a member of another group, an unknown set, an unknown group", () => {
    const { mib } = setup();
    const create = (superiorInstance: string, n: string) => () =>
      mib.create({
        objectClass: HUNT_GROUP_MEMBER_CLASS.id,
        superiorInstance,
        attributes: [{ id: 1, value: n }],
      });
    expect(code(create(HG, "10021"))).toBe("duplicateManagedObjectInstance");
    expect(code(create(HG, "10024"))).toBe("processingFailure"); // in 6012 already
    expect(code(create(HG, "99999"))).toBe("invalidAttributeValue");
    expect(code(create("Node=1/Hunt_Group=6099", "10005"))).toBe("noSuchObjectInstance");
    expect(code(() => mib.resolve(`${HG}/Hunt_Group_Member=10005`))).toBe("noSuchObjectInstance");
    expect(
      code(() => mib.create({ objectClass: HUNT_GROUP_CLASS.id, attributes: [{ id: 1, value: "6050" }] })),
    ).toBe("accessDenied");
  });

  it("keep a subscriber from taking a group's number", () => {
    const d = generateDirectory({ users: 30, nodes: 1, seed: 2, firstNumber: 1000 });
    const net = new Network(d);
    net.huntingGroups.add("1500", 1, "x", "Parallel");
    const mib = new NodeMib(1, d, net);
    expect(
      code(() =>
        mib.create({
          objectClass: 2,
          attributes: [
            { id: 1, value: "1500" },
            { id: 2, value: "X" },
            { id: 4, value: "ALE-500" },
          ],
        }),
      ),
    ).toBe("duplicateManagedObjectInstance");
  });
});
