/**
 * What a CMIP association agrees on (X.711 CMIP-A-ASSOCIATE-Information), carried in the
 * user-information of the AARQ and AARE as an EXTERNAL whose direct-reference is CMIP's
 * abstract syntax:
 *
 *   CMIPUserInfo ::= SEQUENCE {
 *     protocolVersion [0] IMPLICIT ProtocolVersion DEFAULT {version1},
 *     functionalUnits [1] IMPLICIT FunctionalUnits DEFAULT {},
 *     accessControl   [2] EXTERNAL OPTIONAL,
 *     userInfo        [3] EXTERNAL OPTIONAL }
 *   ProtocolVersion ::= BIT STRING { version1(0), version2(1) }
 *   FunctionalUnits ::= BIT STRING { multipleObjectSelection(0), filter(1), multipleReply(2),
 *                                    extendedService(3), cancelGet(4) }
 *
 * Scoping needs multipleObjectSelection, filters need filter, linked replies need
 * multipleReply: an association that did not agree on a unit may not use it.
 */
import type { UserInformation } from "../acse/index.js";
import { BerError, BerReader, BerWriter, ctx, U } from "../ber/index.js";

/** { joint-iso-itu-t(2) ms(9) cmip(1) cmip-pci(1) abstractSyntax(4) } */
export const CMIP_ABSTRACT_SYNTAX = "2.9.1.1.4";

export const PROTOCOL_VERSIONS = ["version1", "version2"] as const;
export type ProtocolVersion = (typeof PROTOCOL_VERSIONS)[number];
export const FUNCTIONAL_UNITS = [
  "multipleObjectSelection",
  "filter",
  "multipleReply",
  "extendedService",
  "cancelGet",
] as const;
export type FunctionalUnit = (typeof FUNCTIONAL_UNITS)[number];

export interface CmipUserInfo {
  protocolVersions: ProtocolVersion[];
  functionalUnits: FunctionalUnit[];
}

/** Named bits as DER puts them: bit 0 is the first octet's top bit, trailing zero bits dropped. */
function namedBits(names: readonly string[], set: readonly string[]): Uint8Array {
  const bits = names.map((n) => set.includes(n));
  let last = bits.lastIndexOf(true);
  if (last < 0) return Uint8Array.of(0);
  const octets = Math.floor(last / 8) + 1;
  const out = new Uint8Array(1 + octets);
  out[0] = octets * 8 - 1 - last;
  for (; last >= 0; last--) if (bits[last]) out[1 + (last >> 3)]! |= 0x80 >> (last & 7);
  return out;
}

function readNamedBits<T extends string>(names: readonly T[], content: Uint8Array, at: number): T[] {
  if (content.length === 0 || content[0]! > 7 || (content.length === 1 && content[0] !== 0))
    throw new BerError("badValue", "malformed BIT STRING", at);
  const out: T[] = [];
  names.forEach((n, i) => {
    const octet = content[1 + (i >> 3)];
    if (octet !== undefined && octet & (0x80 >> (i & 7))) out.push(n);
  });
  return out;
}

export function encodeCmipUserInfo(info: CmipUserInfo): Uint8Array {
  const w = new BerWriter(32);
  w.begin(U.SEQUENCE);
  // DEFAULT values are left out, as DER requires
  if (!(info.protocolVersions.length === 1 && info.protocolVersions[0] === "version1"))
    w.octets(namedBits(PROTOCOL_VERSIONS, info.protocolVersions), ctx(0));
  if (info.functionalUnits.length) w.octets(namedBits(FUNCTIONAL_UNITS, info.functionalUnits), ctx(1));
  w.end();
  return w.toBuffer();
}

/** Throws BerError when `bytes` is not a CMIPUserInfo. */
export function decodeCmipUserInfo(bytes: Uint8Array): CmipUserInfo {
  const r = new BerReader(bytes);
  const info: CmipUserInfo = { protocolVersions: ["version1"], functionalUnits: [] };
  r.enter();
  while (!r.atEnd()) {
    const t = r.peekTag();
    const at = r.offset;
    if (t === ctx(0)) info.protocolVersions = readNamedBits(PROTOCOL_VERSIONS, r.octets(t), at);
    else if (t === ctx(1)) info.functionalUnits = readNamedBits(FUNCTIONAL_UNITS, r.octets(t), at);
    else r.skip(); // accessControl, userInfo
  }
  r.leave();
  return info;
}

export function cmipUserInformation(info: CmipUserInfo): UserInformation {
  return { syntax: CMIP_ABSTRACT_SYNTAX, value: encodeCmipUserInfo(info) };
}

/** The CMIPUserInfo among an AARQ's or AARE's user-information; undefined when none was sent. */
export function findCmipUserInfo(list: UserInformation[] | undefined): CmipUserInfo | undefined {
  const u = list?.find((x) => x.syntax === CMIP_ABSTRACT_SYNTAX);
  return u ? decodeCmipUserInfo(u.value) : undefined;
}

/**
 * The acceptor's answer to what the initiator proposed: the highest version both support and
 * the functional units both support (X.711 §7.3: the responder selects from those proposed).
 * Undefined when no version is common.
 */
export function negotiateCmipUserInfo(
  proposed: CmipUserInfo,
  supported: CmipUserInfo,
): CmipUserInfo | undefined {
  const versions = PROTOCOL_VERSIONS.filter(
    (v) => proposed.protocolVersions.includes(v) && supported.protocolVersions.includes(v),
  );
  const best = versions.at(-1);
  if (!best) return undefined;
  return {
    protocolVersions: [best],
    functionalUnits: FUNCTIONAL_UNITS.filter(
      (u) => proposed.functionalUnits.includes(u) && supported.functionalUnits.includes(u),
    ),
  };
}
