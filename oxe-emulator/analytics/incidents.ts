/**
 * A node's incident log: a generated history (deterministic by seed and anchor time), then what
 * is raised live, by a scenario (`raise`) or by the optional random stream (`startLive`).
 */
import { en, Faker } from "@faker-js/faker";
import {
  type BoardKind,
  type BoardSlot,
  INCIDENT_CATALOG,
  type IncidentDefinition,
  type IncidentSeverity,
  incidentDefinition,
} from "./incident-catalog.js";
import { atRandomIntervals, DAY_MS, type TimeRange } from "./time.js";

export interface Incident {
  /** position in the node's log, from 1, in date order for the generated history */
  readonly seq: number;
  /** ms since epoch */
  readonly date: number;
  readonly nodeId: number;
  /** raised by the main call server (false: by the standby one) */
  readonly mainCallServer: boolean;
  readonly severity: IncidentSeverity;
  /** the incident number */
  readonly code: number;
  readonly text: string;
  /** how many times it happened in a row (the OXE folds repeats into one line) */
  readonly occurrences: number;
  readonly rack: number | undefined;
  readonly board: number | undefined;
  readonly equipment: number | undefined;
  readonly termination: number | undefined;
}

/** What a scenario gives to raise an incident; the rest comes from the catalog or defaults. */
export interface RaiseIncident {
  code: number;
  /** required for a code that is not in the catalog */
  text?: string;
  severity?: IncidentSeverity;
  date?: number;
  mainCallServer?: boolean;
  occurrences?: number;
  rack?: number;
  board?: number;
  equipment?: number;
  termination?: number;
}

export interface IncidentLogOptions {
  nodeId: number;
  /** nodes in the network, for incidents about links to other nodes */
  nodes: number;
  seed: number;
  /** the history ends here (ms); default: construction time */
  now?: number;
  historyDays?: number;
  /** incidents in the whole history (before their clearing incidents are added) */
  historyCount?: number;
}

export interface IncidentQuery {
  /** only the last `last` incidents (after the other filters) */
  last?: number;
  range?: TimeRange;
  /** this severity or worse (lower numbers) */
  maxSeverity?: IncidentSeverity;
}

interface TextVars {
  peer: number;
  group: number;
  pct: number;
}

const SLOT_LAYOUT: readonly (readonly [number, BoardKind, number])[] = [
  [0, "cpu", 0],
  [1, "ip", 32],
  [3, "digital", 32],
  [5, "analog", 32],
  [8, "trunk", 4],
  [10, "dect", 16],
  [12, "digital", 32],
];

export class IncidentLog {
  readonly nodeId: number;
  readonly anchor: number;
  readonly boards: readonly BoardSlot[];
  private readonly options: Required<IncidentLogOptions>;
  private readonly faker: Faker;
  private list: Incident[] | undefined;
  private nextSeq = 1;
  private readonly listeners = new Set<(incident: Incident) => void>();
  private stopTimer: (() => void) | undefined;
  private readonly weighted: { weight: number; value: IncidentDefinition }[];

  constructor(options: IncidentLogOptions) {
    this.options = {
      now: Date.now(),
      historyDays: 30,
      historyCount: 300,
      ...options,
    };
    this.nodeId = options.nodeId;
    this.anchor = this.options.now;
    this.faker = new Faker({ locale: [en] });
    this.faker.seed([this.options.seed, options.nodeId, 0x1c1d]);
    this.boards = this.layout();
    this.weighted = INCIDENT_CATALOG.filter(
      (d) => d.weight > 0 && (d.scope === "system" || this.boardsFor(d).length > 0),
    ).map((d) => ({ weight: d.weight, value: d }));
  }

  /** Every incident, oldest first. */
  all(): readonly Incident[] {
    return this.history();
  }

  query(q: IncidentQuery = {}): Incident[] {
    const r = q.range;
    let out = this.history().filter(
      (i) =>
        (!r || (i.date >= r.from && i.date < r.to)) &&
        (q.maxSeverity === undefined || i.severity <= q.maxSeverity),
    );
    if (q.last !== undefined) out = q.last <= 0 ? [] : out.slice(-q.last);
    return out;
  }

