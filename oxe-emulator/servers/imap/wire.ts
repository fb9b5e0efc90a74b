/**
 * How values are written in IMAP responses (RFC 3501 section 4 and the formal syntax): quoted
 * strings where they can be, literals where they must, NIL for nothing. A response is built as a
 * list of pieces so that message bytes (literals) go out as they are, never re-encoded.
 */

export type Piece = string | Buffer;

const QUOTABLE = /^[\x20-\x7e]*$/;

/** A string value: quoted when it is printable ASCII, a literal otherwise (RFC 3501 4.3). */
export function str(s: string): string {
  if (QUOTABLE.test(s)) return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return `{${Buffer.byteLength(s)}}\r\n${s}`;
}

/** nstring: a string, or NIL. */
export function nstr(s: string | undefined | null): string {
  return s === undefined || s === null ? "NIL" : str(s);
}

/** A literal of raw bytes, as pieces. */
export function literal(bytes: Buffer): Piece[] {
  return [`{${bytes.length}}\r\n`, bytes];
}

/** A parenthesized list, or NIL when empty and `nilIfEmpty`. */
export function list(items: readonly string[], nilIfEmpty = false): string {
  return items.length === 0 && nilIfEmpty ? "NIL" : `(${items.join(" ")})`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const pad = (n: number) => String(n).padStart(2, "0");

/** INTERNALDATE: `"25-Nov-2026 10:12:03 +0000"` (date-time of RFC 3501), UTC. */
export function internalDate(ms: number): string {
  const d = new Date(ms);
  return `"${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000"`;
}

/** The Date header of RFC 5322: `Tue, 25 Nov 2026 10:12:03 +0000`. */
export function rfc5322Date(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** A search date (`date` of RFC 3501: `1-Feb-1994`) as the UTC day it names, or undefined. */
export function parseSearchDate(s: string): number | undefined {
  const m = /^"?(\d{1,2})-([A-Za-z]{3})-(\d{4})"?$/.exec(s);
  if (!m) return undefined;
  const month = MONTHS.findIndex((x) => x.toLowerCase() === m[2]!.toLowerCase());
  if (month < 0) return undefined;
  const ms = Date.UTC(Number(m[3]), month, Number(m[1]));
  return new Date(ms).getUTCDate() === Number(m[1]) ? ms : undefined;
}

/** Text the server echoes back (a command name, a mailbox name) made safe for a response line. */
export function safeText(s: string, max = 64): string {
  const clean = s.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}
