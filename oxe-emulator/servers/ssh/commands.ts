/**
 * The maintenance commands an emulated node answers over SSH, for O2G's analytics service. The
 * real OXE's commands and their output are not public: these are named and shaped after the
 * OXE's (incvisu lists incidents; the accounting files are TAXACD_*), but the formats are ours,
 * made for a program to parse. The gateway parses exactly what is written here.
 *
 * GENERAL
 * - One record per line, fields separated by `|`, the free text always last. In a text field,
 *   `|`, CR and LF are replaced by a space, so a record is always one line with a fixed number of
 *   fields. An absent value is an empty field.
 * - Lines starting with `#` are not records: `#<field>|<field>...` heads the output with the
 *   field names; `#FILE <name>` (taxdump) tells which file the following tickets come from;
 *   `#END <n>` closes a complete answer, n being the number of records sent.
 * - Dates are UTC, ISO 8601 with seconds and `Z`: `2026-11-25T10:12:03Z`.
 * - Date arguments: `YYYYMMDD`, `YYYYMMDDHHMM[SS]`, `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS][Z]`,
 *   all UTC. `-f` is inclusive; `-t` includes the whole unit it names: `-t 20261125` takes in
 *   the 25th, `-t 2026-11-25T10:00` the minute 10:00.
 * - Exit status (exec channels): 0 done; 1 a named thing does not exist; 2 bad usage, with a
 *   message on stderr; 70 an emulator bug; 127 unknown command.
 * - Lines end with LF, or CR LF when the client asked for a terminal (pty).
 *
 * incvisu [-n LAST] [-f FROM] [-t TO] [-s SEVERITY] [-F]
 *   Incidents, oldest first. -n: only the last LAST (after the other filters); -s: severity
 *   SEVERITY or worse (1 critical, 2 major, 3 minor, 4 warning, 5 information); -F: after the
 *   list and its `#END`, a `#LIVE` line, then each new incident as it is raised, until the
 *   session closes (or Ctrl-C in a shell).
 *   #date|node|cs|severity|incident|occurrences|rack|board|equipment|termination|text
 *   2026-11-25T10:12:03Z|1|M|2|2018|1|0|12|||Coupler out of service
 *   cs: M raised by the main call server, S by the standby one; incident: the incident number;
 *   occurrences: repeats folded into the line; rack/board/equipment/termination: the location
 *   (shelf, coupler, port, channel), empty when the incident is not on hardware.
 *
 * taxfiles [-f FROM] [-t TO]
 *   Charging files whose hour overlaps the range, oldest first. One file per UTC hour,
 *   `TAXACD_<YYYYMMDD>_<HH>.txt`, holding the tickets of calls that ended in that hour.
 *   #name|start|end|tickets|state
 *   TAXACD_20261125_10.txt|2026-11-25T10:00:00Z|2026-11-25T11:00:00Z|37|closed
 *   state: open for the current hour's file (still growing), closed otherwise.
 *
 * taxdump [-f FROM] [-t TO] [-n TOP] [FILE...]
 *   Charging tickets, in file order (each file in the order it was written). With FILE names:
 *   the tickets of those files, in the order given (an unknown name fails the whole command
 *   with status 1 before anything is sent); -f/-t then filter them further. Without: tickets
 *   of calls that started in the range, from every file. -n: at most TOP tickets.
 *   #seq|start|charged|chargedName|caller|called|dialled|callType|duration|effectiveDuration|units|cost|currency|node|trunkGroup|costCenter|internalFacilities|externalFacilities
 *   #FILE TAXACD_20261125_10.txt
 *   4711|2026-11-25T10:02:11Z|10042|Jane Doe|10042|0146281234|00146281234|PublicNetworkCall|95|83|2|0.10|EUR|1|1|12|BasicCall,ARSService|CallingLineIdentificationPresentation
 *   seq: the node's ticket number; start: call start; charged/chargedName: the node's user the
 *   ticket is for; caller, called (who took the call, or was rung last), dialled (the number
 *   first dialled); callType: LocalNode, PrivateNetworkCall, PrivateNetworkIncomingCall,
 *   PublicNetworkCall, PublicNetworkIncomingCall (O2G's names); duration and
 *   effectiveDuration (talk time; 0 if unanswered) in seconds; units: charging units; cost:
 *   two decimals; node: the node that wrote it; trunkGroup: empty inside the node;
 *   costCenter; internalFacilities/externalFacilities: comma-separated O2G facility names.
 *
 * ccdfiles [-f FROM] [-t TO]
 *   CCD statistics files whose day overlaps the range (same columns as taxfiles), one per UTC
 *   day, `CCDSTA_<YYYYMMDD>.txt`, holding the tickets of calls offered to the node's pilots that day.
 *
 * ccddump [-f FROM] [-t TO] [FILE...]
 *   CCD statistics tickets, file by file (each after its `#FILE` line), of the named files or of
 *   every file of the range; -f/-t keep calls offered in the range. Ours (ccd/stats-tickets.ts):
 *   #seq|kind|offered|pilot|pilotName|pg|caller|agent|outcome|waitMs|ringMs|talkMs|wrapupMs|ref
 *   kind: call (written when the call's fate is known) or wrapup (when its agent's wrap-up ends;
 *   ref: the call's seq); offered: ISO 8601 UTC with milliseconds; outcome: answered, abandoned
 *   (in queue), unanswered (rang an agent, not answered), overflowed, refused; durations in ms.
 *
 * help [COMMAND]   the commands, or one command's usage
 * exit | quit | logout   close a shell session
 */
