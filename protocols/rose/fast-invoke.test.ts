/**
 * A node's link reads the requests it is sent (a startup snapshot's MonitorStart and
 * SnapshotDevice, two per user) in place: RoseLink's invoke shortcut. Whatever the bytes, valid or
 * corrupted, the handler must be called, the peer answered and the log written exactly as the
 * general path (readRoseApdu, a view of the argument, its decoder on that) does.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { corruptBytes } from "../../test/support/corrupt-bytes.js";
import { writeAarq } from "../acse/index.js";
import { BerError, BerReader, BerWriter } from "../ber/index.js";
import {
  CSTA_APPLICATION_CONTEXT,
  CSTA_OPERATIONS,
  type CstaFailure,
  cstaErrorCodec,
  failure,
  monitorStart,
  snapshotDevice,
} from "../csta/index.js";
import { encodeFrame } from "../framing/index.js";
import {
  type InvokeApdu,
  type OperationSpec,
  RoseLink,
  writeInvoke,
  writeReturnResult,
  writeReturnResultFast,
} from "./index.js";

type Op = OperationSpec<unknown, unknown>;

/** A server link, associated; without the shortcut, every frame is read the general way. */
function server(shortcut: boolean) {
  const log: string[] = [];
  const out: Buffer[] = [];
  const seen: unknown[] = [];
  const link: RoseLink<CstaFailure> = new RoseLink<CstaFailure>(
    { operations: CSTA_OPERATIONS.byCode, errors: cstaErrorCodec },
    {
      output: (b) => out.push(b),
      protocolError: (m, fatal) => log.push(`${fatal ? "fatal" : "error"}: ${m}`),
      associationRequested: (aarq) => link.accept(aarq.applicationContext),
      invoked: (op, invokeId, arg, apdu: InvokeApdu) => {
        seen.push({
          op: op.name,
          invokeId,
          arg,
          apdu: [
            apdu.kind,
            apdu.invokeId,
            apdu.linkedId,
            apdu.opcode,
            apdu.argument && Buffer.from(apdu.argument).toString("hex"),
          ],
        });
        // an answer whatever the operation: the bytes sent back are compared too
        link.replyError(invokeId, failure("operation", "generic"));
      },
    },
  );
  const w = new BerWriter();
  writeAarq(w, {
    applicationContext: CSTA_APPLICATION_CONTEXT,
    credentials: { login: "o2g", password: "x" },
  });
  link.feed(encodeFrame(w.toBuffer()));
  link.flush();
  out.length = 0;
  if (!shortcut) (link as unknown as { fastInvoke: () => boolean }).fastInvoke = () => false;
  return { link, log, out, seen };
}

function outcome(shortcut: boolean, apdu: Uint8Array) {
  const s = server(shortcut);
  s.link.feed(encodeFrame(apdu));
  s.link.flush();
  return { seen: s.seen, log: s.log, out: Buffer.concat(s.out).toString("hex"), state: s.link.state };
}

function invoke(invokeId: number, op: Op, arg: unknown): Buffer {
  const w = new BerWriter();
  writeInvoke(w, invokeId, op.opcode, op.encodeArgument, arg);
  return w.toBuffer();
}

const devices = fc.oneof(fc.stringMatching(/^[0-9]{1,12}$/), fc.string({ maxLength: 140 }));
const ops = fc.constantFrom(monitorStart as unknown as Op, snapshotDevice as unknown as Op);

const corrupt = (bytes: Uint8Array) => corruptBytes(bytes);

describe("RoseLink's invoke shortcut", () => {
  it("hands canonical requests to the handler read in place, as the general path would", () => {
    let generalReads = 0;
    const s = server(true);
    const counting = (s.link as unknown as { onInvoke: (a: InvokeApdu) => void }).onInvoke;
    (s.link as unknown as { onInvoke: (a: InvokeApdu) => void }).onInvoke = function (a) {
      generalReads++;
      counting.call(this, a);
    };
    s.link.feed(encodeFrame(invoke(7, monitorStart as unknown as Op, { device: "30001" })));
    s.link.feed(encodeFrame(invoke(300, snapshotDevice as unknown as Op, { device: "30002" })));
    expect(generalReads).toBe(0);
    expect(s.seen).toEqual(
      outcome(false, invoke(7, monitorStart as unknown as Op, { device: "30001" })).seen.concat(
        outcome(false, invoke(300, snapshotDevice as unknown as Op, { device: "30002" })).seen,
      ),
    );
    expect(s.seen).toHaveLength(2);
  });

  it("ends every request, valid or corrupted, as the general path does", () => {
    const requests = fc
      .record({ id: fc.constantFrom(0, 1, 127, 128, 65535, -1, 2 ** 31), op: ops, device: devices })
      .map(({ id, op, device }) => invoke(id, op, { device }));
    fc.assert(
      fc.property(
        requests.chain((r) => corrupt(r)),
        (apdu) => {
          expect(outcome(true, apdu)).toEqual(outcome(false, apdu));
        },
      ),
      { numRuns: 3000 },
    );
    // shapes it must leave alone: long forms, no argument, an unknown opcode, a linked id
    // with no invocation behind it, a high tag number, an argument short of the APDU's end
    const shapes = [
      "a18200100201070201473008300480023330a0100",
      "a10602010702011f",
      "a10e020107020163300730058003333031",
      "a111020107800101020147300730058003333031",
      "a10d0201070201473f0730058003333031",
      "a10e02010702014730073005800333303100",
    ];
    for (const hex of shapes)
      expect(outcome(true, Buffer.from(hex, "hex"))).toEqual(outcome(false, Buffer.from(hex, "hex")));
  });
});

