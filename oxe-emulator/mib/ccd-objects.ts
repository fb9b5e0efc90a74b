/**
 * The CCD configuration of a node as managed objects (see ccd/): CCD_Pilot, CCD_Processing_Group
 * and CCD_Operator, all below Node. They read the running CCD itself, so what a manager reads is
 * what the next call sees; a pilot's state and active rule, a group's queue size and wrap-up time
 * can be set (the pilot "closed by command").
 *
 * Ours (the OXE's MIB is not public): the names and ids, and the lists the schema's four value
 * types cannot hold, written as text: a pilot's rules "number:name:group[:skill]" joined by ";",
 * a group's withdraw reasons "index=label" joined by "|", an operator's processing groups joined
 * by "," (the first is its preferred one) and its skills "number:level:active(1|0)" joined by ",".
 * The classes are hidden from the PBX Management model for now: the call-center services read
 * them; CallCenterManagement is where O2G changes pilots (state, calendars).
 */
import {
  CalendarTextError,
  type CmipValue,
  encodeCalendar,
  parseCalendar,
  type SchemaAttribute,
  type SchemaAttributeType,
  type SchemaClass,
} from "../../protocols/cmip/index.js";
import type { Ccd, OperatorConfig, PilotConfig, PilotState, ProcessingGroupConfig } from "../ccd/index.js";
import type { MibObject } from "./objects.js";
import { instanceError, invalidValue } from "./types.js";

const a = (
  id: number,
  name: string,
  type: SchemaAttributeType,
  more: Partial<Omit<SchemaAttribute, "id" | "name" | "type">> = {},
): SchemaAttribute => ({ id, name, type, mandatory: false, readOnly: false, writeOnly: false, ...more });

const PILOT_STATES = ["Open", "Closed", "Blocked"] as const;
const STATE_OF: Record<(typeof PILOT_STATES)[number], PilotState> = {
  Open: "open",
  Closed: "closed",
  Blocked: "blocked",
};

export const CCD_PILOT_CLASS: SchemaClass = {
  id: 20,
  name: "CCD_Pilot",
  parent: "Node",
  namingAttribute: "Pilot_Number",
  attributes: [
    a(1, "Pilot_Number", "string", { readOnly: true, max: 8 }),
    a(2, "Pilot_Name", "string", { readOnly: true, max: 32 }),
    a(3, "Pilot_State", "enum", { values: [...PILOT_STATES] }),
    a(4, "Active_Rule", "integer", { min: 1, max: 99, note: "the number of one of the pilot's rules" }),
    a(5, "Rules", "string", { readOnly: true, note: 'rules "number:name:group[:skill]" joined by ";"' }),
    a(6, "Waiting_Calls", "integer", { readOnly: true }),
    a(7, "Closed_Forward", "string", { max: 16, pattern: "^[0-9]*$", defaultValue: "" }),
    a(8, "Saturation", "boolean", { readOnly: true, note: "its queue is full" }),
    // The calendars (protocols/cmip/ccd-calendar.ts has their text form): the CCD applies their
    // transitions as its clock passes them (ccd/calendar.ts).
    a(9, "Normal_Calendar", "string", {
      max: 2048,
      note: 'per day of the week "monday=HH:MM/rule/mode,..." joined by ";"',
    }),
    a(10, "Exception_Calendar", "string", {
      max: 8192,
      note: 'per date "YYYYMMDD=HH:MM/rule/mode,..." joined by ";"',
    }),
    a(11, "Forwarding", "boolean", {
      readOnly: true,
      note: "closed, it forwards to Closed_Forward (its calendar did not say closed)",
    }),
  ],
  actions: [],
  create: false,
  delete: false,
  hidden: true,
};

export const CCD_PROCESSING_GROUP_CLASS: SchemaClass = {
  id: 21,
  name: "CCD_Processing_Group",
  parent: "Node",
  namingAttribute: "Group_Number",
  attributes: [
    a(1, "Group_Number", "string", { readOnly: true, max: 8 }),
    a(2, "Group_Name", "string", { readOnly: true, max: 32 }),
    a(3, "Queue_Size", "integer", { min: 0, max: 999 }),
    a(4, "Overflow_Pilot", "string", { readOnly: true, max: 8 }),
    a(5, "Wrap_Up_Time", "integer", { min: 0, max: 3600, note: "seconds" }),
    a(6, "Withdraw_Reasons", "string", { readOnly: true, note: 'reasons "index=label" joined by "|"' }),
    a(7, "Ring_Timeout", "integer", {
      min: 0,
      max: 600,
      note: "seconds a distributed call rings an agent before it is queued again (0: no limit)",
    }),
  ],
  actions: [],
  create: false,
  delete: false,
  hidden: true,
};

