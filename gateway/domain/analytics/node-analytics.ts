/**
 * What the gateway reads of one node for O2G's analytics service, over the node's SSH link:
 * incidents (followed live, see incident-feed.ts) and charging tickets (read by file on demand,
 * each file parsed once, see charging-cache.ts).
 *
 * Tickets live in the node's files, not in the gateway, so a link that drops loses nothing: a
 * command cut off by the drop is run again once the link is back (for `retryWithinMs`), and a
 * taxdump cut in the middle only reads again the files it had not finished.
 *
 * Date filters apply to a ticket's start (as O2G's do), but a ticket sits in the file of the hour
 * its call ended: the files read for a range therefore run `MAX_CALL_MS` past its end.
 */
import type { SshLink, SshLog } from "../../links/ssh/index.js";
import { SshLinkError } from "../../links/ssh/index.js";
import { ChargingCache, type ChargingCacheStats } from "./charging-cache.js";
import { nodeDate, type TimeRange } from "./dates.js";
import {
  AnswerReader,
  FILE_FIELDS,
  INCIDENT_FIELDS,
  type NodeChargingFile,
  type NodeIncident,
  NodeOutputError,
  type NodeTicket,
  parseChargingFile,
  parseIncident,
  parseTicket,
  TICKET_FIELDS,
} from "./formats.js";
import { IncidentFeed, IncidentFeedUnavailable } from "./incident-feed.js";

/** A call of the OXE's history lasts under this; a longer one is found through its file name. */
export const MAX_CALL_MS = 2 * 3_600_000;
/** between a command cut off and the next try */
const RETRY_PAUSE_MS = 25;
/** file names per taxdump command line */
const FILES_PER_DUMP = 40;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const TAXACD = /^TAXACD_(\d{4})(\d{2})(\d{2})_(\d{2})\.txt$/;

export type AnalyticsFailure = "unavailable" | "notFound" | "badRequest" | "badAnswer";

