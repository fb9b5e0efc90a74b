/**
 * CallCenterManagement end to end, driven as the SDK's ccMngt-rest.ts drives it, against the
 * emulated CCD over the CMIP link: the pilots of a node, one pilot (plain and with transfer
 * parameters), the calendars and their transitions (the SDK's index + 1 in the path), opening
 * and closing; a calendar transition crossed by the CCD's clock closes the pilot; an agent who
 * lets a distributed call ring out sends it back to the queue (the pilot monitor sees it queued
 * again). Every route's bad input gets O2G's status and error JSON.
 *
 * The sandbox: 50 users, a fifth of them operators: 10000..10009 in processing group 7501
 * (10000 its supervisor), whose pilot is 7001 (rules 1 "Any agent" and 2). The CCD's clock is
 * manual: the tests set it (2030-01-07 is a Monday).
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { O2gClient } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
let admin: O2gClient;
let root: string;
beforeAll(async () => {
  sb = await startSandbox({ users: 50, agents: 0.2, ccdWrapUpMs: 300, ccdRingTimeoutMs: 1500 });
  admin = await sb.loginAdmin();
  root = `${sb.gateway.url}/api/rest/1.0/acdmanagement`;
});
afterAll(async () => {
  await sb?.stop();
});

const P = "1/pilots/7001";
const send = (method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown) =>
  admin.send<Record<string, unknown>>(method, `${root}/${path}`, body);
const transition = (time: string, mode = "closed", ruleNumber = 1) => ({ time, ruleNumber, mode });

function expectError(r: { status: number; body: unknown }, status: number, text?: RegExp) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body).toMatchObject({ code: status, helpMessage: expect.any(String) });
  if (text) expect((r.body as { helpMessage: string }).helpMessage).toMatch(text);
}

describe("CallCenterManagement", () => {
  it("is listed and allowed for administrators only", async () => {
    expect(admin.session.services.map((s) => s.serviceName)).toContain("AcdManagement");
    const user = await sb.loginUser("10001");
    expect(user.session.services.map((s) => s.serviceName)).not.toContain("AcdManagement");
    for (const [m, p] of [
      ["GET", "1/pilots"],
      ["GET", P],
      ["POST", `${P}/close`],
      ["GET", `${P}/calendar`],
      ["POST", `${P}/calendar/normal/monday`],
    ] as const)
      expectError(await user.send(m, `${root}/${p}`, m === "POST" ? {} : undefined), 403);
    expect(sb.emulator.ccd!.pilot("7001").state).toBe("open");
    // No session at all: 401.
    const anon = await request(`${root}/1/pilots`, { dispatcher: sb.dispatcher });
    expect(anon.statusCode).toBe(401);
    await anon.body.dump();
  });

  it("lists a node's pilots and reads one, plain and for a transfer", async () => {
    const list = await send("GET", "1/pilots");
    expect(list.status).toBe(200);
    const pilot7001 = {
      number: "7001",
      name: "Sales line",
      state: "Opened",
      detailedState: "OPEN",
      saturation: false,
      rules: [
        { ruleNumber: 1, name: "Any agent", active: true },
        { ruleNumber: 2, name: "English agents", active: false },
      ],
      possibleTransfer: true,
      supervisedTransfer: false,
    };
    expect(list.body).toEqual({ pilotList: [pilot7001] });
    expect((await send("GET", P)).body).toEqual(pilot7001);
    const adv = await send("POST", P, { agentNumber: "10001", supervisedTransfer: true });
    expect(adv.status).toBe(200);
    expect(adv.body).toEqual({ ...pilot7001, supervisedTransfer: true });
    // A call profile: every operator of 7501 holds English (1), none holds a skill 9.
    const profile = (skillNumber: number) => ({
      skills: { skills: [{ skillNumber, acrStatus: true, expertEvalLevel: 4 }] },
    });
    expect((await send("POST", P, profile(1))).body).toMatchObject({ possibleTransfer: true });
    expect((await send("POST", P, profile(9))).body).toMatchObject({ possibleTransfer: false });
    expect(
      (await send("POST", P, { skills: { skills: [{ skillNumber: 9, acrStatus: false }] } })).body,
    ).toMatchObject({ possibleTransfer: true });

    expectError(await send("GET", "7/pilots"), 404, /node 7/);
    expectError(await send("GET", "0/pilots"), 400);
    expectError(await send("GET", "x/pilots"), 400);
    expectError(await send("GET", "1/pilots/7999"), 404, /7999/);
    expectError(await send("GET", "1/pilots/70a1"), 400);
    expectError(await send("POST", P, { priorityTransfer: "yes" }), 400);
    expectError(await send("POST", "1/pilots/7999", {}), 404);
  });

  it("reads the calendars the generator gave the pilot", async () => {
    const cal = await send("GET", `${P}/calendar`);
    expect(cal.status).toBe(200);
    const normal = cal.body.normalDays as { calendar: { day: string; list: unknown[] }[] };
    expect(normal.calendar.map((d) => d.day)).toEqual([
      "monday",
      "tuesday",
      "wednesday",
      "thursday",
      "friday",
      "saturday",
    ]);
    expect(normal.calendar[0]).toEqual({
      day: "monday",
      list: [
        { number: 1, transition: transition("08:00", "normal") },
        { number: 2, transition: transition("18:00", "closed") },
      ],
    });
    expect(cal.body.exceptionDays).toEqual({ calendar: [] });
    expect((await send("GET", `${P}/calendar/normal`)).body).toEqual(normal);
    expect((await send("GET", `${P}/calendar/exception`)).body).toEqual({ calendar: [] });
    expectError(await send("GET", "1/pilots/7999/calendar"), 404);
    expectError(await send("GET", "1/pilots/7999/calendar/normal"), 404);
    expectError(await send("GET", "9/pilots/7001/calendar/exception"), 404);
    expectError(await send("GET", "1/pilots/7-1/calendar"), 400);
    expectError(await send("GET", "1/pilots/7001x/calendar/normal"), 400);
    expectError(await send("GET", "100000/pilots/7001/calendar/exception"), 400);
  });

  it("adds, changes and deletes normal transitions, in time order, refusing bad input", async () => {
    const monday = async () =>
      ((await send("GET", `${P}/calendar/normal`)).body.calendar as { day: string; list: unknown[] }[]).find(
        (d) => d.day === "monday",
      )?.list;
    expect(
      (await send("POST", `${P}/calendar/normal/monday`, transition("12:00", "forward", 2))).status,
    ).toBe(204);
    expect(await monday()).toEqual([
      { number: 1, transition: transition("08:00", "normal") },
      { number: 2, transition: transition("12:00", "forward", 2) },
      { number: 3, transition: transition("18:00", "closed") },
    ]);
    // The emulated OXE holds it (its CCD_Pilot's Normal_Calendar), not the gateway.
    expect(sb.emulator.ccd!.calendar.of("7001")!.normal.get("monday")).toHaveLength(3);
    expect((await send("PUT", `${P}/calendar/normal/monday/transitions/2`, transition("19:00"))).status).toBe(
      204,
    );
    expect(await monday()).toEqual([
      { number: 1, transition: transition("08:00", "normal") },
      { number: 2, transition: transition("18:00", "closed") },
      { number: 3, transition: transition("19:00", "closed") },
    ]);
    expect((await send("DELETE", `${P}/calendar/normal/monday/transitions/3`)).status).toBe(204);
    expect(await monday()).toHaveLength(2);

    const add = (day: string, body: unknown) => send("POST", `${P}/calendar/normal/${day}`, body);
    expectError(await add("funday", transition("10:00")), 400);
    expectError(await add("Monday", transition("10:00")), 400);
    expectError(await add("monday", transition("24:00")), 400);
    expectError(await add("monday", transition("9:00")), 400);
    expectError(await add("monday", { time: "10:00", ruleNumber: 1 }), 400);
    expectError(await add("monday", { time: "10:00", ruleNumber: "1", mode: "closed" }), 400);
    expectError(await add("monday", transition("10:00", "open")), 400);
    expectError(await add("monday", transition("10:00", "closed", 7)), 400, /no rule 7/);
    expectError(await add("monday", transition("08:00")), 400, /already has a transition at 08:00/);
    expectError(await send("POST", "1/pilots/7999/calendar/normal/monday", transition("10:00")), 404);
    expectError(await send("PUT", `${P}/calendar/normal/monday/transitions/0`, transition("10:00")), 400);
    expectError(await send("PUT", `${P}/calendar/normal/monday/transitions/x`, transition("10:00")), 400);
    expectError(await send("PUT", `${P}/calendar/normal/monday/transitions/3`, transition("10:00")), 404);
    expectError(await send("PUT", `${P}/calendar/normal/monday/transitions/1`, { time: "10:00" }), 400);
    expectError(await send("DELETE", `${P}/calendar/normal/sunday/transitions/1`), 404, /sunday/);
    expectError(await send("DELETE", `${P}/calendar/normal/someday/transitions/1`), 400);

    // Ten a day at most; edits at once are made one after the other (none lost).
    const times = ["09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"];
    const all = await Promise.all(times.map((t) => add("sunday", transition(t))));
    expect(all.map((r) => r.status)).toEqual(times.map(() => 204));
    expect(sb.emulator.ccd!.calendar.of("7001")!.normal.get("sunday")).toHaveLength(8);
    expect((await add("sunday", transition("17:00"))).status).toBe(204);
    expect((await add("sunday", transition("18:00"))).status).toBe(204);
    expectError(await add("sunday", transition("19:00")), 400, /10 transitions/);
    for (let i = 10; i >= 1; i--)
      expect((await send("DELETE", `${P}/calendar/normal/sunday/transitions/${i}`)).status).toBe(204);
    expect(sb.emulator.ccd!.calendar.of("7001")!.normal.has("sunday")).toBe(false);
  });

  it("adds, changes and deletes exception transitions, refusing bad dates", async () => {
    const E = `${P}/calendar/exception`;
    expect((await send("POST", `${E}/20301225`, transition("00:00"))).status).toBe(204);
    expect((await send("POST", `${E}/20301224`, transition("14:00", "forward"))).status).toBe(204);
    expect((await send("GET", E)).body).toEqual({
      calendar: [
        { date: "20301224", list: [{ number: 1, transition: transition("14:00", "forward") }] },
        { date: "20301225", list: [{ number: 1, transition: transition("00:00") }] },
      ],
    });
    expect((await send("PUT", `${E}/20301225/transitions/1`, transition("06:00", "normal", 2))).status).toBe(
      204,
    );
    expect(
      ((await send("GET", `${P}/calendar`)).body.exceptionDays as { calendar: unknown[] }).calendar,
    ).toContainEqual({
      date: "20301225",
      list: [{ number: 1, transition: transition("06:00", "normal", 2) }],
    });
    expectError(await send("POST", `${E}/20300230`, transition("10:00")), 400, /not a date/);
    expectError(await send("POST", `${E}/2030-12-25`, transition("10:00")), 400);
    expectError(await send("POST", `${E}/203012251`, transition("10:00")), 400);
    expectError(await send("POST", `${E}/20301225`, { time: "10:00", mode: "closed" }), 400);
    expectError(await send("PUT", `${E}/20301226/transitions/1`, transition("10:00")), 404);
    expectError(await send("PUT", `${E}/20301399/transitions/1`, transition("10:00")), 400);
    expectError(await send("DELETE", `${E}/20301225/transitions/2`), 404);
    expectError(await send("DELETE", `${E}/20301225/transitions/100`), 400);
    expect((await send("DELETE", `${E}/20301225/transitions/1`)).status).toBe(204);
    expect((await send("DELETE", `${E}/20301224/transitions/1`)).status).toBe(204);
    expect((await send("GET", E)).body).toEqual({ calendar: [] });
  });

  it("opens and closes a pilot by command, and its calendar closes it as the CCD's clock passes", async () => {
    const ccd = sb.emulator.ccd!;
    expect((await send("POST", `${P}/close`)).status).toBe(204);
    expect(ccd.pilot("7001").state).toBe("closed");
    expect((await send("GET", P)).body).toMatchObject({
      state: "Closed",
      detailedState: "BLOCKED",
      possibleTransfer: false,
    });
    expect((await send("POST", `${P}/open`)).status).toBe(204);
    expect((await send("GET", P)).body).toMatchObject({ state: "Opened", detailedState: "OPEN" });
    expectError(await send("POST", "1/pilots/7999/open"), 404);
    expectError(await send("POST", "3/pilots/7001/close"), 404);
    expectError(await send("POST", "1/pilots/pilot/open"), 400);
    expectError(await send("POST", "-1/pilots/7001/close"), 400);

    // Monday 2030-01-07: an exception closes at 10:00 and opens on rule 2 at 11:00.
    ccd.calendar.setClock(new Date(2030, 0, 7, 9, 59));
    expect((await send("POST", `${P}/calendar/exception/20300107`, transition("10:00"))).status).toBe(204);
    expect(
      (await send("POST", `${P}/calendar/exception/20300107`, transition("11:00", "normal", 2))).status,
    ).toBe(204);
    expect(ccd.pilot("7001").state).toBe("open");
    ccd.calendar.setClock(new Date(2030, 0, 7, 10, 0));
    expect((await send("GET", P)).body).toMatchObject({ state: "Closed", detailedState: "BLOCKED" });
    ccd.calendar.setClock(new Date(2030, 0, 7, 11, 30));
    const reopened = (await send("GET", P)).body as { state: string; rules: { active: boolean }[] };
    expect(reopened.state).toBe("Opened");
    expect(reopened.rules.map((r) => r.active)).toEqual([false, true]);
    for (let i = 2; i >= 1; i--)
      expect((await send("DELETE", `${P}/calendar/exception/20300107/transitions/${i}`)).status).toBe(204);
    ccd.pilot("7001").activeRule = 1;
  });

  it("an agent who lets a distributed call ring out: the call is queued again, the agent paused", async () => {
    const agent = await sb.loginUser("10005");
    const caller = await sb.loginUser("10035");
    const ep = await admin.subscribe([{ names: ["pilot"] }]);
    const ea = await agent.subscribe([{ names: ["agent"] }]);
    expect((await admin.post("acdpilotmonitoring", "7001")).status).toBe(204);
    const sub = (s: string) => (e: { eventName: string; state?: unknown }) =>
      e.eventName === "OnAgentStateChanged" && (e.state as { subState?: string }).subState === s;
    await agent.post("acdagent", "logon", { proAcdDeviceNumber: "10005", pgGroupNumber: "7501" });
    await ea.next(sub("PAUSE"));
    await agent.post("acdagent", "ready");
    await ea.next(sub("READY"));
    const made = await caller.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10035",
      callee: "7001",
    });
    const created = await ep.next((e) => e.eventName === "OnPilotCallCreated");
    await ep.next((e) => e.eventName === "OnPilotCallQueued");
    await ea.next(sub("BUSY"));
    expect(await ep.next((e) => e.eventName === "OnPilotCallRemoved")).toMatchObject({
      pilot: "7001",
      newDestination: "10005",
      cause: "DISTRIBUTED",
    });
    // Not answered within the group's ring timeout (1.5 s): back in the queue, the agent paused.
    expect(await ep.next((e) => e.eventName === "OnPilotCallQueued", 5000)).toMatchObject({
      pilot: "7001",
      callRef: created.callRef,
      numberOfQueued: 1,
    });
    expect(await ea.next(sub("PAUSE"))).toMatchObject({ state: { mainState: "LOG_ON", pgNumber: "7501" } });
    expect(sb.emulator.ccd!.queueLength("7501")).toBe(1);
    await caller.del("telephony", `calls/${made.body.callRef}`);
    await admin.del("acdpilotmonitoring", "7001");
    await agent.post("acdagent", "logoff");
  });
});
