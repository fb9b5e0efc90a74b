/**
 * The thread pg-mem runs on. pg-mem computes synchronously: on the gateway's event loop, every
 * batch of communication-log records stalled HTTP and event delivery for tens of milliseconds
 * (p99 of make + release went from 15 to 150 ms). Here it only costs a core the gateway mostly
 * leaves idle. One message per statement; the caller keeps the order and the locking.
 */
import { parentPort } from "node:worker_threads";
import { MemoryEngine } from "./memory-engine.js";
import type { SqlValue } from "./sql.js";

export type EngineRequest =
  | { id: number; op: "query"; sql: string; params: SqlValue[] }
  | { id: number; op: "prepare"; sql: string }
  | { id: number; op: "snapshot" }
  | { id: number; op: "restore"; snapshot: number }
  | { id: number; op: "release"; snapshot: number };

export type EngineReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; message: string; code?: string };

const engine = new MemoryEngine();
const port = parentPort;
if (!port) throw new Error("memory-worker.ts runs as a worker thread");

port.on("message", (m: EngineRequest) => {
  let reply: EngineReply;
  try {
    let value: unknown;
    switch (m.op) {
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
    }
    reply = { id: m.id, ok: true, value };
  } catch (err) {
    const e = err as Error & { code?: string };
    reply = { id: m.id, ok: false, message: e.message ?? String(err), ...(e.code ? { code: e.code } : {}) };
  }
  port.postMessage(reply);
});
