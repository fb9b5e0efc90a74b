/**
 * Days and time slots in a requester's time zone (the SDK's `timezone`, an IANA name): a report
 * of "2026-12-02" for Europe/Paris covers that local day, 23 or 25 hours long across DST.
 */

interface Parts {
  y: number;
  m: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether `zone` is a time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

export function localParts(zone: string, t: number): Parts {
  const p: Record<string, number> = {};
  for (const x of formatter(zone).formatToParts(new Date(t)))
    if (x.type !== "literal") p[x.type] = Number(x.value);
  return { y: p.year!, m: p.month!, d: p.day!, h: p.hour!, mi: p.minute!, s: p.second! };
}

function offsetMs(zone: string, t: number): number {
  const p = localParts(zone, t);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) - Math.floor(t / 1000) * 1000;
}

/** The instant of local time y-m-d h:mi in `zone`. */
export function zonedInstant(zone: string, y: number, m: number, d: number, h = 0, mi = 0): number {
  const naive = Date.UTC(y, m - 1, d, h, mi);
  const first = naive - offsetMs(zone, naive);
  return naive - offsetMs(zone, first);
}

/** The local day [start, end) that `y-m-d` names in `zone`. */
export function dayRange(zone: string, y: number, m: number, d: number): { from: number; to: number } {
  return { from: zonedInstant(zone, y, m, d), to: zonedInstant(zone, y, m, d + 1) };
}

const p2 = (n: number) => String(n).padStart(2, "0");

/** `2026-12-02T10:15:00+01:00`: an instant as the requester reads it. */
export function zonedIso(zone: string, t: number): string {
  const p = localParts(zone, t);
  const off = Math.round(offsetMs(zone, t) / 60_000);
  const sign = off < 0 ? "-" : "+";
  const a = Math.abs(off);
  return `${p.y}-${p2(p.m)}-${p2(p.d)}T${p2(p.h)}:${p2(p.mi)}:${p2(p.s)}${sign}${p2(Math.floor(a / 60))}:${p2(a % 60)}`;
}

/** The local calendar fields of a slot's start, as a statistics row carries them. */
export function slotFields(zone: string, t: number) {
  const p = localParts(zone, t);
  return {
    date: `${p.y}-${p2(p.m)}-${p2(p.d)}`,
    year: String(p.y),
    month: p2(p.m),
    day: p2(p.d),
    hour: p2(p.h),
    minute: p2(p.mi),
  };
}

/** `yyyy-MM-dd` or `yyyy-MM-dd HH:mm` (as the SDK sends), to local fields; undefined if not a date. */
export function parseLocalDate(text: string): Parts | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d)
    return undefined;
  if (h > 23 || mi > 59) return undefined;
  return { y, m: mo, d, h, mi, s: 0 };
}
