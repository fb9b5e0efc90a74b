/**
 * A scoped read's linked replies are written in one pass (mLinkedReply's encodeArgumentFast,
 * writeInvokeFast): over a node's subscribers, every attribute of the class read, values left
 * at their defaults and values changed (every type the class has: strings, enums, integers,
 * booleans; a name that is not ASCII), the bytes on the wire must be those the general
 * encoders write.
 */
import { describe, expect, it } from "vitest";
import { BerWriter } from "../../protocols/ber/index.js";
import { type LinkedReply, mLinkedReply } from "../../protocols/cmip/index.js";
import { writeInvoke, writeInvokeFast } from "../../protocols/rose/index.js";
import { generateDirectory } from "../directory/index.js";
import { Network } from "../model/index.js";
import { NodeMib, SUBSCRIBER_CLASS } from "./index.js";

const hex = (w: BerWriter) => w.toBuffer().toString("hex");

describe("a node's linked replies", () => {
  it("are the general encoders' bytes, for every Subscriber attribute and value type", () => {
    const d = generateDirectory({ users: 400, nodes: 1, seed: 3 });
    const mib = new NodeMib(1, d, new Network(d));
    const subs = d.subscribers;
    const change = (i: number, modifications: { id: number; value: string | number | boolean }[]) =>
      mib.set({
        objectClass: SUBSCRIBER_CLASS.id,
        instance: `Node=1/Subscriber=${subs[i]!.directoryNumber}`,
        modifications,
      });
    change(1, [
      { id: 2, value: "Müller-Lüdenscheidt" },
      { id: 3, value: "Zoë" },
    ]);
    change(2, [
      { id: 5, value: 63 },
      { id: 10, value: "12345678" },
      { id: 11, value: true },
      { id: 13, value: 255 },
      { id: 14, value: true },
      { id: 15, value: true },
      { id: 17, value: true },
      { id: 21, value: "someone@example.com" },
      { id: 22, value: "x".repeat(64) },
      { id: 23, value: "fr" },
    ]);
    change(3, [{ id: 2, value: "N".repeat(40) }]);

    const types = new Set<string>();
    let fast = 0;
    let general = 0;
    // every attribute (no list: as a read without one), then the gateway's own list
    for (const ids of [undefined, [1, 2, 3, 4, 8, 21, 22]]) {
      let linkedId = 120;
      for (const o of mib.select(SUBSCRIBER_CLASS.id, "Node=1", "firstLevelOnly")) {
        const reply: LinkedReply = {
          kind: "getResult",
          result: { objectClass: o.cls.id, instance: o.instance, attributes: mib.attributes(o, ids) },
        };
        for (const a of reply.result.attributes) types.add(typeof a.value);
        const expected = new BerWriter(16);
        writeInvoke(expected, 3, mLinkedReply.opcode, mLinkedReply.encodeArgument, reply, linkedId);
        const w = new BerWriter(16);
        if (writeInvokeFast(w, 3, mLinkedReply.opcode, mLinkedReply.encodeArgumentFast!, reply, linkedId)) {
          fast++;
          expect(hex(w)).toBe(hex(expected));
        } else {
          general++;
          expect(w.length).toBe(0);
        }
        linkedId += 7;
      }
    }
    expect([...types].sort()).toEqual(["boolean", "number", "string"]);
    // only the subscriber whose names are not ASCII is left to the general encoder, in each read
    expect(general).toBe(2);
    expect(fast).toBe(2 * subs.length - 2);
  });
});
