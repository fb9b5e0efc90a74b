/**
 * The phone book a directory search reads: the users of every node and the nodes' external
 * contacts. Searches run on sorted keys (lower-cased names, logins, numbers), so a prefix or an
 * exact match is two binary searches whatever the size; CONTAIN and END_WITH scan the keys of
 * the candidates the rest of the filter leaves. The index is rebuilt, lazily, when the
 * directory or the contacts changed since it was built.
 */
import type { PartyInfo } from "../../store/index.js";
import type { UserDirectory } from "../directory.js";
import type { Criterion, Field } from "./criteria.js";

export interface ExternalContact {
  lastName: string;
  firstName: string;
  phoneNumber: string;
}

interface Entry {
  party: PartyInfo;
  keys: Record<Field, string>;
  /** the keys read backwards (END_WITH is a prefix search on them), made when first needed */
  reversed: Partial<Record<Field, string>>;
}

interface Index {
  version: string;
  all: Entry[];
  sorted: Record<Field, Entry[]>;
  sortedReversed: Partial<Record<Field, Entry[]>>;
}

const FIELDS: readonly Field[] = ["lastName", "firstName", "id.phoneNumber", "id.loginName"];

/** The nodes' external contacts, kept per node as read from each. */
export class ExternalContacts {
  private readonly byNode = new Map<number, readonly ExternalContact[]>();
  version = 0;

  set(nodeId: number, contacts: readonly ExternalContact[]): void {
    this.byNode.set(nodeId, contacts);
    this.version++;
  }

  *all(): Iterable<ExternalContact> {
    for (const list of this.byNode.values()) yield* list;
  }

  get size(): number {
    let n = 0;
    for (const l of this.byNode.values()) n += l.length;
    return n;
  }
}

export class PhoneBook {
  private index: Index | undefined;

  constructor(
    private readonly directory: UserDirectory,
    readonly externals: ExternalContacts,
  ) {}

  private current(): Index {
    const version = `${this.directory.version}/${this.externals.version}`;
    if (this.index?.version === version) return this.index;
    const all: Entry[] = [];
    for (const u of this.directory.users.values()) {
      all.push(
        entry(
          {
            id: { loginName: u.loginName, phoneNumber: u.companyPhone },
            firstName: u.firstName,
            lastName: u.lastName,
            type: { main: "USER" },
          },
          u.loginName,
        ),
      );
    }
    for (const c of this.externals.all()) {
      all.push(
        entry(
          {
            id: { phoneNumber: c.phoneNumber },
            firstName: c.firstName,
            lastName: c.lastName,
            type: { main: "EXTERNAL" },
          },
          "",
        ),
      );
    }
    const sorted = {} as Record<Field, Entry[]>;
    for (const f of FIELDS) sorted[f] = [...all].sort((a, b) => cmp(a.keys[f], b.keys[f]));
    this.index = { version, all, sorted, sortedReversed: {} };
    return this.index;
  }

  get size(): number {
    return this.current().all.length;
  }

  /** Up to `limit` contacts matching, ordered by last name then first name. */
  search(c: Criterion, limit: number): PartyInfo[] {
    const idx = this.current();
    const pool = candidates(idx, c) ?? idx.all;
    const out: Entry[] = [];
    for (const e of pool) if (matches(e, c)) out.push(e);
    out.sort(
      (a, b) =>
        cmp(a.keys.lastName, b.keys.lastName) ||
        cmp(a.keys.firstName, b.keys.firstName) ||
        cmp(a.keys["id.phoneNumber"], b.keys["id.phoneNumber"]),
    );
    return out.slice(0, limit).map((e) => e.party);
  }
}

function entry(party: PartyInfo, login: string): Entry {
  const keys: Record<Field, string> = {
    lastName: (party.lastName ?? "").toLowerCase(),
    firstName: (party.firstName ?? "").toLowerCase(),
    "id.phoneNumber": (party.id.phoneNumber ?? "").toLowerCase(),
    "id.loginName": login.toLowerCase(),
  };
  return { party, keys, reversed: {} };
}

function reverse(s: string): string {
  return s.split("").reverse().join("");
}

/** The book sorted on a field read backwards, built the first time an END_WITH needs it. */
function reversedIndex(idx: Index, f: Field): Entry[] {
  let list = idx.sortedReversed[f];
  if (!list) {
    for (const e of idx.all) e.reversed[f] = reverse(e.keys[f]);
    list = [...idx.all].sort((a, b) => cmp(a.reversed[f]!, b.reversed[f]!));
    idx.sortedReversed[f] = list;
  }
  return list;
}

/** Entries of `list` (sorted on `key`) whose key starts with `prefix` (or equals it). */
function range(list: Entry[], key: (e: Entry) => string, prefix: string, exact: boolean): Entry[] {
  const from = lowerBound(list, key, prefix);
  // Every key starting with the prefix sorts before prefix + U+FFFF.
  const to = lowerBound(list, key, exact ? `${prefix}\u0000` : `${prefix}\uffff`);
  return list.slice(from, to);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** First index in `list` whose key is >= `value`. */
function lowerBound(list: Entry[], key: (e: Entry) => string, value: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(list[mid]!) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The entries a criterion can only be among, or undefined when it needs a scan. */
function candidates(idx: Index, c: Criterion): Entry[] | undefined {
  if (c.kind === "leaf") {
    const f = c.field;
    switch (c.operation) {
      case "BEGIN_WITH":
      case "EQUAL_IGNORE_CASE":
        return range(idx.sorted[f], (e) => e.keys[f], c.value, c.operation === "EQUAL_IGNORE_CASE");
      case "END_WITH":
        return range(reversedIndex(idx, f), (e) => e.reversed[f]!, reverse(c.value), false);
      case "CONTAIN":
        return undefined;
    }
  }
  const parts = c.children.map((x) => candidates(idx, x));
  if (c.kind === "and") {
    let best: Entry[] | undefined;
    for (const p of parts) if (p && (!best || p.length < best.length)) best = p;
    return best;
  }
  if (parts.some((p) => p === undefined)) return undefined;
  return [...new Set(parts.flatMap((p) => p ?? []))];
}

function matches(e: Entry, c: Criterion): boolean {
  switch (c.kind) {
    case "and":
      return c.children.every((x) => matches(e, x));
    case "or":
      return c.children.some((x) => matches(e, x));
    case "leaf": {
      const k = e.keys[c.field];
      switch (c.operation) {
        case "EQUAL_IGNORE_CASE":
          return k === c.value;
        case "BEGIN_WITH":
          return k.startsWith(c.value);
        case "CONTAIN":
          return k.includes(c.value);
        case "END_WITH":
          return k.endsWith(c.value);
      }
    }
  }
}
