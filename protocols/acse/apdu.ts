/**
 * The ACSE APDUs (ITU-T X.227 / ISO 8650) that open and close a CSTA or CMIP association.
 * Only the fields these links use are modelled; others are skipped on input.
 *
 *   AARQ-apdu ::= [APPLICATION 0] IMPLICIT SEQUENCE {
 *     protocol-version               [0]  IMPLICIT BIT STRING DEFAULT { version1 },
 *     application-context-name       [1]  OBJECT IDENTIFIER,          -- EXPLICIT
 *     sender-acse-requirements       [10] IMPLICIT BIT STRING OPTIONAL, -- bit 0: authentication
 *     mechanism-name                 [11] IMPLICIT OBJECT IDENTIFIER OPTIONAL,
 *     calling-authentication-value   [12] Authentication-value OPTIONAL, -- EXPLICIT CHOICE
 *     implementation-information     [29] IMPLICIT GraphicString OPTIONAL,
 *     user-information               [30] IMPLICIT Association-information OPTIONAL }
 *   Authentication-value ::= CHOICE { charstring [0] IMPLICIT GraphicString, ... }
 *   AARE-apdu ::= [APPLICATION 1] IMPLICIT SEQUENCE {
 *     protocol-version [0], application-context-name [1],
 *     result [2] Associate-result,                      -- EXPLICIT INTEGER
 *     result-source-diagnostic [3] Associate-source-diagnostic, -- EXPLICIT CHOICE
 *     ... implementation-information [29] }
 *   RLRQ-apdu ::= [APPLICATION 2] IMPLICIT SEQUENCE { reason [0] IMPLICIT INTEGER OPTIONAL }
 *   RLRE-apdu ::= [APPLICATION 3] IMPLICIT SEQUENCE { reason [0] IMPLICIT INTEGER OPTIONAL }
 *   ABRT-apdu ::= [APPLICATION 4] IMPLICIT SEQUENCE { abort-source [0] IMPLICIT INTEGER }
 *
 *   Association-information ::= SEQUENCE SIZE (1, ..., 0 | 2..MAX) OF EXTERNAL
 *   EXTERNAL ::= [UNIVERSAL 8] IMPLICIT SEQUENCE { direct-reference OBJECT IDENTIFIER OPTIONAL, ...,
 *     encoding CHOICE { single-ASN1-type [0] ANY (EXPLICIT), octet-aligned [1] IMPLICIT OCTET STRING, ... } }
 *   (the AARE's user-information is [30] as in the AARQ)
 *
 * Authentication: the OXE's exact private form is not public. We use ACSE's own password
 * mechanism (X.227 bis Annex B, password-1): sender-acse-requirements with the `authentication`
 * bit, mechanism-name 2.2.3.1 { joint-iso-itu-t(2) association-control(2)
 * authentication-mechanism(3) password-1(1) }, and the charstring "login:password" as
 * calling-authentication-value. (2.5.3.1, sent before, is X.519's directoryAccessAC, an
 * application context, not a mechanism.) Both our ends do the same; a real OXE may expect other.
 */
import { appC, BerError, BerReader, type BerWriter, ctx, ctxC, U } from "../ber/index.js";

export const AcseTag = {
  aarq: appC(0),
  aare: appC(1),
  rlrq: appC(2),
  rlre: appC(3),
  abrt: appC(4),
} as const;

/** ACSE password-1: { joint-iso-itu-t(2) association-control(2) authentication-mechanism(3) password-1(1) } */
export const PASSWORD_MECHANISM = "2.2.3.1";

export const AssociateResult = { accepted: 0, rejectedPermanent: 1, rejectedTransient: 2 } as const;
export type AssociateResult = (typeof AssociateResult)[keyof typeof AssociateResult];

/** acse-service-user diagnostics (X.227 Associate-source-diagnostic). */
export const AcseServiceUserDiagnostic = {
  null: 0,
  noReasonGiven: 1,
  applicationContextNameNotSupported: 2,
  callingApTitleNotRecognized: 3,
  authenticationMechanismNameNotRecognized: 11,
  authenticationMechanismNameRequired: 12,
  authenticationFailure: 13,
  authenticationRequired: 14,
} as const;

/** acse-service-provider diagnostics. */
export const AcseServiceProviderDiagnostic = { null: 0, noReasonGiven: 1, noCommonAcseVersion: 2 } as const;

