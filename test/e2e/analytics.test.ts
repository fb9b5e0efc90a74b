/**
 * Analytics end to end: the gateway reads the emulated node's incidents and charging tickets over
 * SSH and serves them over HTTPS to an administrator, as the SDK asks for them.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { O2gClient } from "../../scenarios/o2g-client/index.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
let admin: O2gClient;
let user: O2gClient;
beforeAll(async () => {
  // A main/standby pair: the last test switches the node over.
  sb = await startSandbox({ redundant: true });
  admin = await sb.loginAdmin();
  user = await sb.loginUser(sb.emulator.directory.subscribers[1]!.directoryNumber);
});
afterAll(async () => {
  await sb?.stop();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(
  f: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  ms = 5000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(v).slice(0, 300)}`);
    await pause(25);
  }
}

interface Charging {
  caller: string;
  called?: string;
  callType?: string;
  startDate?: string;
}
interface ChargingResult {
  chargings: Charging[];
  totalTicketNb: number;
  valuableTicketNb: number;
  nbChargingFiles: number;
  fromDate?: string;
}

const ymd = (d: Date) =>
  `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, "0")}${String(d.getDate()).padStart(2, "0")}`;

describe("the session", () => {
  it("lists Analytics for administrators only", () => {
    expect(admin.services.get("analytics")).toMatch(/\/api\/rest\/1\.0\/analytics$/);
    expect(user.services.has("analytics")).toBe(false);
  });
});

describe("charging", () => {
  it("a call that ends is charged, and the ticket is read back as the SDK asks", async () => {
    const [a, b] = [sb.emulator.directory.subscribers[2]!, sb.emulator.directory.subscribers[3]!];
    const since = new Date().toISOString();
    sb.emulator.phone(a.directoryNumber).dial(b.directoryNumber);
    await pause(30);
    sb.emulator.phone(b.directoryNumber).answer();
    await pause(30);
    sb.emulator.phone(a.directoryNumber).hangUp();

    // An instant as fromDate (our extension): only what happened since, i.e. this call.
    const mine = await eventually(
      () => admin.get<ChargingResult>("analytics", "charging", { nodeId: "1", fromDate: since, all: "true" }),
      (r) => r.body.chargings.length > 0,
      "the ticket of the call",
    );
    expect(mine.body).toMatchObject({ totalTicketNb: 1, valuableTicketNb: 0, nbChargingFiles: 1 });
    expect(mine.body.chargings).toEqual([
      {
        caller: a.directoryNumber,
        name: `${a.firstName} ${a.lastName}`,
        called: b.directoryNumber,
        initialDialledNumber: b.directoryNumber,
        callNumber: 1,
        chargingUnits: 0,
        cost: 0,
        startDate: expect.stringMatching(/^\d{8} \d\d:\d\d:\d\d$/),
        duration: expect.any(Number),
        callType: "LocalNode",
        effectiveCallDuration: expect.any(Number),
        actingExtensionNumberNode: 1,
        internalFacilities: { facilities: ["BasicCall"] },
        externalFacilities: { facilities: [] },
      },
    ]);
    const ticket = mine.body.chargings[0]!;

    // The SDK's own form: today as YYYYMMDD (the node's history of today comes with it).
    const today = ymd(new Date());
    const day = await admin.get<ChargingResult>("analytics", "charging", {
      nodeId: "1",
      fromDate: today,
      toDate: today,
      all: "true",
    });
    expect(day.body.fromDate).toBe(today);
    expect(day.body.chargings).toContainEqual(ticket);
    expect(day.body.totalTicketNb).toBe(day.body.chargings.length);

    // getChargingFiles then getChargingsFromFiles, the other way the SDK reads them.
    const files = await admin.get<{ files: { name: string; date: string; time: string }[] }>(
      "analytics",
      "charging/files",
      { nodeId: "1", fromDate: today, toDate: today },
    );
    const last = files.body.files.at(-1)!;
    expect(last).toEqual({
      name: expect.stringMatching(/^TAXACD_\d{8}_\d\d\.txt$/),
      date: expect.stringMatching(/^\d\d\/\d\d\/\d\d$/),
      // The hour the file covers, in the gateway's zone (HH:30 in a half-hour zone).
      time: expect.stringMatching(/^\d\d:\d\d:00$/),
    });
    const byFile = await admin.get<ChargingResult>("analytics", "charging", {
      nodeId: "1",
      files: files.body.files.map((f) => f.name).join(","),
      all: "true",
    });
    expect(byFile.body.chargings).toContainEqual(ticket);
    expect(byFile.body.fromDate).toBeUndefined();
    expect(byFile.body.nbChargingFiles).toBe(files.body.files.length);

    // Without all: totals per user of what cost something; top N the costliest first.
    const totals = await admin.get<ChargingResult>("analytics", "charging", {
      nodeId: "1",
      fromDate: ymd(new Date(Date.now() - 3 * 86_400_000)),
      toDate: today,
      top: "3",
    });
    expect(totals.body.chargings.length).toBeLessThanOrEqual(3);
    const costs = totals.body.chargings.map((c) => (c as { cost?: number }).cost ?? 0);
    expect(costs).toEqual([...costs].sort((x, y) => y - x));
    expect(totals.body.chargings.every((c) => c.callType === undefined)).toBe(true);
  });
});

describe("incidents", () => {
  it("an incident raised on the node is served at once, shaped as the SDK reads it", async () => {
    const raised = sb.emulator
      .node(1)
      .analytics.incidents.raise({ code: 2018, rack: 0, board: 3, equipment: 7 });
    const r = await eventually(
      () =>
        admin.get<{ incidents: { type: string; value: string }[] }>("analytics", "incidents", {
          nodeId: "1",
          last: "1",
        }),
      (x) => x.body.incidents[0]?.value === "2018" && x.body.incidents[0]?.type === raised.text,
      "the incident",
      2000,
    );
    const d = new Date(Math.floor(raised.date / 1000) * 1000);
    const p2 = (n: number) => String(n).padStart(2, "0");
    expect(r.body.incidents).toEqual([
      {
        date: `${p2(d.getDate())}/${p2(d.getMonth() + 1)}/${p2(d.getFullYear() % 100)}`,
        hour: `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`,
        severity: raised.severity,
        value: "2018",
        type: raised.text,
        nbOccurs: 1,
        node: "1",
        main: true,
        rack: "0",
        board: "3",
        equipment: "7",
      },
    ]);
    const all = await admin.get<{ incidents: unknown[] }>("analytics", "incidents", { nodeId: "1" });
    expect(all.body.incidents.length).toBe(sb.emulator.node(1).analytics.incidents.all().length);
  });
});

describe("bad input and refusals", () => {
  const url = (path: string, q: Record<string, string> = {}) => admin.url("analytics", path, q);

  it("answers each with its status and O2G's error body", async () => {
    const cases: [O2gClient, string, Record<string, string>, number][] = [
      [user, "incidents", { nodeId: "1" }, 403],
      [admin, "incidents", {}, 400],
      [admin, "incidents", { nodeId: "x" }, 400],
      [admin, "incidents", { nodeId: "9" }, 404],
      [admin, "incidents", { nodeId: "1", last: "0" }, 400],
      [admin, "incidents", { nodeId: "1", last: "-3" }, 400],
      [admin, "incidents", { nodeId: "1", last: "many" }, 400],
      [admin, "charging/files", { nodeId: "1", fromDate: "20260231" }, 400],
      [admin, "charging/files", { nodeId: "1", fromDate: "20261125", toDate: "20261120" }, 400],
      [admin, "charging", { nodeId: "1", top: "x" }, 400],
      [admin, "charging", { nodeId: "1", all: "maybe" }, 400],
      [admin, "charging", { nodeId: "1", files: "" }, 400],
      [admin, "charging", { nodeId: "1", files: "../etc/passwd" }, 400],
      [admin, "charging", { nodeId: "1", files: "TAXACD_20000101_00.txt" }, 404],
      [admin, "charging", { nodeId: "1", fromDate: "20000101", toDate: "20991231" }, 400],
      [admin, "nothing-here", { nodeId: "1" }, 404],
    ];
    for (const [who, path, q, status] of cases) {
      const r = await who.send<Record<string, unknown>>("GET", url(path, q));
      expect({ path, q, status: r.status }).toEqual({ path, q, status });
      expect(r.body).toMatchObject({
        code: status,
        httpStatus: expect.any(String),
        helpMessage: expect.any(String),
      });
    }
    const anonymous = await request(url("incidents", { nodeId: "1" }), { dispatcher: sb.dispatcher });
    expect(anonymous.statusCode).toBe(401);
    expect(await anonymous.body.json()).toMatchObject({ code: 401 });
  });

  it("answers 503 canRetry while the node's SSH link is down, and serves again once it is back", async () => {
    const ssh = sb.emulator.node(1).ssh;
    ssh.faults.refuseUntil = Date.now() + 600;
    ssh.dropLinks();
    const down = await eventually(
      () =>
        admin.send<{ code: number; canRetry: boolean }>("GET", url("incidents", { nodeId: "1", last: "1" })),
      (r) => r.status === 503,
      "a 503",
    );
    expect(down.body).toMatchObject({ code: 503, httpStatus: "SERVICE_UNAVAILABLE", canRetry: true });
    const files = await admin.send("GET", url("charging/files", { nodeId: "1" }));
    expect([503, 200]).toContain(files.status);
    await eventually(
      () => admin.send("GET", url("incidents", { nodeId: "1", last: "1" })),
      (r) => r.status === 200,
      "the link back",
      5000,
    );
  });
});

describe("a switchover of the node", () => {
  it("moves the SSH link to the new main, where incidents and charging are read", async () => {
    sb.emulator.switchover(1);
    const raised = sb.emulator.node(1).analytics.incidents.raise({
      code: 7100,
      severity: 3,
      text: "raised after the switchover",
      rack: 1,
      board: 5,
    });
    const r = await eventually(
      () =>
        admin.send<{ incidents: { type: string; value: string }[] }>(
          "GET",
          admin.url("analytics", "incidents", { nodeId: "1", last: "1" }),
        ),
      (x) => x.status === 200 && x.body.incidents[0]?.type === raised.text,
      "the incident read on the new main",
    );
    expect(r.body.incidents[0]).toMatchObject({ value: "7100", rack: "1", board: "5" });
    const files = await admin.get<{ files: unknown[] }>("analytics", "charging/files", { nodeId: "1" });
    expect(files.status).toBe(200);
  });
});
