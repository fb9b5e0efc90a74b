/**
 * Our BER codec against the generic BER libraries we weighed (asn1 from ldapjs, asn1js,
 * asn1-ts), each encoding and decoding the same CSTA PDUs. The reason protocols/ber is
 * hand-written: the startup snapshot is some 200,000 such PDUs each way at 100k users.
 */
import { type BenchResult, type Row, result } from "../report/index.js";
import { candidates } from "./libraries.js";

export function measureCodec(iterations: number): Row[] {
  const rows: Row[] = [];
  let handRate = 0;
  for (const c of candidates) {
    // Correctness first: a codec that does not round-trip is not measured.
    const a = c.decodeInvoke(c.encodeInvoke(5, "10042"));
    const b = c.decodeSnapshot(c.encodeSnapshot(7, ["c1", "c22"]));
    if (a.invokeId !== 5 || a.device !== "10042" || b.callIds.join() !== "c1,c22")
      throw new Error(`${c.name} does not round-trip`);
    const n = c.name.startsWith("asn1js") ? Math.max(1000, iterations / 20) : iterations;
    for (let i = 0; i < Math.min(n, 2000); i++) c.decodeInvoke(c.encodeInvoke(i, "10042")); // warm-up
    let t = performance.now();
    for (let i = 0; i < n; i++) c.decodeInvoke(c.encodeInvoke(i, "10042"));
    const inv = n / ((performance.now() - t) / 1000);
    t = performance.now();
    for (let i = 0; i < n; i++) c.decodeSnapshot(c.encodeSnapshot(i, ["c1", "c22"]));
    const snap = n / ((performance.now() - t) / 1000);
    const rate = 2 / (1 / inv + 1 / snap);
    if (rows.length === 0) handRate = rate;
    rows.push({
      codec: c.name,
      invokePerSec: Math.round(inv),
      snapshotResultPerSec: Math.round(snap),
      vsHand: Number((rate / handRate).toFixed(2)),
    });
  }
  return rows;
}

export function codecBench(iterations: number): BenchResult {
  return result("codec", measureCodec(iterations), [
    "Each figure is encode + decode of one PDU per iteration, with every field read back; vsHand is the combined rate relative to protocols/ber.",
    "The `asn1` package (ldapjs) cannot read implicitly tagged INTEGER/ENUMERATED without a private method, nor high tag numbers or indefinite lengths; asn1js and asn1-ts build object trees per element.",
  ]);
}