import { parseArgs } from "node:util";
import {
  type ChargingTicket,
  chargingFileName,
  type DateBound,
  type Incident,
  type IncidentSeverity,
  isoSeconds,
  type NodeAnalytics,
  parseDateBound,
  rangeOf,
  startOfHour,
} from "../../analytics/index.js";
import { CCD_TICKET_HEADER, type CcdTicket, formatCcdTicket } from "../../ccd/stats-tickets.js";

/** Where a command writes: a line at a time, waiting when the peer is slow. */
export interface CommandOutput {
  line(text: string): Promise<void>;
  /** push what is buffered to the peer now (before waiting for something else) */
  flush(): Promise<void>;
  error(text: string): void;
}

export interface CommandContext {
  readonly analytics: NodeAnalytics;
  readonly nodeId: number;
  readonly out: CommandOutput;
  /** aborted when the session closes or the user interrupts */
  readonly signal: AbortSignal;
}

export const EXIT_OK = 0;
export const EXIT_NOT_FOUND = 1;
export const EXIT_USAGE = 2;
/** a bug in the emulator (sysexits' EX_SOFTWARE) */
export const EXIT_SOFTWARE = 70;
export const EXIT_UNKNOWN = 127;

export const INCIDENT_HEADER =
  "#date|node|cs|severity|incident|occurrences|rack|board|equipment|termination|text";
export const FILE_HEADER = "#name|start|end|tickets|state";
export const TICKET_HEADER =
  "#seq|start|charged|chargedName|caller|called|dialled|callType|duration|effectiveDuration|units|cost|currency|node|trunkGroup|costCenter|internalFacilities|externalFacilities|accountCode|privateCall";

const clean = (s: string) => s.replace(/[|\r\n]/g, " ");
const opt = (n: number | undefined) => (n === undefined ? "" : String(n));

export function formatIncident(i: Incident): string {
  return [
    isoSeconds(i.date),
    i.nodeId,
    i.mainCallServer ? "M" : "S",
    i.severity,
    i.code,
    i.occurrences,
    opt(i.rack),
    opt(i.board),
    opt(i.equipment),
    opt(i.termination),
    clean(i.text),
  ].join("|");
}

export function formatTicket(t: ChargingTicket): string {
  return [
    t.seq,
    isoSeconds(t.start),
    clean(t.chargedNumber),
    clean(t.chargedName),
    clean(t.caller),
    clean(t.called),
    clean(t.dialled),
    t.callType,
    t.durationSec,
    t.effectiveDurationSec,
    t.units,
    t.cost.toFixed(2),
    clean(t.currency),
    t.nodeId,
    opt(t.trunkGroup),
    t.costCenter,
    t.internalFacilities.join(","),
    t.externalFacilities.join(","),
    clean(t.accountCode ?? ""),
    t.privateCall ? "Y" : "N",
  ].join("|");
}

/** The file a ticket was written to: its call's end hour. */
export function fileOfTicket(t: ChargingTicket): string {
  return chargingFileName(startOfHour(t.start + t.durationSec * 1000));
}

interface CommandSpec {
  readonly usage: string;
  readonly summary: string;
  run(args: string[], ctx: CommandContext): Promise<number>;
}

class UsageError extends Error {}

const DATE_HELP = "use YYYYMMDD[HHMM[SS]] or YYYY-MM-DD[THH:MM[:SS]Z], UTC";

function dateArg(name: string, value: string | undefined): DateBound | undefined {
  if (value === undefined) return undefined;
  const d = parseDateBound(value);
  if (!d) throw new UsageError(`bad date for ${name}: "${value}" (${DATE_HELP})`);
  return d;
}

