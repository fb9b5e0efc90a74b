/**
 * The board's list under its filters (node, state, text), kept up to date from the users that
 * changed (the store's journal) rather than by a walk of every user on each event: at 100,000
 * users a filter costs one walk when it is set, then only what the events touch. Without a
 * filter the list is the store's own array: no walk at all.
 */
import { rowState, type UserRow } from "./store.js";

export interface RowFilter {
  /** a node id, "" for every node */
  node: string;
  /** a RowState, "" for any */
  state: string;
  /** lower-case text searched in login, number and name; "" for none */
  needle: string;
}

/** What FilteredRows needs of the store. */
export interface UserSource {
  readonly users: readonly UserRow[];
  readonly userChanges: number;
  changedSince(mark: number): readonly UserRow[] | undefined;
}

export function matches(u: UserRow, f: RowFilter): boolean {
  return (
    (f.node === "" || String(u.nodeId) === f.node) &&
    (f.state === "" || rowState(u) === f.state) &&
    (f.needle === "" ||
      u.login.toLowerCase().includes(f.needle) ||
      (u.number ?? "").includes(f.needle) ||
      (u.name ?? "").toLowerCase().includes(f.needle))
  );
}

export class FilteredRows {
  /** bumped each time the list's content changes (a row in, a row out, another filter) */
  revision = 0;
  private key: string | undefined;
  private users: readonly UserRow[] | undefined;
  private mark = 0;
  private list: UserRow[] = [];
  private readonly members = new Set<UserRow>();
  /** each user's place in the store's array, to insert a user where the full walk would */
  private place: Map<UserRow, number> | undefined;

  /** The users the filter lets through, in the store's order. */
  rows(source: UserSource, f: RowFilter): readonly UserRow[] {
    const key = `${f.node}\u0000${f.state}\u0000${f.needle}`;
    const unfiltered = f.node === "" && f.state === "" && f.needle === "";
    const same = key === this.key && source.users === this.users;
    const changed = same ? source.changedSince(this.mark) : undefined;
    this.mark = source.userChanges;
    if (unfiltered) {
      if (!same) this.reset(key, source.users, []);
      return source.users;
    }
    if (!changed) {
      this.reset(
        key,
        source.users,
        source.users.filter((u) => matches(u, f)),
      );
      return this.list;
    }
    const seen = new Set<UserRow>();
    for (const u of changed) {
      if (seen.has(u)) continue;
      seen.add(u);
      const was = this.members.has(u);
      if (was === matches(u, f)) continue;
      if (was) this.remove(u);
      else this.insert(u);
      this.revision++;
    }
    return this.list;
  }

  private reset(key: string, users: readonly UserRow[], list: UserRow[]): void {
    if (users !== this.users) this.place = undefined;
    this.key = key;
    this.users = users;
    this.list = list;
    this.members.clear();
    for (const u of list) this.members.add(u);
    this.revision++;
  }

  private at(u: UserRow): number {
    this.place ??= new Map((this.users ?? []).map((x, i) => [x, i]));
    return this.place.get(u) ?? -1;
  }

  /** where `u` is, or would go, in the list (binary search on the store's order) */
  private slot(u: UserRow): number {
    const want = this.at(u);
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(this.list[mid] as UserRow) < want) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insert(u: UserRow): void {
    this.list.splice(this.slot(u), 0, u);
    this.members.add(u);
  }

  private remove(u: UserRow): void {
    const i = this.slot(u);
    if (this.list[i] === u) this.list.splice(i, 1);
    this.members.delete(u);
  }
}
