/**
 * CCD pilots as CallCenterManagement shows and changes them, over the node's CMIP link: the
 * CCD_Pilot objects (state, rules, queue) and their calendars, held by the OXE in the attributes
 * Normal_Calendar and Exception_Calendar (their text form: protocols/cmip/ccd-calendar.ts).
 *
 * A transition is added, changed or deleted by reading the calendar, changing it and writing it
 * back whole (M-SET); `PilotCalendars.edit` runs the edits of one pilot one after the other, so
 * that two requests at once do not lose one another's change. A day's transitions are kept in
 * time order: a transition's index (from 1) is its place in its day.
 *
 * Opening and closing a pilot set its Pilot_State: the OXE keeps it until the pilot's next
 * calendar transition. waitingTime is not given: the emulated CCD keeps no estimate of it.
 * getPilotAdvanced's parameters: supervisedTransfer is answered back, a call profile's mandatory
 * skills are checked against the operators of the active rule's group (CCD_Operator);
 * agentNumber and priorityTransfer change nothing in the answer.
 */
import {
  type CalendarDays,
  type CalendarTransition,
  encodeCalendar,
  MAX_TRANSITIONS_PER_DAY,
  parseCalendar,
  sortTransitions,
} from "../../../protocols/cmip/index.js";
import { invalid, notFound } from "../errors.js";
import { type ConfigurationNode, onNode } from "../pbx/access.js";
import type {
  ExceptionCalendarJson,
  MngtPilotJson,
  NormalCalendarJson,
  TransitionJson,
} from "./management-schema.js";

const CLASS = "CCD_Pilot";
const PILOT_ATTRIBUTES = [
  "Pilot_Number",
  "Pilot_Name",
  "Pilot_State",
  "Active_Rule",
  "Rules",
  "Saturation",
  "Closed_Forward",
  "Forwarding",
];

const instanceOf = (node: ConfigurationNode, pilot: string) => `${node.cmip.root}/${CLASS}=${pilot}`;

function hasCcd(node: ConfigurationNode): boolean {
  return node.cmip.schema.has(CLASS);
}

/** A CCD_Pilot's attributes as the SDK's PilotJson. */
export function pilotJson(a: Record<string, unknown>, supervisedTransfer = false): MngtPilotJson {
  const state = String(a.Pilot_State);
  const saturation = a.Saturation === true;
  const forwarding = Boolean(a.Closed_Forward) && a.Forwarding !== false;
  const active = Number(a.Active_Rule);
  const rules = String(a.Rules ?? "")
    .split(";")
    .filter((r) => r !== "")
    .map((r) => {
      const [n, name] = r.split(":");
      return { ruleNumber: Number(n), ...(name ? { name } : {}), active: Number(n) === active };
    });
  return {
    number: String(a.Pilot_Number),
    ...(a.Pilot_Name ? { name: String(a.Pilot_Name) } : {}),
    state:
      state === "Open"
        ? "Opened"
        : state === "Closed"
          ? "Closed"
          : state === "Blocked"
            ? "Blocked"
            : "unknown",
    detailedState:
      state === "Open" ? "OPEN" : state === "Closed" && forwarding ? "GENERAL_FORWARDING" : "BLOCKED",
    saturation,
    rules,
    possibleTransfer: state === "Open" && !saturation,
    supervisedTransfer,
  };
}

/** The CCD pilots of a node, in number order (none when it has no CCD). */
export async function readPilots(node: ConfigurationNode): Promise<MngtPilotJson[]> {
  if (!hasCcd(node)) return [];
  const objects = await onNode(node, () => node.cmip.list(CLASS, { attributes: PILOT_ATTRIBUTES }), CLASS);
  return objects.map((o) => pilotJson(o.attributes));
}

async function pilotAttributes(
  node: ConfigurationNode,
  pilot: string,
  attributes: string[],
): Promise<Record<string, unknown>> {
  if (!hasCcd(node)) throw notFound(`node ${node.nodeId} has no CCD`);
  try {
    return await onNode(node, () => node.cmip.get(CLASS, instanceOf(node, pilot), attributes), CLASS);
  } catch (err) {
    if ((err as { kind?: string }).kind === "notFound")
      throw notFound(`no CCD pilot ${pilot} on node ${node.nodeId}`);
    throw err;
  }
}

/** getPilotAdvanced's transfer parameters that the answer depends on. */
export interface PilotTransferQuery {
  supervisedTransfer?: boolean;
  /** the call's profile: `acrStatus` true marks a skill the agent must hold */
  skills?: { skills: { skillNumber?: number; acrStatus?: boolean; expertEvalLevel?: number }[] };
}

/**
 * One pilot (404 when the node has no such pilot). With a call profile, a transfer is possible
 * only when an operator of the active rule's processing group holds every mandatory skill, active,
 * at the level asked or better (1 is the best): else the call would wait for nobody.
 */
export async function readPilot(
  node: ConfigurationNode,
  pilot: string,
  query: PilotTransferQuery = {},
): Promise<MngtPilotJson> {
  const a = await pilotAttributes(node, pilot, PILOT_ATTRIBUTES);
  const json = pilotJson(a, query.supervisedTransfer === true);
  const mandatory = (query.skills?.skills ?? []).filter(
    (x) => x.acrStatus === true && x.skillNumber !== undefined,
  );
  if (json.possibleTransfer && mandatory.length > 0) {
    const rule = String(a.Rules ?? "")
      .split(";")
      .map((r) => r.split(":"))
      .find(([n]) => Number(n) === Number(a.Active_Rule));
    const group = rule?.[2];
    const operators = await onNode(
      node,
      () => node.cmip.list("CCD_Operator", { attributes: ["Processing_Groups", "Skills"] }),
      "CCD_Operator",
    );
    json.possibleTransfer = operators.some((o) => {
      if (
        !group ||
        !String(o.attributes.Processing_Groups ?? "")
          .split(",")
          .includes(group)
      )
        return false;
      const held = String(o.attributes.Skills ?? "")
        .split(",")
        .map((x) => x.split(":").map(Number));
      return mandatory.every((m) =>
        held.some(
          ([n, level, active]) => n === m.skillNumber && active === 1 && level! <= (m.expertEvalLevel ?? 4),
        ),
      );
    });
  }
  return json;
}

