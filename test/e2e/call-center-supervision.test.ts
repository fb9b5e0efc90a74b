/**
 * CallCenterAgent's supervision, driven as the SDK's ccAgent-rest.ts sends it, against the
 * emulated CCD over real CSTA links (ours: escape private requests, protocols/csta/ccd-private.ts):
 * an agent asks its supervisor for help, withdraws it, the supervisor rejects it; the supervisor
 * listens permanently to an agent; the supervisor intrudes into an agent's call, changes the
 * mode, ends it. Both sides get OnSupervisorHelpRequested / OnSupervisorHelpCancelled. Bad input
 * (wrong operator type, no such request, no call, a mode that cannot start) gets O2G's errors.
 *
 * The sandbox: 50 users, a fifth of them operators: 10000..10009 in processing group 7501
 * (10000 its supervisor), whose pilot is 7001.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { O2gClient, O2gEvent } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ users: 50, agents: 0.2, ccdWrapUpMs: 0 });
});
afterAll(async () => {
  await sb?.stop();
});

/** a call whose refusal is expected: its status and body, no throw */
const send = (
  c: O2gClient,
  method: string,
  path: string,
  body?: unknown,
  query: Record<string, string | undefined> = {},
) => c.send<Record<string, unknown>>(method, c.url("acdagent", path, query), body);

const help =
  (name: "OnSupervisorHelpRequested" | "OnSupervisorHelpCancelled", agentNumber: string) => (e: O2gEvent) =>
    e.eventName === name && e.agentNumber === agentNumber;

