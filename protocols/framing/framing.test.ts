import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BerWriter, ctxC } from "../ber/index.js";
import { encodeFrame, FrameDecoder, FramingError } from "./index.js";

function apdu(invokeId: number, payloadBytes: number): Buffer {
  const w = new BerWriter();
  w.begin(ctxC(1)).integer(invokeId).integer(71).octets(Buffer.alloc(payloadBytes, 0x41)).end();
  return w.toBuffer();
}

function collect() {
  const frames: string[] = [];
  let garbage = 0;
  const decoder = new FrameDecoder(
    {
      frame: (b) => frames.push(Buffer.from(b).toString("hex")),
      garbage: (n) => {
        garbage = n;
      },
    },
    4096,
  );
  return { frames, decoder, garbage: () => garbage };
}

describe("FrameDecoder", () => {
  const bodies = [apdu(1, 3), apdu(2, 200), apdu(3, 0), apdu(300, 1000)];
  const stream = Buffer.concat(bodies.map(encodeFrame));
  const expected = bodies.map((b) => b.toString("hex"));

  it("hands out every frame of one chunk holding several", () => {
    const c = collect();
    c.decoder.push(stream);
    expect(c.frames).toEqual(expected);
  });

  it("reassembles frames split at every byte boundary", () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const c = collect();
      c.decoder.push(stream.subarray(0, cut));
      c.decoder.push(stream.subarray(cut));
      expect(c.frames, `cut at ${cut}`).toEqual(expected);
    }
  });

  it("reassembles a stream fed one byte at a time", () => {
    const c = collect();
    for (const byte of stream) c.decoder.push(Uint8Array.of(byte));
    expect(c.frames).toEqual(expected);
  });

  it("reassembles arbitrary chunkings (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const c = collect();
        let prev = 0;
        for (const p of [...points, stream.length]) {
          c.decoder.push(stream.subarray(prev, p));
          prev = p;
        }
        expect(c.frames).toEqual(expected);
      }),
    );
  });

  it("skips garbage between frames and resynchronizes on the next frame", () => {
    const garbage = Buffer.from("deadbeef00ff1234a1a1a1", "hex");
    const c = collect();
    c.decoder.push(
      Buffer.concat([encodeFrame(bodies[0]!), garbage, encodeFrame(bodies[1]!), encodeFrame(bodies[2]!)]),
    );
    expect(c.frames).toEqual(expected.slice(0, 3));
    expect(c.garbage()).toBeGreaterThan(0);
  });

  it("rejects a frame whose body is not one APDU without losing the following frames", () => {
    // A header announcing 5 bytes whose body is an INTEGER: not an APDU.
    const bad = Buffer.from("00050201050000", "hex");
    const c = collect();
    c.decoder.push(Buffer.concat([bad, encodeFrame(bodies[0]!)]));
    expect(c.frames).toEqual(expected.slice(0, 1));
  });

  it("gives up with a FramingError after too much garbage", () => {
    const c = collect();
    expect(() => c.decoder.push(Buffer.alloc(5000, 0x55))).toThrowError(FramingError);
  });

  it("never throws anything but FramingError on random input, and recovers after it (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (noise) => {
        const c = collect();
        try {
          c.decoder.push(noise);
        } catch (e) {
          if (!(e instanceof FramingError)) throw e;
          return;
        }
        // Noise may end in a plausible header that swallows up to 64 KiB of what follows; past
        // that, the decoder must be back in step: the last copy of our stream arrives intact.
        const copies = Math.ceil(0x10000 / stream.length) + 2;
        for (let i = 0; i < copies; i++) c.decoder.push(stream);
        expect(c.frames.slice(-expected.length)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

/** The same APDU with its outer length made indefinite (X.690 §8.1.3.6): `a1 80 ... 00 00`. */
function indefinite(definite: Buffer): Buffer {
  const l0 = definite[1]!;
  const headerBytes = l0 < 0x80 ? 2 : 2 + (l0 & 0x7f);
  return Buffer.concat([Buffer.from([definite[0]!, 0x80]), definite.subarray(headerBytes), Buffer.alloc(2)]);
}

describe("FrameDecoder: indefinite lengths and stalled frames", () => {
  it("accepts an APDU whose outer length is indefinite", () => {
    const body = indefinite(apdu(7, 20));
    const c = collect();
    c.decoder.push(Buffer.concat([encodeFrame(body), encodeFrame(apdu(8, 1))]));
    expect(c.frames).toEqual([body.toString("hex"), apdu(8, 1).toString("hex")]);
    expect(c.garbage()).toBe(0);
  });

  it("accepts an indefinite-length APDU fed one byte at a time", () => {
    const body = indefinite(apdu(9, 300));
    const c = collect();
    for (const byte of encodeFrame(body)) c.decoder.push(Uint8Array.of(byte));
    expect(c.frames).toEqual([body.toString("hex")]);
  });

  it("refuses an indefinite-length frame its element does not fill, and finds the next frame", () => {
    // header says 8 bytes, a1 80 holds an INTEGER then its EOC after 6 bytes: 2 bytes too many
    const bad = Buffer.from("0008a18002010100000000", "hex").subarray(0, 10);
    const c = collect();
    c.decoder.push(Buffer.concat([bad, encodeFrame(apdu(4, 2))]));
    expect(c.frames).toEqual([apdu(4, 2).toString("hex")]);
    expect(c.garbage()).toBeGreaterThan(0);
  });

  it("gives up a stalled frame when told to, and resynchronizes behind its header", () => {
    // A plausible header announcing 65535 bytes (a1 82 fffb fills it), then a real frame: the
    // real frame is swallowed as the start of the big one until the decoder gives up on it.
    const stalled = Buffer.from("ffffa182fffb", "hex");
    const c = collect();
    const before = performance.now();
    c.decoder.push(Buffer.concat([stalled, Buffer.alloc(10, 0x41), encodeFrame(apdu(5, 3))]));
    expect(c.frames).toEqual([]);
    expect(c.decoder.partialFrameSince).toBeGreaterThanOrEqual(before);
    c.decoder.expireStalledFrame();
    expect(c.frames).toEqual([apdu(5, 3).toString("hex")]);
    expect(c.decoder.partialFrameSince).toBeUndefined();
  });

  it("keeps the start time of a frame that grows, restarts it for the next one", () => {
    const whole = encodeFrame(apdu(6, 100));
    const c = collect();
    c.decoder.push(whole.subarray(0, 10));
    const since = c.decoder.partialFrameSince;
    expect(since).toBeDefined();
    c.decoder.push(whole.subarray(10, 50));
    expect(c.decoder.partialFrameSince).toBe(since);
    c.decoder.push(whole.subarray(50));
    expect(c.decoder.partialFrameSince).toBeUndefined();
  });
});