export const CCD_OPERATOR_CLASS: SchemaClass = {
  id: 22,
  name: "CCD_Operator",
  parent: "Node",
  namingAttribute: "Operator_Number",
  attributes: [
    a(1, "Operator_Number", "string", { readOnly: true, max: 16 }),
    a(2, "Operator_Type", "enum", { readOnly: true, values: ["Agent", "Supervisor"] }),
    a(3, "Pro_ACD_Number", "string", { readOnly: true, max: 16 }),
    a(4, "Processing_Groups", "string", {
      readOnly: true,
      note: 'group numbers joined by ","; the first is preferred',
    }),
    a(5, "Skills", "string", { readOnly: true, note: 'skills "number:level:active(1|0)" joined by ","' }),
    a(6, "Self_Assign", "boolean", { readOnly: true }),
    a(7, "Headset", "boolean", { readOnly: true }),
    a(8, "Help", "boolean", { readOnly: true }),
    a(9, "Multiline", "boolean", { readOnly: true }),
    // Skills activation (O2G's activateSkills / deactivateSkills) as the operator's configuration.
    a(10, "Active_Skills", "string", {
      max: 256,
      pattern: "^([0-9]+(,[0-9]+)*)?$",
      note: 'the numbers of the operator\'s skills that are active, joined by ","',
    }),
  ],
  actions: [],
  create: false,
  delete: false,
  hidden: true,
};

export const CCD_CLASSES: readonly SchemaClass[] = [
  CCD_PILOT_CLASS,
  CCD_PROCESSING_GROUP_CLASS,
  CCD_OPERATOR_CLASS,
];

export class CcdPilotObject implements MibObject {
  readonly cls = CCD_PILOT_CLASS;
  readonly instance: string;
  constructor(
    root: string,
    private readonly ccd: Ccd,
    readonly pilot: PilotConfig,
  ) {
    this.instance = `${root}/CCD_Pilot=${pilot.number}`;
  }

  value(id: number): CmipValue | undefined {
    const p = this.pilot;
    switch (id) {
      case 1:
        return p.number;
      case 2:
        return p.name;
      case 3:
        return PILOT_STATES.find((s) => STATE_OF[s] === p.state)!;
      case 4:
        return p.activeRule;
      case 5:
        return p.rules
          .map((r) => [r.number, r.name, r.pg, ...(r.skill !== undefined ? [r.skill] : [])].join(":"))
          .join(";");
      case 6:
        return this.ccd.pilotInfo(p.number).waiting;
      case 7:
        return p.closedForward ?? "";
      case 8:
        return this.ccd.pilotInfo(p.number).saturation;
      case 9:
        return encodeCalendar(this.ccd.calendar.of(p.number)?.normal ?? new Map());
      case 10:
        return encodeCalendar(this.ccd.calendar.of(p.number)?.exception ?? new Map());
      case 11:
        return p.closedForward !== undefined && p.forwarding !== false;
    }
    return undefined;
  }

  write(id: number, v: CmipValue): void {
    if (id === 9 || id === 10) this.writeCalendar(id, String(v));
    else if (id === 3)
      this.ccd.setPilotState(this.pilot.number, STATE_OF[String(v) as (typeof PILOT_STATES)[number]]);
    else if (id === 4) {
      if (!this.pilot.rules.some((r) => r.number === v))
        throw invalidValue(4, v, `pilot ${this.pilot.number} has no rule ${String(v)}`);
      this.pilot.activeRule = Number(v);
    } else if (id === 7) {
      if (v === "") delete this.pilot.closedForward;
      else this.pilot.closedForward = String(v);
    }
  }

  /** A whole calendar replaced: every transition must name one of the pilot's rules. */
  private writeCalendar(id: 9 | 10, text: string): void {
    const cal = this.ccd.calendar.of(this.pilot.number);
    if (!cal) return;
    let days: ReturnType<typeof parseCalendar>;
    try {
      days = parseCalendar(text, id === 9 ? "days" : "dates");
    } catch (err) {
      if (err instanceof CalendarTextError) throw invalidValue(id, text, err.message);
      throw err;
    }
    for (const [key, list] of days)
      for (const t of list)
        if (!this.pilot.rules.some((r) => r.number === t.ruleNumber))
          throw invalidValue(
            id,
            text,
            `${key} ${t.time}: pilot ${this.pilot.number} has no rule ${t.ruleNumber}`,
          );
    if (id === 9) cal.normal = days;
    else cal.exception = days;
  }
}

