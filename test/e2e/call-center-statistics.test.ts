/**
 * CallCenterStatistics end to end: requesters and contexts in the store, the day's report of the
 * calls this test makes (checked number by number), the seeded history's days (pinned to a fixed
 * instant, so nothing depends on the wall clock), a CSV and an XLSX file built in the background
 * with OnAcdStatsProgress events and downloaded, a scheduled report, and bad input per route.
 *
 * The sandbox: 100 users, a fifth of them operators: 10000..10009 in group 7501 (pilot 7001).
 * The tickets travel over the node's SSH link (ccdfiles / ccddump).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { O2gClient, O2gEvent } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

/** The history ends at the start of this day (UTC): 2026-01-12..14 hold 40 calls each. */
const PINNED = Date.UTC(2026, 0, 15, 12);
const PER_DAY = 40;

let sb: Sandbox;
let admin: O2gClient;
beforeAll(async () => {
  sb = await startSandbox({
    users: 100,
    agents: 0.2,
    ccdWrapUpMs: 300,
    ccdStats: { historyDays: 3, callsPerDay: PER_DAY, now: PINNED },
  });
  admin = await sb.loginAdmin();
}, 60_000);
afterAll(async () => {
  await sb?.stop();
});

const S = "acd statistics";
const send = (c: O2gClient, method: "GET" | "POST" | "PUT" | "DELETE", p: string, body?: unknown) =>
  c.send<Record<string, unknown>>(method, `${c.url(S)}/${p}`, body);

type Row = Record<string, string | number | undefined>;
interface Stats {
  supervisor: string;
  agentsStats?: { timeSlot: string; rows: (Row & { pilotAgentStatsRows?: Row[] })[] }[];
  pilotsStats?: { timeSlot: string; rows: Row[] }[];
}
const sum = (stats: { rows: Row[] }[] | undefined, number: string, field: string, key = "pilotNumber") =>
  (stats ?? []).reduce((s, slot) => s + Number(slot.rows.find((r) => r[key] === number)?.[field] ?? 0), 0);

