import { describe, expect, it } from "vitest";
import { generateDirectory } from "../directory/index.js";
import {
  alawToLinear,
  linearToAlaw,
  SAMPLE_RATE,
  type VoiceMailChange,
  VoiceMailError,
  VoiceMailStore,
  voiceWav,
  WAV_HEADER_BYTES,
  WAVE_FORMAT_ALAW,
} from "./index.js";

const NOW = Date.UTC(2026, 10, 25, 10, 0, 0);
const dir = generateDirectory({ users: 40, nodes: 2, seed: 5 });
const mine = dir.byNode.get(1)!.map((s) => s.directoryNumber);
const theirs = dir.byNode.get(2)!.map((s) => s.directoryNumber);

const store = (opts: Partial<ConstructorParameters<typeof VoiceMailStore>[0]> = {}) =>
  new VoiceMailStore({ nodeId: 1, directory: dir, seed: 5, now: NOW, ...opts });

describe("voice message audio", () => {
  it("is a WAVE file of G.711 A-law, 8 kHz mono, as long as the message", () => {
    const wav = voiceWav(3, 42);
    expect(wav.length).toBe(WAV_HEADER_BYTES + 3 * SAMPLE_RATE);
    expect(wav.toString("ascii", 0, 4)).toBe("RIFF");
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.toString("ascii", 8, 16)).toBe("WAVEfmt ");
    expect(wav.readUInt16LE(20)).toBe(WAVE_FORMAT_ALAW);
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.readUInt32LE(28)).toBe(8000);
    expect(wav.readUInt16LE(34)).toBe(8);
    expect(wav.toString("ascii", 38, 42)).toBe("fact");
    expect(wav.readUInt32LE(46)).toBe(24000);
    expect(wav.toString("ascii", 50, 54)).toBe("data");
    expect(wav.readUInt32LE(54)).toBe(24000);
    expect(voiceWav(3, 42).equals(wav)).toBe(true);
    expect(voiceWav(3, 43).equals(wav)).toBe(false);
    // not silence: the decoded signal has some energy
    let energy = 0;
    for (let i = WAV_HEADER_BYTES; i < wav.length; i++) energy += Math.abs(alawToLinear(wav[i]!));
    expect(energy / (wav.length - WAV_HEADER_BYTES)).toBeGreaterThan(500);
  });

  it("encodes A-law as G.711 does (round trip within the segment's step)", () => {
    expect(linearToAlaw(0)).toBe(0xd5);
    expect(linearToAlaw(-1)).toBe(0x55);
    for (const x of [0, 1, -1, 100, -100, 1000, -1000, 12345, -12345, 32767, -32768]) {
      const back = alawToLinear(linearToAlaw(x));
      expect(Math.abs(back - x)).toBeLessThanOrEqual(Math.max(16, Math.abs(x) / 16));
    }
  });
});

describe("VoiceMailStore", () => {
  it("has a mailbox per user of the node only", () => {
    const s = store();
    expect(s.has(mine[0]!)).toBe(true);
    expect(s.has(theirs[0]!)).toBe(false);
    expect(() => s.list(theirs[0]!)).toThrow(VoiceMailError);
    expect(() => s.list("99999")).toThrow(/no mailbox/);
  });

  it("gives some users a few old messages, deterministic by seed", () => {
    const a = store();
    const b = store();
    const summary = (x: VoiceMailStore) =>
      mine.map((n) => x.list(n).map((m) => `${m.caller}/${m.durationSec}/${[...m.flags]}`));
    expect(summary(a)).toEqual(summary(b));
    expect(summary(a)).not.toEqual(summary(store({ seed: 6 })));
    const counts = mine.map((n) => a.list(n).length);
    expect(counts.some((c) => c === 0)).toBe(true);
    expect(counts.some((c) => c > 0)).toBe(true);
    expect(mine.every((n) => a.list(n).every((m) => m.date < NOW))).toBe(true);
    expect(store({ history: false }).list(mine[0]!)).toEqual([]);
  });

  it("deposits, flags, expunges, and announces every change", () => {
    const s = store({ history: false });
    const box = mine[3]!;
    const changes: VoiceMailChange[] = [];
    s.onChange((c) => changes.push(c));
    const m1 = s.deposit(box, { caller: "0146281234", durationSec: 5 });
    const m2 = s.deposit(box, {
      caller: mine[4]!,
      callerName: "Ann Bee",
      durationSec: 12,
      highPriority: true,
    });
    expect([m1.uid, m2.uid]).toEqual([1, 2]);
    expect(m2).toMatchObject({ mailbox: box, callerName: "Ann Bee", highPriority: true });
    expect(s.unreadCount(box)).toBe(2);
    expect(s.setFlags(box, [1], "add", ["\\Seen"])).toHaveLength(1);
    expect(s.setFlags(box, [1], "add", ["\\Seen"])).toHaveLength(0);
    expect(s.unreadCount(box)).toBe(1);
    expect(s.expunge(box)).toEqual([]);
    expect(s.delete(box, [1])).toEqual([1]);
    expect(s.list(box).map((m) => m.uid)).toEqual([2]);
    // UIDs never come back
    expect(s.deposit(box, { caller: "", durationSec: 1 }).uid).toBe(3);
    expect(s.mailbox(box)).toMatchObject({ uidNext: 4, uidValidity: Math.floor(NOW / 1000) });
    expect(changes.map((c) => c.kind)).toEqual([
      "deposit",
      "deposit",
      "flags",
      "flags",
      "expunge",
      "deposit",
    ]);
    expect(s.audio(m2).length).toBe(WAV_HEADER_BYTES + 12 * SAMPLE_RATE);
  });

  it("refuses impossible deposits", () => {
    const s = store();
    expect(() => s.deposit(mine[0]!, { caller: "1", durationSec: 0 })).toThrow(/seconds/);
    expect(() => s.deposit(mine[0]!, { caller: "1", durationSec: 10_000 })).toThrow(/seconds/);
    expect(() => s.deposit(mine[0]!, { caller: "abc", durationSec: 3 })).toThrow(/not a number/);
  });
});
