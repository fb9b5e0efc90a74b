/**
 * A call between two nodes, as each node's call table keeps it: the gateway follows each node's
 * side of the call from that node's CSTA events, and once the call is over neither node's table
 * holds it (a record kept for the far party, whom this node never reports as cleared, would leak
 * one record per cross-node call).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ users: 20, nodes: 2 });
});
afterAll(async () => {
  await sb?.stop();
});

const tableSizes = () => [1, 2].map((n) => sb.gateway.core.telephony.table(n).calls.size);

describe("a call across nodes", () => {
  it("leaves no record in either node's call table once it is over", async () => {
    const [a] = sb.emulator.directory.byNode.get(1)!;
    const [b] = sb.emulator.directory.byNode.get(2)!;
    const alice = await sb.loginUser(a!.directoryNumber);
    const bob = await sb.loginUser(b!.directoryNumber);
    const aEv = await alice.subscribe([{ names: ["telephony"] }]);
    const bEv = await bob.subscribe([{ names: ["telephony"] }]);
    for (const hangsUp of ["caller", "callee"] as const) {
      const made = await alice.post<{ callRef: string }>("telephony", "calls", {
        deviceId: a!.directoryNumber,
        callee: b!.directoryNumber,
        autoAnswer: true,
      });
      expect(made.status).toBe(200);
      const ringing = await bEv.next((e) => e.eventName === "OnCallCreated");
      expect(tableSizes()).toEqual([1, 1]);
      const answered = await bob.post("telephony", `calls/${String(ringing.callRef)}/answer`, {
        deviceId: b!.directoryNumber,
      });
      expect(answered.status).toBe(204);
      await aEv.next((e) => e.eventName === "OnCallModified" && JSON.stringify(e).includes('"ACTIVE"'));
      const [who, ref] = hangsUp === "caller" ? [alice, made.body.callRef] : [bob, String(ringing.callRef)];
      expect((await who.del("telephony", `calls/${ref}`)).status).toBe(204);
      await aEv.next((e) => e.eventName === "OnCallRemoved");
      await bEv.next((e) => e.eventName === "OnCallRemoved");
      expect(tableSizes(), `after the ${hangsUp} hung up`).toEqual([0, 0]);
    }
  });
});
