/**
 * What the OXE recorded (the emulator's recorder, not the REST API: O2G has no call to fetch a
 * recording): the latest recording asked by the actor's set, its state, how long it is, and
 * that its audio is a WAVE file of that length.
 */
import type { Node } from "yaml";
import { recorderOf } from "../../oxe-emulator/voicemail/recorder.js";
import { type BodyOf, defineStep, type ParseContext } from "./step.js";

const STATES = ["recording", "paused", "done"] as const;
const SAMPLE_RATE = 8000;

export const recording = defineStep({
  kinds: ["recording"],
  parse(v: Node, w: ParseContext, kind) {
    const f = w.fields(v, "recording", ["actor", "state", "atLeast", "atMost"], ["actor", "state"]);
    const state = w.str(f.get("state")!.value, "recording.state");
    if (!(STATES as readonly string[]).includes(state))
      w.fail(f.get("state")!.value, `recording.state must be one of ${STATES.join(", ")}`);
    const body: BodyOf<"recording"> = {
      kind,
      actor: w.actor(f.get("actor")!.value, "recording.actor"),
      state: state as (typeof STATES)[number],
    };
    if (f.has("atLeast")) body.atLeastMs = w.duration(f.get("atLeast")!.value, "recording.atLeast");
    if (f.has("atMost")) body.atMostMs = w.duration(f.get("atMost")!.value, "recording.atMost");
    return { body, label: `${body.actor}'s recording is ${state}` };
  },
  run(step, ctx) {
    const number = ctx.actor(step.actor).number;
    const rec = recorderOf(ctx.env.emulator.network).recordings.findLast((r) => r.recordedBy === number);
    if (!rec) throw new Error(`the OXE has no recording asked by ${number}`);
    if (rec.state !== step.state) throw new Error(`${number}'s recording is ${rec.state}, not ${step.state}`);
    if (step.atLeastMs !== undefined && rec.recordedMs < step.atLeastMs)
      throw new Error(`${number}'s recording is ${rec.recordedMs} ms long, less than ${step.atLeastMs} ms`);
    if (step.atMostMs !== undefined && rec.recordedMs > step.atMostMs)
      throw new Error(`${number}'s recording is ${rec.recordedMs} ms long, more than ${step.atMostMs} ms`);
    if (rec.state !== "done") return;
    const wav = rec.wav;
    const samples = Math.round((rec.recordedMs / 1000) * SAMPLE_RATE);
    if (!wav) throw new Error(`${number}'s recording has no audio`);
    if (wav.toString("latin1", 0, 4) !== "RIFF" || wav.toString("latin1", 8, 12) !== "WAVE")
      throw new Error(`${number}'s recording is not a WAVE file`);
    if (wav.readUInt32LE(46) !== samples)
      throw new Error(`${number}'s recording holds ${wav.readUInt32LE(46)} samples, not ${samples}`);
  },
});
