/**
 * The board's filtered list, kept up to date from the store's journal of changed users, must
 * always equal what a full walk of every user gives, whatever the events; and with a filter
 * set, an event must not walk every user again.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { FilteredRows, matches, type RowFilter } from "./board-rows.js";
import { ConsoleStore, NO_CALLS, type UserRow } from "./store.js";

beforeAll(() => {
  // the store schedules its listeners per animation frame; there is none in Node
  globalThis.requestAnimationFrame ??= ((fn: FrameRequestCallback) =>
    setTimeout(() => fn(0), 0)) as unknown as typeof requestAnimationFrame;
});

const users = (n: number): UserRow[] =>
  Array.from({ length: n }, (_, i) => ({
    login: `oxe${10000 + i}`,
    nodeId: 1 + (i % 2),
    detailed: false,
    userState: "FREE",
    calls: NO_CALLS,
  }));

const ring = (s: ConsoleStore, login: string, ref: string) =>
  s.apply({
    eventName: "OnCallCreated",
    loginName: login,
    callRef: ref,
    legs: [{ deviceId: "1", state: "RINGING_INCOMING" }],
    participants: [],
  });
const answer = (s: ConsoleStore, login: string, ref: string) =>
  s.apply({
    eventName: "OnCallModified",
    loginName: login,
    callRef: ref,
    modifiedLegs: [{ deviceId: "1", state: "ACTIVE" }],
  });
const hangUp = (s: ConsoleStore, login: string, ref: string) =>
  s.apply({ eventName: "OnCallRemoved", loginName: login, callRef: ref });

describe("the board's filtered rows", () => {
  it("equal a full walk after any events, in the store's order", () => {
    const filters: RowFilter[] = [
      { node: "", state: "RINGING", needle: "" },
      { node: "2", state: "IN_CALL", needle: "" },
      { node: "", state: "FREE", needle: "oxe1000" },
      { node: "1", state: "", needle: "" },
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...filters),
        fc.array(fc.tuple(fc.constantFrom("ring", "answer", "hangUp"), fc.nat(39), fc.nat(2)), {
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 5 }),
        (filter, events, every) => {
          const s = new ConsoleStore();
          s.setUsers(users(40));
          const view = new FilteredRows();
          view.rows(s, filter);
          events.forEach(([what, who, call], i) => {
            const login = `oxe${10000 + who}`;
            const ref = `c${call}`;
            if (what === "ring") ring(s, login, ref);
            else if (what === "answer") answer(s, login, ref);
            else hangUp(s, login, ref);
            // the board reads the list once per frame, after one event or several
            if (i % every === 0)
              expect(view.rows(s, filter)).toEqual(s.users.filter((u) => matches(u, filter)));
          });
          expect(view.rows(s, filter)).toEqual(s.users.filter((u) => matches(u, filter)));
        },
      ),
    );
  });

  it("checks only the users that changed once a filter is set", () => {
    const s = new ConsoleStore();
    s.setUsers(users(10_000));
    const filter: RowFilter = { node: "", state: "RINGING", needle: "" };
    const view = new FilteredRows();
    expect(view.rows(s, filter)).toEqual([]);
    // count what the filter looks at: the users' logins are read by matches() only through the
    // needle, so count rowState's reads of `calls` instead
    let reads = 0;
    for (const u of s.users) {
      let calls = u.calls;
      Object.defineProperty(u, "calls", {
        get: () => {
          reads++;
          return calls;
        },
        set: (v) => {
          calls = v;
        },
      });
    }
    ring(s, "oxe10042", "c1");
    reads = 0;
    expect(view.rows(s, filter).map((u) => u.login)).toEqual(["oxe10042"]);
    expect(reads).toBeLessThan(10);
    const before = view.revision;
    answer(s, "oxe10042", "c1");
    expect(view.rows(s, filter)).toEqual([]);
    expect(view.revision).toBeGreaterThan(before);
  });

  it("without a filter is the store's own array, and walks again when the users are new", () => {
    const s = new ConsoleStore();
    s.setUsers(users(5));
    const view = new FilteredRows();
    const none: RowFilter = { node: "", state: "", needle: "" };
    expect(view.rows(s, none)).toBe(s.users);
    const r = view.revision;
    ring(s, "oxe10001", "c1");
    expect(view.rows(s, none)).toBe(s.users);
    expect(view.revision).toBe(r);
    s.setUsers(users(3));
    expect(view.rows(s, { node: "", state: "RINGING", needle: "" })).toEqual([]);
  });

  it("walks every user again when the journal no longer reaches back", () => {
    const s = new ConsoleStore();
    s.setUsers(users(100));
    const filter: RowFilter = { node: "", state: "RINGING", needle: "" };
    const view = new FilteredRows();
    view.rows(s, filter);
    // more changes than the journal keeps
    for (let i = 0; i < 25_000; i++) {
      const login = `oxe${10000 + (i % 100)}`;
      if (i % 2 === 0) ring(s, login, "c");
      else hangUp(s, login, "c");
    }
    ring(s, "oxe10007", "c9");
    expect(s.changedSince(0)).toBeUndefined();
    expect(view.rows(s, filter)).toEqual(s.users.filter((u) => matches(u, filter)));
  });

  it("gives each user its own calls, never the shared empty map", () => {
    const s = new ConsoleStore();
    s.setUsers(users(3));
    ring(s, "oxe10000", "c1");
    expect(NO_CALLS.size).toBe(0);
    expect(s.byLogin.get("oxe10000")?.calls.size).toBe(1);
    expect(s.byLogin.get("oxe10001")?.calls).toBe(NO_CALLS);
    hangUp(s, "oxe10000", "c1");
    expect(s.byLogin.get("oxe10000")?.calls.size).toBe(0);
  });
});
