import { describe, expect, it } from "vitest";
import { generateDirectory } from "../directory/index.js";
import { Network } from "../model/index.js";
import { MibError, NodeMib, PROG_KEY_CLASS, SUBSCRIBER_CLASS } from "./index.js";

const dir = () => generateDirectory({ users: 30, nodes: 1, seed: 2 });
const key = (dn: string, p: number) => `Node=1/Subscriber=${dn}/Prog_Key=${p}`;
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof MibError) return e.code;
    throw e;
  }
  return "none";
};

describe("a node's configuration", () => {
  it("is shared by the two call servers of a redundant node", () => {
    const d = dir();
    const main = new NodeMib(1, d);
    const standby = new NodeMib(1, d);
    const s = d.subscribers.find((x) => x.stationType.keys >= 2)!;
    main.set({
      objectClass: PROG_KEY_CLASS.id,
      instance: key(s.directoryNumber, 2),
      modifications: [
        { id: 2, value: "Speed_Dial" },
        { id: 3, value: "123" },
      ],
    });
    const [o] = [...standby.select(PROG_KEY_CLASS.id, key(s.directoryNumber, 2))];
    expect(standby.attributes(o!)).toContainEqual({ id: 3, value: "123" });
  });

  it("keeps only the key positions a new station type has", () => {
    const d = dir();
    const mib = new NodeMib(1, d);
    const s = d.subscribers.find((x) => x.stationType.keys >= 24)!;
    const inst = `Node=1/Subscriber=${s.directoryNumber}`;
    mib.set({
      objectClass: PROG_KEY_CLASS.id,
      instance: key(s.directoryNumber, 20),
      modifications: [
        { id: 4, value: "x" },
        { id: 2, value: "Speed_Dial" },
        { id: 3, value: "1" },
      ],
    });
    const r = mib.set({
      objectClass: SUBSCRIBER_CLASS.id,
      instance: inst,
      modifications: [{ id: 4, value: "IPTouch8018" }],
    });
    // The change report carries what follows from it: the key field shrank.
    expect(r.changes[0]!.attributes).toEqual(
      expect.arrayContaining([
        { id: 4, value: "IPTouch8018" },
        { id: 18, value: 6 },
      ]),
    );
    expect(code(() => mib.lookup(PROG_KEY_CLASS.id, key(s.directoryNumber, 20)))).toBe(
      "noSuchObjectInstance",
    );
    mib.set({
      objectClass: SUBSCRIBER_CLASS.id,
      instance: inst,
      modifications: [{ id: 4, value: "ALE-500" }],
    });
    const [k] = [...mib.select(PROG_KEY_CLASS.id, key(s.directoryNumber, 20))];
    expect(k!.value(3)).toBe("");
  });

  it("reports no change when nothing changes", () => {
    const d = dir();
    const mib = new NodeMib(1, d);
    const s = d.subscribers[0]!;
    const r = mib.set({
      objectClass: SUBSCRIBER_CLASS.id,
      instance: `Node=1/Subscriber=${s.directoryNumber}`,
      modifications: [{ id: 2, value: s.lastName }],
    });
    expect(r.changes).toEqual([]);
  });

  it("names its refusals as X.711 does", () => {
    const d = dir();
    const mib = new NodeMib(1, d, new Network(d));
    expect(code(() => mib.lookup(99, "Node=1"))).toBe("noSuchObjectClass");
    expect(code(() => mib.lookup(SUBSCRIBER_CLASS.id, "Node=1"))).toBe("classInstanceConflict");
    expect(code(() => mib.lookup(SUBSCRIBER_CLASS.id, "garbage"))).toBe("invalidObjectInstance");
    expect(code(() => mib.lookup(SUBSCRIBER_CLASS.id, "Node=2/Subscriber=10000"))).toBe(
      "noSuchObjectInstance",
    );
    expect(code(() => [...mib.select(PROG_KEY_CLASS.id, "Node=1", "firstLevelOnly")])).toBe(
      "complexityLimitation",
    );
    expect(
      code(() => mib.set({ objectClass: 1, instance: "Node=1", modifications: [], scope: "wholeSubtree" })),
    ).toBe("invalidScope");
    expect(code(() => mib.delete({ objectClass: 1, instance: "Node=1" }))).toBe("accessDenied");
    expect(
      code(() =>
        mib.create({ objectClass: SUBSCRIBER_CLASS.id, superiorInstance: "Node=1/Entity=1", attributes: [] }),
      ),
    ).toBe("invalidObjectInstance");
  });

  it("creates a subscriber named by its instance", () => {
    const d = dir();
    const mib = new NodeMib(1, d);
    const r = mib.create({
      objectClass: SUBSCRIBER_CLASS.id,
      instance: "Node=1/Subscriber=10050",
      attributes: [
        { id: 2, value: "Named" },
        { id: 4, value: "ALE-300" },
      ],
    });
    expect(r.result.instance).toBe("Node=1/Subscriber=10050");
    expect(d.byNumber.get("10050")).toMatchObject({ lastName: "Named", password: d.options.password });
    expect(
      code(() =>
        mib.create({
          objectClass: SUBSCRIBER_CLASS.id,
          instance: "Node=1/Subscriber=10051",
          attributes: [
            { id: 1, value: "10052" },
            { id: 2, value: "X" },
            { id: 4, value: "ALE-300" },
          ],
        }),
      ),
    ).toBe("invalidAttributeValue");
  });

  it("lists the keys a filter keeps, programmed or not, whatever the filter looks at", () => {
    const d = dir();
    const mib = new NodeMib(1, d);
    const s = d.subscribers.find((x) => x.stationType.keys >= 10)!;
    const sub = `Node=1/Subscriber=${s.directoryNumber}`;
    for (const p of [7, 2]) {
      mib.set({
        objectClass: PROG_KEY_CLASS.id,
        instance: key(s.directoryNumber, p),
        modifications: [
          { id: 2, value: "Speed_Dial" },
          { id: 3, value: String(p) },
        ],
      });
    }
    mib.set({
      objectClass: PROG_KEY_CLASS.id,
      instance: key(s.directoryNumber, 9),
      modifications: [{ id: 5, value: true }],
    });
    const positions = (f?: Parameters<NodeMib["select"]>[3]) =>
      [...mib.select(PROG_KEY_CLASS.id, sub, "firstLevelOnly", f)].map((o) => o.value(1));
    const programmed = { not: { equality: { id: 2, value: "Not_Assigned" } } };
    expect(positions(programmed)).toEqual([2, 7]);
    expect(positions({ or: [programmed, { equality: { id: 5, value: true } }] })).toEqual([2, 7, 9]);
    // A filter that keeps blank keys, or looks at the position, sees every position.
    expect(positions({ equality: { id: 2, value: "Not_Assigned" } })).toHaveLength(s.stationType.keys - 2);
    expect(positions({ lessOrEqual: { id: 1, value: 3 } })).toEqual([1, 2, 3]);
    expect(positions()).toHaveLength(s.stationType.keys);
  });
});
