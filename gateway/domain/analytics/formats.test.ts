/** The node's command formats and O2G's date parameters, without a node. */
import { Value } from "typebox/value";
import { describe, expect, it } from "vitest";
import {
  localDmy,
  localHms,
  localStamp,
  nodeDate,
  parseDateParam,
  rangeOf,
  startOfLocalDay,
} from "./dates.js";
import {
  AnswerReader,
  classify,
  INCIDENT_FIELDS,
  NodeOutputError,
  type NodeTicket,
  parseIncident,
  parseTicket,
  RecordLayout,
  TICKET_FIELDS,
} from "./formats.js";
import type { ChargingSelection } from "./node-analytics.js";
import { chargingResultChunks, incidentJson } from "./report.js";
import { ChargingResultSchema } from "./schema.js";

const INCIDENT_HEADER = "#date|node|cs|severity|incident|occurrences|rack|board|equipment|termination|text";
const TICKET_HEADER =
  "#seq|start|charged|chargedName|caller|called|dialled|callType|duration|effectiveDuration|units|cost|currency|node|trunkGroup|costCenter|internalFacilities|externalFacilities";

describe("record formats", () => {
  it("reads an incident by the header's field names", () => {
    const l = new RecordLayout(INCIDENT_HEADER, INCIDENT_FIELDS);
    const i = parseIncident(l, "2026-11-25T10:12:03Z|1|M|2|2018|1|0|12|||Coupler out of service");
    expect(i).toEqual({
      date: Date.UTC(2026, 10, 25, 10, 12, 3),
      nodeId: 1,
      main: true,
      severity: 2,
      code: 2018,
      occurrences: 1,
      rack: "0",
      board: "12",
      equipment: undefined,
      termination: undefined,
      text: "Coupler out of service",
    });
    // Columns moved and one added: still read by name. A stray | stays in the text.
    const moved = new RecordLayout("#incident|extra|date|node|cs|severity|occurrences|text", INCIDENT_FIELDS);
    const j = parseIncident(moved, "305|x|2026-11-25T10:12:03Z|2|S|3|4|Failed | logins");
    expect(j).toMatchObject({ code: 305, nodeId: 2, main: false, severity: 3, occurrences: 4 });
    expect(j.text).toBe("Failed | logins");
    expect(j.rack).toBeUndefined();
  });

  it("refuses what it cannot read", () => {
    expect(() => new RecordLayout("#date|node", INCIDENT_FIELDS)).toThrow(/lacks cs, severity/);
    const l = new RecordLayout(INCIDENT_HEADER, INCIDENT_FIELDS);
    expect(() => parseIncident(l, "yesterday|1|M|2|2018|1|0|12|||t")).toThrow(NodeOutputError);
    expect(() => parseIncident(l, "2026-11-25T10:12:03Z|1|M|x|2018|1|0|12|||t")).toThrow(/severity/);
    expect(() => parseIncident(l, "2026-11-25T10:12:03Z|1|M")).toThrow(/3 fields/);
  });

  it("reads a ticket, facilities and an empty trunk group", () => {
    const l = new RecordLayout(TICKET_HEADER, TICKET_FIELDS);
    const t = parseTicket(
      l,
      "4711|2026-11-25T10:02:11Z|10042|Jane Doe|10042|0146281234|00146281234|PublicNetworkCall|95|83|2|0.10|EUR|1||12|BasicCall,ARSService|",
    );
    expect(t).toMatchObject({
      seq: 4711,
      charged: "10042",
      cost: 0.1,
      trunkGroup: undefined,
      internalFacilities: ["BasicCall", "ARSService"],
      externalFacilities: [],
    });
  });

  it("classifies lines and checks #END's count", () => {
    expect(classify("#FILE TAXACD_20261125_10.txt")).toEqual({
      kind: "file",
      name: "TAXACD_20261125_10.txt",
    });
    expect(classify("#LIVE")).toEqual({ kind: "live" });
    expect(classify("#END 3")).toEqual({ kind: "end", count: 3 });
    const got: number[] = [];
    const r = new AnswerReader(INCIDENT_FIELDS, parseIncident, (i) => got.push(i.code));
    r.line(INCIDENT_HEADER);
    r.line("2026-11-25T10:12:03Z|1|M|2|2018|1|||||a");
    expect(() => r.line("#END 2")).toThrow(/says 2 records, 1 were sent/);
    expect(r.complete).toBe(false);
    r.line("#END 1");
    expect(r.complete).toBe(true);
    expect(got).toEqual([2018]);
  });
});

