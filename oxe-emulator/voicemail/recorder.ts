/**
 * Call recording on the emulated OXE: a party of an answered call starts, pauses, resumes and
 * stops the recording of it, and the OXE keeps what was recorded as a WAVE file made the same
 * way as the voice mail's messages (A-law, 8 kHz, as long as the time recorded, pauses left
 * out). The recording ends with a stop or with the call.
 *
 * ECMA-269 has no recording service: the request travels in the escape service (see
 * protocols/csta/feature-services.ts). O2G has no call to fetch a recording either (a real
 * installation hands the audio to a recorder); the emulator keeps them here, one recorder per
 * network (`recorderOf`), which is how tests and scenarios read them.
 */
import { ModelError } from "../model/errors.js";
import type { Call, Device, Network } from "../model/index.js";
import { voiceWav } from "./wav.js";

export type RecordingAction = "start" | "stop" | "pause" | "resume";

export interface Recording {
  readonly id: number;
  /** the network-wide call sequence number */
  readonly callSeq: number;
  /** the device that asked for the recording */
  readonly recordedBy: string;
  readonly startedAt: number;
  state: "recording" | "paused" | "done";
  /** time recorded so far, pauses left out */
  recordedMs: number;
  /** the WAVE file, once the recording is done */
  wav: Buffer | undefined;
}

interface Running {
  rec: Recording;
  /** when the current stretch of recording began, unless paused */
  since: number | undefined;
}

export class CallRecorder {
  readonly recordings: Recording[] = [];
  private readonly running = new Map<Call, Running>();
  private nextId = 1;

  constructor(private readonly now: () => number = Date.now) {}

  /** Apply `action` asked by `device` on `call`; refused as the OXE refuses a wrong state. */
  act(device: Device, call: Call, action: RecordingAction): Recording {
    const c = device.connections.find((x) => x.call === call);
    if (!c) throw new ModelError("invalidConnection", `device ${device.number} is not in call ${call.seq}`);
    const run = this.running.get(call);
    if (action === "start") {
      if (c.state !== "connected" || call.answeredAt === undefined)
        throw new ModelError("invalidConnectionState", `call ${call.seq} is not answered`);
      if (run) throw new ModelError("invalidConnectionState", `call ${call.seq} is already recorded`);
      const rec: Recording = {
        id: this.nextId++,
        callSeq: call.seq,
        recordedBy: device.number,
        startedAt: this.now(),
        state: "recording",
        recordedMs: 0,
        wav: undefined,
      };
      this.recordings.push(rec);
      this.running.set(call, { rec, since: rec.startedAt });
      return rec;
    }
    if (!run) throw new ModelError("invalidConnectionState", `call ${call.seq} is not recorded`);
    switch (action) {
      case "pause":
        if (run.since === undefined)
          throw new ModelError("invalidConnectionState", "the recording is already paused");
        run.rec.recordedMs += this.now() - run.since;
        run.since = undefined;
        run.rec.state = "paused";
        break;
      case "resume":
        if (run.since !== undefined)
          throw new ModelError("invalidConnectionState", "the recording is not paused");
        run.since = this.now();
        run.rec.state = "recording";
        break;
      case "stop":
        this.finish(call);
        break;
    }
    return run.rec;
  }

  /** The call ended, or the recording was stopped: the WAVE file is written. */
  finish(call: Call): void {
    const run = this.running.get(call);
    if (!run) return;
    this.running.delete(call);
    if (run.since !== undefined) run.rec.recordedMs += this.now() - run.since;
    run.rec.state = "done";
    run.rec.wav = voiceWav(run.rec.recordedMs / 1000, run.rec.callSeq);
  }

  /** Recordings of calls still in progress, finished as if they ended now (emulator shutdown). */
  finishAll(): void {
    for (const call of [...this.running.keys()]) this.finish(call);
  }

  /** Forget the calls that ended: a recording still running when its call ends is done. */
  callEnded(seq: number): void {
    for (const call of this.running.keys()) if (call.seq === seq) this.finish(call);
  }
}

const RECORDERS = new WeakMap<Network, CallRecorder>();

/** The network's recorder, made (and told of call ends) the first time it is asked for. */
export function recorderOf(net: Network): CallRecorder {
  let r = RECORDERS.get(net);
  if (!r) {
    const rec = new CallRecorder();
    net.onCallEnded((s) => rec.callEnded(s.seq));
    RECORDERS.set(net, rec);
    r = rec;
  }
  return r;
}