function countArg(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${name} must be a whole number, not "${value}"`);
  return Number(value);
}

function parse(
  args: string[],
  options: Record<string, { type: "string" | "boolean"; short: string }>,
  positionals = false,
) {
  try {
    return parseArgs({ args, options, allowPositionals: positionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split("\n")[0]!);
  }
}

const DATE_OPTIONS = {
  from: { type: "string", short: "f" },
  to: { type: "string", short: "t" },
} as const;

/** The -f/-t range of a command's parsed options (open ends when absent). */
function dateRange(values: { from?: string | boolean; to?: string | boolean }) {
  return rangeOf(
    dateArg("-f", values.from as string | undefined),
    dateArg("-t", values.to as string | undefined),
  );
}

/** A file list (taxfiles, ccdfiles): the header, a line per file, the count. */
async function listFiles(
  ctx: { out: { line(s: string): Promise<void> | void } },
  files: readonly { name: string; start: number; end: number; tickets: number; open: boolean }[],
): Promise<void> {
  await ctx.out.line(FILE_HEADER);
  for (const f of files)
    await ctx.out.line(
      `${f.name}|${isoSeconds(f.start)}|${isoSeconds(f.end)}|${f.tickets}|${f.open ? "open" : "closed"}`,
    );
  await ctx.out.line(`#END ${files.length}`);
}

/** Resolve when the signal aborts. */
function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

export const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map<string, CommandSpec>([
  [
    "incvisu",
    {
      usage: "incvisu [-n LAST] [-f FROM] [-t TO] [-s SEVERITY] [-F]",
      summary: "list the node's incidents (-F: then follow new ones)",
      async run(args, ctx) {
        const { values } = parse(args, {
          last: { type: "string", short: "n" },
          ...DATE_OPTIONS,
          severity: { type: "string", short: "s" },
          follow: { type: "boolean", short: "F" },
        });
        const last = countArg("-n", values.last as string | undefined);
        const sev = countArg("-s", values.severity as string | undefined);
        if (sev !== undefined && (sev < 1 || sev > 5))
          throw new UsageError("-s takes a severity from 1 to 5");
        const range = dateRange(values);
        const log = ctx.analytics.incidents;
        // Subscribe before reading the list, so nothing raised in between is lost.
        const pending: Incident[] = [];
        let wake: (() => void) | undefined;
        const unsubscribe = values.follow
          ? log.onIncident((i) => {
              pending.push(i);
              wake?.();
            })
          : undefined;
        try {
          const q: Parameters<typeof log.query>[0] = { range };
          if (last !== undefined) q.last = last;
          if (sev !== undefined) q.maxSeverity = sev as IncidentSeverity;
          const list = log.query(q);
          await ctx.out.line(INCIDENT_HEADER);
          for (const i of list) {
            if (ctx.signal.aborted) return EXIT_OK;
            await ctx.out.line(formatIncident(i));
          }
          await ctx.out.line(`#END ${list.length}`);
          if (!values.follow) return EXIT_OK;
          await ctx.out.line("#LIVE");
          await ctx.out.flush();
          const shown = new Set(list);
          while (!ctx.signal.aborted) {
            while (pending.length) {
              const i = pending.shift()!;
              if (shown.has(i) || (sev !== undefined && i.severity > sev)) continue;
              await ctx.out.line(formatIncident(i));
            }
            await ctx.out.flush();
            if (pending.length) continue;
            await Promise.race([new Promise<void>((r) => (wake = r)), aborted(ctx.signal)]);
            wake = undefined;
          }
          return EXIT_OK;
        } finally {
          unsubscribe?.();
        }
      },
    },
  ],
  [
    "taxfiles",
    {
      usage: "taxfiles [-f FROM] [-t TO]",
      summary: "list the charging files of a date range",
      async run(args, ctx) {
        const { values } = parse(args, DATE_OPTIONS);
        const range = dateRange(values);
        await listFiles(ctx, ctx.analytics.charging.files(range));
        return EXIT_OK;
      },
    },
  ],
  [
    "taxdump",
    {
      usage: "taxdump [-f FROM] [-t TO] [-n TOP] [FILE...]",
      summary: "dump the charging tickets of a date range, or of named files",
      async run(args, ctx) {
        const { values, positionals } = parse(
          args,
          { ...DATE_OPTIONS, top: { type: "string", short: "n" } },
          true,
        );
        const top = countArg("-n", values.top as string | undefined) ?? Number.POSITIVE_INFINITY;
        const range = dateRange(values);
        const store = ctx.analytics.charging;
        let source: Iterable<ChargingTicket>;
        if (positionals.length) {
          const missing = positionals.filter((name) => !store.file(name));
          if (missing.length) {
            ctx.out.error(`taxdump: no such file: ${missing.join(" ")}`);
            return EXIT_NOT_FOUND;
          }
          source = (function* () {
            for (const name of positionals) {
              for (const t of store.ticketsOfFile(name) ?? []) {
                if (t.start >= range.from && t.start < range.to) yield t;
              }
            }
          })();
        } else {
          source = store.tickets(range);
        }
        await ctx.out.line(TICKET_HEADER);
        let n = 0;
        let file = "";
        for (const t of source) {
          if (n >= top || ctx.signal.aborted) break;
          const f = fileOfTicket(t);
          if (f !== file) {
            file = f;
            await ctx.out.line(`#FILE ${f}`);
          }
          await ctx.out.line(formatTicket(t));
          n++;
        }
        if (!ctx.signal.aborted) await ctx.out.line(`#END ${n}`);
        return EXIT_OK;
      },
    },
  ],
  // CCD statistics tickets (ours: see ccd/stats-tickets.ts for the fields).
  [
    "ccdfiles",
    {
      usage: "ccdfiles [-f FROM] [-t TO]",
      summary: "list the CCD statistics files (one per UTC day) of a date range",
      async run(args, ctx) {
        const { values } = parse(args, DATE_OPTIONS);
        const range = dateRange(values);
        await listFiles(ctx, ctx.analytics.ccdTickets?.files(range.from, range.to) ?? []);
        return EXIT_OK;
      },
    },
  ],
  [
    "ccddump",
    {
      usage: "ccddump [-f FROM] [-t TO] [FILE...]",
      summary: "dump the CCD statistics tickets of named files, or of calls offered in a range",
      async run(args, ctx) {
        const { values, positionals } = parse(args, DATE_OPTIONS, true);
        const range = dateRange(values);
        const store = ctx.analytics.ccdTickets;
        const missing = positionals.filter((name) => !store?.ticketsOfFile(name));
        if (missing.length) {
          ctx.out.error(`ccddump: no such file: ${missing.join(" ")}`);
          return EXIT_NOT_FOUND;
        }
        const blocks: [string, Iterable<CcdTicket>][] = positionals.length
          ? positionals.map((name) => [name, store!.ticketsOfFile(name)!])
          : (store?.files(range.from, range.to) ?? []).map((f) => [f.name, store!.ticketsOfFile(f.name)!]);
        await ctx.out.line(CCD_TICKET_HEADER);
        let n = 0;
        for (const [name, tickets] of blocks) {
          await ctx.out.line(`#FILE ${name}`);
          for (const t of tickets) {
            if (ctx.signal.aborted) return EXIT_OK;
            if (t.offeredAt < range.from || t.offeredAt >= range.to) continue;
            await ctx.out.line(formatCcdTicket(t));
            n++;
          }
        }
        await ctx.out.line(`#END ${n}`);
        return EXIT_OK;
      },
    },
  ],
  [
    "help",
    {
      usage: "help [COMMAND]",
      summary: "list the commands, or show one command's usage",
      async run(args, ctx) {
        if (args.length > 1) throw new UsageError("help takes at most one command name");
        if (args[0] !== undefined) {
          const c = COMMANDS.get(args[0]);
          if (!c) {
            ctx.out.error(`help: no command ${args[0]}`);
            return EXIT_NOT_FOUND;
          }
          await ctx.out.line(`${c.usage}`);
          await ctx.out.line(`  ${c.summary}`);
          return EXIT_OK;
        }
        const width = Math.max(...[...COMMANDS.values()].map((c) => c.usage.length)) + 2;
        for (const c of COMMANDS.values()) await ctx.out.line(`${c.usage.padEnd(width)}${c.summary}`);
        return EXIT_OK;
      },
    },
  ],
  [
    "exit",
    {
      usage: "exit | quit | logout",
      summary: "close the session",
      async run() {
        return EXIT_OK;
      },
    },
  ],
]);