describe("date parameters", () => {
  it("reads YYYYMMDD as a local day, and the extensions", () => {
    const d = parseDateParam("20261125")!;
    expect(d.start).toBe(new Date(2026, 10, 25).getTime());
    expect(d.end).toBe(new Date(2026, 10, 26).getTime());
    expect(parseDateParam("2026-11-25")).toEqual(d);
    expect(parseDateParam("2026-11-25T10:12:03.5Z")).toEqual({
      start: Date.UTC(2026, 10, 25, 10, 12, 3, 500),
      end: Date.UTC(2026, 10, 25, 10, 12, 3, 501),
    });
    expect(parseDateParam("2026-11-25T10:12:03+01:00")!.start).toBe(Date.UTC(2026, 10, 25, 9, 12, 3));
    expect(parseDateParam("2026-11-25T10:12")!.end - parseDateParam("2026-11-25T10:12")!.start).toBe(60_000);
    for (const bad of ["20260231", "2026113", "yesterday", "2026-11-25T25:00Z", "", "20261125 "]) {
      expect(parseDateParam(bad), bad).toBeUndefined();
    }
  });

  it("makes a range: today by default, toDate takes in its whole day", () => {
    const now = new Date(2026, 10, 25, 15, 30).getTime();
    expect(rangeOf(undefined, undefined, now)).toEqual({
      from: new Date(2026, 10, 25).getTime(),
      to: new Date(2026, 10, 26).getTime(),
    });
    const from = parseDateParam("20261120");
    const to = parseDateParam("20261122");
    expect(rangeOf(from, to, now)).toEqual({ from: from!.start, to: to!.end });
    expect(rangeOf(from, undefined, now)).toEqual({ from: from!.start, to: now + 1 });
    expect(rangeOf(undefined, to, now)).toEqual({ from: to!.start, to: to!.end });
    expect(startOfLocalDay(now)).toBe(new Date(2026, 10, 25).getTime());
  });

  it("formats local dates as the SDK reads them, and node bounds in UTC seconds", () => {
    const t = new Date(2026, 0, 5, 7, 8, 9).getTime();
    expect(localDmy(t)).toBe("05/01/26");
    expect(localHms(t)).toBe("07:08:09");
    expect(localStamp(t)).toBe("20260105 07:08:09");
    expect(nodeDate(Date.UTC(2026, 0, 5, 7, 8, 9, 999))).toBe("2026-01-05T07:08:09Z");
  });
});

function ticket(over: Partial<NodeTicket>): NodeTicket {
  return {
    seq: 1,
    start: Date.UTC(2026, 10, 25, 10),
    charged: "100",
    chargedName: "Ann A",
    caller: "100",
    called: "200",
    dialled: "200",
    callType: "LocalNode",
    duration: 10,
    effectiveDuration: 8,
    units: 0,
    cost: 0,
    currency: "EUR",
    node: 1,
    trunkGroup: undefined,
    costCenter: "1",
    internalFacilities: ["BasicCall"],
    externalFacilities: [],
    ...over,
  };
}

const parse = (chunks: Iterable<string>) => JSON.parse([...chunks].join(""));