async function download(url: string): Promise<Buffer> {
  const res = await request(url.startsWith("/") ? `${sb.gateway.url}${url}` : url, {
    headers: { cookie: admin.cookieHeader },
    dispatcher: sb.dispatcher,
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers["content-type"]).toBe("application/zip");
  return Buffer.from(await res.body.arrayBuffer());
}

/** The first entry of a zip, read by unzip(1): a decoder that is not ours. */
function unzipFirst(zip: Buffer): { name: string; data: Buffer } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ccstats-"));
  try {
    const file = path.join(dir, "r.zip");
    writeFileSync(file, zip);
    const name = execFileSync("unzip", ["-Z1", file]).toString().trim().split("\n")[0]!;
    return { name, data: execFileSync("unzip", ["-p", file, name]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("CallCenterStatistics", () => {
  it("is listed for administrators only", async () => {
    expect(admin.url(S)).toMatch(/\/acdstatistics$/);
    const user = await sb.loginUser("10050");
    expect(() => user.url(S)).toThrow();
    const res = await user.send("GET", `${sb.gateway.url}/api/rest/1.0/acdstatistics/scope/x`);
    expect(res.status).toBe(403);
  });

  it("creates, reads and deletes requesters and contexts; refuses bad input", async () => {
    const sup = { identifier: "sup1", language: "EN", timezone: "Europe/Paris" };
    const agents = [{ number: "10004" }, { number: "10005" }];
    expect((await send(admin, "POST", "scope", { supervisor: sup, agents })).status).toBe(204);
    expect((await send(admin, "POST", "scope", { supervisor: sup, agents })).status).toBe(409);
    expect((await send(admin, "GET", "scope/sup1")).body).toEqual(sup);
    expect((await send(admin, "GET", "scope/nobody")).status).toBe(404);
    // bad requesters
    for (const body of [
      { supervisor: { ...sup, identifier: "x", timezone: "Mars/Olympus" }, agents },
      { supervisor: { ...sup, identifier: "x", language: "IT" }, agents },
      { supervisor: { ...sup, identifier: "x" }, agents: [] },
      { supervisor: { ...sup, identifier: "x" }, agents: [{ number: "12a" }] },
      { supervisor: { language: "EN", timezone: "UTC" }, agents },
    ]) {
      const r = await send(admin, "POST", "scope", body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }

    const filter = { agentFilter: { numbers: ["10004"], agentAttributes: ["nbAcdServedCalls"] } };
    const created = await send(admin, "POST", "scope/sup1/ctx", { label: "l", description: "d", filter });
    expect(created.status).toBe(200);
    const ctxId = String(created.body.id);
    expect((await send(admin, "GET", `scope/sup1/ctx/${ctxId}`)).body).toEqual({
      ctxId,
      supervisorId: "sup1",
      label: "l",
      description: "d",
      isScheduled: false,
      shortHeader: false,
      filter,
    });
    // change (ours), list, bad filters
    expect((await send(admin, "PUT", `scope/sup1/ctx/${ctxId}`, { label: "l2" })).status).toBe(204);
    const list = await send(admin, "GET", "scope/sup1/ctx");
    expect((list.body.contexts as { label: string }[]).map((c) => c.label)).toEqual(["l2"]);
    for (const bad of [
      {},
      { agentFilter: { numbers: ["10099"] } },
      { agentFilter: { agentAttributes: ["noSuchAttribute"] } },
      { pilotFilter: { attributes: ["nbCallsOpen"], numbers: ["x"] } },
      { pilotAbandonedCallFilter: {} },
    ]) {
      expect((await send(admin, "POST", "scope/sup1/ctx", { filter: bad })).status, JSON.stringify(bad)).toBe(
        400,
      );
    }
    expect((await send(admin, "POST", "scope/sup1/ctx", { label: "no filter" })).status).toBe(400);
    expect((await send(admin, "POST", "scope/nobody/ctx", { filter })).status).toBe(404);
    expect((await send(admin, "PUT", `scope/sup1/ctx/${ctxId}`, { filter: {} })).status).toBe(400);
    expect((await send(admin, "GET", "scope/sup1/ctx/nope")).status).toBe(404);
    expect((await send(admin, "DELETE", `scope/sup1/ctx/${ctxId}`)).status).toBe(204);
    expect((await send(admin, "DELETE", `scope/sup1/ctx/${ctxId}`)).status).toBe(404);
    expect((await send(admin, "DELETE", "scope/sup1")).status).toBe(204);
    expect((await send(admin, "GET", "scope/sup1")).status).toBe(404);
    expect((await send(admin, "DELETE", "scope/sup1")).status).toBe(404);
  });

  it("reports the seeded history by day, its numbers adding up", async () => {
    const sup = { identifier: "hist", language: "EN", timezone: "UTC" };
    await send(admin, "POST", "scope", {
      supervisor: sup,
      // the operators of both groups (7501: 10000..10009, 7502: 10010..10019)
      agents: Array.from({ length: 20 }, (_, i) => ({ number: String(10000 + i) })),
    });
    const ctx = await send(admin, "POST", "scope/hist/ctx", {
      filter: { pilotFilter: { numbers: [] }, agentFilter: { pilotAttributes: ["ALL"] } },
    });
    const id = String(ctx.body.id);
    const r = await admin.get<Stats>(S, `scope/hist/ctx/${id}/days/data`, {
      begindate: "2026-01-12 00:00",
      enddate: "2026-01-14 00:00",
      format: "json",
    });
    expect(r.body.pilotsStats!.map((s) => s.timeSlot)).toEqual([
      "2026-01-12T00:00:00+00:00",
      "2026-01-13T00:00:00+00:00",
      "2026-01-14T00:00:00+00:00",
    ]);
    for (const day of r.body.pilotsStats!) {
      const rows = day.rows;
      const total = rows.reduce((s, x) => s + Number(x.dnbTotReceivedCalls), 0);
      expect(total).toBe(PER_DAY);
      for (const x of rows) {
        const parts =
          Number(x.nbCallsServedByAgent) +
          Number(x.nbAbandons) +
          Number(x.nbCallsBlocked) +
          Number(x.nbOverflowInQueue);
        expect(parts).toBe(Number(x.dnbTotReceivedCalls));
        expect(Number(x.nbCallsOpen)).toBe(Number(x.dnbTotReceivedCalls) - Number(x.nbCallsBlocked));
      }
    }
    // What the agents served is what the pilots say they served.
    const served = (d: number) =>
      r.body.pilotsStats![d]!.rows.reduce((s, x) => s + Number(x.nbCallsServedByAgent), 0);
    const byAgents = (d: number) =>
      r.body.agentsStats![d]!.rows.reduce((s, x) => s + Number(x.nbAcdServedCalls), 0);
    for (const d of [0, 1, 2]) expect(byAgents(d)).toBe(served(d));
    // The same range again gives the same figures (closed files, read once and kept).
    const again = await admin.get<Stats>(S, `scope/hist/ctx/${id}/days/data`, {
      begindate: "2026-01-12 00:00",
      enddate: "2026-01-14 00:00",
    });
    expect(again.body).toEqual(r.body);
    // bad ranges
    const bad = (q: Record<string, string>) =>
      admin.send("GET", admin.url(S, `scope/hist/ctx/${id}/days/data`, q));
    expect((await bad({ begindate: "2026-01-14 00:00", enddate: "2026-01-12 10:00" })).status).toBe(400);
    expect((await bad({ begindate: "2026-13-01 00:00", enddate: "2026-01-12 00:00" })).status).toBe(400);
    expect((await bad({ begindate: "2025-01-01 00:00", enddate: "2026-01-12 00:00" })).status).toBe(400);
    expect((await bad({ begindate: "2026-01-12 00:00" })).status).toBe(400);
    expect(
      (await bad({ begindate: "2026-01-12 00:00", enddate: "2026-01-13 00:00", format: "pdf" })).status,
    ).toBe(400);
    expect(
      (await bad({ begindate: "2026-01-12 00:00", enddate: "2026-01-13 00:00", format: "csv" })).status,
    ).toBe(400);
  });

  it("reports today's calls of this test number by number, and builds CSV and XLSX files", async () => {
    await send(admin, "POST", "scope", {
      supervisor: { identifier: "today", language: "EN", timezone: "UTC" },
      agents: [{ number: "10004" }],
    });
    const ctx = await send(admin, "POST", "scope/today/ctx", {
      filter: {
        pilotFilter: { numbers: ["7001"], attributes: ["ALL"] },
        agentFilter: { agentAttributes: ["ALL"], pilotAttributes: ["ALL"] },
      },
    });
    const id = String(ctx.body.id);
    const agent = await sb.loginUser("10004");
    const caller = await sb.loginUser("10031");
    const states = await agent.subscribe([{ names: ["agent"] }]);
    const tel = await agent.subscribe([{ names: ["telephony"] }]);
    const callerTel = await caller.subscribe([{ names: ["telephony"] }]);
    expect(
      (await agent.post("acdagent", "logon", { proAcdDeviceNumber: "10004", pgGroupNumber: "7501" })).status,
    ).toBe(204);
    // 1: queued while the agent pauses, then abandoned.
    const first = await caller.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10031",
      callee: "7001",
    });
    await callerTel.next((e) => e.eventName === "OnCallCreated");
    expect((await caller.del("telephony", `calls/${first.body.callRef}`)).status).toBe(204);
    await callerTel.next((e) => e.eventName === "OnCallRemoved");
    // 2: answered, then released by the caller; the agent wraps up, then is ready.
    const sub = (s: string) => (e: O2gEvent) =>
      (e.state as { subState?: string } | undefined)?.subState === s;
    await states.next(sub("PAUSE"));
    const second = await caller.post<{ callRef: string }>("telephony", "calls", {
      deviceId: "10031",
      callee: "7001",
    });
    expect((await agent.post("acdagent", "ready")).status).toBe(204);
    await states.next(sub("READY"));
    const ringing = await tel.next((e) => e.eventName === "OnCallCreated");
    expect(
      (await agent.post("telephony", `calls/${String(ringing.callRef)}/answer`, { deviceId: "10004" }))
        .status,
    ).toBe(204);
    await callerTel.next(
      (e) => e.eventName === "OnCallModified" && (e.callData as { state?: string })?.state === "ACTIVE",
    );
    expect((await caller.del("telephony", `calls/${second.body.callRef}`)).status).toBe(204);
    await states.next(sub("WRAPUP"));
    await states.next(sub("READY"));

    // The emulator dates its live tickets from the pinned instant on: the same day at any hour.
    const today = new Date(PINNED).toISOString().slice(0, 10);
    const r = await admin.get<Stats>(S, `scope/today/ctx/${id}/oneday/data`, {
      date: today,
      slotType: "anHour",
    });
    expect(r.body.supervisor).toBe("today");
    expect(r.body.pilotsStats).toHaveLength(24);
    const p = (f: string) => sum(r.body.pilotsStats, "7001", f);
    expect(p("dnbTotReceivedCalls")).toBe(2);
    expect(p("nbCallsServedByAgent")).toBe(1);
    expect(p("nbAbandons")).toBe(1);
    expect(p("nbAbandonsOnRinging")).toBe(0);
    expect(p("nbCallsBlocked")).toBe(0);
    const a = (f: string) => sum(r.body.agentsStats, "10004", f, "number");
    expect(a("nbRingAcd")).toBe(1);
    expect(a("nbAcdServedCalls")).toBe(1);
    expect(a("nbOnWrapup")).toBe(1);
    expect(a("nbTotNonServedCalls")).toBe(0);
    const slot = r.body.agentsStats!.find((s) => s.rows[0]?.nbRingAcd === 1)!;
    expect(slot.rows[0]!.login).toBe("oxe10004");
    expect(slot.rows[0]!.pilotAgentStatsRows).toMatchObject([
      { pilotNumber: "7001", nbCallsReceived: 1, nbCallsServed: 1, nbCallsInWrapup: 1 },
    ]);
    // Bad day queries.
    const q = (x: Record<string, string>) =>
      admin.send("GET", admin.url(S, `scope/today/ctx/${id}/oneday/data`, x));
    expect((await q({ date: "2026-02-30" })).status).toBe(400);
    expect((await q({ date: today, slotType: "aMinute" })).status).toBe(400);
    expect((await q({ date: today, format: "xls" })).status).toBe(400);
    expect((await q({ date: today, async: "maybe" })).status).toBe(400);
    expect(
      (await admin.send("GET", admin.url(S, "scope/today/ctx/nope/oneday/data", { date: today }))).status,
    ).toBe(404);

    // The CSV file, built in the background, its steps as events.
    const ev = await admin.subscribe([{ names: ["acdstats"] }]);
    const started = await admin.send(
      "GET",
      admin.url(S, `scope/today/ctx/${id}/oneday/data`, {
        date: today,
        slotType: "anHour",
        format: "csv",
        async: "true",
      }),
    );
    expect(started.status).toBe(202);
    const collect = await ev.next((e) => e.eventName === "OnAcdStatsProgress" && e.step === "COLLECT");
    expect(collect).toMatchObject({ supervisor: "today", nbTotObjects: 1, nbProcessedObjects: 1 });
    await ev.next((e) => e.step === "PROCESSED");
    const done = await ev.next((e) => e.step === "FORMATED");
    const csv = unzipFirst(await download(String(done.fullResPath)));
    expect(csv.name).toBe(`stats_today_${today.replaceAll("-", "")}.csv`);
    const lines = csv.data.toString("utf8").split("\r\n");
    const start = lines.indexOf("# Pilots") + 1;
    const header = lines[start]!.split(",");
    const section = lines.slice(start + 1, lines.indexOf("", start)).map((l) => l.split(","));
    expect(section).toHaveLength(24); // one line per hour
    const col = header.indexOf("dnbTotReceivedCalls");
    const pilotCol = header.indexOf("pilotNumber");
    expect(section.every((l) => l[pilotCol] === "7001")).toBe(true);
    expect(section.reduce((s, l) => s + Number(l[col]), 0)).toBe(2);

    // The workbook, read back by exceljs.
    await admin.send(
      "GET",
      admin.url(S, `scope/today/ctx/${id}/oneday/data`, { date: today, format: "xls", async: "true" }),
    );
    const xdone = await ev.next((e) => e.step === "FORMATED");
    const xlsx = unzipFirst(await download(String(xdone.fullResPath)));
    expect(xlsx.name.endsWith(".xlsx")).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.data as unknown as ArrayBuffer);
    const pilots = wb.getWorksheet("Pilots")!;
    const names = (pilots.getRow(1).values as unknown[]).slice(1);
    const received = names.indexOf("dnbTotReceivedCalls") + 1;
    let total = 0;
    pilots.eachRow((row, i) => {
      if (i > 1) total += Number(row.getCell(received).value ?? 0);
    });
    expect(total).toBe(2);
    expect(wb.getWorksheet("Agents")).toBeDefined();
    expect(wb.getWorksheet("Agents by pilot")).toBeDefined();

    // Nothing to cancel now; a file that does not exist.
    expect((await send(admin, "DELETE", "scope/today/data/request")).status).toBe(404);
    expect((await admin.send("GET", `${admin.url(S)}/files/none`)).status).toBe(404);
    await agent.post("acdagent", "logoff");
  }, 60_000);

  it("runs a scheduled report, keeps its file, and checks schedules' input", async () => {
    await send(admin, "POST", "scope", {
      supervisor: { identifier: "sched", language: "FR", timezone: "Europe/Paris" },
      agents: [{ number: "10004" }],
    });
    const ctx = await send(admin, "POST", "scope/sched/ctx", { filter: { pilotFilter: {} } });
    const base = `scope/sched/ctx/${String(ctx.body.id)}/schedule`;
    const ev = await admin.subscribe([{ names: ["acdstats"] }]);
    const body = {
      name: "once",
      description: "the last 3 days",
      obsPeriod: { periodType: "lastDays", lastNb: 3 },
      frequency: { periodicity: "once" },
      recipients: ["boss@example.com"],
      fileType: "csv",
    };
    expect((await send(admin, "POST", base, body)).body).toEqual({ id: "once" });
    expect((await send(admin, "POST", base, body)).status).toBe(409);
    await ev.next((e) => e.step === "FORMATED" && e.supervisor === "sched", 15_000);
    // FORMATED comes once the schedule's state is stored
    const s = await send(admin, "GET", `${base}/once`);
    expect(s.body).toMatchObject({ name: "once", state: "Executed", enable: true, fileType: "csv" });
    const file = unzipFirst(await download(`${admin.url(S)}/${(s.body.files as string[])[0]!}`));
    expect(file.name).toMatch(/^once_\d{4}-\d{2}-\d{2}\.csv$/);
    expect(file.data.toString("utf8")).toContain("# Pilots");
    // the context says it is scheduled
    expect((await send(admin, "GET", `scope/sched/ctx/${String(ctx.body.id)}`)).body.isScheduled).toBe(true);

    // A weekly one: changed, disabled, listed, deleted.
    const weekly = { ...body, name: "weekly", frequency: { periodicity: "weekly", daysInWeek: ["monday"] } };
    expect((await send(admin, "POST", base, weekly)).status).toBe(200);
    expect((await send(admin, "PUT", `${base}/weekly`, { ...weekly, fileType: "xls" })).status).toBe(204);
    expect(
      (await admin.send("POST", admin.url(S, `${base}/weekly/enable`, { enable: "false" }))).status,
    ).toBe(204);
    const all = await send(admin, "GET", base);
    expect(
      (all.body.schedules as { name: string; enable: boolean; fileType: string }[]).map((x) => [
        x.name,
        x.enable,
        x.fileType,
      ]),
    ).toEqual([
      ["once", true, "csv"],
      ["weekly", false, "xls"],
    ]);
    expect((await send(admin, "DELETE", `${base}/weekly`)).status).toBe(204);
    expect((await send(admin, "DELETE", `${base}/weekly`)).status).toBe(404);
    expect((await send(admin, "GET", `${base}/weekly`)).status).toBe(404);
    // bad schedules
    for (const bad of [
      { ...body, name: "b1", frequency: { periodicity: "weekly" } },
      { ...body, name: "b2", frequency: { periodicity: "monthly" } },
      { ...body, name: "b3", recipients: [] },
      { ...body, name: "b4", recipients: ["not-a-mail"] },
      { ...body, name: "b5", fileType: "pdf" },
      { ...body, name: "b6", obsPeriod: { periodType: "lastDays" } },
      { ...body, name: "b7", obsPeriod: { periodType: "fromDateToDate", beginDate: "x" } },
      { ...body, name: "b8", frequency: { periodicity: "yearly" } },
    ]) {
      expect((await send(admin, "POST", base, bad)).status, bad.name).toBe(400);
    }
    expect((await send(admin, "PUT", `${base}/once`, { ...body, name: "other" })).status).toBe(400);
    expect(
      (await admin.send("POST", admin.url(S, `${base}/once/enable`, { enable: "perhaps" }))).status,
    ).toBe(400);
    expect((await send(admin, "POST", "scope/sched/ctx/nope/schedule", body)).status).toBe(404);
  }, 60_000);
});