describe("CallCenterAgent supervision", () => {
  it("supervisor help: asked, withdrawn by the agent, rejected by the supervisor; both told", async () => {
    const sup = await sb.loginUser("10000");
    const agent = await sb.loginUser("10004");
    const es = await sup.subscribe([{ names: ["agent"] }]);
    const ea = await agent.subscribe([{ names: ["agent"] }]);

    // An agent in no group cannot ask; nor while its supervisor is logged off.
    expect((await send(agent, "POST", "supervisorHelp")).status).toBe(409);
    expect(
      (await agent.post("acdagent", "logon", { proAcdDeviceNumber: "10004", pgGroupNumber: "7501" })).status,
    ).toBe(204);
    const noSup = await send(agent, "POST", "supervisorHelp");
    expect(noSup.status).toBe(409);
    expect(noSup.body).toMatchObject({ httpStatus: "CONFLICT", code: 409 });
    expect(
      (await sup.post("acdagent", "logon", { proAcdDeviceNumber: "10000", pgGroupNumber: "7501" })).status,
    ).toBe(204);

    expect((await send(agent, "POST", "supervisorHelp")).status).toBe(204);
    expect(await es.next(help("OnSupervisorHelpRequested", "10004"))).toMatchObject({
      loginName: "oxe10000",
    });
    expect(await ea.next(help("OnSupervisorHelpRequested", "10004"))).toMatchObject({
      loginName: "oxe10004",
    });
    expect(sb.emulator.ccd!.operator("10004").helpFrom).toBe("10000");
    // asked twice
    expect((await send(agent, "POST", "supervisorHelp")).status).toBe(409);
    // a supervisor asks nobody for help
    const supAsks = await send(sup, "POST", "supervisorHelp");
    expect(supAsks.status).toBe(403);
    expect(supAsks.body).toMatchObject({ httpStatus: "FORBIDDEN", code: 403 });

    // The agent withdraws it (names its supervisor), as cancelSupervisorHelpRequest sends it.
    expect((await send(agent, "DELETE", "supervisorHelp", undefined, { other: "10000" })).status).toBe(204);
    expect(await es.next(help("OnSupervisorHelpCancelled", "10004"))).toMatchObject({
      loginName: "oxe10000",
    });
    await ea.next(help("OnSupervisorHelpCancelled", "10004"));
    expect(sb.emulator.ccd!.operator("10004").helpFrom).toBeUndefined();
    // nothing left to cancel; and `other` is required and numeric
    expect((await send(agent, "DELETE", "supervisorHelp", undefined, { other: "10000" })).status).toBe(409);
    expect((await send(agent, "DELETE", "supervisorHelp")).status).toBe(400);
    expect((await send(agent, "DELETE", "supervisorHelp", undefined, { other: "x" })).status).toBe(400);

    // Asked again, rejected by the supervisor (rejectAgentHelpRequest names the agent).
    expect((await send(agent, "POST", "supervisorHelp")).status).toBe(204);
    await es.next(help("OnSupervisorHelpRequested", "10004"));
    expect((await send(sup, "DELETE", "supervisorHelp", undefined, { other: "10004" })).status).toBe(204);
    await ea.next(help("OnSupervisorHelpCancelled", "10004"));
    await es.next(help("OnSupervisorHelpCancelled", "10004"));

    // An administrator acts for the agent it names.
    const admin = await sb.loginAdmin();
    expect(
      (await admin.post("acdagent", "supervisorHelp", undefined, { loginName: "oxe10004" })).status,
    ).toBe(204);
    await es.next(help("OnSupervisorHelpRequested", "10004"));
    // The agent logging off ends its request.
    expect((await agent.post("acdagent", "logoff")).status).toBe(204);
    await es.next(help("OnSupervisorHelpCancelled", "10004"));
    expect((await sup.post("acdagent", "logoff")).status).toBe(204);
  });

  it("permanent listening: started and stopped by the supervisor, told to both", async () => {
    const sup = await sb.loginUser("10000");
    const agent = await sb.loginUser("10005");
    const nonAgent = await sb.loginUser("10031");
    const es = await sup.subscribe([{ names: ["agent"] }]);
    const ea = await agent.subscribe([{ names: ["agent"] }]);

    // The supervisor must be logged on.
    expect((await send(sup, "POST", "permanentListening", { agentNumber: "10005" })).status).toBe(409);
    await sup.post("acdagent", "logon", { proAcdDeviceNumber: "10000", pgGroupNumber: "7501" });
    // only a supervisor listens; a non-operator is no agent to listen to; the body is checked
    expect((await send(agent, "POST", "permanentListening", { agentNumber: "10004" })).status).toBe(403);
    expect((await send(nonAgent, "POST", "permanentListening", { agentNumber: "10004" })).status).toBe(403);
    const notAgent = await send(sup, "POST", "permanentListening", { agentNumber: "10031" });
    expect(notAgent.status).toBe(400);
    expect(notAgent.body).toMatchObject({ httpStatus: "BAD_REQUEST", code: 400 });
    expect((await send(sup, "POST", "permanentListening", {})).status).toBe(400);

    expect((await send(sup, "POST", "permanentListening", { agentNumber: "10005" })).status).toBe(204);
    expect(await es.next(help("OnSupervisorHelpRequested", "10005"))).toMatchObject({
      loginName: "oxe10000",
    });
    expect(await ea.next(help("OnSupervisorHelpRequested", "10005"))).toMatchObject({
      loginName: "oxe10005",
    });
    expect(sb.emulator.ccd!.operator("10000").listensTo).toBe("10005");
    expect((await send(sup, "POST", "permanentListening", { agentNumber: "10006" })).status).toBe(409);

    expect((await send(sup, "DELETE", "permanentListening")).status).toBe(204);
    await es.next(help("OnSupervisorHelpCancelled", "10005"));
    await ea.next(help("OnSupervisorHelpCancelled", "10005"));
    expect(sb.emulator.ccd!.operator("10000").listensTo).toBeUndefined();
    expect((await send(sup, "DELETE", "permanentListening")).status).toBe(409);
    await sup.post("acdagent", "logoff");
  });

  it("intrusion: the supervisor joins the agent's call, changes the mode, ends it", async () => {
    const sup = await sb.loginUser("10000");
    const agent = await sb.loginUser("10006");
    const caller = await sb.loginUser("10034");
    const ea = await agent.subscribe([{ names: ["telephony"] }]);
    await sup.post("acdagent", "logon", { proAcdDeviceNumber: "10000", pgGroupNumber: "7501" });
    await agent.post("acdagent", "logon", { proAcdDeviceNumber: "10006", pgGroupNumber: "7501" });

    // The agent is in no call yet; STOP cannot start one; a mode outside the SDK's is refused.
    expect((await send(sup, "POST", "intrusion", { agentNumber: "10006", mode: "NORMAL" })).status).toBe(409);
    expect((await send(sup, "POST", "intrusion", { agentNumber: "10006", mode: "STOP" })).status).toBe(400);
    expect((await send(sup, "POST", "intrusion", { agentNumber: "10006", mode: "LOUD" })).status).toBe(400);
    expect((await send(agent, "POST", "intrusion", { agentNumber: "10006", mode: "NORMAL" })).status).toBe(
      403,
    );
    expect((await send(sup, "PUT", "intrusion", { mode: "NORMAL" })).status).toBe(409);

    // A pilot call distributed to the agent, answered.
    await agent.post("acdagent", "ready");
    const made = await caller.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10034",
      callee: "7001",
    });
    expect(made.status).toBe(200);
    const ringing = await ea.next((e) => e.eventName === "OnCallCreated");
    expect(
      (await agent.post("telephony", `calls/${String(ringing.callRef)}/answer`, { deviceId: "10006" }))
        .status,
    ).toBe(204);
    const net = sb.emulator.network;
    await until(() => net.device("10006").connections.some((c) => c.state === "connected"));

    expect((await send(sup, "POST", "intrusion", { agentNumber: "10006", mode: "DISCRETE" })).status).toBe(
      204,
    );
    const call = net.device("10006").connections[0]!.call;
    expect(call.connections.map((c) => c.device.number).sort()).toEqual(["10000", "10006", "10034"]);
    expect(sb.emulator.ccd!.operator("10000").intrusion?.mode).toBe("DISCRETE");
    // intruding twice
    expect((await send(sup, "POST", "intrusion", { agentNumber: "10006", mode: "NORMAL" })).status).toBe(409);

    // Another mode changes it; the current mode ends it (the SDK's changeIntrusionMode).
    expect((await send(sup, "PUT", "intrusion", { mode: "RESTRICTED" })).status).toBe(204);
    expect(sb.emulator.ccd!.operator("10000").intrusion?.mode).toBe("RESTRICTED");
    expect((await send(sup, "PUT", "intrusion", { mode: "RESTRICTED" })).status).toBe(204);
    expect(sb.emulator.ccd!.operator("10000").intrusion).toBeUndefined();
    await until(() => net.device("10000").connections.length === 0);
    expect(call.connections.map((c) => c.device.number).sort()).toEqual(["10006", "10034"]);

    // Again, ended by STOP this time.
    expect((await send(sup, "POST", "intrusion", { agentNumber: "10006", mode: "NORMAL" })).status).toBe(204);
    expect(call.connections).toHaveLength(3);
    expect((await send(sup, "PUT", "intrusion", { mode: "STOP" })).status).toBe(204);
    await until(() => net.device("10000").connections.length === 0);

    await caller.del("telephony", `calls/${made.body.callRef}`);
    await agent.post("acdagent", "logoff");
    await sup.post("acdagent", "logoff");
  });
});

