/**
 * CallCenterRealtime end to end, as the SDK's ccRealtime-rest.ts drives it, against the emulated
 * CCD whose real-time indicators the gateway reads over CMIP: the objects, the session's context,
 * then a wallboard following a pilot, its queue, its group and an agent while a call waits, is
 * answered and ends, each event checked for its values. A second administrator's context is its
 * own; users are refused; bad input gets O2G's statuses.
 *
 * The sandbox: 50 users, a fifth of them operators: 10000..10009 in processing group 7501
 * (10000 its supervisor), whose pilot is 7001.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { O2gClient, O2gEvent } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
let root: string;
beforeAll(async () => {
  sb = await startSandbox({ users: 50, agents: 0.2, ccdWrapUpMs: 300 });
  root = `${sb.gateway.url}/api/rest/1.0/acdrealtime`;
});
afterAll(async () => {
  await sb?.stop();
});

/** A notification period (5 s, the least) and some room for the round that follows a change. */
const ROUND_MS = 9000;

const rti =
  (name: string, number: string, more: (e: O2gEvent) => boolean = () => true) =>
  (e: O2gEvent) =>
    e.eventName === name && e.number === number && more(e);

const send = (c: O2gClient, method: string, path: string, body?: unknown) =>
  c.send<{ httpStatus?: string; code?: number; helpMessage?: string }>(method, `${root}${path}`, body);

