/**
 * The audio of a voice message: a WAVE file of G.711 A-law, 8 kHz mono, as telephony voice
 * mail stores it (8,000 bytes a second, half of 16-bit PCM). The sound is a made-up murmur:
 * syllables of a few harmonics with a pitch that wanders, pauses between words, a little line
 * noise. Deterministic by seed, so the same message always has the same bytes.
 */

export const SAMPLE_RATE = 8000;
/** WAVE_FORMAT_ALAW in the WAVE format registry (RFC 2361) */
export const WAVE_FORMAT_ALAW = 6;
/** RIFF header + fmt (18 bytes) + fact + data chunk headers */
export const WAV_HEADER_BYTES = 58;

const SEGMENT_ENDS = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

/** ITU-T G.711 A-law encoding of one 16-bit linear sample. */
export function linearToAlaw(sample: number): number {
  let pcm = sample >> 3;
  let mask: number;
  if (pcm >= 0) mask = 0xd5;
  else {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  let seg = 0;
  while (seg < 8 && pcm > SEGMENT_ENDS[seg]!) seg++;
  if (seg >= 8) return 0x7f ^ mask;
  const quant = seg < 2 ? (pcm >> 1) & 0x0f : (pcm >> seg) & 0x0f;
  return ((seg << 4) | quant) ^ mask;
}

/** ITU-T G.711 A-law decoding, back to a 16-bit linear sample. */
export function alawToLinear(alaw: number): number {
  const a = alaw ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

/** A small, fast, seedable generator (xorshift32): the audio needs no better. */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

/** A WAVE file of `durationSec` seconds of A-law audio. */
export function voiceWav(durationSec: number, seed: number): Buffer {
  const samples = Math.max(0, Math.round(durationSec * SAMPLE_RATE));
  const buf = Buffer.alloc(WAV_HEADER_BYTES + samples);
  buf.write("RIFF", 0, "ascii");
  buf.writeUInt32LE(buf.length - 8, 4);
  buf.write("WAVE", 8, "ascii");
  buf.write("fmt ", 12, "ascii");
  buf.writeUInt32LE(18, 16);
  buf.writeUInt16LE(WAVE_FORMAT_ALAW, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(SAMPLE_RATE, 24);
  buf.writeUInt32LE(SAMPLE_RATE, 28);
  buf.writeUInt16LE(1, 32);
  buf.writeUInt16LE(8, 34);
  buf.writeUInt16LE(0, 36);
  // Non-PCM WAVE files carry a fact chunk with the sample count.
  buf.write("fact", 38, "ascii");
  buf.writeUInt32LE(4, 42);
  buf.writeUInt32LE(samples, 46);
  buf.write("data", 50, "ascii");
  buf.writeUInt32LE(samples, 54);

  const rnd = xorshift(seed);
  let i = 0;
  let phase = 0;
  while (i < samples) {
    // A syllable of 120-320 ms, then now and then the pause between two words.
    const syllable = Math.round((0.12 + rnd() * 0.2) * SAMPLE_RATE);
    const pause = rnd() < 0.3 ? Math.round((0.08 + rnd() * 0.3) * SAMPLE_RATE) : 0;
    const f0 = 110 + rnd() * 140;
    const glide = (rnd() - 0.5) * 60;
    const loud = 2500 + rnd() * 5000;
    for (let k = 0; k < syllable && i < samples; k++, i++) {
      const t = k / syllable;
      phase += (2 * Math.PI * (f0 + glide * t)) / SAMPLE_RATE;
      const env = Math.sin(Math.PI * t) ** 2;
      const v =
        loud * env * (Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.25 * Math.sin(3 * phase)) +
        (rnd() - 0.5) * 120;
      buf[WAV_HEADER_BYTES + i] = linearToAlaw(Math.round(v));
    }
    for (let k = 0; k < pause && i < samples; k++, i++) {
      buf[WAV_HEADER_BYTES + i] = linearToAlaw(Math.round((rnd() - 0.5) * 120));
    }
  }
  return buf;
}