export class CcdGroupObject implements MibObject {
  readonly cls = CCD_PROCESSING_GROUP_CLASS;
  readonly instance: string;
  constructor(
    root: string,
    readonly group: ProcessingGroupConfig,
  ) {
    this.instance = `${root}/CCD_Processing_Group=${group.number}`;
  }

  value(id: number): CmipValue | undefined {
    const g = this.group;
    switch (id) {
      case 1:
        return g.number;
      case 2:
        return g.name;
      case 3:
        return g.queueSize;
      case 4:
        return g.overflowPilot ?? "";
      case 5:
        return Math.round(g.wrapUpMs / 1000);
      case 6:
        return g.withdrawReasons.map((r) => `${r.index}=${r.label}`).join("|");
      case 7:
        return Math.round((g.ringTimeoutMs ?? 0) / 1000);
    }
    return undefined;
  }

  write(id: number, v: CmipValue): void {
    if (id === 3) this.group.queueSize = Number(v);
    else if (id === 5) this.group.wrapUpMs = Number(v) * 1000;
    else if (id === 7) this.group.ringTimeoutMs = Number(v) * 1000;
  }
}

export class CcdOperatorObject implements MibObject {
  readonly cls = CCD_OPERATOR_CLASS;
  readonly instance: string;
  constructor(
    root: string,
    private readonly ccd: Ccd,
    readonly operator: OperatorConfig,
  ) {
    this.instance = `${root}/CCD_Operator=${operator.number}`;
  }

  value(id: number): CmipValue | undefined {
    const o = this.operator;
    switch (id) {
      case 1:
        return o.number;
      case 2:
        return o.type === "supervisor" ? "Supervisor" : "Agent";
      case 3:
        return o.proacd;
      case 4:
        return o.groups.join(",");
      case 5:
        return o.skills.map((s) => `${s.number}:${s.level}:${s.active ? 1 : 0}`).join(",");
      case 6:
        return o.selfAssign;
      case 7:
        return o.headset;
      case 8:
        return o.help;
      case 9:
        return o.multiline;
      case 10:
        return o.skills
          .filter((s) => s.active)
          .map((s) => s.number)
          .join(",");
    }
    return undefined;
  }

  write(id: number, v: CmipValue): void {
    if (id !== 10) return;
    const want = new Set(
      String(v)
        .split(",")
        .filter((x) => x !== "")
        .map(Number),
    );
    const own = new Set(this.operator.skills.map((s) => s.number));
    for (const n of want)
      if (!own.has(n)) throw invalidValue(10, v, `operator ${this.operator.number} has no skill ${n}`);
    const number = this.operator.number;
    this.ccd.setSkills(
      number,
      [...own].filter((n) => want.has(n)),
      true,
    );
    this.ccd.setSkills(
      number,
      [...own].filter((n) => !want.has(n)),
      false,
    );
  }
}

/** The object of a CCD class named `id` on node `nodeId` (noSuchObjectInstance if none). */
export function ccdObject(ccd: Ccd, root: string, nodeId: number, cls: SchemaClass, id: string): MibObject {
  const none = () =>
    instanceError(
      "noSuchObjectInstance",
      `${root}/${cls.name}=${id}`,
      `no ${cls.name} ${id} on node ${nodeId}`,
    );
  if (cls === CCD_PILOT_CLASS) {
    const p = ccd.pilots.get(id);
    if (!p || p.nodeId !== nodeId) throw none();
    return new CcdPilotObject(root, ccd, p);
  }
  if (cls === CCD_PROCESSING_GROUP_CLASS) {
    const g = ccd.config.groups.find((x) => x.number === id && x.nodeId === nodeId);
    if (!g) throw none();
    return new CcdGroupObject(root, g);
  }
  const o = ccd.operators.get(id)?.config;
  if (!o || o.nodeId !== nodeId) throw none();
  return new CcdOperatorObject(root, ccd, o);
}

/** Every object of a CCD class on node `nodeId`, in number order. */
export function* ccdObjects(ccd: Ccd, root: string, nodeId: number, cls: SchemaClass): Iterable<MibObject> {
  if (cls === CCD_PILOT_CLASS) {
    for (const p of ccd.config.pilots) if (p.nodeId === nodeId) yield new CcdPilotObject(root, ccd, p);
  } else if (cls === CCD_PROCESSING_GROUP_CLASS) {
    for (const g of ccd.config.groups) if (g.nodeId === nodeId) yield new CcdGroupObject(root, g);
  } else {
    for (const o of ccd.config.operators) if (o.nodeId === nodeId) yield new CcdOperatorObject(root, ccd, o);
  }
}