  /** Be told of every incident raised from now on. */
  onIncident(listener: (incident: Incident) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Raise an incident now (or at `date`), as the node's software would. */
  raise(input: RaiseIncident): Incident {
    const list = this.history();
    const def = incidentDefinition(input.code);
    const text = input.text ?? def?.text;
    const severity = input.severity ?? def?.severity;
    if (text === undefined || severity === undefined) {
      throw new RangeError(`incident ${input.code} is not in the catalog: give its text and severity`);
    }
    const incident: Incident = {
      seq: this.nextSeq++,
      date: input.date ?? Date.now(),
      nodeId: this.nodeId,
      mainCallServer: input.mainCallServer ?? true,
      severity,
      code: input.code,
      text: text.includes("{") ? this.fill(text, this.drawVars()) : text,
      occurrences: input.occurrences ?? 1,
      rack: input.rack,
      board: input.board,
      equipment: input.equipment,
      termination: input.termination,
    };
    let i = list.length;
    while (i > 0 && list[i - 1]!.date > incident.date) i--;
    list.splice(i, 0, incident);
    for (const l of this.listeners) l(incident);
    return incident;
  }

  /** Raise a random incident from the catalog, located on a fitting board. */
  raiseRandom(date = Date.now()): Incident {
    this.history();
    return this.raise(this.randomIncident(date).draft);
  }

  /**
   * Raise random incidents at random intervals (exponentially distributed around `meanMs`),
   * until `stopLive`. The timer does not keep the process alive.
   */
  startLive(meanMs: number): void {
    this.stopLive();
    this.stopTimer = atRandomIntervals(meanMs, () => {
      this.raiseRandom();
    });
  }

  stopLive(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
  }

  // ---- generation ------------------------------------------------------------------------

  private layout(): BoardSlot[] {
    const racks = this.faker.number.int({ min: 1, max: 3 });
    const out: BoardSlot[] = [];
    for (let rack = 0; rack < racks; rack++) {
      for (const [board, kind, equipments] of SLOT_LAYOUT) {
        if (rack > 0 && kind === "cpu") out.push({ rack, board, kind: "mediaGateway", equipments: 0 });
        else if (rack === 0 || this.faker.datatype.boolean(0.6)) out.push({ rack, board, kind, equipments });
      }
    }
    return out;
  }

  private boardsFor(def: IncidentDefinition): BoardSlot[] {
    if (!def.on) return [];
    return this.boards.filter((b) => def.on!.includes(b.kind));
  }

  /** Generated lazily: a node whose analytics nobody reads costs nothing. */
  private history(): Incident[] {
    if (this.list) return this.list;
    const { historyDays, historyCount } = this.options;
    const start = this.anchor - historyDays * DAY_MS;
    const drafts: RaiseIncident[] = [];
    for (let i = 0; i < historyCount; i++) {
      const date = this.faker.number.int({ min: start, max: this.anchor - 1 });
      const { draft, vars } = this.randomIncident(date);
      drafts.push(draft);
      const def = incidentDefinition(draft.code)!;
      if (def.clearedBy !== undefined && this.faker.datatype.boolean(0.85)) {
        const later = date + this.faker.number.int({ min: 20_000, max: 2 * 3_600_000 });
        const clear = incidentDefinition(def.clearedBy)!;
        if (later < this.anchor) {
          drafts.push({
            ...draft,
            code: clear.code,
            text: this.fill(clear.text, vars),
            date: later,
            occurrences: 1,
          });
        }
      }
    }
    drafts.sort((a, b) => a.date! - b.date!);
    this.list = drafts.map((d) => this.materialize(d));
    return this.list;
  }

  private materialize(d: RaiseIncident): Incident {
    const def = incidentDefinition(d.code)!;
    return {
      seq: this.nextSeq++,
      date: d.date!,
      nodeId: this.nodeId,
      mainCallServer: d.mainCallServer ?? true,
      severity: def.severity,
      code: def.code,
      text: d.text ?? def.text,
      occurrences: d.occurrences ?? 1,
      rack: d.rack,
      board: d.board,
      equipment: d.equipment,
      termination: d.termination,
    };
  }

  private randomIncident(date: number): { draft: RaiseIncident; vars: TextVars } {
    const f = this.faker;
    const def = f.helpers.weightedArrayElement(this.weighted);
    const vars = this.drawVars();
    const out: RaiseIncident = { code: def.code, date, text: this.fill(def.text, vars) };
    if (def.scope === "system") {
      out.mainCallServer = f.datatype.boolean(0.95);
    } else {
      const b = f.helpers.arrayElement(this.boardsFor(def));
      out.rack = b.rack;
      out.board = b.board;
      if (def.scope !== "board") out.equipment = f.number.int({ min: 0, max: Math.max(0, b.equipments - 1) });
      if (def.scope === "termination") out.termination = f.number.int({ min: 1, max: 30 });
    }
    // Warnings about a flapping set or a busy trunk group repeat; the OXE folds the repeats.
    out.occurrences = def.severity >= 4 && f.datatype.boolean(0.15) ? f.number.int({ min: 2, max: 20 }) : 1;
    return { draft: out, vars };
  }

  private drawVars(): TextVars {
    const f = this.faker;
    const others = Array.from({ length: this.options.nodes }, (_, i) => i + 1).filter(
      (n) => n !== this.nodeId,
    );
    return {
      peer: others.length ? f.helpers.arrayElement(others) : this.nodeId + 1,
      group: f.number.int({ min: 1, max: 4 }),
      pct: f.helpers.arrayElement([75, 80, 85, 90, 95]),
    };
  }

  private fill(text: string, v: TextVars): string {
    return text
      .replace("{peer}", String(v.peer))
      .replace("{group}", String(v.group))
      .replace("{pct}", String(v.pct));
  }
}