const EXIT_WORDS = new Set(["exit", "quit", "logout"]);

export function isExit(line: string): boolean {
  return EXIT_WORDS.has(line.trim());
}

/** Split a command line into words; double or single quotes group words. */
export function splitWords(line: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= "";
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + ch;
    }
  }
  if (quote) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}

/** Run one command line; resolves to its exit status. Never rejects: a bug is status 70. */
export async function runCommand(line: string, ctx: CommandContext): Promise<number> {
  const words = splitWords(line);
  if (!words) {
    ctx.out.error("unbalanced quotes");
    return EXIT_USAGE;
  }
  const [name, ...args] = words;
  if (name === undefined) return EXIT_OK;
  const cmd = COMMANDS.get(EXIT_WORDS.has(name) ? "exit" : name);
  if (!cmd) {
    ctx.out.error(`${name}: command not found (try help)`);
    return EXIT_UNKNOWN;
  }
  try {
    const status = await cmd.run(args, ctx);
    await ctx.out.flush();
    return status;
  } catch (err) {
    if (err instanceof UsageError) {
      ctx.out.error(`${name}: ${err.message}`);
      ctx.out.error(`usage: ${cmd.usage}`);
      return EXIT_USAGE;
    }
    if (ctx.signal.aborted) return EXIT_OK;
    ctx.out.error(`${name}: internal error: ${(err as Error).message}`);
    return EXIT_SOFTWARE;
  }
}
