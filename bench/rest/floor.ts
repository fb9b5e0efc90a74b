/**
 * The make+release row's floor: the same calls placed and released by a bare CSTA client, with
 * no gateway in between. One RoseLink over TCP to the node's CSTA service, associated as the
 * gateway associates, every caller and callee monitored as the gateway monitors them (so the
 * emulator reports the same events, and this client decodes them), then `concurrency` sequences
 * of MakeCall + ClearConnection on the caller's connection for `durationS`, as the REST row's
 * autocannon sequences do. What the REST row takes beyond this is the gateway's own share (HTTP,
 * sessions, the call model, the communication log); what this takes is the emulator's and the wire's.
 */
import { clearConnection, makeCall, monitorStart, systemStatus } from "../../protocols/csta/index.js";
import { connectBareCsta } from "../support/bare-csta.js";
import { cpuMs } from "../support/cpu.js";
import type { EmulatorReady } from "../support/processes.js";

export interface MakeReleaseFloorOptions {
  /** the calling devices; each calls the number after it */
  callers: readonly number[];
  /** sequences running at once (the REST row's connections) */
  concurrency: number;
  durationS: number;
  /** the emulator's process, for its CPU per request */
  emulatorPid?: number;
}

export interface MakeReleaseFloor {
  /** MakeCall + ClearConnection pairs completed */
  pairs: number;
  /** requests/s counted as the REST row counts them (a pair is two) */
  rps: number;
  /** CPU µs this client (its whole process) spent per request */
  cpuUs: number;
  /** CPU µs the emulator spent per request, when its pid is known */
  emulatorCpuUs: number | null;
}

export function measureMakeReleaseFloor(
  emulator: EmulatorReady,
  opts: MakeReleaseFloorOptions,
): Promise<MakeReleaseFloor> {
  const endpoint = emulator.nodes[0]!.csta;
  return new Promise((resolve, reject) => {
    let done = false;
    const { link, socket } = connectBareCsta({
      endpoint,
      login: emulator.login,
      password: emulator.password,
      name: "make+release floor",
      invokeTimeoutMs: 30_000,
      flushOn: "immediate",
      associated: () => monitorAll(),
      // The switch's heartbeat must be answered, as the gateway answers it.
      invoked: (l, op, invokeId) => {
        if (op === systemStatus) l.reply(invokeId, systemStatus, undefined);
      },
      failed: (err) => fail(err),
    });
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      socket.destroy();
      reject(err);
    };
    const devices = [...new Set(opts.callers.flatMap((c) => [c, c + 1]))].map(String);
    const monitorAll = () => {
      let left = devices.length;
      for (const device of devices) {
        link.invoke(monitorStart, { device }, (err) => {
          if (err) return fail(new Error(`MonitorStart ${device}: ${err.message}`));
          if (--left === 0) run();
        });
      }
    };
    const run = () => {
      const free = [...opts.callers];
      let pairs = 0;
      let running = 0;
      let stopped = false;
      const cpu0 = process.cpuUsage();
      const emu0 = cpuMs(opts.emulatorPid);
      const t0 = performance.now();
      const finish = () => {
        const s = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        const emu1 = cpuMs(opts.emulatorPid);
        const requests = pairs * 2;
        done = true;
        socket.destroy();
        if (requests === 0) return reject(new Error("the bare client completed no make+release"));
        resolve({
          pairs,
          rps: Math.round(requests / s),
          cpuUs: Math.round((cpu.user + cpu.system) / requests),
          emulatorCpuUs:
            emu0 === undefined || emu1 === undefined ? null : Math.round(((emu1 - emu0) * 1000) / requests),
        });
      };
      const sequence = () => {
        if (stopped || done) {
          if (--running === 0 && !done) finish();
          return;
        }
        const caller = free.shift();
        if (caller === undefined) return fail(new Error("more sequences than callers"));
        link.invoke(
          makeCall,
          {
            callingDevice: String(caller),
            calledDirectoryNumber: String(caller + 1),
            autoOriginate: "doNotPrompt",
          },
          (err, r) => {
            if (err || !r) return fail(new Error(`MakeCall ${caller}: ${err?.message}`));
            link.invoke(clearConnection, { connection: r.callingDevice }, (err2) => {
              if (err2) return fail(new Error(`ClearConnection ${caller}: ${err2.message}`));
              pairs++;
              free.push(caller);
              sequence();
            });
          },
        );
      };
      setTimeout(() => {
        stopped = true;
      }, opts.durationS * 1000);
      running = Math.min(opts.concurrency, opts.callers.length);
      for (let i = 0; i < running; i++) sequence();
    };
  });
}