describe("writeReturnResultFast", () => {
  it("writes what writeReturnResult writes, or nothing, for MonitorStart's and SnapshotDevice's answers", () => {
    const ids = fc.oneof(
      fc.integer({ min: -2, max: 70000 }),
      fc.constantFrom(0x7f, 0x80, 0x7fff, 0x8000, 0x7fffff, 0x800000, 0x7fffffff, 2 ** 31),
    );
    const answers = fc.oneof(
      fc
        .string({
          unit: fc.integer({ min: 0, max: 0x3ff }).map((c) => String.fromCharCode(c)),
          maxLength: 130,
        })
        .map((crossRefId) => ({ op: monitorStart as unknown as Op, result: { crossRefId } as unknown })),
      fc
        .constantFrom(
          { calls: [] },
          { calls: [{ connection: { callId: "7", deviceId: "30001" }, states: ["connected"] }] },
        )
        .map((result) => ({ op: snapshotDevice as unknown as Op, result: result as unknown })),
    );
    fc.assert(
      fc.property(ids, answers, fc.uint8Array({ maxLength: 4 }), (id, { op, result }, before) => {
        const expected = new BerWriter(4).raw(before);
        writeReturnResult(expected, id, op.opcode, op.encodeResult, result);
        // a small writer, so that the reserve grows it half-way through
        const w = new BerWriter(4).raw(before);
        if (writeReturnResultFast(w, id, op.opcode, op.encodeResultFast!, result))
          expect(w.toBuffer().toString("hex")).toBe(expected.toBuffer().toString("hex"));
        else expect(w.toBuffer().toString("hex")).toBe(Buffer.from(before).toString("hex"));
      }),
      { numRuns: 3000 },
    );
  });

  it("takes the answers of a startup snapshot", () => {
    for (const [op, result] of [
      [monitorStart, { crossRefId: "\u0000\u0000\u0001\u00ff" }],
      [snapshotDevice, { calls: [] }],
    ] as [Op, unknown][]) {
      const w = new BerWriter(4);
      expect(writeReturnResultFast(w, 12345, op.opcode, op.encodeResultFast!, result)).toBe(true);
      const expected = new BerWriter(4);
      writeReturnResult(expected, 12345, op.opcode, op.encodeResult, result);
      expect(w.toBuffer().toString("hex")).toBe(expected.toBuffer().toString("hex"));
    }
  });
});

describe("decodeArgumentFast", () => {
  /** The general decoder's value, or that it refused the bytes. */
  function generalDecode(op: Op, bytes: Uint8Array): unknown {
    try {
      return { ok: op.decodeArgument!(new BerReader(bytes)) };
    } catch (err) {
      if (err instanceof BerError) return "refused";
      throw err;
    }
  }
  const argument = (op: Op, device: string) => {
    const w = new BerWriter();
    op.encodeArgument!(w, { device });
    return w.toBuffer();
  };

  it("reads every short ASCII device number, as decodeArgument does", () => {
    fc.assert(
      fc.property(ops, fc.stringMatching(/^[0-9A-Za-z*#+]{0,12}$/), (op, device) => {
        const bytes = argument(op, device);
        expect(op.decodeArgumentFast!(bytes, 0, bytes.length)).toEqual({ device });
      }),
    );
  });

  it("accepts only what decodeArgument accepts, with the same value, anywhere in a buffer", () => {
    fc.assert(
      fc.property(
        ops.chain((op) => devices.chain((d) => corrupt(argument(op, d)).map((b) => ({ op, b })))),
        fc.uint8Array({ maxLength: 3 }),
        fc.uint8Array({ maxLength: 3 }),
        ({ op, b }, before, after) => {
          // read in place from a larger buffer: the bytes around must not matter
          const buf = Buffer.concat([Buffer.from(before), b, Buffer.from(after)]);
          const fast = op.decodeArgumentFast!(buf, before.length, before.length + b.length);
          if (fast !== undefined) expect(generalDecode(op, b)).toEqual({ ok: fast });
        },
      ),
      { numRuns: 4000 },
    );
  });
});
