/**
 * What the fuzzer feeds: every decoder that reads bytes from a peer, on the side that reads
 * them (the emulator's servers and the gateway's clients share protocols/, so one target covers
 * both), each with the error types it documents. Anything else thrown is a crash.
 */

import { CommandReader, ImapParseError, tokenize } from "../../oxe-emulator/servers/imap/parser.js";
import { readAcseApdu, writeAare, writeAarq, writeAbrt, writeRlrq } from "../../protocols/acse/index.js";
import { BerError, BerReader, BerWriter } from "../../protocols/ber/index.js";
import {
  CMIP_APPLICATION_CONTEXT,
  CMIP_OPERATIONS,
  cmipErrorCodec,
  cmipUserInformation,
  decodeCmipUserInfo,
  encodeCmipUserInfo,
  mActionConfirmed,
  mGet,
  mLinkedReply,
  mSetConfirmed,
  readLinkedGetRow,
} from "../../protocols/cmip/index.js";
import {
  CSTA_APPLICATION_CONTEXT,
  CSTA_OPERATIONS,
  cstaErrorCodec,
  failure,
  makeCall,
  monitorStart,
} from "../../protocols/csta/index.js";
import { encodeFrame, FrameDecoder, FramingError } from "../../protocols/framing/index.js";
import {
  type OperationSpec,
  readRoseApdu,
  writeInvoke,
  writeReject,
  writeReturnError,
  writeReturnResult,
} from "../../protocols/rose/index.js";

export interface FuzzTarget {
  name: string;
  /** valid inputs the mutations start from */
  seeds: Uint8Array[];
  /** decode one input; may throw only what `expected` accepts */
  run(input: Uint8Array): void;
  expected(err: unknown): boolean;
  /** the error types a decoder documents, for the report */
  documented: string;
}

const ber = (write: (w: BerWriter) => void): Uint8Array => {
  const w = new BerWriter();
  write(w);
  return w.toBuffer();
};

/** Read everything a BER tree holds, the way a generic decoder would. */
function walk(r: BerReader, depth = 0): void {
  while (!r.atEnd()) {
    const t = r.peekTag();
    if (t & (1 << 13)) {
      r.enter(t);
      walk(r, depth + 1);
      r.leave();
    } else {
      const at = r.offset;
      try {
        r.oid(t);
      } catch (err) {
        if (!(err instanceof BerError)) throw err;
        const r2 = new BerReader(r.buf, at);
        r2.skip();
      }
      // re-read as the other primitive readers, from a fresh cursor on the same element
      for (const read of [
        (x: BerReader) => x.integer(t),
        (x: BerReader) => x.string(t),
        (x: BerReader) => x.boolean(t),
      ]) {
        try {
          read(new BerReader(r.buf.subarray(at)));
        } catch (err) {
          if (!(err instanceof BerError)) throw err;
        }
      }
    }
  }
}

function decodeAll(ops: ReadonlyMap<number, OperationSpec<unknown, unknown>>, input: Uint8Array): void {
  for (const op of ops.values()) {
    for (const decode of [op.decodeArgument, op.decodeResult]) {
      if (!decode) continue;
      try {
        decode(new BerReader(input));
      } catch (err) {
        if (!(err instanceof BerError)) throw err;
      }
    }
  }
}

const isBerError = (err: unknown) => err instanceof BerError;

const acseSeeds = [
  ber((w) =>
    writeAarq(w, {
      applicationContext: CMIP_APPLICATION_CONTEXT,
      credentials: { login: "o2g", password: "pw" },
      implementationInformation: "fuzz",
      userInformation: [cmipUserInformation({ protocolVersions: ["version2"], functionalUnits: ["filter"] })],
    }),
  ),
  ber((w) =>
    writeAare(w, {
      applicationContext: CSTA_APPLICATION_CONTEXT,
      result: 1,
      diagnostic: { source: "user", value: 13 },
      userInformation: [cmipUserInformation({ protocolVersions: ["version2"], functionalUnits: [] })],
    }),
  ),
  ber((w) => writeRlrq(w, 0)),
  ber((w) => writeAbrt(w, { source: "provider" })),
];

const cstaSeeds = [
  ber((w) => monitorStart.encodeArgument!(w, { device: "10001" })),
  ber((w) => monitorStart.encodeResult!(w, { crossRefId: "m1" })),
  ber((w) => makeCall.encodeArgument!(w, { callingDevice: "10001", calledDirectoryNumber: "10002" })),
];

const cmipSeeds = [
  ber((w) =>
    mGet.encodeArgument!(w, {
      objectClass: 2,
      instance: "Node=1",
      scope: "wholeSubtree",
      filter: {
        and: [
          { equality: { id: 1, value: "x" } },
          { not: { present: 3 } },
          { substrings: { id: 2, initial: "a", any: ["b"], final: "c" } },
        ],
      },
      attributeIds: [1, 2],
    }),
  ),
  ber((w) =>
    mSetConfirmed.encodeArgument!(w, {
      objectClass: 2,
      instance: "Node=1/Subscriber=1",
      modifications: [
        { id: 4, value: [1, true, null, "x"] },
        { operator: "setToDefault", id: 5 },
      ],
    }),
  ),
  ber((w) =>
    mActionConfirmed.encodeResult!(w, { objectClass: 2, instance: "Node=1", actionType: 3, reply: true }),
  ),
  ber((w) =>
    mLinkedReply.encodeArgument!(w, {
      kind: "processingFailure",
      objectClass: 2,
      specificErrorInfo: { errorId: "2.9.3.2.7.1", errorInfo: "busy" },
    }),
  ),
  ber((w) =>
    mLinkedReply.encodeArgument!(w, { kind: "getResult", result: { attributes: [{ id: 1, value: 7 }] } }),
  ),
  ber((w) => {
    cmipErrorCodec.encode(w, { error: "invalidAttributeValue", attribute: { id: 3, value: "x" } });
  }),
  encodeCmipUserInfo({
    protocolVersions: ["version1", "version2"],
    functionalUnits: ["filter", "multipleReply"],
  }),
];

