/**
 * `openssl asn1parse` as an independent BER decoder for the codec tests: what our encoder wrote,
 * read by a decoder that is not ours. Undefined when openssl is not installed (those tests skip).
 */
import { execFileSync } from "node:child_process";

export function asn1parse(der: Buffer): string | undefined {
  try {
    return execFileSync("openssl", ["asn1parse", "-inform", "DER", "-i"], { input: der, encoding: "utf8" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export const hasOpenssl = asn1parse(Buffer.from("0500", "hex")) !== undefined;