/** One EXTERNAL of user-information, in its single-ASN1-type encoding. */
export interface UserInformation {
  /** direct-reference: the abstract syntax of `value` (CMIP: 2.9.1.1.4) */
  syntax: string;
  /** the complete BER encoding of the value */
  value: Uint8Array;
}

export interface Aarq {
  applicationContext: string;
  /** login and password of the calling application, when it authenticates */
  credentials?: { login: string; password: string };
  /**
   * mechanism-name: written as PASSWORD_MECHANISM with credentials unless set; read as sent
   * (undefined when absent), so the acceptor can refuse a mechanism it does not know.
   */
  mechanismName?: string;
  implementationInformation?: string;
  userInformation?: UserInformation[];
}

export interface Aare {
  applicationContext: string;
  result: AssociateResult;
  diagnostic: { source: "user" | "provider"; value: number };
  implementationInformation?: string;
  userInformation?: UserInformation[];
}

export interface Abrt {
  source: "user" | "provider";
}

export type AcseApdu =
  | { kind: "aarq"; aarq: Aarq }
  | { kind: "aare"; aare: Aare }
  | { kind: "rlrq"; reason: number | undefined }
  | { kind: "rlre"; reason: number | undefined }
  | { kind: "abrt"; abrt: Abrt };

const VERSION1 = Uint8Array.of(0x07, 0x80); // BIT STRING, 7 unused bits, bit 0 set
const AUTHENTICATION_REQUIRED = Uint8Array.of(0x07, 0x80); // sender-acse-requirements { authentication }

export function writeAarq(w: BerWriter, aarq: Aarq): void {
  w.begin(AcseTag.aarq);
  w.octets(VERSION1, ctx(0));
  w.begin(ctxC(1)).oid(aarq.applicationContext).end();
  if (aarq.credentials) {
    w.octets(AUTHENTICATION_REQUIRED, ctx(10));
    w.oid(aarq.mechanismName ?? PASSWORD_MECHANISM, ctx(11));
    w.begin(ctxC(12)).string(`${aarq.credentials.login}:${aarq.credentials.password}`, ctx(0)).end();
  }
  if (aarq.implementationInformation) w.string(aarq.implementationInformation, ctx(29));
  if (aarq.userInformation?.length) writeUserInformation(w, aarq.userInformation);
  w.end();
}

function writeUserInformation(w: BerWriter, list: UserInformation[]): void {
  w.begin(ctxC(30));
  for (const u of list) {
    w.begin(U.EXTERNAL).oid(u.syntax).begin(ctxC(0)).raw(u.value).end().end();
  }
  w.end();
}

/** Reads [30] Association-information; EXTERNALs in another encoding than single-ASN1-type are skipped. */
function readUserInformation(r: BerReader): UserInformation[] {
  const out: UserInformation[] = [];
  r.enter(ctxC(30));
  while (!r.atEnd()) {
    r.enter(U.EXTERNAL);
    let syntax: string | undefined;
    let value: Uint8Array | undefined;
    while (!r.atEnd()) {
      const t = r.peekTag();
      if (t === U.OBJECT_IDENTIFIER) syntax = r.oid();
      else if (t === ctxC(0)) {
        r.enter(t);
        value = r.element();
        r.leave();
      } else r.skip();
    }
    r.leave();
    if (syntax !== undefined && value !== undefined) out.push({ syntax, value });
  }
  r.leave();
  return out;
}

export function writeAare(w: BerWriter, aare: Aare): void {
  w.begin(AcseTag.aare);
  w.octets(VERSION1, ctx(0));
  w.begin(ctxC(1)).oid(aare.applicationContext).end();
  w.begin(ctxC(2)).integer(aare.result).end();
  w.begin(ctxC(3))
    .begin(ctxC(aare.diagnostic.source === "user" ? 1 : 2))
    .integer(aare.diagnostic.value)
    .end()
    .end();
  if (aare.implementationInformation) w.string(aare.implementationInformation, ctx(29));
  if (aare.userInformation?.length) writeUserInformation(w, aare.userInformation);
  w.end();
}

export function writeRlrq(w: BerWriter, reason?: number): void {
  w.begin(AcseTag.rlrq);
  if (reason !== undefined) w.integer(reason, ctx(0));
  w.end();
}

export function writeRlre(w: BerWriter, reason?: number): void {
  w.begin(AcseTag.rlre);
  if (reason !== undefined) w.integer(reason, ctx(0));
  w.end();
}

