/**
 * CPU time a process has used, from /proc: what a request costs a server, which the machine's
 * other load changes far less than it changes requests per second.
 */
import { existsSync, readFileSync } from "node:fs";

/** User + system CPU ms of `pid` so far; undefined where /proc is not there. */
export function cpuMs(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : statCpuMs(`/proc/${pid}/stat`);
}

/**
 * User + system CPU ms of the main thread of `pid` (its event loop, without worker threads such
 * as the gateway's communication log); undefined where /proc is not there.
 */
export function mainThreadCpuMs(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : statCpuMs(`/proc/${pid}/task/${pid}/stat`);
}

function statCpuMs(f: string): number | undefined {
  if (!existsSync(f)) return undefined;
  // Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
  const rest = readFileSync(f, "utf8").split(") ")[1]!.split(" ");
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / 100;
}

/**
 * CPU µs `pid` spends per operation while `run` does `ops()` of them: the whole process's, and
 * its main thread's alone (`mainUsPerOp`).
 */
export async function cpuPerOp<T>(
  pid: number | undefined,
  run: () => Promise<T>,
  ops: (r: T) => number,
): Promise<{ result: T; usPerOp: number | undefined; mainUsPerOp: number | undefined }> {
  const before = cpuMs(pid);
  const mainBefore = mainThreadCpuMs(pid);
  const result = await run();
  const after = cpuMs(pid);
  const mainAfter = mainThreadCpuMs(pid);
  const n = ops(result);
  const per = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || n <= 0 ? undefined : ((b - a) * 1000) / n;
  return { result, usPerOp: per(before, after), mainUsPerOp: per(mainBefore, mainAfter) };
}

/**
 * Ms the main thread of `pid` has spent ready to run but waiting for a core (the scheduler's
 * run queue, /proc/<pid>/task/<pid>/schedstat); undefined where the kernel keeps no schedstat.
 * On a machine whose cores are shared, this is how long an event can wait with nothing to do
 * with the code that will handle it.
 */
export function mainThreadWaitMs(pid: number | undefined): number | undefined {
  const f = `/proc/${pid}/task/${pid}/schedstat`;
  if (pid === undefined || !existsSync(f)) return undefined;
  return Number(readFileSync(f, "utf8").split(" ")[1]) / 1e6;
}