describe("Users: logins?onlyACD", () => {
  const operators = Array.from({ length: 10 }, (_, i) => `oxe${10000 + i}`);

  it("lists the CCD operators read over CMIP, as the SDK's getLogins asks (a bare ?onlyACD)", async () => {
    const admin = await sb.loginAdmin();
    const root = `${sb.gateway.url}/api/rest/1.0`;
    const logins = async (c: O2gClient, query: string) => {
      const res = await c.send<{ loginNames: string[] }>("GET", `${root}/logins${query}`);
      expect(res.status).toBe(200);
      return res.body.loginNames;
    };
    expect(await logins(admin, "?onlyACD")).toEqual(operators);
    expect(await logins(admin, "?onlyACD=true")).toEqual(operators);
    expect(await logins(admin, "?nodeIds=1&onlyACD")).toEqual(operators);
    expect(await logins(admin, "?onlyACD=false")).toHaveLength(50);
    expect(await logins(admin, "")).toHaveLength(50);
    // a user session: itself, if it is an operator
    expect(await logins(await sb.loginUser("10007"), "?onlyACD")).toEqual(["oxe10007"]);
    expect(await logins(await sb.loginUser("10031"), "?onlyACD")).toEqual([]);
    const bad = await admin.send<Record<string, unknown>>("GET", `${root}/logins?onlyACD=perhaps`);
    expect(bad.status).toBe(400);
  });
});

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