export function writeAbrt(w: BerWriter, abrt: Abrt): void {
  w.begin(AcseTag.abrt)
    .integer(abrt.source === "user" ? 0 : 1, ctx(0))
    .end();
}

export function isAcseIdentifier(firstOctet: number): boolean {
  return firstOctet >= 0x60 && firstOctet <= 0x64;
}

function readAarq(r: BerReader): Aarq {
  r.enter(AcseTag.aarq);
  let applicationContext = "";
  let credentials: Aarq["credentials"];
  let implementationInformation: string | undefined;
  let mechanismName: string | undefined;
  let userInformation: UserInformation[] | undefined;
  while (!r.atEnd()) {
    const t = r.peekTag();
    if (t === ctxC(1)) {
      r.enter(t);
      applicationContext = r.oid();
      r.leave();
    } else if (t === ctx(11)) {
      mechanismName = r.oid(t);
    } else if (t === ctxC(30)) {
      userInformation = readUserInformation(r);
    } else if (t === ctxC(12)) {
      r.enter(t);
      if (r.isNext(ctx(0))) {
        const s = r.string(ctx(0));
        const colon = s.indexOf(":");
        credentials =
          colon < 0 ? { login: s, password: "" } : { login: s.slice(0, colon), password: s.slice(colon + 1) };
      }
      r.leave();
    } else if (t === ctx(29)) {
      implementationInformation = r.string(t);
    } else {
      r.skip();
    }
  }
  r.leave();
  if (!applicationContext) throw new BerError("badValue", "AARQ without application-context-name", 0);
  const aarq: Aarq = { applicationContext };
  if (credentials) aarq.credentials = credentials;
  if (mechanismName !== undefined) aarq.mechanismName = mechanismName;
  if (implementationInformation) aarq.implementationInformation = implementationInformation;
  if (userInformation) aarq.userInformation = userInformation;
  return aarq;
}

function readAare(r: BerReader): Aare {
  r.enter(AcseTag.aare);
  let applicationContext = "";
  let result: number | undefined;
  let diagnostic: Aare["diagnostic"] = { source: "user", value: 0 };
  let implementationInformation: string | undefined;
  let userInformation: UserInformation[] | undefined;
  while (!r.atEnd()) {
    const t = r.peekTag();
    if (t === ctxC(1)) {
      r.enter(t);
      applicationContext = r.oid();
      r.leave();
    } else if (t === ctxC(2)) {
      r.enter(t);
      result = r.integer();
      r.leave();
    } else if (t === ctxC(3)) {
      r.enter(t);
      const inner = r.peekTag();
      r.enter(inner);
      diagnostic = { source: inner === ctxC(2) ? "provider" : "user", value: r.integer() };
      r.leave();
      r.leave();
    } else if (t === ctx(29)) {
      implementationInformation = r.string(t);
    } else if (t === ctxC(30)) {
      userInformation = readUserInformation(r);
    } else {
      r.skip();
    }
  }
  r.leave();
  if (result === undefined || result < 0 || result > 2)
    throw new BerError("badValue", "AARE without a valid result", 0);
  const aare: Aare = { applicationContext, result: result as AssociateResult, diagnostic };
  if (implementationInformation) aare.implementationInformation = implementationInformation;
  if (userInformation) aare.userInformation = userInformation;
  return aare;
}

function readReason(r: BerReader, t: number): number | undefined {
  r.enter(t);
  const reason = r.isNext(ctx(0)) ? r.integer(ctx(0)) : undefined;
  r.leave();
  return reason;
}

/** Decode one ACSE APDU; throws BerError if it is not one. */
export function readAcseApdu(buf: Uint8Array): AcseApdu {
  const r = new BerReader(buf);
  const t = r.peekTag();
  switch (t) {
    case AcseTag.aarq:
      return { kind: "aarq", aarq: readAarq(r) };
    case AcseTag.aare:
      return { kind: "aare", aare: readAare(r) };
    case AcseTag.rlrq:
      return { kind: "rlrq", reason: readReason(r, t) };
    case AcseTag.rlre:
      return { kind: "rlre", reason: readReason(r, t) };
    case AcseTag.abrt: {
      r.enter(t);
      const source = r.isNext(ctx(0)) ? r.integer(ctx(0)) : 0;
      r.leave();
      return { kind: "abrt", abrt: { source: source === 1 ? "provider" : "user" } };
    }
    default:
      throw new BerError("unexpectedTag", "not an ACSE APDU", 0);
  }
}
