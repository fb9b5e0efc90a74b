/**
 * The output of the node's maintenance commands, read once. Each answer is a header line naming
 * the fields (`#date|node|...`), one record per line with `|` between fields and the free text
 * last, marker lines (`#FILE <name>`, `#LIVE`) and `#END <n>` closing a complete answer. Fields
 * are found by their name in the header, not by position, so a node that adds a column or moves
 * one is still read correctly; a missing field we need is an error.
 *
 * The emulator's commands.ts documents these formats (the real OXE's are not public). Dates are
 * UTC, ISO 8601 with seconds and `Z`.
 */

export class NodeOutputError extends Error {
  override readonly name = "NodeOutputError";
}

export interface NodeIncident {
  /** ms since epoch */
  readonly date: number;
  readonly nodeId: number;
  /** raised by the main call server (false: the standby) */
  readonly main: boolean;
  /** 1 critical ... 5 information */
  readonly severity: number;
  /** the incident number */
  readonly code: number;
  readonly occurrences: number;
  readonly rack: string | undefined;
  readonly board: string | undefined;
  readonly equipment: string | undefined;
  readonly termination: string | undefined;
  readonly text: string;
}

export interface NodeChargingFile {
  readonly name: string;
  /** the hour it covers, [start, end) ms since epoch */
  readonly start: number;
  readonly end: number;
  readonly tickets: number;
  /** still being written (the current hour's) */
  readonly open: boolean;
}

export interface NodeTicket {
  readonly seq: number;
  /** call start, ms since epoch */
  readonly start: number;
  /** the node's user the ticket is charged to */
  readonly charged: string;
  readonly chargedName: string;
  readonly caller: string;
  readonly called: string;
  readonly dialled: string;
  readonly callType: string;
  readonly duration: number;
  readonly effectiveDuration: number;
  readonly units: number;
  readonly cost: number;
  readonly currency: string;
  readonly node: number;
  readonly trunkGroup: number | undefined;
  readonly costCenter: string;
  readonly internalFacilities: readonly string[];
  readonly externalFacilities: readonly string[];
  /** the ticket as O2G's Charging JSON (all mode), made once when first asked for */
  json?: string;
}

const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z$/;

export function parseNodeDate(s: string, what: string): number {
  const m = ISO_UTC.exec(s);
  if (!m) throw new NodeOutputError(`${what}: "${s}" is not an ISO 8601 UTC date`);
  const [y, mo, d, h, mi, sec] = m.slice(1).map(Number);
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, sec!);
}

function int(s: string, what: string): number {
  if (!/^-?\d+$/.test(s)) throw new NodeOutputError(`${what}: "${s}" is not a whole number`);
  return Number(s);
}

function decimal(s: string, what: string): number {
  if (!/^-?\d+(?:\.\d+)?$/.test(s)) throw new NodeOutputError(`${what}: "${s}" is not a number`);
  return Number(s);
}

const optional = (s: string | undefined) => (s === undefined || s === "" ? undefined : s);

/** Where each field is in a record, from the header line. */
export class RecordLayout {
  private readonly index: ReadonlyMap<string, number>;
  readonly width: number;

  constructor(headerLine: string, required: readonly string[]) {
    if (!headerLine.startsWith("#")) throw new NodeOutputError(`"${headerLine}" is not a header line`);
    const names = headerLine.slice(1).split("|");
    this.index = new Map(names.map((n, i) => [n.trim(), i]));
    this.width = names.length;
    const missing = required.filter((n) => !this.index.has(n));
    if (missing.length) throw new NodeOutputError(`the node's header lacks ${missing.join(", ")}`);
  }

  /** A record's fields; a text field (the last one) may not be cut by a stray `|`. */
  split(line: string): string[] {
    const f = line.split("|");
    if (f.length > this.width) f.splice(this.width - 1, f.length, f.slice(this.width - 1).join("|"));
    if (f.length < this.width)
      throw new NodeOutputError(`a record with ${f.length} fields where the header has ${this.width}`);
    return f;
  }

  field(f: readonly string[], name: string): string | undefined {
    const i = this.index.get(name);
    return i === undefined ? undefined : f[i];
  }

  get(f: readonly string[], name: string): string {
    return this.field(f, name) ?? "";
  }
}

export const INCIDENT_FIELDS = ["date", "node", "cs", "severity", "incident", "occurrences", "text"];
export const FILE_FIELDS = ["name", "start", "end", "tickets", "state"];
export const TICKET_FIELDS = [
  "seq",
  "start",
  "charged",
  "caller",
  "called",
  "callType",
  "duration",
  "effectiveDuration",
  "units",
  "cost",
  "node",
];