describe("CallCenterRealtime", () => {
  it("is listed for administrators only; a user is refused every call", async () => {
    const admin = await sb.loginAdmin();
    expect(admin.session.services.map((s) => s.serviceName)).toContain("AcdRealtime");
    const user = await sb.loginUser("10001");
    expect(user.session.services.map((s) => s.serviceName)).not.toContain("AcdRealtime");
    // Nor may a user subscribe to the rti events.
    await expect(user.subscribe([{ names: ["rti"] }])).rejects.toThrow(/-> 403 /);
    for (const [method, path, body] of [
      ["GET", "", undefined],
      ["GET", "/agents", undefined],
      ["GET", "/pilots", undefined],
      ["GET", "/queues", undefined],
      ["GET", "/pgAgents", undefined],
      ["GET", "/pgOthers", undefined],
      ["GET", "/ctx", undefined],
      ["POST", "/ctx", { notifFrequency: 5 }],
      ["DELETE", "/ctx", undefined],
      ["POST", "/snapshot", undefined],
    ] as const) {
      const r = await send(user, method, path, body);
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body).toMatchObject({ httpStatus: "FORBIDDEN", code: 403 });
    }
  });

  it("lists the objects that have indicators, read from the OXE", async () => {
    const admin = await sb.loginAdmin();
    const all =
      await admin.get<Record<string, { number: string; name: string; firstName?: string }[]>>("acdrealtime");
    expect(all.body.agents?.map((a) => a.number)).toEqual(
      Array.from({ length: 10 }, (_, i) => String(10000 + i)),
    );
    const user10001 = sb.gateway.core.directory.users.get("oxe10001");
    expect(all.body.agents?.find((a) => a.number === "10001")).toEqual({
      number: "10001",
      name: user10001?.lastName,
      firstName: user10001?.firstName,
    });
    expect(all.body.pilots).toEqual(expect.arrayContaining([expect.objectContaining({ number: "7001" })]));
    expect(all.body.queues).toEqual(expect.arrayContaining([expect.objectContaining({ number: "7501" })]));
    expect(all.body.pgAgents).toEqual(expect.arrayContaining([expect.objectContaining({ number: "7501" })]));
    // The emulated CCD has no forward or guide groups.
    expect(all.body.pgOthers).toEqual([]);
    const pilots = await admin.get<Record<string, unknown>>("acdrealtime", "pilots");
    expect(Object.keys(pilots.body)).toEqual(["pilots"]);
    expect(pilots.body.pilots).toEqual(all.body.pilots);
    const agents = await admin.get<Record<string, unknown>>("acdrealtime", "agents");
    expect(agents.body).toEqual({ agents: all.body.agents });
  });

  it("keeps one context per session; refuses bad contexts with a 400 naming the field", async () => {
    const admin = await sb.loginAdmin();
    expect((await send(admin, "GET", "/ctx")).status).toBe(404);
    expect((await send(admin, "DELETE", "/ctx")).status).toBe(404);
    // Nothing to start yet.
    expect((await send(admin, "POST", "/snapshot")).status).toBe(409);
    const bad: [unknown, string][] = [
      [{ notifFrequency: 2 }, "notifFrequency"],
      [{ notifFrequency: "5" }, "notifFrequency"],
      [{ obsPeriod: 5 }, "obsPeriod"],
      [{ obsPeriod: 61 }, "obsPeriod"],
      [{ filter: { agentFilter: { attributes: ["Bogus"] } } }, "attributes"],
      [{ filter: { pilotFilter: { numbers: ["70a1"] } } }, "numbers"],
      [{ filter: { pilotFilter: { numbers: "7001" } } }, "numbers"],
      [{ filter: { queueFilter: { attributes: ["PhoneState"] } } }, "attributes"],
      [{ filter: { nodeFilter: {} } }, "filter"],
    ];
    for (const [body, field] of bad) {
      const r = await send(admin, "POST", "/ctx", body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.helpMessage, JSON.stringify(body)).toContain(field);
    }
    expect((await send(admin, "GET", "/ctx")).status).toBe(404);

    const ctx = {
      obsPeriod: 30,
      notifFrequency: 10,
      filter: { pilotFilter: { numbers: ["7001"], attributes: ["NbOfWaitingCalls"] } },
    };
    expect((await send(admin, "POST", "/ctx", ctx)).status).toBe(204);
    expect((await admin.get("acdrealtime", "ctx")).body).toEqual({ active: false, ...ctx });
    // Another administrator's session has none.
    const other = await sb.loginAdmin();
    expect((await send(other, "GET", "/ctx")).status).toBe(404);
    expect((await send(admin, "POST", "/snapshot")).status).toBe(204);
    expect((await admin.get("acdrealtime", "ctx")).body).toMatchObject({ active: true, notifFrequency: 10 });
    expect((await send(admin, "DELETE", "/ctx")).status).toBe(204);
    expect((await send(admin, "GET", "/ctx")).status).toBe(404);
  });

  it("a wallboard follows the pilot, its queue, its group and an agent as a call waits and is answered", async () => {
    const admin = await sb.loginAdmin();
    const ev = await admin.subscribe([{ names: ["rti"] }]);
    const agent = await sb.loginUser("10004");
    const caller = await sb.loginUser("10031");
    // A second administrator follows another agent: its events are its own.
    const other = await sb.loginAdmin();
    const otherEv = await other.subscribe([{ names: ["rti"] }]);
    await other.post("acdrealtime", "ctx", {
      notifFrequency: 5,
      filter: { agentFilter: { numbers: ["10005"], attributes: ["ServiceState"] } },
    });
    await other.post("acdrealtime", "snapshot");
    expect(
      await otherEv.next(
        rti("OnAgentRtiChanged", "10005", (e) => e.serviceState === "LoggedOut"),
        ROUND_MS,
      ),
    ).toMatchObject({ name: expect.any(String), type: "Normal" });

    expect(
      (
        await admin.post("acdrealtime", "ctx", {
          obsPeriod: 15,
          notifFrequency: 5,
          filter: {
            pilotFilter: {
              numbers: ["7001"],
              attributes: ["State", "NbOfWaitingCalls", "NbOfCallsInConversation", "Efficiency"],
            },
            queueFilter: { numbers: ["7501"], attributes: ["NbOfWaitingCalls", "NbOfAgentsInDistribution"] },
            pgAgentFilter: { numbers: ["7501"], attributes: ["NbOfLoggedOnAgents", "NbOfAgentsInACDConv"] },
            agentFilter: {
              numbers: ["10004"],
              attributes: ["ServiceState", "PhoneState", "NbOfServedACDCalls"],
            },
          },
        })
      ).status,
    ).toBe(204);
    expect((await admin.post("acdrealtime", "snapshot")).status).toBe(204);

    // The first round: every selected attribute, as it is now.
    const pilot0 = await ev.next(rti("OnPilotRtiChanged", "7001"), ROUND_MS);
    expect(pilot0).toMatchObject({
      name: expect.any(String),
      state: "Opened",
      nbOfWaitingCalls: 0,
      nbOfCallsInConversation: 0,
      efficiency: expect.any(Number),
    });
    expect(pilot0).not.toHaveProperty("nbOfRunningCalls");
    const agent0 = await ev.next(rti("OnAgentRtiChanged", "10004"), ROUND_MS);
    expect(agent0).toMatchObject({
      serviceState: "LoggedOut",
      phoneState: "LoggedOut",
      nbOfServedACDCalls: 0,
    });
    expect(agent0.serviceStateDate).toEqual(expect.any(String));
    expect(await ev.next(rti("OnQueueRtiChanged", "7501"), ROUND_MS)).toMatchObject({
      type: "Normal",
      nbOfWaitingCalls: 0,
    });
    expect(await ev.next(rti("OnPGAgentRtiChanged", "7501"), ROUND_MS)).toMatchObject({
      type: "Agent",
      nbOfAgentsInACDConv: 0,
    });

    // The agent logs on, paused: its group counts one more logged-on agent.
    expect(
      (await agent.post("acdagent", "logon", { proAcdDeviceNumber: "10004", pgGroupNumber: "7501" })).status,
    ).toBe(204);
    const logged = await ev.next(
      rti("OnAgentRtiChanged", "10004", (e) => e.serviceState === "Assigned"),
      ROUND_MS,
    );
    expect(logged).toMatchObject({ phoneState: "Pause" });
    expect(logged).not.toHaveProperty("nbOfServedACDCalls"); // unchanged: not sent again

    // A call to the pilot waits in the queue.
    const call = await caller.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10031",
      callee: "7001",
    });
    expect(call.status).toBe(200);
    expect(
      await ev.next(
        rti("OnPilotRtiChanged", "7001", (e) => e.nbOfWaitingCalls === 1),
        ROUND_MS,
      ),
    ).not.toHaveProperty("state");
    await ev.next(
      rti("OnQueueRtiChanged", "7501", (e) => e.nbOfWaitingCalls === 1),
      ROUND_MS,
    );

    // Ready: the call is handed to the agent, who answers.
    const tel = await agent.subscribe([{ names: ["telephony"] }]);
    expect((await agent.post("acdagent", "ready")).status).toBe(204);
    const ringing = await tel.next((e) => e.eventName === "OnCallCreated");
    expect(
      (await agent.post("telephony", `calls/${String(ringing.callRef)}/answer`, { deviceId: "10004" }))
        .status,
    ).toBe(204);
    const inConv = await ev.next(
      rti("OnPilotRtiChanged", "7001", (e) => e.nbOfCallsInConversation === 1),
      ROUND_MS,
    );
    expect(inConv).toMatchObject({ nbOfWaitingCalls: 0 });
    await ev.next(
      rti("OnAgentRtiChanged", "10004", (e) => e.phoneState === "AcdConversation"),
      ROUND_MS,
    );
    await ev.next(
      rti("OnPGAgentRtiChanged", "7501", (e) => e.nbOfAgentsInACDConv === 1),
      ROUND_MS,
    );

    // The caller hangs up: one served call for the agent, the pilot answered all it ended.
    expect((await caller.del("telephony", `calls/${call.body.callRef}`)).status).toBe(204);
    expect(
      await ev.next(
        rti("OnAgentRtiChanged", "10004", (e) => e.nbOfServedACDCalls === 1),
        ROUND_MS,
      ),
    ).toMatchObject({ name: agent0.name });
    await ev.next(
      rti("OnPilotRtiChanged", "7001", (e) => e.nbOfCallsInConversation === 0),
      ROUND_MS,
    );

    // The other administrator saw only its own agent; this one never saw 10005.
    expect(ev.pending().some((e) => e.number === "10005")).toBe(false);
    const otherRti = otherEv.pending().filter((e) => e.eventName.endsWith("RtiChanged"));
    expect(otherRti.every((e) => e.eventName === "OnAgentRtiChanged" && e.number === "10005")).toBe(true);

    // Deleting the context stops the events.
    expect((await send(admin, "DELETE", "/ctx")).status).toBe(204);
    expect((await agent.post("acdagent", "logoff")).status).toBe(204);
    await expect(ev.next(rti("OnAgentRtiChanged", "10004"), 6500)).rejects.toThrow();
  }, 90_000);
});
