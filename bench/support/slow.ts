/**
 * Deliberate slowdowns of one path of a benchmark's gateway process, so the gate's self-test can
 * show the gate failing on a 2x regression (`npm run bench -- gate --inject slow=...`). Only the
 * bench's gateway worker loads this, and only when O2G_BENCH_SLOW is set: the gateway itself
 * carries no hook for it and pays nothing.
 *
 *   O2G_BENCH_SLOW=node-links      until the gateway is ready (the startup snapshot), every
 *                                  request to a node (CSTA, CMIP) is answered twice as late: its
 *                                  answer is held back for as long as it took; and the gateway's
 *                                  main thread burns as much CPU again as it used (as `loop`).
 *                                  Both: once the node's answers come pipelined, the gateway's own
 *                                  work, not the round trips, is what bounds the snapshot, and
 *                                  holding answers back alone slowed 50k users by 1.3x only
 *   O2G_BENCH_SLOW=http:<regex>    while HTTPS requests whose path matches are being served, the
 *                                  gateway's process costs twice its CPU: its main thread burns
 *                                  as much again as every thread of it used
 *   O2G_BENCH_SLOW=loop            everything the gateway's event loop does costs it twice (every
 *                                  5 ms its main thread burns as much CPU as it used since): the
 *                                  event path (node link, engine, bus, chunk writes) included
 */

import { openSync, readSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import https from "node:https";
import { RoseLink } from "../../protocols/rose/index.js";

export type SlowSpec = { kind: "node-links" } | { kind: "http"; path: RegExp } | { kind: "loop" };

export function parseSlow(spec: string | undefined): SlowSpec | undefined {
  if (!spec) return undefined;
  if (spec === "node-links") return { kind: "node-links" };
  if (spec === "loop") return { kind: "loop" };
  if (spec.startsWith("http:")) return { kind: "http", path: new RegExp(spec.slice(5)) };
  throw new Error(`O2G_BENCH_SLOW=${spec}: expected node-links, loop or http:<regex>`);
}

/** Run `fn` as long after `t0` as `t0` was before now: the exchange takes twice its time. */
function holdBack(t0: number, fn: () => void): void {
  const took = performance.now() - t0;
  if (took < 1) setImmediate(fn);
  else setTimeout(fn, took);
}

/** Install the slowdown; returns a function that removes it. */
export function installSlowdown(spec: SlowSpec): () => void {
  if (spec.kind === "loop") return doubleMainThreadCpu();
  if (spec.kind === "node-links") {
    const stopDoubling = doubleMainThreadCpu();
    type Done = (err: unknown, res: unknown) => void;
    type Invoke = (op: unknown, argument: unknown, done: Done, ...rest: unknown[]) => number;
    type ContextDone = (err: unknown, res: unknown, context: unknown) => void;
    type InvokeWith = (op: unknown, argument: unknown, context: unknown, done: ContextDone) => number;
    const proto = RoseLink.prototype as unknown as { invoke: Invoke; invokeWith: InvokeWith };
    const original = proto.invoke;
    const originalWith = proto.invokeWith;
    // Whatever follows the callback (linked replies' handler, their decoder...) passes through.
    proto.invoke = function (this: unknown, op, argument, done, ...rest) {
      const t0 = performance.now();
      return original.call(this, op, argument, (err, res) => holdBack(t0, () => done(err, res)), ...rest);
    };
    // The startup snapshot's own requests (a context rather than a closure each).
    proto.invokeWith = function (this: unknown, op, argument, context, done) {
      const t0 = performance.now();
      return originalWith.call(this, op, argument, context, (err, res, ctx) =>
        holdBack(t0, () => done(err, res, ctx)),
      );
    };
    return () => {
      proto.invoke = original;
      proto.invokeWith = originalWith;
      stopDoubling();
    };
  }
  // fastify answers on the server's "request" event: watch it there. A time delay would not
  // do: with many connections the gateway stays busy with the others, and the throughput holds.
  // Nor would spinning from the request to its answer: the TLS, the parsing and the writes around
  // that window, and the node link's and the store thread's work it sets off, went undoubled (a
  // GET's CPU moved 1.2x on a quiet machine), and a spin as long as the loop's busy wall time
  // burns whatever the machine's other load makes the loop wait too. The process's CPU is doubled
  // instead, whatever thread spent it, over the time the path is being served. (The gate's
  // main-thread CPU per request moved 2.1-4.4x for the GETs, 2.2-4.1x for make+release, whose
  // helper threads' CPU is burnt on the main thread too: the GETs' excess over 2x is unexplained.)
  const proto = https.Server.prototype as { emit: (event: string | symbol, ...args: unknown[]) => boolean };
  const own = Object.hasOwn(proto, "emit");
  const original = proto.emit;
  let inFlight = 0;
  let seen = false;
  proto.emit = function (this: https.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") {
      const req = args[0] as IncomingMessage;
      const res = args[1] as ServerResponse;
      if (spec.path.test(req.url ?? "")) {
        inFlight++;
        seen = true;
        res.once("close", () => inFlight--);
      }
    }
    return original.call(this, event, ...args);
  };
  const stopDoubling = doubleProcessCpuWhile(() => {
    const serving = seen || inFlight > 0;
    seen = false;
    return serving;
  });
  return () => {
    stopDoubling();
    if (own) proto.emit = original;
    else delete (proto as { emit?: unknown }).emit;
  };
}

