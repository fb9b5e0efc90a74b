/**
 * The embedded backend: pg-mem, a PostgreSQL emulation, on a worker thread of this process (see
 * memory-worker.ts for why). Nothing survives the process; a `MemoryDatabase` handle may be
 * reopened to simulate a gateway restart in tests.
 *
 * - pg-mem has no isolation of its own: every access is serialized here, and a transaction
 *   holds the whole database from its first statement to its end, restoring the snapshot taken
 *   at its start on failure (cheap: pg-mem's data is immutable). That gives the all-or-nothing a
 *   batch needs. The SQL traps pg-mem sets are listed in memory-engine.ts. A procedure (sql.ts)
 *   is a whole transaction in one message, run on the thread.
 * - The thread does not keep the process alive, and serves every database of the process; a
 *   database the store made itself is dropped with the store.
 */
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { EngineReply, EngineRequest, EngineThreadData } from "./memory-worker.js";
import type { Database, Procedure, Queryable, Row, SqlResult, SqlValue } from "./sql.js";

/** An in-process database that outlives the stores opened on it. */
export interface MemoryDatabase {
  readonly kind: "pg-mem";
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** The pg-mem thread: one per process, whatever number of databases it holds. */
interface EngineThread {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  nextId: number;
  /** the thread failed: every request fails with this */
  dead: Error | null;
}

interface MemoryHandle extends MemoryDatabase {
  readonly thread: EngineThread;
  /** this database's number on the thread */
  readonly db: number;
  /** serialises every access: a transaction spans awaits */
  lock: Promise<void>;
}

/** Extra argument distributions for EngineRequest, which TypeScript cannot spread over a union. */
type RequestBody = EngineRequest extends infer T
  ? T extends { id: number; db: number }
    ? Omit<T, "id" | "db">
    : never
  : never;

let shared: EngineThread | undefined;
let nextDb = 1;

/** The nice value the thread takes: O2G_STORE_THREAD_NICE, 10 when unset (memory-worker.ts says why). */
export function storeThreadNice(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.O2G_STORE_THREAD_NICE;
  if (raw === undefined || raw === "") return 10;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 19)
    throw new Error(`O2G_STORE_THREAD_NICE: ${JSON.stringify(raw)} is not a nice value from 0 to 19`);
  return n;
}

function engineThread(): EngineThread {
  if (shared && !shared.dead) return shared;
  // From the sources, the boot file loads the TypeScript worker through tsx (a thread does not
  // inherit loaders); a bundled gateway names its bundled worker (bench/support/bundle.ts).
  // BENCH_CPU_PROF (bench/support/processes.ts): the thread writes its own CPU profile too.
  const prof = process.env.BENCH_CPU_PROF;
  const bundledWorker = process.env.O2G_MEMORY_WORKER;
  const entry = bundledWorker
    ? pathToFileURL(bundledWorker)
    : new URL("./memory-worker-boot.mjs", import.meta.url);
  const workerData: EngineThreadData = { nice: storeThreadNice() };
  const worker = new Worker(entry, {
    execArgv: prof ? ["--cpu-prof", `--cpu-prof-dir=${prof}`] : [],
    workerData,
  });
  worker.unref();
  const thread: EngineThread = { worker, pending: new Map(), nextId: 1, dead: null };
  worker.on("message", (m: EngineReply) => {
    const p = thread.pending.get(m.id);
    if (!p) return;
    thread.pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(Object.assign(new Error(m.message), m.code ? { code: m.code } : {}));
  });
  const fail = (err: Error) => {
    thread.dead = err;
    for (const p of thread.pending.values()) p.reject(err);
    thread.pending.clear();
  };
  worker.on("error", (err) => fail(new Error(`store: the pg-mem thread failed: ${err.message}`)));
  worker.on("exit", (code) => fail(new Error(`store: the pg-mem thread exited (${code})`)));
  shared = thread;
  return thread;
}

export function createMemoryDatabase(): MemoryDatabase {
  const handle: MemoryHandle = {
    kind: "pg-mem",
    thread: engineThread(),
    db: nextDb++,
    lock: Promise.resolve(),
  };
  // Messages are handled in order: the database exists before any statement sent after this.
  request(handle, { op: "open" }).catch(() => undefined);
  return handle;
}

/** Drops a database (its data goes with it); the thread stays for the others. */
export async function disposeMemoryDatabase(memory: MemoryDatabase): Promise<void> {
  const h = memory as MemoryHandle;
  await locked(h, () => request(h, { op: "drop" })).catch(() => undefined);
}

function request<T>(h: MemoryHandle, body: RequestBody): Promise<T> {
  const t = h.thread;
  if (t.dead) return Promise.reject(t.dead);
  const id = t.nextId++;
  return new Promise<T>((resolve, reject) => {
    t.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    // The thread only needs to run while someone waits for it.
    if (t.pending.size === 1) t.worker.ref();
    t.worker.postMessage({ id, db: h.db, ...body } as EngineRequest);
  }).finally(() => {
    if (t.pending.size === 0) t.worker.unref();
  });
}

function run<R extends Row>(
  h: MemoryHandle,
  sql: string,
  params: readonly SqlValue[],
): Promise<SqlResult<R>> {
  return request<SqlResult<R>>(h, { op: "query", sql, params: [...params] });
}

/** Runs `fn` once every earlier holder of the lock is done. */
async function locked<T>(h: MemoryHandle, fn: () => Promise<T>): Promise<T> {
  const before = h.lock;
  let release!: () => void;
  h.lock = new Promise<void>((r) => {
    release = r;
  });
  await before;
  try {
    return await fn();
  } finally {
    release();
  }
}

export function openMemory(memory: MemoryDatabase = createMemoryDatabase()): Database {
  const h = memory as MemoryHandle;
  let closed = false;
  const check = () => {
    if (closed) throw new Error("store: database closed");
  };
  return {
    backend: "pg-mem",
    query<R extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<SqlResult<R>> {
      return locked(h, async () => {
        check();
        return run<R>(h, sql, params);
      });
    },
    prepare(sql: string): Promise<void> {
      return locked(h, async () => {
        check();
        await request(h, { op: "prepare", sql });
      });
    },
    call<A, R>(proc: Procedure<A, R>, args: A): Promise<R> {
      return locked(h, async () => {
        check();
        return request<R>(h, { op: "call", name: proc.name, args });
      });
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return locked(h, async () => {
        check();
        const snapshot = await request<number>(h, { op: "snapshot" });
        let open = true;
        const tx: Queryable = {
          query: <R extends Row = Row>(sql: string, params: readonly SqlValue[] = []) => {
            if (!open) return Promise.reject(new Error("store: transaction already finished"));
            return run<R>(h, sql, params);
          },
        };
        try {
          const out = await fn(tx);
          await request(h, { op: "release", snapshot });
          return out;
        } catch (err) {
          await request(h, { op: "restore", snapshot }).catch(() => undefined);
          throw err;
        } finally {
          open = false;
        }
      });
    },
    async close() {
      // Data stays in the MemoryDatabase; only this handle stops. Wait for work already queued.
      await locked(h, async () => {
        closed = true;
      });
    },
  };
}