export function parseIncident(layout: RecordLayout, line: string): NodeIncident {
  const f = layout.split(line);
  const g = (n: string) => layout.get(f, n);
  return {
    date: parseNodeDate(g("date"), "incident date"),
    nodeId: int(g("node"), "incident node"),
    main: g("cs") !== "S",
    severity: int(g("severity"), "incident severity"),
    code: int(g("incident"), "incident number"),
    occurrences: int(g("occurrences") || "1", "incident occurrences"),
    rack: optional(layout.field(f, "rack")),
    board: optional(layout.field(f, "board")),
    equipment: optional(layout.field(f, "equipment")),
    termination: optional(layout.field(f, "termination")),
    text: g("text"),
  };
}

export function parseChargingFile(layout: RecordLayout, line: string): NodeChargingFile {
  const f = layout.split(line);
  const g = (n: string) => layout.get(f, n);
  return {
    name: g("name"),
    start: parseNodeDate(g("start"), "file start"),
    end: parseNodeDate(g("end"), "file end"),
    tickets: int(g("tickets"), "file tickets"),
    open: g("state") === "open",
  };
}

const list = (s: string | undefined) => (s ? s.split(",").filter(Boolean) : []);

export function parseTicket(layout: RecordLayout, line: string): NodeTicket {
  const f = layout.split(line);
  const g = (n: string) => layout.get(f, n);
  const trunk = optional(layout.field(f, "trunkGroup"));
  return {
    seq: int(g("seq"), "ticket seq"),
    start: parseNodeDate(g("start"), "ticket start"),
    charged: g("charged"),
    chargedName: g("chargedName"),
    caller: g("caller"),
    called: g("called"),
    dialled: g("dialled"),
    callType: g("callType"),
    duration: int(g("duration"), "ticket duration"),
    effectiveDuration: int(g("effectiveDuration"), "ticket effectiveDuration"),
    units: int(g("units"), "ticket units"),
    cost: decimal(g("cost"), "ticket cost"),
    currency: g("currency"),
    node: int(g("node"), "ticket node"),
    trunkGroup: trunk === undefined ? undefined : int(trunk, "ticket trunkGroup"),
    costCenter: g("costCenter"),
    internalFacilities: list(layout.field(f, "internalFacilities")),
    externalFacilities: list(layout.field(f, "externalFacilities")),
  };
}

export type OutputLine =
  | { kind: "header"; line: string }
  | { kind: "record"; line: string }
  | { kind: "file"; name: string }
  | { kind: "end"; count: number }
  | { kind: "live" }
  | { kind: "blank" };

/** What a line of a command's output is. */
export function classify(line: string): OutputLine {
  if (line === "") return { kind: "blank" };
  if (line.charCodeAt(0) !== 35 /* # */) return { kind: "record", line };
  if (line.startsWith("#END")) {
    const n = line.slice(4).trim();
    return { kind: "end", count: /^\d+$/.test(n) ? Number(n) : -1 };
  }
  if (line.startsWith("#FILE ")) return { kind: "file", name: line.slice(6).trim() };
  if (line === "#LIVE") return { kind: "live" };
  return { kind: "header", line };
}

/**
 * Reads a whole (non-following) answer: the header, the records (each handed to `record` with
 * the file it belongs to, for taxdump), and whether `#END` closed it with the right count.
 */
export class AnswerReader<T> {
  private layout: RecordLayout | undefined;
  private count = 0;
  /** the `#END` count, once seen */
  ended: number | undefined;
  file: string | undefined;

  constructor(
    private readonly required: readonly string[],
    private readonly parse: (layout: RecordLayout, line: string) => T,
    private readonly onRecord: (record: T, file: string | undefined) => void,
    private readonly onFile?: (name: string) => void,
  ) {}

  line(line: string): void {
    const l = classify(line);
    switch (l.kind) {
      case "header":
        this.layout = new RecordLayout(l.line, this.required);
        return;
      case "record":
        if (!this.layout) throw new NodeOutputError("a record before the header line");
        this.onRecord(this.parse(this.layout, l.line), this.file);
        this.count++;
        return;
      case "file":
        this.onFile?.(l.name);
        this.file = l.name;
        return;
      case "end":
        if (l.count !== this.count)
          throw new NodeOutputError(`#END says ${l.count} records, ${this.count} were sent`);
        this.ended = l.count;
        return;
      default:
        return;
    }
  }

  /** The answer was complete: `#END` arrived. */
  get complete(): boolean {
    return this.ended !== undefined;
  }
}