const roseSeeds = [
  ber((w) => writeInvoke(w, 1, monitorStart.opcode, monitorStart.encodeArgument, { device: "1" })),
  ber((w) => writeInvoke(w, 2, mLinkedReply.opcode, undefined, undefined, 1)),
  ber((w) => writeReturnResult(w, 3, monitorStart.opcode, monitorStart.encodeResult, { crossRefId: "c" })),
  ber((w) =>
    writeReturnError(
      w,
      4,
      12,
      (ww: BerWriter, b: Uint8Array) => ww.raw(b),
      ber((ww) => cstaErrorCodec.encode(ww, failure("operation", "invalidDeviceID"))),
    ),
  ),
  ber((w) => writeReject(w, 5, { kind: "invoke", code: 1 })),
  ber((w) => writeReject(w, null, { kind: "general", code: 2 })),
];

const frameSeed = Buffer.concat([...roseSeeds, ...acseSeeds].map((b) => encodeFrame(b)));

const text = (s: string) => Buffer.from(s, "latin1");
const imapSeeds = [
  text("a1 LOGIN user pass\r\na2 SELECT INBOX\r\n"),
  text('a3 FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)] UID)\r\na4 SEARCH UNSEEN FROM "x y"\r\n'),
  text("a5 LOGIN {4}\r\nuser {4+}\r\npass\r\na6 STORE 2 +FLAGS (\\Seen)\r\n"),
  text("a7 UID FETCH 1,3:5 (BODYSTRUCTURE)\r\na8 LOGOUT\r\n"),
];

export const TARGETS: FuzzTarget[] = [
  {
    name: "ber",
    seeds: [...acseSeeds, ...cmipSeeds, ...cstaSeeds, ...roseSeeds],
    run: (input) => walk(new BerReader(input)),
    expected: isBerError,
    documented: "BerError",
  },
  {
    name: "framing",
    seeds: [frameSeed],
    run: (input) => {
      const d = new FrameDecoder({ frame: () => {}, garbage: () => {} }, 4096);
      // split where the input says, so chunking is fuzzed too
      const cut = input.length ? input[0]! % input.length : 0;
      d.push(input.subarray(0, cut));
      d.push(input.subarray(cut));
      d.expireStalledFrame();
    },
    expected: (err) => err instanceof FramingError,
    documented: "FramingError",
  },
  {
    name: "rose",
    seeds: roseSeeds,
    run: (input) => {
      readRoseApdu(input);
    },
    expected: isBerError,
    documented: "BerError",
  },
  {
    name: "acse",
    seeds: acseSeeds,
    run: (input) => {
      readAcseApdu(input);
    },
    expected: isBerError,
    documented: "BerError",
  },
  {
    name: "csta",
    seeds: cstaSeeds,
    run: (input) => {
      decodeAll(CSTA_OPERATIONS.byCode, input);
      for (const code of [0, 1, 2, 3, 4, 5, 6, 7, 8]) {
        try {
          cstaErrorCodec.decode(code, new BerReader(input));
        } catch (err) {
          if (!(err instanceof BerError)) throw err;
        }
      }
    },
    expected: isBerError,
    documented: "BerError",
  },
  {
    name: "cmip",
    seeds: cmipSeeds,
    run: (input) => {
      decodeAll(CMIP_OPERATIONS.byCode, input);
      // every X.711 error code: each reads its own parameter type
      for (let code = 0; code <= 23; code++) {
        try {
          cmipErrorCodec.decode(code, new BerReader(input));
        } catch (err) {
          if (!(err instanceof BerError)) throw err;
        }
      }
      decodeCmipUserInfo(input);
      // the scoped read's decoder straight into values (CmipClient.scopedRows)
      try {
        readLinkedGetRow(
          new BerReader(input),
          new Map([
            [1, 0],
            [2, 1],
          ]),
          [undefined, undefined],
        );
      } catch (err) {
        if (!(err instanceof BerError)) throw err;
      }
    },
    expected: isBerError,
    documented: "BerError",
  },
  {
    name: "imap",
    seeds: imapSeeds,
    run: (input) => {
      const reader = new CommandReader({
        command: (segments) => {
          tokenize(segments);
        },
        continueLiteral: () => {},
        tooLong: () => {},
        literalTooLarge: () => {},
      });
      const buf = Buffer.from(input.buffer, input.byteOffset, input.length);
      const cut = input.length ? input[0]! % input.length : 0;
      reader.feed(buf.subarray(0, cut));
      reader.feed(buf.subarray(cut));
    },
    expected: (err) => err instanceof ImapParseError,
    documented: "ImapParseError",
  },
];
