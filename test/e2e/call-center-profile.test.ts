/**
 * makePilotOrRSICall and makePilotOrRSISupervisedTransferCall as the SDK sends them (`POST calls`
 * with `acdCall.skills`, or `acdCall.supervisedTransfer`): the call profile travels to the node in
 * MakeCall's (or ConsultationCall's) common arguments, and the CCD's Advanced Call Routing hands
 * the call to an agent holding the mandatory skills, passing over a longer-idle one who does not.
 *
 * The sandbox: 50 users, a fifth of them operators: 10000..10009 in processing group 7501, whose
 * pilot is 7001.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { O2gClient, O2gEvent } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ users: 50, agents: 0.2, ccdWrapUpMs: 300 });
});
afterAll(async () => {
  await sb?.stop();
});

type Config = { skills: { skills: { number: number; level: number; active: boolean }[] } };
const ready = (e: O2gEvent) =>
  e.eventName === "OnAgentStateChanged" && (e.state as { subState?: string }).subState === "READY";

async function readyAgent(number: string): Promise<{ agent: O2gClient; config: Config }> {
  const agent = await sb.loginUser(number);
  const ev = await agent.subscribe([{ names: ["agent"] }]);
  const config = (await agent.get<Config>("acdagent", "config")).body;
  expect(
    (await agent.post("acdagent", "logon", { proAcdDeviceNumber: number, pgGroupNumber: "7501" })).status,
  ).toBe(204);
  expect((await agent.post("acdagent", "ready")).status).toBe(204);
  await ev.next(ready);
  ev.close();
  return { agent, config };
}

describe("a call to a pilot with a call profile", () => {
  it("goes to the agent with the mandatory skill, not to the longest idle one", async () => {
    // 10002 ready first: without a profile the call would be hers (the longest idle).
    const first = await readyAgent("10002");
    const second = await readyAgent("10003");
    const has = (c: Config, n: number) => c.skills.skills.some((s) => s.number === n && s.active);
    // A skill the second agent holds; the first one's is switched off for the test.
    const skill = second.config.skills.skills.find((s) => s.active)!.number;
    if (has(first.config, skill))
      expect(
        (await first.agent.post("acdagent", "config/skills/deactivate", { skills: [skill] })).status,
      ).toBe(204);

    const secondEvents = await second.agent.subscribe([{ names: ["telephony"] }]);
    const firstEvents = await first.agent.subscribe([{ names: ["telephony"] }]);
    const caller = await sb.loginUser("10030");
    const made = await caller.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10030",
      callee: "7001",
      autoAnswer: true,
      acdCall: { skills: { skills: [{ skillNumber: skill, acrStatus: true, expertEvalLevel: 4 }] } },
    });
    expect(made.status).toBe(200);
    const delivered = await secondEvents.next((e) => e.eventName === "OnCallCreated");
    expect(delivered).toMatchObject({ legs: [{ deviceId: "10003", state: "RINGING_INCOMING" }] });
    expect(firstEvents.events.some((e) => e.eventName === "OnCallCreated")).toBe(false);
    expect((await caller.del("telephony", `calls/${made.body.callRef}`)).status).toBe(204);
    await secondEvents.next((e) => e.eventName === "OnCallRemoved");

    // No agent of the group holds the skill at the level asked when it is made mandatory at
    // level 1 on a skill nobody has: the call waits in the queue rather than going to anyone.
    const none = await caller.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10030",
      callee: "7001",
      acdCall: { skills: { skills: [{ skillNumber: 999, acrStatus: true, expertEvalLevel: 1 }] } },
    });
    expect(none.status).toBe(200);
    for (let i = 0; i < 100 && sb.emulator.ccd!.queueLength("7501") === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(sb.emulator.ccd!.queueLength("7501")).toBe(1);
    expect((await caller.del("telephony", `calls/${none.body.callRef}`)).status).toBe(204);
    for (const a of [first.agent, second.agent])
      expect((await a.post("acdagent", "logoff")).status).toBe(204);
  });

  it("supervised transfer: consults the pilot from the call in progress, the call in progress held", async () => {
    const a = await sb.loginUser("10031");
    const b = await sb.loginUser("10032");
    const ev = await a.subscribe([{ names: ["telephony"] }]);
    const bev = await b.subscribe([{ names: ["telephony"] }]);
    const first = await a.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10031",
      callee: "10032",
    });
    const ring = await bev.next((e) => e.eventName === "OnCallCreated");
    expect((await b.post("telephony", `calls/${ring.callRef}/answer`, { deviceId: "10032" })).status).toBe(
      204,
    );
    await ev.next(
      (e) => e.eventName === "OnCallModified" && (e.callData as { state: string }).state === "ACTIVE",
    );
    const consult = await a.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10031",
      callee: "7001",
      acdCall: { supervisedTransfer: true, skills: { skills: [{ skillNumber: 1, acrStatus: false }] } },
    });
    expect(consult.status).toBe(200);
    expect(consult.body.callRef).not.toBe(first.body.callRef);
    await ev.next(
      (e) =>
        e.eventName === "OnCallModified" &&
        e.callRef === first.body.callRef &&
        (e.modifiedLegs as { state: string }[] | undefined)?.some((l) => l.state === "HELD") === true,
    );
    for (const ref of [consult.body.callRef, first.body.callRef])
      expect((await a.del("telephony", `calls/${ref}`)).status).toBe(204);
  });
});
