/**
 * Directory search on a large phone book: the gateway's sorted-key index against a plain scan
 * of every entry with the same predicate (the obvious implementation, and the in-run
 * baseline), over the generated users of the emulator's directory (100,000 by default). Each
 * query kind runs on a sample of real names and numbers, so a prefix hits the book as users'
 * searches would.
 */

import { UserDirectory } from "../../gateway/domain/directory.js";
import {
  type Criterion,
  ExternalContacts,
  PhoneBook,
  parseCriteria,
} from "../../gateway/domain/phonebook/index.js";
import { generateDirectory } from "../../oxe-emulator/directory/index.js";
import { type BenchResult, barChart, type Row, result } from "../report/index.js";

interface Options {
  users: number;
  samples: number;
  progress: (line: string) => void;
}

type Sub = ReturnType<typeof generateDirectory>["subscribers"][number];

const KINDS: { name: string; filter: (s: Sub) => unknown }[] = [
  {
    name: "lastName BEGIN_WITH 3 letters",
    filter: (s) => leaf("lastName", "BEGIN_WITH", s.lastName.slice(0, 3)),
  },
  { name: "lastName EQUAL_IGNORE_CASE", filter: (s) => leaf("lastName", "EQUAL_IGNORE_CASE", s.lastName) },
  {
    name: "loginName EQUAL_IGNORE_CASE",
    filter: (s) => leaf("id.loginName", "EQUAL_IGNORE_CASE", s.loginName),
  },
  {
    name: "AND lastName prefix, firstName",
    filter: (s) => ({
      operation: "AND",
      operand: [
        leaf("lastName", "BEGIN_WITH", s.lastName.slice(0, 2)),
        leaf("firstName", "EQUAL_IGNORE_CASE", s.firstName),
      ],
    }),
  },
  { name: "lastName CONTAIN 3 letters", filter: (s) => leaf("lastName", "CONTAIN", s.lastName.slice(1, 4)) },
  {
    name: "phoneNumber END_WITH 3 digits",
    filter: (s) => leaf("id.phoneNumber", "END_WITH", s.directoryNumber.slice(-3)),
  },
];

function leaf(field: string, operation: string, operand: string) {
  return { field, operation, operand };
}

/** The baseline: every entry tested, then sorted and cut, with no index. */
function scan(
  book: { lastName: string; firstName: string; phone: string; login: string }[],
  c: Criterion,
  limit: number,
) {
  const key = (e: (typeof book)[number], f: string) =>
    (f === "lastName"
      ? e.lastName
      : f === "firstName"
        ? e.firstName
        : f === "id.phoneNumber"
          ? e.phone
          : e.login
    ).toLowerCase();
  const test = (e: (typeof book)[number], x: Criterion): boolean => {
    if (x.kind === "and") return x.children.every((y) => test(e, y));
    if (x.kind === "or") return x.children.some((y) => test(e, y));
    if (x.kind !== "leaf") return false;
    const k = key(e, x.field);
    if (x.operation === "BEGIN_WITH") return k.startsWith(x.value);
    if (x.operation === "CONTAIN") return k.includes(x.value);
    if (x.operation === "END_WITH") return k.endsWith(x.value);
    return k === x.value;
  };
  return book
    .filter((e) => test(e, c))
    .sort((a, b) => a.lastName.localeCompare(b.lastName))
    .slice(0, limit);
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

export function directoryBench(o: Options): { res: BenchResult; charts: Record<string, string> } {
  o.progress(`directory: generating ${o.users} users...`);
  const gen = generateDirectory({ users: o.users, nodes: Math.max(1, Math.ceil(o.users / 20_000)), seed: 1 });
  const dir = new UserDirectory();
  for (const s of gen.subscribers) {
    dir.addUser(s.nodeId, {
      directoryNumber: s.directoryNumber,
      lastName: s.lastName,
      firstName: s.firstName,
      stationType: s.stationType.name,
      loginName: s.loginName,
    });
  }
  const book = new PhoneBook(dir, new ExternalContacts());
  let t = performance.now();
  const size = book.size; // builds the index
  const buildMs = performance.now() - t;
  o.progress(`directory: index of ${size} entries built in ${buildMs.toFixed(0)} ms`);
  const flat = gen.subscribers.map((s) => ({
    lastName: s.lastName,
    firstName: s.firstName,
    phone: s.directoryNumber,
    login: s.loginName,
  }));

  const rows: Row[] = [];
  const groups: { label: string; values: { name: string; value: number }[] }[] = [];
  for (const kind of KINDS) {
    o.progress(`directory: ${kind.name}...`);
    const indexed: number[] = [];
    const scanned: number[] = [];
    let hits = 0;
    for (let i = 0; i < o.samples; i++) {
      const s = gen.subscribers[(i * 7919) % gen.subscribers.length]!;
      const c = parseCriteria(kind.filter(s));
      t = performance.now();
      const got = book.search(c, 100);
      indexed.push(performance.now() - t);
      t = performance.now();
      const want = scan(flat, c, 100);
      scanned.push(performance.now() - t);
      // Same answer or the comparison means nothing.
      if (got.length !== want.length)
        throw new Error(`${kind.name}: index found ${got.length}, scan ${want.length}`);
      hits += got.length;
    }
    const p50 = percentile(indexed, 50);
    const scan50 = percentile(scanned, 50);
    rows.push({
      query: kind.name,
      meanResults: Math.round(hits / o.samples),
      p50Ms: Number(p50.toFixed(3)),
      p99Ms: Number(percentile(indexed, 99).toFixed(3)),
      scanP50Ms: Number(scan50.toFixed(3)),
      speedup: Number((scan50 / Math.max(p50, 0.001)).toFixed(1)),
    });
    groups.push({
      label: kind.name,
      values: [
        { name: "index p50 (µs)", value: p50 * 1000 },
        { name: "scan p50 (µs)", value: scan50 * 1000 },
      ],
    });
  }
  const res = result("directory", rows, [
    `${size} entries; index built in ${buildMs.toFixed(0)} ms (rebuilt lazily when users change).`,
    `${o.samples} queries per kind on sampled real names; results capped at 100, sorted by name; scan = filter every entry, sort, cut.`,
    "Times are the search alone, in process; the REST round trip adds what `npm run bench -- rest` measures.",
  ]);
  const charts = {
    "directory.svg": barChart({ title: `Directory search on ${size} entries (p50)`, unit: "µs", groups }),
  };
  return { res, charts };
}
