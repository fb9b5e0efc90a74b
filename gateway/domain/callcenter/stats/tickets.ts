/**
 * The CCD statistics tickets of a node, read over its SSH link (the maintenance account the
 * analytics service uses): `ccdfiles` lists the day files of a range, `ccddump FILE...` reads
 * them. Ours, as the emulator writes them (oxe-emulator/ccd/stats-tickets.ts): one file per UTC
 * day, a `call` ticket per call offered to a pilot and a `wrapup` ticket when its agent's
 * wrap-up ends. A closed file (a past day) never changes: it is read once and kept.
 */
import type { SshLink } from "../../../links/ssh/index.js";
import { SshLinkError } from "../../../links/ssh/index.js";
import {
  AnswerReader,
  FILE_FIELDS,
  type NodeChargingFile,
  NodeOutputError,
  nodeDate,
  parseChargingFile,
  type RecordLayout,
  type TimeRange,
} from "../../analytics/index.js";

export type TicketOutcome = "answered" | "abandoned" | "unanswered" | "overflowed" | "refused";

export interface StatsTicket {
  readonly nodeId: number;
  readonly seq: number;
  readonly kind: "call" | "wrapup";
  readonly offeredAt: number;
  readonly pilot: string;
  readonly pilotName: string;
  readonly pg: string;
  readonly caller: string;
  readonly agent: string;
  readonly outcome: TicketOutcome | undefined;
  readonly waitMs: number;
  readonly ringMs: number;
  readonly talkMs: number;
  readonly wrapupMs: number;
  /** a wrap-up ticket: its call's seq (0 for a call) */
  readonly ref: number;
}

export const CCD_TICKET_FIELDS = [
  "seq",
  "kind",
  "offered",
  "pilot",
  "pilotName",
  "pg",
  "caller",
  "agent",
  "outcome",
  "waitMs",
  "ringMs",
  "talkMs",
  "wrapupMs",
];

const OUTCOMES = new Set<string>(["answered", "abandoned", "unanswered", "overflowed", "refused"]);

function whole(s: string, what: string): number {
  if (!/^\d+$/.test(s)) throw new NodeOutputError(`${what} "${s}" is not a whole number`);
  return Number(s);
}

export function parseCcdTicket(nodeId: number, layout: RecordLayout, line: string): StatsTicket {
  const f = layout.split(line);
  const g = (n: string) => layout.get(f, n);
  const kind = g("kind");
  if (kind !== "call" && kind !== "wrapup") throw new NodeOutputError(`ticket kind "${kind}"`);
  const offeredAt = Date.parse(g("offered"));
  if (!Number.isFinite(offeredAt)) throw new NodeOutputError(`ticket date "${g("offered")}"`);
  const outcome = g("outcome");
  if (kind === "call" && !OUTCOMES.has(outcome)) throw new NodeOutputError(`ticket outcome "${outcome}"`);
  return {
    nodeId,
    seq: whole(g("seq"), "ticket seq"),
    kind,
    offeredAt,
    pilot: g("pilot"),
    pilotName: g("pilotName"),
    pg: g("pg"),
    caller: g("caller"),
    agent: g("agent"),
    outcome: kind === "call" ? (outcome as TicketOutcome) : undefined,
    waitMs: whole(g("waitMs"), "waitMs"),
    ringMs: whole(g("ringMs"), "ringMs"),
    talkMs: whole(g("talkMs"), "talkMs"),
    wrapupMs: whole(g("wrapupMs"), "wrapupMs"),
    ref: g("ref") === "" ? 0 : whole(g("ref"), "ref"),
  };
}

export class TicketSourceError extends Error {
  override readonly name = "TicketSourceError";
}

export interface TicketSourceOptions {
  nodeId: number;
  link: SshLink;
  commandTimeoutMs: number;
}

/** What a report reads: a node's tickets of calls offered in a range. */
export interface TicketSource {
  readonly nodeId: number;
  tickets(range: TimeRange): Promise<StatsTicket[]>;
}

export class SshTicketSource implements TicketSource {
  readonly nodeId: number;
  /** closed files, parsed, by name */
  private readonly closed = new Map<string, StatsTicket[]>();

  constructor(private readonly o: TicketSourceOptions) {
    this.nodeId = o.nodeId;
  }

  async tickets(range: TimeRange): Promise<StatsTicket[]> {
    if (!this.o.link.isUp) throw new TicketSourceError(`the SSH link to node ${this.nodeId} is down`);
    const files: NodeChargingFile[] = [];
    const lister = new AnswerReader(FILE_FIELDS, parseChargingFile, (f) => files.push(f));
    await this.run(`ccdfiles -f ${nodeDate(range.from)} -t ${nodeDate(range.to - 1)}`, lister);
    const toRead = files.filter((f) => f.open || !this.closed.has(f.name));
    const read = new Map<string, StatsTicket[]>();
    if (toRead.length) {
      let current: StatsTicket[] = [];
      const dumper = new AnswerReader(
        CCD_TICKET_FIELDS,
        (layout, line) => parseCcdTicket(this.nodeId, layout, line),
        (t) => current.push(t),
        (name) => {
          current = [];
          read.set(name, current);
        },
      );
      await this.run(`ccddump ${toRead.map((f) => f.name).join(" ")}`, dumper);
      for (const f of toRead) if (!f.open) this.closed.set(f.name, read.get(f.name) ?? []);
    }
    const out: StatsTicket[] = [];
    for (const f of files) {
      for (const t of read.get(f.name) ?? this.closed.get(f.name) ?? []) {
        if (t.offeredAt >= range.from && t.offeredAt < range.to) out.push(t);
      }
    }
    return out;
  }

  private async run<T>(line: string, reader: AnswerReader<T>): Promise<void> {
    let r: Awaited<ReturnType<SshLink["exec"]>>;
    try {
      r = await this.o.link.exec(line, (l) => reader.line(l), { timeoutMs: this.o.commandTimeoutMs });
    } catch (err) {
      if (err instanceof SshLinkError || err instanceof NodeOutputError)
        throw new TicketSourceError(`node ${this.nodeId}: ${err.message}`);
      throw err;
    }
    const name = line.split(" ")[0];
    if (r.code !== 0)
      throw new TicketSourceError(
        `node ${this.nodeId}: ${name} failed with status ${r.code} ${r.stderr}`.trim(),
      );
    if (!reader.complete) throw new TicketSourceError(`node ${this.nodeId}: ${name} answered without #END`);
  }
}
