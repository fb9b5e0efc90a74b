/**
 * The thread pg-mem runs on. pg-mem computes synchronously: on the gateway's event loop, every
 * batch of communication-log records stalled HTTP and event delivery for tens of milliseconds
 * (p99 of make + release went from 15 to 150 ms). Here it only costs a core the gateway mostly
 * leaves idle. One message per statement, or per procedure (a whole transaction, procedures.ts);
 * the caller keeps the order and the locking.
 *
 * One thread serves every pg-mem database of the process (tests and benches start many gateways
 * in one process): a thread of its own per database cost each some 0.5 s of CPU to start an
 * isolate and load pg-mem again, more than the gateway's own start.
 */
import os from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { MemoryEngine } from "./memory-engine.js";
import { PROCEDURES } from "./procedures.js";
import type { Procedure, SqlValue } from "./sql.js";

/** Each request names its database (`db`), numbered by the process side. */
export type EngineRequest = { id: number; db: number } & (
  | { op: "open" }
  | { op: "drop" }
  | { op: "query"; sql: string; params: SqlValue[] }
  | { op: "prepare"; sql: string }
  | { op: "snapshot" }
  | { op: "restore"; snapshot: number }
  | { op: "release"; snapshot: number }
  | { op: "call"; name: string; args: unknown }
);

export type EngineReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; message: string; code?: string };

/** What the process side (memory.ts) gives the thread when it starts it. */
export interface EngineThreadData {
  /** the thread's nice value (Linux), 0 to leave it at the process's */
  nice: number;
}

/*
 * This thread's work can wait (the communication log's batched writes, mostly), the event loop's
 * cannot. On a machine whose cores are busy, a thread with a lower priority yields its core to a
 * woken event loop at once rather than at the end of its time slice. Events bench, 500 calls/s,
 * 4 pairs alternated, nice 0 vs 10: p99 6.9-11.8 vs 5.9-6.6 ms, the gateway's main thread ready
 * but without a core 99-119 vs 83-94 ms per second. Linux applies a nice value to the calling
 * thread alone; elsewhere setpriority would lower the whole process, so there it is left be.
 */
const { nice } = (workerData ?? { nice: 0 }) as EngineThreadData;
if (nice !== 0 && process.platform === "linux") {
  try {
    os.setPriority(nice);
  } catch {
    // Not permitted here (a container's seccomp profile): the thread keeps the process's priority.
  }
}

const engines = new Map<number, MemoryEngine>();
if (!parentPort) throw new Error("memory-worker.ts runs as a worker thread");
const port = parentPort;

/** A procedure's statements run in microtasks: the next message waits for its end all the same. */
let turn: Promise<void> = Promise.resolve();
port.on("message", (m: EngineRequest) => {
  turn = turn.then(() => handle(m));
});

async function handle(m: EngineRequest): Promise<void> {
  let reply: EngineReply;
  try {
    let value: unknown;
    const engine = m.op === "open" ? new MemoryEngine() : engines.get(m.db);
    if (!engine) throw new Error(`store: pg-mem database ${m.db} is gone`);
    switch (m.op) {
      case "open":
        engines.set(m.db, engine);
        break;
      case "drop":
        engines.delete(m.db);
        break;
      case "query":
        value = engine.run(m.sql, m.params);
        break;
      case "prepare":
        engine.prepare(m.sql);
        break;
      case "snapshot":
        value = engine.snapshot();
        break;
      case "restore":
        engine.restore(m.snapshot);
        break;
      case "release":
        engine.release(m.snapshot);
        break;
      case "call": {
        const proc = PROCEDURES.get(m.name) as Procedure<unknown, unknown> | undefined;
        if (!proc) throw new Error(`store: no procedure ${m.name} on the pg-mem thread`);
        value = await engine.call(proc, m.args);
        break;
      }
    }
    reply = { id: m.id, ok: true, value };
  } catch (err) {
    const e = err as Error & { code?: string };
    reply = { id: m.id, ok: false, message: e.message ?? String(err), ...(e.code ? { code: e.code } : {}) };
  }
  try {
    port.postMessage(reply);
  } catch (err) {
    // A result that cannot cross threads: the caller must hear of it, and the next message go on.
    port.postMessage({
      id: m.id,
      ok: false,
      message: `store: ${(err as Error).message}`,
    } satisfies EngineReply);
  }
}
