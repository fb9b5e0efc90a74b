/**
 * A startup snapshot's requests and answers skip the general BER passes: its invokes are written
 * in place (writeInvokeFast, MonitorStart's and SnapshotDevice's `encodeArgumentFast`) and must be
 * byte for byte what writeInvoke writes; its answers are read in place (RoseLink's returnResult
 * shortcut, their `decodeResultFast`) and must be accepted, refused and answered exactly as the
 * general path does (readRoseApdu, a view, `decodeResult`), valid or corrupted.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codePointStrings } from "../../test/support/code-points.js";
import { corruptBytes } from "../../test/support/corrupt-bytes.js";
import { AssociateResult, writeAare } from "../acse/index.js";
import { BerError, BerReader, BerWriter } from "../ber/index.js";
import {
  CSTA_APPLICATION_CONTEXT,
  CSTA_OPERATIONS,
  type CstaFailure,
  cstaErrorCodec,
  monitorStart,
  type SnapshotDeviceResult,
  snapshotDevice,
} from "../csta/index.js";
import { encodeFrame } from "../framing/index.js";
import { type OperationSpec, RoseLink, writeInvoke, writeInvokeFast, writeReturnResult } from "./index.js";

type Op = OperationSpec<unknown, unknown>;
const OPS = [monitorStart, snapshotDevice] as unknown as Op[];

/** The operation as it was before the shortcut: the general path only. */
const general = (op: Op): Op => ({ ...op, decodeResultFast: undefined });

const crossRefIds = fc.string({
  unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
  maxLength: 14,
});
const snapshotResults: fc.Arbitrary<SnapshotDeviceResult> = fc.constantFrom<SnapshotDeviceResult>(
  { calls: [] },
  { calls: [{ connection: { callId: "7", deviceId: "30001" }, states: ["connected"] }] },
);

/** A valid result element of `op`, as the emulator encodes it. */
function resultBytes(op: Op, value: unknown): Buffer {
  const w = new BerWriter();
  op.encodeResult!(w, value);
  return w.toBuffer();
}

const corrupt = (bytes: Uint8Array) => corruptBytes(bytes, { maxCut: 4 });

function generalDecode(op: Op, bytes: Uint8Array): unknown {
  try {
    return { ok: op.decodeResult!(new BerReader(bytes)) };
  } catch (err) {
    if (err instanceof BerError) return "error";
    throw err;
  }
}