/** Opens (the OXE's Open) or closes (Closed) a pilot until its next calendar transition. */
export async function setPilotOpen(node: ConfigurationNode, pilot: string, open: boolean): Promise<void> {
  await pilotAttributes(node, pilot, ["Pilot_Number"]);
  await onNode(
    node,
    () => node.cmip.set(CLASS, instanceOf(node, pilot), { Pilot_State: open ? "Open" : "Closed" }),
    CLASS,
  );
}

export interface PilotCalendarsRead {
  normal: CalendarDays;
  exception: CalendarDays;
  /** the pilot's rule numbers: a transition must name one */
  rules: number[];
}

export async function readCalendars(node: ConfigurationNode, pilot: string): Promise<PilotCalendarsRead> {
  const a = await pilotAttributes(node, pilot, ["Normal_Calendar", "Exception_Calendar", "Rules"]);
  try {
    return {
      normal: parseCalendar(String(a.Normal_Calendar ?? ""), "days"),
      exception: parseCalendar(String(a.Exception_Calendar ?? ""), "dates"),
      rules: String(a.Rules ?? "")
        .split(";")
        .filter((r) => r !== "")
        .map((r) => Number(r.split(":")[0])),
    };
  } catch (err) {
    throw new Error(
      `node ${node.nodeId} sent pilot ${pilot}'s calendar unreadable: ${(err as Error).message}`,
    );
  }
}

const listOf = (list: readonly CalendarTransition[]) =>
  list.map((t, i) => ({
    number: i + 1,
    transition: { time: t.time, ruleNumber: t.ruleNumber, mode: t.mode },
  }));

export function normalCalendarJson(days: CalendarDays): NormalCalendarJson {
  return {
    calendar: [...days]
      .filter(([, l]) => l.length > 0)
      .map(([day, l]) => ({
        day: day as NonNullable<NormalCalendarJson["calendar"]>[number]["day"],
        list: listOf(l),
      })),
  };
}

export function exceptionCalendarJson(days: CalendarDays): ExceptionCalendarJson {
  return {
    calendar: [...days]
      .filter(([, l]) => l.length > 0)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([date, l]) => ({ date, list: listOf(l) })),
  };
}

/** What an edit does to one day's transitions: add one, or change or delete the one at `index`. */
export type TransitionEdit =
  | { op: "add"; transition: TransitionJson }
  | { op: "set"; index: number; transition: TransitionJson }
  | { op: "delete"; index: number };

/** The day's transitions after `edit`, refused (400/404) when the edit cannot be made. */
export function editDay(
  current: readonly CalendarTransition[],
  edit: TransitionEdit,
  label: string,
  rules: readonly number[],
): CalendarTransition[] {
  const list = [...current];
  if (edit.op !== "add" && (edit.index < 1 || edit.index > list.length))
    throw notFound(`${label} has no transition ${edit.index} (it has ${list.length})`);
  if (edit.op === "delete") {
    list.splice(edit.index - 1, 1);
    return list;
  }
  const t = edit.transition;
  if (!rules.includes(t.ruleNumber))
    throw invalid(`the pilot has no rule ${t.ruleNumber}`, `its rules: ${rules.join(", ")}`);
  if (edit.op === "set") list.splice(edit.index - 1, 1);
  if (list.some((x) => x.time === t.time)) throw invalid(`${label} already has a transition at ${t.time}`);
  if (list.length >= MAX_TRANSITIONS_PER_DAY)
    throw invalid(`${label} has ${MAX_TRANSITIONS_PER_DAY} transitions already: no more can be added`);
  list.push({ time: t.time, ruleNumber: t.ruleNumber, mode: t.mode });
  return sortTransitions(list);
}

/** Writes one of the pilot's calendars back, whole. */
export async function writeCalendar(
  node: ConfigurationNode,
  pilot: string,
  which: "normal" | "exception",
  days: CalendarDays,
): Promise<void> {
  const attr = which === "normal" ? "Normal_Calendar" : "Exception_Calendar";
  await onNode(
    node,
    () => node.cmip.set(CLASS, instanceOf(node, pilot), { [attr]: encodeCalendar(days) }),
    CLASS,
  );
}

/** Runs the calendar edits of one pilot one at a time (read, change, write back). */
export class PilotCalendars {
  private readonly tails = new Map<string, Promise<unknown>>();

  async edit(
    node: ConfigurationNode,
    pilot: string,
    which: "normal" | "exception",
    key: string,
    edit: TransitionEdit,
  ): Promise<void> {
    const id = `${node.nodeId}/${pilot}`;
    const run = async () => {
      const cals = await readCalendars(node, pilot);
      const days = which === "normal" ? cals.normal : cals.exception;
      const next = editDay(days.get(key) ?? [], edit, `${key} of pilot ${pilot}`, cals.rules);
      if (next.length > 0) days.set(key, next);
      else days.delete(key);
      await writeCalendar(node, pilot, which, days);
    };
    const prev = this.tails.get(id) ?? Promise.resolve();
    const done = prev.then(run, run);
    const tail = done.catch(() => undefined);
    this.tails.set(id, tail);
    void tail.then(() => {
      if (this.tails.get(id) === tail) this.tails.delete(id);
    });
    return done;
  }
}