/**
 * Every 2 ms in which `serving()` says so, the main thread burns as much CPU as the whole process
 * used since (its own, the worker threads', V8's helpers'): that time's work costs twice.
 */
function doubleProcessCpuWhile(serving: () => boolean): () => void {
  const thread = mainThreadCpuNs();
  const processNs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) * 1000;
  };
  // The process's CPU less what was burnt here: the work there is to double.
  let burnt = 0;
  const work = () => processNs() - burnt;
  let mark = work();
  const timer = setInterval(() => {
    const now = work();
    if (serving()) {
      const t0 = thread();
      const until = t0 + (now - mark);
      let t = t0;
      while (t < until) {
        spin(Math.min(0.2, (until - t) / 1e6));
        t = thread();
      }
      burnt += t - t0;
    }
    mark = work();
  }, 2);
  timer.unref();
  return () => clearInterval(timer);
}

/** Every 5 ms the main thread burns as much CPU as it used since: its work costs it twice. */
function doubleMainThreadCpu(): () => void {
  // CPU time, not wall time: on a loaded machine the loop's busy wall time is mostly waiting
  // for a core, and doubling that would not double its work.
  const cpu = mainThreadCpuNs();
  let mark = cpu();
  const timer = setInterval(() => {
    const until = cpu() + (cpu() - mark);
    while (cpu() < until) {
      // the injected work
    }
    // The spin itself is not work to double.
    mark = cpu();
  }, 5);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * ns of CPU the calling (main) thread has used, from /proc/thread-self/schedstat; where there is
 * no such file, the event loop's busy wall time stands in.
 */
export function mainThreadCpuNs(): () => number {
  try {
    const fd = openSync("/proc/thread-self/schedstat", "r");
    const buf = Buffer.alloc(96);
    // Read in place: the spins call this thousands of times, and their garbage would be work of
    // the process's (V8's helper threads collect it) that the http slowdown would double again.
    return () => {
      // Linux brings a running thread's count up to date at a tick or a switch, or when the
      // process's usage is asked for (getrusage): read alone, the file lagged up to a tick, the
      // spins overshot, and the overshoot was counted as work and doubled in turn.
      process.cpuUsage();
      const n = readSync(fd, buf, 0, buf.length, 0);
      let ns = 0;
      for (let i = 0; i < n; i++) {
        const d = buf[i]! - 48;
        if (d < 0 || d > 9) break;
        ns = ns * 10 + d;
      }
      return ns;
    };
  } catch {
    return () => performance.eventLoopUtilization().active * 1e6;
  }
}

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // the injected work
  }
}
