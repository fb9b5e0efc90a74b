import { BerError } from "./errors.js";
import { BerReader } from "./reader.js";
import { describeTag, isConstructed } from "./tags.js";

/**
 * A human-readable outline of a BER buffer, for logs and failing-test messages:
 * one line per element, primitives shown in hex. Never throws: a malformed tail is reported
 * as a final line.
 */
export function dumpBer(buf: Uint8Array, maxLines = 200): string {
  const lines: string[] = [];
  const walk = (r: BerReader, depth: number): void => {
    while (!r.atEnd() && lines.length < maxLines) {
      const t = r.peekTag();
      const pad = "  ".repeat(depth);
      if (isConstructed(t)) {
        lines.push(`${pad}${describeTag(t)}`);
        r.enter(t);
        walk(r, depth + 1);
        r.leave();
      } else {
        const v = r.octets(t);
        lines.push(`${pad}${describeTag(t)} ${Buffer.from(v).toString("hex")}`);
      }
    }
  };
  try {
    walk(new BerReader(buf), 0);
  } catch (err) {
    lines.push(err instanceof BerError ? `!! ${err.message}` : `!! ${String(err)}`);
  }
  return lines.join("\n");
}
