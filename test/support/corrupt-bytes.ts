/**
 * A fast-check arbitrary of corruptions of an encoding, for the differential tests of the codecs'
 * in-place shortcuts against their general paths: octets replaced, or nudged by one or two (a
 * length a little short or long, the in-place readers' edge), the end cut or bytes added after.
 */
import fc from "fast-check";

export const corruptBytes = (bytes: Uint8Array, { maxCut = 3 }: { maxCut?: number } = {}) =>
  fc
    .record({
      edits: fc.array(
        fc.record({
          at: fc.nat(),
          byte: fc.integer({ min: 0, max: 255 }),
          nudge: fc.integer({ min: -2, max: 2 }),
        }),
        { maxLength: 3 },
      ),
      cut: fc.nat({ max: maxCut }),
      extra: fc.uint8Array({ maxLength: 3 }),
    })
    .map(({ edits, cut, extra }) => {
      const b = Buffer.concat([Buffer.from(bytes), Buffer.from(extra)]);
      for (const e of edits) {
        if (b.length === 0) break;
        const i = e.at % b.length;
        b[i] = e.nudge === 0 ? e.byte : (b[i]! + e.nudge) & 0xff;
      }
      return b.subarray(0, Math.max(0, b.length - (extra.length === 0 ? cut : 0)));
    });