export class AnalyticsError extends Error {
  override readonly name = "AnalyticsError";
  constructor(
    readonly failure: AnalyticsFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface NodeAnalyticsOptions {
  nodeId: number;
  link: SshLink;
  /** the most charging files one request may read (O2G's limit is 100) */
  maxChargingFiles: number;
  /** parsed tickets kept across requests */
  cachedTickets: number;
  maxIncidents: number;
  /** how long a request waits for a dropped link to come back before answering 503 */
  retryWithinMs: number;
  commandTimeoutMs: number;
  log: SshLog;
}

/** The tickets a charging request covers, file by file, in the node's order. */
export interface ChargingSelection {
  /** the files the request covers (what O2G counts as `nbChargingFiles`) */
  readonly files: readonly NodeChargingFile[];
  /** every file read, including those past the range's end, with its tickets */
  readonly tickets: readonly (readonly NodeTicket[])[];
  /** tickets outside this range (by start) are not part of the answer */
  readonly range: TimeRange;
}

export interface NodeAnalyticsStatus {
  link: ReturnType<SshLink["status"]>;
  incidentsFollowed: boolean;
  incidentsHeld: number;
  cache: ChargingCacheStats;
}

const whole: TimeRange = { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY };

/**
 * The node dates tickets to the second: a bound inside a second takes in that whole second, or a
 * call started in the same millisecond as "since" would be left out.
 */
function toSeconds(r: TimeRange): TimeRange {
  return { from: Math.floor(r.from / 1000) * 1000, to: Math.ceil(r.to / 1000) * 1000 };
}

function rangeArgs(r: TimeRange): string {
  const args: string[] = [];
  if (Number.isFinite(r.from)) args.push(`-f ${nodeDate(r.from)}`);
  // -t takes in the whole second it names: the second holding the last instant of the range.
  if (Number.isFinite(r.to)) args.push(`-t ${nodeDate(r.to - 1)}`);
  return args.join(" ");
}

export class NodeAnalytics {
  readonly nodeId: number;
  readonly link: SshLink;
  private readonly feed: IncidentFeed;
  private readonly cache: ChargingCache;
  /** files being read now, so two requests for the same file share one read */
  private readonly reading = new Map<string, Promise<void>>();

  constructor(private readonly options: NodeAnalyticsOptions) {
    this.nodeId = options.nodeId;
    this.link = options.link;
    this.cache = new ChargingCache(options.cachedTickets);
    this.feed = new IncidentFeed(options.link, {
      maxIncidents: options.maxIncidents,
      restartMs: Math.max(1000, options.retryWithinMs),
      log: options.log,
    });
  }

  start(): void {
    this.feed.start();
    this.link.start();
  }

  stop(): void {
    this.feed.stop();
    this.link.stop();
  }

  status(): NodeAnalyticsStatus {
    return {
      link: this.link.status(),
      incidentsFollowed: this.feed.isSynced,
      incidentsHeld: this.feed.size,
      cache: this.cache.stats(),
    };
  }

  private unavailable(): AnalyticsError {
    return new AnalyticsError("unavailable", `the SSH link to node ${this.nodeId} is down`);
  }

  /** The node's last `last` incidents (every one held when absent), oldest first. */
  async incidents(last?: number): Promise<NodeIncident[]> {
    if (!this.link.isUp) throw this.unavailable();
    if (this.feed.unsupported) return this.retrying(() => this.listIncidents(last));
    try {
      return await this.feed.incidents(last, this.options.retryWithinMs);
    } catch (err) {
      if (this.feed.unsupported) return this.retrying(() => this.listIncidents(last));
      if (err instanceof IncidentFeedUnavailable) throw new AnalyticsError("unavailable", err.message);
      throw err;
    }
  }

  /** `incvisu [-n LAST]`: for a node that does not follow. */
  private async listIncidents(last?: number): Promise<NodeIncident[]> {
    const out: NodeIncident[] = [];
    const reader = new AnswerReader(INCIDENT_FIELDS, parseIncident, (i) => out.push(i));
    await this.command(
      last === undefined ? "incvisu" : `incvisu -n ${last}`,
      (l) => this.parsing(() => reader.line(l)),
      () => reader.complete,
    );
    return out.slice(-this.options.maxIncidents);
  }

  /** Charging files whose hour overlaps `range`, oldest first. */
  chargingFiles(range: TimeRange): Promise<NodeChargingFile[]> {
    return this.retrying(() => this.listFiles(range));
  }

  /** The tickets of calls started in `range`. */
  async chargingOfRange(asked: TimeRange): Promise<ChargingSelection> {
    const range = toSeconds(asked);
    const listed = await this.retrying(() =>
      this.listFiles({ from: range.from, to: range.to + MAX_CALL_MS }),
    );
    const files = listed.filter((f) => f.end > range.from && f.start < range.to);
    this.checkCount(files.length);
    return { files, tickets: await this.ticketsOf(listed), range };
  }

  /** The tickets of the named files (in the order given), those started in `range` when given. */
  async chargingOfFiles(names: readonly string[], asked: TimeRange = whole): Promise<ChargingSelection> {
    const range = toSeconds(asked);
    const unique = [...new Set(names)];
    const bad = unique.find((n) => !FILE_NAME.test(n));
    if (bad !== undefined) throw new AnalyticsError("badRequest", `"${bad}" is not a charging file name`);
    this.checkCount(unique.length);
    const listed = await this.retrying(() => this.listFiles(this.spanOfNames(unique)));
    const byName = new Map(listed.map((f) => [f.name, f]));
    const missing = unique.filter((n) => !byName.has(n));
    if (missing.length)
      throw new AnalyticsError("notFound", `node ${this.nodeId} has no charging file ${missing.join(", ")}`);
    const files = unique.map((n) => byName.get(n)!);
    return { files, tickets: await this.ticketsOf(files), range };
  }

  private checkCount(n: number): void {
    if (n > this.options.maxChargingFiles) {
      throw new AnalyticsError(
        "badRequest",
        `the request covers ${n} charging files; at most ${this.options.maxChargingFiles} are processed: narrow it`,
      );
    }
  }

  /** The hours the names stand for, so the listing asked of the node is no longer than needed. */
  private spanOfNames(names: readonly string[]): TimeRange {
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    for (const n of names) {
      const m = TAXACD.exec(n);
      if (!m) return whole;
      const [y, mo, d, h] = m.slice(1).map(Number);
      const hour = Date.UTC(y!, mo! - 1, d!, h!);
      from = Math.min(from, hour);
      to = Math.max(to, hour + 3_600_000);
    }
    return { from, to };
  }

  /**
   * Run `attempt`, again if the link drops under it, as long as the link comes back within
   * `retryWithinMs` of the first failure. A link down from the start is answered at once.
   */
  private async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    if (!this.link.isUp) throw this.unavailable();
    let deadline: number | undefined;
    for (;;) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof SshLinkError)) throw err;
        if (err.failure === "timeout")
          throw new AnalyticsError("unavailable", `node ${this.nodeId}: ${err.message}`);
        if (!err.retryable) throw new AnalyticsError("badAnswer", `node ${this.nodeId}: ${err.message}`);
        deadline ??= Date.now() + this.options.retryWithinMs;
        // The link may not have noticed its loss yet (it still says up): give it a moment
        // rather than spin on a dead connection.
        await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
        const left = deadline - Date.now();
        if (left <= 0 || !(await this.link.waitUp(left))) throw this.unavailable();
      }
    }
  }

  /** Run a node command whose whole answer ends with `#END`. */
  private async command(
    line: string,
    onLine: (line: string) => void,
    complete: () => boolean,
  ): Promise<void> {
    let r: Awaited<ReturnType<SshLink["exec"]>>;
    try {
      r = await this.link.exec(line, onLine, { timeoutMs: this.options.commandTimeoutMs });
    } catch (err) {
      if (err instanceof SshLinkError && err.failure === "output") {
        throw new AnalyticsError("badAnswer", `node ${this.nodeId}: ${err.message}`);
      }
      throw err;
    }
    const name = line.split(" ")[0];
    if (r.code === 1)
      throw new AnalyticsError("notFound", `node ${this.nodeId}: ${r.stderr || `${name}: not found`}`);
    if (r.code !== 0) {
      throw new AnalyticsError(
        "badAnswer",
        `node ${this.nodeId}: ${name} failed with status ${r.code}${r.stderr ? `: ${r.stderr}` : ""}`,
      );
    }
    if (!complete())
      throw new AnalyticsError("badAnswer", `node ${this.nodeId}: ${name} answered without #END`);
  }

  private async listFiles(range: TimeRange): Promise<NodeChargingFile[]> {
    const files: NodeChargingFile[] = [];
    const reader = new AnswerReader(FILE_FIELDS, parseChargingFile, (f) => files.push(f));
    const args = rangeArgs(range);
    await this.command(
      `taxfiles${args ? ` ${args}` : ""}`,
      (l) => this.parsing(() => reader.line(l)),
      () => reader.complete,
    );
    return files;
  }

  private parsing(f: () => void): void {
    try {
      f();
    } catch (err) {
      if (err instanceof NodeOutputError) throw new SshLinkError("output", err.message);
      throw err;
    }
  }

  /** The tickets of each file, from the cache or read from the node (once, whoever asks). */
  private async ticketsOf(files: readonly NodeChargingFile[]): Promise<(readonly NodeTicket[])[]> {
    const out = new Map<string, readonly NodeTicket[]>();
    for (;;) {
      const toRead: NodeChargingFile[] = [];
      const waits = new Set<Promise<void>>();
      for (const f of files) {
        if (out.has(f.name)) continue;
        const hit = this.cache.get(f.name, f.tickets);
        if (hit) {
          out.set(f.name, hit);
          continue;
        }
        const pending = this.reading.get(f.name);
        if (pending) waits.add(pending);
        else toRead.push(f);
      }
      if (toRead.length === 0 && waits.size === 0) break;
      // A file someone else is reading is looked up in the cache again once that read is done;
      // if it grew meanwhile (the open file) or that read failed, the next round reads it here.
      const reads: Promise<void>[] = [];
      for (let i = 0; i < toRead.length; i += FILES_PER_DUMP) {
        const batch = toRead.slice(i, i + FILES_PER_DUMP);
        const p = this.retrying(() => this.dump(batch, out));
        const shared = p.then(
          () => undefined,
          () => undefined,
        );
        for (const f of batch) this.reading.set(f.name, shared);
        reads.push(
          p.finally(() => {
            for (const f of batch) if (this.reading.get(f.name) === shared) this.reading.delete(f.name);
          }),
        );
      }
      await Promise.all([...reads, ...waits]);
    }
    return files.map((f) => out.get(f.name) ?? []);
  }

  /**
   * `taxdump FILE...`: each file's tickets come as one block after its `#FILE` line, so a block
   * is complete when the next one starts (or at `#END`), and is kept then. A dump cut short keeps
   * the blocks it finished: the retry reads only the rest.
   */
  private async dump(
    files: readonly NodeChargingFile[],
    out: Map<string, readonly NodeTicket[]>,
  ): Promise<void> {
    const todo = files.filter((f) => !out.has(f.name));
    if (todo.length === 0) return;
    let current: string | undefined;
    let block: NodeTicket[] = [];
    const keep = () => {
      if (current === undefined) return;
      this.cache.put(current, block);
      out.set(current, block);
      current = undefined;
      block = [];
    };
    const reader = new AnswerReader(
      TICKET_FIELDS,
      parseTicket,
      (t) => block.push(t),
      (name) => {
        keep();
        current = name;
      },
    );
    await this.command(
      `taxdump ${todo.map((f) => f.name).join(" ")}`,
      (l) =>
        this.parsing(() => {
          if (l.startsWith("#END")) {
            reader.line(l);
            keep();
          } else reader.line(l);
        }),
      () => reader.complete,
    );
    // A file listed with tickets that the dump did not show has none left (the node rotated it).
    for (const f of todo) if (!out.has(f.name)) out.set(f.name, []);
  }
}