describe("charging results", () => {
  const tickets = [
    ticket({ seq: 1 }),
    ticket({ seq: 2, units: 3, cost: 0.15, callType: "PublicNetworkCall", called: "0146" }),
    ticket({ seq: 3, charged: "101", chargedName: "Bob B", caller: "0611", units: 1, cost: 0.05 }),
    ticket({ seq: 4, units: 10, cost: 0.5 }),
    ticket({ seq: 5, start: Date.UTC(2026, 10, 26), cost: 9 }),
  ];
  const sel: ChargingSelection = {
    files: [{ name: "F", start: 0, end: 1, tickets: 5, open: false }],
    tickets: [tickets],
    range: { from: Date.UTC(2026, 10, 25), to: Date.UTC(2026, 10, 26) },
  };

  it("all: every ticket of the range, in the node's order, with O2G's fields", () => {
    const r = parse(chargingResultChunks(sel, { all: true }, sel.range));
    expect(r.chargings.map((c: { cost: number }) => c.cost)).toEqual([0, 0.15, 0.05, 0.5]);
    expect(r).toMatchObject({ nbChargingFiles: 1, totalTicketNb: 4, valuableTicketNb: 3 });
    expect(r.chargings[0]).toEqual({
      caller: "100",
      name: "Ann A",
      called: "200",
      initialDialledNumber: "200",
      callNumber: 1,
      chargingUnits: 0,
      cost: 0,
      startDate: localStamp(Date.UTC(2026, 10, 25, 10)),
      duration: 10,
      callType: "LocalNode",
      effectiveCallDuration: 8,
      actingExtensionNumberNode: 1,
      internalFacilities: { facilities: ["BasicCall"] },
      externalFacilities: { facilities: [] },
    });
    // The charged user's name is not the caller's when someone else called.
    expect(r.chargings[2].name).toBeUndefined();
  });

  it("top N: the costliest; without all, per user totals of what cost something", () => {
    const top = parse(chargingResultChunks(sel, { all: true, top: 2 }));
    expect(top.chargings.map((c: { cost: number }) => c.cost)).toEqual([0.5, 0.15]);
    expect(top.fromDate).toBeUndefined();
    const users = parse(chargingResultChunks(sel, { all: false }, sel.range));
    expect(users.chargings).toEqual([
      {
        caller: "100",
        name: "Ann A",
        callNumber: 2,
        chargingUnits: 13,
        cost: 0.65,
        duration: 20,
        effectiveCallDuration: 16,
        actingExtensionNumberNode: 1,
      },
      {
        caller: "101",
        name: "Bob B",
        callNumber: 1,
        chargingUnits: 1,
        cost: 0.05,
        duration: 10,
        effectiveCallDuration: 8,
        actingExtensionNumberNode: 1,
      },
    ]);
    expect(parse(chargingResultChunks(sel, { all: false, top: 1 })).chargings).toHaveLength(1);
  });

  // No serializer sees the streamed answer, so nothing else holds it to the schema the route
  // declares: every field must be listed there (Clean drops the unlisted) with its type.
  it.each([
    ["all, by dates", { all: true }, true],
    ["all, top 2, by files", { all: true, top: 2 }, false],
    ["per user totals, by dates", { all: false }, true],
    ["per user totals, top 1, by files", { all: false, top: 1 }, false],
  ])("answers %s as the ChargingResult schema says, field for field", (_what, opts, dated) => {
    const r: unknown = parse(chargingResultChunks(sel, opts, dated ? sel.range : undefined));
    expect([...Value.Errors(ChargingResultSchema, r)]).toEqual([]);
    expect(Value.Clean(ChargingResultSchema, structuredClone(r))).toEqual(r);
  });

  it("writes a big answer in chunks, without one giant string", () => {
    const many = Array.from({ length: 5000 }, (_, i) => ticket({ seq: i, cost: i % 7 }));
    const big: ChargingSelection = { ...sel, tickets: [many], range: { from: 0, to: Date.UTC(2030, 0) } };
    const chunks = [...chargingResultChunks(big, { all: true })];
    expect(chunks.length).toBeGreaterThan(5);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(70 * 1024);
    expect(JSON.parse(chunks.join("")).chargings).toHaveLength(5000);
  });

  it("shapes an incident as the SDK reads it", () => {
    const l = new RecordLayout(INCIDENT_HEADER, INCIDENT_FIELDS);
    const date = Date.UTC(2026, 10, 25, 10, 12, 3);
    const j = incidentJson(parseIncident(l, "2026-11-25T10:12:03Z|1|S|2|2018|3|0|12|4|5|Coupler"));
    expect(j).toEqual({
      date: localDmy(date),
      hour: localHms(date),
      severity: 2,
      value: "2018",
      type: "Coupler",
      nbOccurs: 3,
      node: "1",
      main: false,
      rack: "0",
      board: "12",
      equipment: "4",
      termination: "5",
    });
  });
});
