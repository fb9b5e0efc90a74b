/**
 * Communication log throughput and latency, on pg-mem and on PostgreSQL (a private server, or
 * DATABASE_URL when set).
 *
 *   npx tsx bench/comlog/bench-comlog.ts [--backend pg|pg-mem|both] [--records 100000] [--users 500] [--batch 256]
 *
 * Records go round-robin over the users, as many calls ending at once would; with more than
 * 100 per user the trim works on every batch.
 */
import { parseArgs } from "node:util";
import { pino } from "pino";
import type { NewComRecord } from "../../gateway/store/comlog/types.js";
import { openStore, type Store } from "../../gateway/store/store.js";
import {
  type PostgresProvider,
  planPostgresTests,
  providePostgres,
} from "../../test/support/store/postgres.js";

const { values } = parseArgs({
  options: {
    backend: { type: "string", default: "both" },
    records: { type: "string", default: "100000" },
    users: { type: "string", default: "500" },
    queries: { type: "string", default: "2000" },
    batch: { type: "string" },
  },
});
const RECORDS = Number(values.records);
const USERS = Number(values.users);
const QUERIES = Number(values.queries);
const comlog = values.batch ? { batchSize: Number(values.batch) } : {};
const log = pino({ level: "warn" });

function record(i: number): NewComRecord {
  const owner = `oxe${10000 + (i % USERS)}`;
  const other = `oxe${10000 + ((i * 7 + 3) % USERS)}`;
  const answered = i % 3 !== 0;
  const begin = new Date(Date.UTC(2025, 0, 1) + i * 1000);
  const party = (login: string, role: "CALLER" | "CALLEE") => ({
    role,
    answered: role === "CALLER" || answered,
    identity: {
      id: { loginName: login, phoneNumber: login.slice(3) },
      firstName: "First",
      lastName: `Last ${login}`,
      type: { main: "USER" as const },
    },
  });
  const role = i % 2 === 0 ? "CALLER" : "CALLEE";
  return {
    loginName: owner,
    comRef: `ref${i}`,
    beginDate: begin,
    endDate: new Date(begin.getTime() + 60_000),
    convDate: answered ? new Date(begin.getTime() + 5_000) : null,
    participants: [party(owner, role), party(other, role === "CALLER" ? "CALLEE" : "CALLER")],
  };
}

function pct(xs: number[], p: number): string {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(2);
}

async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<string> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  return `p50 ${pct(ms, 50)} ms, p99 ${pct(ms, 99)} ms`;
}

async function bench(label: string, store: Store): Promise<void> {
  console.log(
    `\n== ${label}: ${RECORDS} records over ${USERS} users, batches of ${store.comlog.options.batchSize}`,
  );
  const t0 = performance.now();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < RECORDS; i++) {
    pending.push(store.comlog.add(record(i)));
    // let the writer run, as the event loop would between CSTA events
    if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
  }
  const queuedMs = performance.now() - t0;
  await Promise.all(pending);
  const ms = performance.now() - t0;
  const kept = await store.query<{ n: number }>("SELECT count(*) AS n FROM comlog_record");
  console.log(
    `insert: ${Math.round(RECORDS / (ms / 1000))} records/s (${(ms / 1000).toFixed(2)} s; queueing took ${queuedMs.toFixed(0)} ms; ${kept.rows[0]!.n} kept after trim)`,
  );
  const user = (i: number) => `oxe${10000 + ((i * 13) % USERS)}`;
  const n = Math.min(QUERIES, 2000);
  console.log(
    `query, newest 20:                ${await timed(n, (i) => store.comlog.query(user(i), {}, { limit: 20 }))}`,
  );
  console.log(
    `query, unanswered + remote party: ${await timed(n, (i) =>
      store.comlog.query(user(i), { unanswered: true, remotePartyId: user(i + 1).slice(3) }),
    )}`,
  );
  const some = await store.comlog.query(user(0), {}, { limit: 1 });
  const id = some.comHistoryRecords[0]!.recordId;
  console.log(`get by id:                        ${await timed(n, () => store.comlog.get(user(0), id))}`);
  console.log(
    `acknowledge 1:                    ${await timed(n, (i) => store.comlog.setAcknowledged(user(0), [id], i % 2 === 0))}`,
  );
}

async function main(): Promise<void> {
  const backends = values.backend === "both" ? ["pg-mem", "pg"] : [values.backend];
  for (const b of backends) {
    if (b === "pg-mem") {
      const store = await openStore({ log, comlog });
      await bench("pg-mem", store);
      await store.close();
      continue;
    }
    const plan = planPostgresTests();
    const target = plan.targets.find((t) => t.kind === "url") ?? plan.targets[0];
    if (!target) throw new Error(plan.reason);
    let provider: PostgresProvider | undefined;
    try {
      provider = await providePostgres(target);
      const url = await provider.createDatabase();
      const store = await openStore({ databaseUrl: url, log, comlog });
      await bench(target.label, store);
      await store.close();
    } finally {
      await provider?.dispose();
    }
  }
}

await main();
