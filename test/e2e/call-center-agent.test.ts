/**
 * CallCenterAgent end to end, driven as the SDK's ccAgent-rest.ts drives it, against the emulated
 * CCD over real CSTA and CMIP links: an agent logs on a pro-ACD set into its processing group,
 * gets ready; a caller dials the pilot, the call waits queued while the agent pauses, is
 * delivered when it is ready again, answered, and the agent wraps up then is ready; withdraw
 * with a reason; logoff. Bad input gets O2G's statuses and error JSON.
 *
 * The sandbox: 50 users, a fifth of them operators: 10000..10009 in processing group 7501
 * (10000 its supervisor), whose pilot is 7001.
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

const stateChanged =
  (sub?: string, main = "LOG_ON") =>
  (e: O2gEvent) =>
    e.eventName === "OnAgentStateChanged" &&
    (e.state as { mainState: string }).mainState === main &&
    (sub === undefined || (e.state as { subState?: string }).subState === sub);

describe("CallCenterAgent", () => {
  it("lists the service for a licensed session", async () => {
    const agent = await sb.loginUser("10001");
    expect(agent.session.services.map((s) => s.serviceName)).toContain("AcdAgent");
  });

  it("an agent's day: logon, ready, a pilot call queued then delivered, wrap-up, withdraw, logoff", async () => {
    const agent = await sb.loginUser("10001");
    const caller = await sb.loginUser("10030");
    const ev = await agent.subscribe([{ names: ["agent", "telephony"] }]);

    const config = await agent.get<Record<string, unknown>>("acdagent", "config");
    expect(config.status).toBe(200);
    expect(config.body).toMatchObject({
      type: "AGENT",
      proacd: "10001",
      processingGroups: { preferred: "7501", groups: expect.arrayContaining(["7501"]) },
      skills: { skills: expect.arrayContaining([expect.objectContaining({ number: 1, active: true })]) },
    });
    expect((await agent.get("acdagent", "state")).body).toEqual({ mainState: "LOG_OFF", withdraw: false });
    // The agent took a Contact Center Agent license; the caller, who never acted as one, did not.
    expect(sb.gateway.core.licenses.holds("contactCenterAgent", "oxe10001")).toBe(true);
    expect(sb.gateway.core.licenses.holds("contactCenterAgent", "oxe10030")).toBe(false);

    const logon = await agent.post("acdagent", "logon", {
      proAcdDeviceNumber: "10001",
      pgGroupNumber: "7501",
    });
    expect(logon.status).toBe(204);
    const on = await ev.next(stateChanged("PAUSE"));
    expect(on).toMatchObject({
      loginName: "oxe10001",
      state: { mainState: "LOG_ON", subState: "PAUSE", proAcdDeviceNumber: "10001", pgNumber: "7501" },
    });

    // Paused: the caller waits in the pilot's queue.
    const call = await caller.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10030",
      callee: "7001",
    });
    expect(call.status).toBe(200);
    await until(() => sb.emulator.ccd!.queueLength("7501") === 1);

    expect((await agent.post("acdagent", "ready")).status).toBe(204);
    await ev.next(stateChanged("READY"));
    // Delivered to the agent, from the pilot.
    const ringing = await ev.next((e) => e.eventName === "OnCallCreated");
    expect(sb.emulator.ccd!.queueLength("7501")).toBe(0);
    await ev.next(stateChanged("BUSY"));
    expect((await agent.get("acdagent", "state")).body).toMatchObject({
      mainState: "LOG_ON",
      subState: "BUSY",
    });
    const callRef = String(ringing.callRef);
    expect((await agent.post("telephony", `calls/${callRef}/answer`, { deviceId: "10001" })).status).toBe(
      204,
    );
    await ev.next((e) => e.eventName === "OnCallModified");
    expect((await caller.del("telephony", `calls/${call.body.callRef}`)).status).toBe(204);
    await ev.next(stateChanged("WRAPUP"));
    await ev.next(stateChanged("READY"), 3000);

    const reasons = await agent.get<{ reasons: { index: number; label: string }[] }>(
      "acdagent",
      "withdrawReasons",
      {
        pgNumber: "7501",
      },
    );
    expect(reasons.body.reasons).toEqual(expect.arrayContaining([{ index: 2, label: "Meeting" }]));
    expect((await agent.post("acdagent", "withdraw", { reasonIndex: 2 })).status).toBe(204);
    expect(await ev.next(stateChanged("WITHDRAW"))).toMatchObject({
      state: { withdraw: true, withdrawReason: 2 },
    });

    // Skills: deactivated then activated again in the operator's configuration, each change told.
    expect((await agent.post("acdagent", "config/skills/deactivate", { skills: [1] })).status).toBe(204);
    const off = await ev.next((e) => e.eventName === "OnAgentSkillChanged");
    expect(off.skills).toEqual(
      expect.arrayContaining([expect.objectContaining({ number: 1, active: false })]),
    );
    const cfg = await agent.get<{ skills: { skills: { number: number; active: boolean }[] } }>(
      "acdagent",
      "config",
    );
    expect(cfg.body.skills.skills.find((x) => x.number === 1)?.active).toBe(false);
    expect((await agent.post("acdagent", "config/skills/activate", { skills: [1] })).status).toBe(204);
    await ev.next((e) => e.eventName === "OnAgentSkillChanged");
    const bad = await agent.send("POST", agent.url("acdagent", "config/skills/activate"), { skills: [99] });
    expect(bad.status).toBe(400);

    expect((await agent.post("acdagent", "state/snapshot")).status).toBe(204);
    await ev.next(stateChanged("WITHDRAW"));

    expect((await agent.post("acdagent", "logoff")).status).toBe(204);
    await ev.next(stateChanged(undefined, "LOG_OFF"));
  });

  it("answers bad input with O2G's statuses", async () => {
    const agent = await sb.loginUser("10002");
    const other = await sb.loginUser("10031");
    /** a call whose refusal is expected: its status and body, no throw */
    const send = (
      c: O2gClient,
      method: string,
      path: string,
      body?: unknown,
      query: Record<string, string | undefined> = {},
    ) => c.send<Record<string, unknown>>(method, c.url("acdagent", path, query), body);
    // not logged on yet: nothing to be ready for
    const notOn = await send(agent, "POST", "ready");
    expect(notOn.status).toBe(409);
    expect(notOn.body).toMatchObject({ httpStatus: "CONFLICT", code: 409 });
    // a processing group the agent may not log on to
    const wrongPg = await send(agent, "POST", "logon", {
      proAcdDeviceNumber: "10002",
      pgGroupNumber: "7599",
    });
    expect(wrongPg.status).toBe(403);
    // a malformed body, and a withdrawal without a reason
    expect((await send(agent, "POST", "logon", { proAcdDeviceNumber: "" })).status).toBe(400);
    expect(
      (await send(agent, "POST", "logon", { proAcdDeviceNumber: "10002", pgGroupNumber: "7501" })).status,
    ).toBe(204);
    expect((await send(agent, "POST", "withdraw", {})).status).toBe(400);
    expect((await send(agent, "POST", "withdraw", { reasonIndex: 42 })).status).toBe(400);
    expect((await send(agent, "GET", "withdrawReasons", undefined, { pgNumber: "7599" })).status).toBe(404);
    // a user who is no CCD operator
    const notAgent = await send(other, "GET", "config");
    expect(notAgent.status).toBe(403);
    expect(notAgent.body).toMatchObject({ httpStatus: "FORBIDDEN", code: 403 });
    // a user naming another user's agent acts for itself (the SDK's rule): still not an agent
    expect((await send(other, "POST", "logoff", undefined, { loginName: "oxe10002" })).status).toBe(403);
    // an administrator acts for the agent it names
    const admin = await sb.loginAdmin();
    expect((await admin.get("acdagent", "state", { loginName: "oxe10002" })).body).toMatchObject({
      mainState: "LOG_ON",
      pgNumber: "7501",
    });
    expect((await admin.post("acdagent", "logoff", undefined, { loginName: "oxe10002" })).status).toBe(204);
    // logged off: no supervisor help to ask for (supervision: call-center-supervision.test.ts)
    expect((await send(agent, "POST", "supervisorHelp")).status).toBe(409);
    // CallCenterRealtime is for administrators (call-center-realtime.test.ts)
    const root = `${sb.gateway.url}/api/rest/1.0`;
    expect((await agent.send("GET", `${root}/acdrealtime/agents`)).status).toBe(403);
    // CallCenterManagement is built, for administrators only (call-center-management.test.ts)
    expect((await agent.send("POST", `${root}/acdmanagement/1/pilots/7001/close`)).status).toBe(403);
  });

  it("makeSupervisorCall rings the supervisor of the agent's group; pilot transfer information", async () => {
    const agent = await sb.loginUser("10003");
    const supervisor = await sb.loginUser("10000");
    const other = await sb.loginUser("10032");
    const es = await supervisor.subscribe([{ names: ["telephony"] }]);
    await supervisor.post("acdagent", "logon", { proAcdDeviceNumber: "10000", pgGroupNumber: "7501" });
    await agent.post("acdagent", "logon", { proAcdDeviceNumber: "10003", pgGroupNumber: "7501" });
    const made = await agent.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10003",
      autoAnswer: true,
      acdCall: { callToSupervisor: true },
    });
    expect(made.status).toBe(200);
    const ringing = await es.next((e) => e.eventName === "OnCallCreated");
    expect(JSON.stringify(ringing.participants)).toContain("10003");
    await agent.del("telephony", `calls/${made.body.callRef}`);
    const refused = await other.send<Record<string, unknown>>("POST", other.url("telephony", "calls"), {
      deviceId: "10032",
      acdCall: { callToSupervisor: true },
    });
    expect(refused.status).toBe(403);

    const info = await agent.post<Record<string, unknown>>("telephony", "pilots/7001/transferInfo", {});
    expect(info.body).toEqual({
      number: "7001",
      saturation: false,
      supervisedTransfer: false,
      pilotTransferInfo: { transferPossible: true, pilotStatus: "OPEN" },
    });
    sb.emulator.ccd!.setPilotState("7001", "blocked");
    const blocked = await agent.post<Record<string, unknown>>("telephony", "pilots/1/7001/transferInfo", {
      supervisedTransfer: true,
    });
    expect(blocked.body).toMatchObject({
      supervisedTransfer: true,
      pilotTransferInfo: { transferPossible: false, pilotStatus: "BLOCKED" },
    });
    sb.emulator.ccd!.setPilotState("7001", "open");
    const unknown = await agent.send("POST", agent.url("telephony", "pilots/7999/transferInfo"), {});
    expect(unknown.status).toBe(404);
    await agent.post("acdagent", "logoff");
    await supervisor.post("acdagent", "logoff");
  });

  it("CallCenterPilot: a monitored pilot reports its calls created, queued and removed", async () => {
    const admin = await sb.loginAdmin();
    const agent = await sb.loginUser("10004");
    const caller = await sb.loginUser("10033");
    const ep = await admin.subscribe([{ names: ["pilot"] }]);
    expect((await admin.post("acdpilotmonitoring", "7001")).status).toBe(204);
    await agent.post("acdagent", "logon", { proAcdDeviceNumber: "10004", pgGroupNumber: "7501" });
    const made = await caller.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10033",
      callee: "7001",
    });
    const created = await ep.next((e) => e.eventName === "OnPilotCallCreated");
    expect(created).toMatchObject({ pilot: "7001", caller: "10033", cause: "ACD_ENTER_DISTRIBUTION" });
    expect(await ep.next((e) => e.eventName === "OnPilotCallQueued")).toMatchObject({
      pilot: "7001",
      queue: "7001",
      callRef: created.callRef,
      numberOfQueued: 1,
    });
    await agent.post("acdagent", "ready");
    expect(await ep.next((e) => e.eventName === "OnPilotCallRemoved")).toMatchObject({
      pilot: "7001",
      callRef: created.callRef,
      newDestination: "10004",
      cause: "DISTRIBUTED",
    });
    await caller.del("telephony", `calls/${made.body.callRef}`);
    expect((await admin.del("acdpilotmonitoring", "7001")).status).toBe(204);
    const again = await admin.send("DELETE", admin.url("acdpilotmonitoring", "7001"));
    expect(again.status).toBe(404);
    expect((await admin.send("POST", admin.url("acdpilotmonitoring", "7999"))).status).toBe(404);
    await agent.post("acdagent", "logoff");
  });
});

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
