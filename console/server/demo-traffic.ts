/**
 * --demo-traffic: calls between random users of the emulator, placed and answered on the sets
 * (the PBX side, as people would), so the console's board has something to show. Off unless
 * the sandbox is asked; it stops placing calls, and forgets the ones it was to answer or end,
 * on stop().
 */
import type { Emulator } from "../../oxe-emulator/index.js";

export interface DemoTrafficOptions {
  /** a new call every this many ms (on average) */
  intervalMs: number;
  /** no new call while this many of ours are up */
  maxCalls: number;
  /** ranges, in ms, for the callee to answer and for the call to last once answered */
  answerAfterMs: [number, number];
  holdForMs: [number, number];
  random?: () => number;
}

export interface DemoTraffic {
  /** calls placed so far */
  readonly placed: number;
  stop(): void;
}

const DEFAULTS: DemoTrafficOptions = {
  intervalMs: 1500,
  maxCalls: 12,
  answerAfterMs: [1500, 5000],
  holdForMs: [4000, 20000],
};

export function startDemoTraffic(emulator: Emulator, options: Partial<DemoTrafficOptions> = {}): DemoTraffic {
  const o = { ...DEFAULTS, ...options };
  const random = o.random ?? Math.random;
  const numbers = emulator.directory.subscribers.map((s) => s.directoryNumber);
  const timers = new Set<NodeJS.Timeout>();
  const busy = new Set<string>();
  let placed = 0;
  let stopped = false;

  const between = ([lo, hi]: [number, number]) => lo + Math.floor(random() * (hi - lo));
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    t.unref();
    timers.add(t);
  };
  const idle = (n: string) => !busy.has(n) && emulator.network.devices.get(n)?.connections.length === 0;
  const pick = (): string | undefined => {
    for (let tries = 0; tries < 20; tries++) {
      const n = numbers[Math.floor(random() * numbers.length)];
      if (n !== undefined && idle(n)) return n;
    }
    return undefined;
  };
  // A set the demo touched may have been used since (the console's phone, a scenario): what it
  // refuses is not the demo's business.
  const tryOn = (what: () => unknown) => {
    try {
      what();
    } catch {
      /* the set is not in the state the demo left it in */
    }
  };

  const placeOne = () => {
    if (busy.size / 2 >= o.maxCalls) return;
    const caller = pick();
    if (!caller) return;
    busy.add(caller);
    const callee = pick();
    if (!callee) {
      busy.delete(caller);
      return;
    }
    busy.add(callee);
    placed++;
    tryOn(() => emulator.phone(caller).dial(callee));
    later(between(o.answerAfterMs), () => {
      tryOn(() => emulator.phone(callee).answer());
      later(between(o.holdForMs), () => {
        tryOn(() => emulator.phone(caller).hangUp());
        // The callee's leg ends with the caller's in a two-party call; if a transfer or a
        // conference kept it, the callee hangs up too.
        tryOn(() => emulator.phone(callee).hangUp());
        busy.delete(caller);
        busy.delete(callee);
      });
    });
  };

  const tick = () => {
    placeOne();
    later(between([o.intervalMs / 2, (o.intervalMs * 3) / 2]), tick);
  };
  later(0, tick);

  return {
    get placed() {
      return placed;
    },
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