describe("writeInvokeFast", () => {
  const devices = fc.oneof(
    fc.stringMatching(/^[0-9]{0,12}$/),
    fc.string({ maxLength: 130 }),
    fc.string({ unit: "grapheme", maxLength: 8 }),
    codePointStrings({ maxLength: 8 }),
  );
  const invokeIds = fc.oneof(
    fc.integer({ min: 0, max: 0x7fffffff }),
    fc.constantFrom(0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0x7fffff, 0x800000),
    fc.integer({ min: -300, max: -1 }),
    fc.constant(0x80000000),
  );

  it("writes what writeInvoke writes, or nothing, and takes every short ASCII number", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...OPS),
        invokeIds,
        devices,
        fc.uint8Array({ maxLength: 4 }),
        (op, id, device, before) => {
          const arg = { device };
          const expected = new BerWriter(4).raw(before);
          writeInvoke(expected, id, op.opcode, op.encodeArgument, arg);
          // a small writer, so that the fast encoder's reserve grows it half-way through
          const w = new BerWriter(4).raw(before);
          const wrote = writeInvokeFast(w, id, op.opcode, op.encodeArgumentFast!, arg);
          if (wrote) expect(w.toBuffer().toString("hex")).toBe(expected.toBuffer().toString("hex"));
          else expect(w.toBuffer().toString("hex")).toBe(Buffer.from(before).toString("hex"));
          const shortAscii =
            device.length <= 100 &&
            [...device].every((c) => c.charCodeAt(0) < 0x80) &&
            id >= 0 &&
            id <= 0x7fffffff;
          expect(wrote).toBe(shortAscii);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe("decodeResultFast", () => {
  it("reads every valid idle snapshot and every short cross-reference, as decodeResult does", () => {
    fc.assert(
      fc.property(crossRefIds, (id) => {
        const bytes = resultBytes(monitorStart as unknown as Op, { crossRefId: id });
        const fast = monitorStart.decodeResultFast!(bytes, 0, bytes.length);
        expect(fast).toEqual(id.length <= 12 ? { crossRefId: id } : undefined);
      }),
    );
    const idle = resultBytes(snapshotDevice as unknown as Op, { calls: [] });
    expect(snapshotDevice.decodeResultFast!(idle, 0, idle.length)).toEqual({ calls: [] });
  });

  it("accepts only what decodeResult accepts, with the same value, anywhere in a buffer", () => {
    const valid = fc.oneof(
      crossRefIds.map((id) => ({
        op: monitorStart as unknown as Op,
        bytes: resultBytes(monitorStart as unknown as Op, { crossRefId: id }),
      })),
      snapshotResults.map((r) => ({
        op: snapshotDevice as unknown as Op,
        bytes: resultBytes(snapshotDevice as unknown as Op, r),
      })),
    );
    fc.assert(
      fc.property(
        valid.chain(({ op, bytes }) => corrupt(bytes).map((b) => ({ op, b }))),
        fc.uint8Array({ maxLength: 3 }),
        fc.uint8Array({ maxLength: 3 }),
        ({ op, b }, before, after) => {
          // read in place from a larger buffer: the bytes around must not matter
          const buf = Buffer.concat([Buffer.from(before), b, Buffer.from(after)]);
          const fast = op.decodeResultFast!(buf, before.length, before.length + b.length);
          if (fast !== undefined) expect(generalDecode(op, b)).toEqual({ ok: fast });
        },
      ),
      { numRuns: 3000 },
    );
  });
});

/** A client link associated with no one: frames are fed to it by hand. */
function client(generalOnly: boolean) {
  const log: string[] = [];
  const out: Buffer[] = [];
  const link = new RoseLink<CstaFailure>(
    { operations: CSTA_OPERATIONS.byCode, errors: cstaErrorCodec },
    {
      output: (b) => out.push(b),
      protocolError: (m, fatal) => log.push(`${fatal ? "fatal" : "error"}: ${m}`),
    },
  );
  link.associate({
    applicationContext: CSTA_APPLICATION_CONTEXT,
    credentials: { login: "o2g", password: "x" },
  });
  const w = new BerWriter();
  writeAare(w, {
    applicationContext: CSTA_APPLICATION_CONTEXT,
    result: AssociateResult.accepted,
    diagnostic: { source: "user", value: 0 },
  });
  link.feed(encodeFrame(w.toBuffer()));
  link.flush();
  out.length = 0;
  const done: string[] = [];
  // invoke ids 1 and 2, so that answers can find them
  for (const op of OPS)
    link.invoke(generalOnly ? general(op) : op, { device: "30001" }, (err, res) =>
      done.push(err ? `${err.failure.kind}: ${err.message}` : JSON.stringify(res)),
    );
  link.flush();
  out.length = 0;
  return { link, log, out, done };
}

/** What a link made of one frame: completions, complaints, bytes sent back, invocations left. */
function outcome(generalOnly: boolean, apdu: Uint8Array) {
  const c = client(generalOnly);
  c.link.feed(encodeFrame(apdu));
  c.link.flush();
  return {
    done: c.done,
    log: c.log,
    out: Buffer.concat(c.out).toString("hex"),
    inFlight: c.link.inFlight,
    state: c.link.state,
  };
}

function returnResult(invokeId: number, op: Op, value: unknown): Buffer {
  const w = new BerWriter();
  writeReturnResult(w, invokeId, op.opcode, op.encodeResult, value);
  return w.toBuffer();
}

describe("RoseLink's returnResult shortcut", () => {
  it("completes canonical answers without the general decoder", () => {
    let generalCalls = 0;
    const counted = OPS.map((op) => ({
      ...op,
      decodeResult: (r: BerReader) => {
        generalCalls++;
        return op.decodeResult!(r);
      },
    }));
    const c = client(false);
    const done: unknown[] = [];
    const ids = counted.map((op) => c.link.invoke(op, { device: "30001" }, (_e, r) => done.push(r)));
    c.link.feed(
      encodeFrame(returnResult(ids[0]!, monitorStart as unknown as Op, { crossRefId: "\u0000\u0001\u00ff" })),
    );
    c.link.feed(encodeFrame(returnResult(ids[1]!, snapshotDevice as unknown as Op, { calls: [] })));
    expect(done).toEqual([{ crossRefId: "\u0000\u0001\u00ff" }, { calls: [] }]);
    expect(generalCalls).toBe(0);
  });

  it("ends every answer, valid or corrupted, as the general path does", () => {
    const answers = fc.oneof(
      fc
        .record({ id: fc.constantFrom(1, 2, 3, 300), id2: crossRefIds })
        .map(({ id, id2 }) => returnResult(id, monitorStart as unknown as Op, { crossRefId: id2 })),
      fc
        .record({ id: fc.constantFrom(1, 2, 3, -1), r: snapshotResults })
        .map(({ id, r }) => returnResult(id, snapshotDevice as unknown as Op, r)),
    );
    fc.assert(
      fc.property(
        answers.chain((a) => corrupt(a)),
        (apdu) => {
          expect(outcome(false, apdu)).toEqual(outcome(true, apdu));
        },
      ),
      { numRuns: 3000 },
    );
    // and shapes the shortcut must leave alone: long forms, no result, an outer length short of
    // the frame's (the frame decoder drops it before either path), then a valid one
    const shapes = [
      "a2820008020101300302014a",
      "a2050201013000",
      "a203020101",
      "a20d0201013009020147300455020102",
      "a20e0201013009020147300455020102",
    ];
    for (const hex of shapes)
      expect(outcome(false, Buffer.from(hex, "hex"))).toEqual(outcome(true, Buffer.from(hex, "hex")));
  });
});
