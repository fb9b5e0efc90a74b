import { describe, expect, it } from "vitest";
import {
  CalendarTextError,
  encodeCalendar,
  isCalendarDate,
  parseCalendar,
} from "../../protocols/cmip/index.js";
import { generateDirectory } from "../directory/index.js";
import { NodeMib } from "../mib/index.js";
import { Network } from "../model/index.js";
import { lastCrossed, seedCalendar } from "./calendar.js";
import { Ccd, generateCcd } from "./index.js";

// Local time, as the CCD's clock runs: 2030-01-07 is a Monday.
const at = (y: number, mo: number, d: number, h: number, mi = 0) => new Date(y, mo - 1, d, h, mi);

function setup() {
  const dir = generateDirectory({ users: 40, nodes: 1, seed: 1, firstNumber: 10000 });
  const net = new Network(dir, { ringTimeoutMs: 5000, failedCallClearMs: 500 });
  const ccd = new Ccd(net, generateCcd(dir, { agents: 0.5, seed: 1 }));
  const mib = new NodeMib(1, dir, net);
  const pilot = () =>
    mib.resolve("Node=1/CCD_Pilot=7001") as unknown as {
      value(id: number): unknown;
      write(id: number, v: unknown): void;
    };
  return { net, ccd, pilot };
}

describe("calendar text (CCD_Pilot Normal_Calendar / Exception_Calendar)", () => {
  it("round-trips, in day and time order", () => {
    const text = "tuesday=18:00/1/closed,08:00/2/normal;monday=09:30/1/forward";
    const days = parseCalendar(text, "days");
    expect(encodeCalendar(days)).toBe("monday=09:30/1/forward;tuesday=08:00/2/normal,18:00/1/closed");
    expect(parseCalendar("", "dates").size).toBe(0);
  });

  it("refuses what a calendar cannot hold", () => {
    for (const bad of [
      "funday=08:00/1/normal",
      "monday=8:00/1/normal",
      "monday=24:00/1/normal",
      "monday=08:00/1/open",
      "monday=08:00/x/normal",
      "monday=08:00/1/normal,08:00/1/closed",
      `monday=${Array.from({ length: 11 }, (_, i) => `${String(i + 10)}:00/1/normal`).join(",")}`,
      "monday=08:00/1/normal;monday=09:00/1/closed",
    ])
      expect(() => parseCalendar(bad, "days"), bad).toThrow(CalendarTextError);
    expect(() => parseCalendar("20300230=08:00/1/closed", "dates")).toThrow(CalendarTextError);
    expect(isCalendarDate("20280229")).toBe(true);
    expect(isCalendarDate("20300229")).toBe(false);
  });
});

describe("pilot calendars", () => {
  it("finds the last transition the clock crossed, an exception day replacing its weekday", () => {
    const cal = seedCalendar();
    // Monday 17:59 → 18:01 crosses the closing; Monday 07:00 → 12:00 the opening.
    expect(lastCrossed(cal, at(2030, 1, 7, 17, 59).getTime(), at(2030, 1, 7, 18, 1).getTime())?.mode).toBe(
      "closed",
    );
    expect(lastCrossed(cal, at(2030, 1, 7, 7).getTime(), at(2030, 1, 7, 12).getTime())?.mode).toBe("normal");
    expect(lastCrossed(cal, at(2030, 1, 7, 9).getTime(), at(2030, 1, 7, 17).getTime())).toBeUndefined();
    // Saturday 13:00 to Monday 07:00: Saturday's closing is the last one crossed.
    expect(lastCrossed(cal, at(2030, 1, 5, 11).getTime(), at(2030, 1, 7, 7).getTime())?.time).toBe("12:00");
    cal.exception.set("20300107", [{ time: "10:00", ruleNumber: 2, mode: "forward" }]);
    expect(lastCrossed(cal, at(2030, 1, 7, 7).getTime(), at(2030, 1, 7, 19).getTime())).toEqual({
      time: "10:00",
      ruleNumber: 2,
      mode: "forward",
    });
  });

  it("closes and opens a pilot as the CCD's clock passes its transitions, written over its managed object", () => {
    const { ccd, pilot, net } = setup();
    const p = ccd.pilot("7001");
    expect(pilot().value(9)).toBe(
      "monday=08:00/1/normal,18:00/1/closed;tuesday=08:00/1/normal,18:00/1/closed;" +
        "wednesday=08:00/1/normal,18:00/1/closed;thursday=08:00/1/normal,18:00/1/closed;" +
        "friday=08:00/1/normal,18:00/1/closed;saturday=09:00/1/normal,12:00/1/closed",
    );
    expect(pilot().value(10)).toBe("");
    ccd.calendar.setClock(at(2030, 1, 7, 12));
    expect(p.state).toBe("open");
    ccd.calendar.setClock(at(2030, 1, 7, 18));
    expect(p.state).toBe("closed");
    // Closed, no forward: the caller hears it is closed (the call failed, only the caller in it).
    const refused = net.makeCall("10030", "7001", { autoOriginate: "doNotPrompt" }).call;
    expect(refused.connections.map((c) => c.device.number)).toEqual(["10030"]);
    net.clearCall(refused);
    // Opened by command, it stays open until the next transition.
    ccd.setPilotState("7001", "open");
    ccd.calendar.setClock(at(2030, 1, 7, 23));
    expect(p.state).toBe("open");
    // An exception day: Tuesday 2030-01-08 opens at 10:00 on rule 2 and forwards from 16:00.
    pilot().write(10, "20300108=10:00/2/normal,16:00/1/forward");
    pilot().write(7, "10035");
    ccd.calendar.setClock(at(2030, 1, 8, 9));
    expect(p.state).toBe("open"); // Tuesday's own 08:00 is replaced: nothing crossed
    ccd.setPilotState("7001", "closed");
    ccd.calendar.setClock(at(2030, 1, 8, 10, 30));
    expect([p.state, p.activeRule]).toEqual(["open", 2]);
    ccd.calendar.setClock(at(2030, 1, 8, 16));
    expect([p.state, pilot().value(11)]).toEqual(["closed", true]);
    const forwarded = net.makeCall("10030", "7001", { autoOriginate: "doNotPrompt" }).call;
    expect(forwarded.connections.map((c) => c.device.number)).toContain("10035");
    // Going back in time applies nothing.
    ccd.calendar.setClock(at(2030, 1, 7, 9));
    expect(p.state).toBe("closed");
    expect(() => pilot().write(9, "monday=08:00/7/normal")).toThrow(/no rule 7/);
    expect(() => pilot().write(9, "monday=8h")).toThrow();
    ccd.close();
  });
});
