/** What the events benchmark and its emulator process (./emulator-worker.ts) say to each other. */
import type { GcPause } from "../support/gc-pauses.js";
import type { EmulatorReady } from "../support/processes.js";

export interface CallPair {
  caller: string;
  callee: string;
  calleeLogin: string;
}

export interface EventsEmulatorReady extends EmulatorReady {
  pairs: CallPair[];
}

export interface RunCommand {
  rate: number;
  durationS: number;
  /** each call rings this long, then is cleared */
  holdMs: number;
}

export interface EmulatorRun {
  placed: number;
  /** calls not placed because every pair was still in a call */
  busy: number;
  elapsedS: number;
  /** the emulator process's CPU over the run (user + system) */
  cpuMs: number;
  /** per callee login, when each Delivered was emitted (performance.timeOrigin + performance.now()) */
  delivered: Record<string, number[]>;
  /** the emulator's garbage-collection pauses during the run (and the clears after it) */
  gc: GcPause[];
}
