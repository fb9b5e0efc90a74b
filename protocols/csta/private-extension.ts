/**
 * Our private data in a CSTA argument or result: `extensions CSTACommonArguments { privateData [1]
 * { string: <our JSON> } }` (ECMA-285's CSTAPrivateData alternative `string`). Another
 * implementation's private data is skipped, as ECMA-269 says a receiver may.
 */
import { type BerReader, type BerWriter, ctxC, U } from "../ber/index.js";
import { Tags } from "./common.js";

export function writePrivateExtension(w: BerWriter, o: Record<string, unknown>): void {
  w.begin(Tags.commonArguments)
    .begin(ctxC(1))
    .octets(Buffer.from(JSON.stringify(o), "utf8"))
    .end()
    .end();
}

/** Our JSON object in the extensions the reader is at, or undefined when they carry none. */
export function readPrivateExtension(r: BerReader): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  r.enter(Tags.commonArguments);
  while (!r.atEnd()) {
    if (!r.isNext(ctxC(1))) {
      r.skip();
      continue;
    }
    r.enter(ctxC(1));
    while (!r.atEnd()) {
      if (!r.isNext(U.OCTET_STRING)) {
        r.skip();
        continue;
      }
      try {
        out = JSON.parse(Buffer.from(r.octets()).toString("utf8")) as Record<string, unknown>;
      } catch {
        // another implementation's private data: not ours, ignored as ECMA-269 says
      }
    }
    r.leave();
  }
  r.leave();
  return out;
}
