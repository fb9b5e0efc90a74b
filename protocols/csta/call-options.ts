/**
 * The OXE call options ECMA-269 has no field for, carried in the standard's own extension point:
 * CSTACommonArguments ([APPLICATION 30] IMPLICIT SEQUENCE { security [0] OPTIONAL, privateData
 * [1] IMPLICIT SEQUENCE OF CSTAPrivateData }), CSTAPrivateData's string alternative holding a
 * UTF-8 JSON `OxeCallOptions` (the encoding is ours, the OXE's own is not public):
 *
 * - in MakeCall (O2G's makeCallEx): `callingNumber`, the number the called party is shown
 *   instead of the caller's (if the node allows it for that caller), and `inhibitProgressTone`,
 *   the caller hears no ringback while the call is offered;
 * - in MakeCall and ConsultationCall (O2G's makePilotOrRSICall and its supervised-transfer
 *   variant): `callProfile`, the skills the CCD's Advanced Call Routing distributes a call to a
 *   pilot on: a mandatory skill the agent must hold active at the level given or better (1 is
 *   the best), the others preferred;
 * - in DeflectCall and SingleStepTransfer (O2G's redirect and blind transfer): `anonymous`, the
 *   new destination is not told who the call comes from;
 * - in the Delivered and Established events: `presentation`, how the node presents parties of
 *   the call to the monitored device when it does not show their own number (a presented
 *   number, or null: restricted). The event's callingDevice already says it for the caller;
 *   this names the connection it stands for, which the CSTA event has no room for.
 *
 * The private call's PIN and the business call's account code need no escape: MakeCall's
 * authCode [1] and accountCode [0] are ECMA-285's own.
 */
import { type BerReader, type BerWriter, ctxC, U } from "../ber/index.js";
import { Tags } from "./common.js";

/** One skill of a call profile (the SDK's CallProfile.Skill). */
export interface CallProfileSkill {
  skill: number;
  /** the agent's level in it, this or better (1 best .. 4) */
  level: number;
  mandatory: boolean;
}

export interface OxeCallOptions {
  callingNumber?: string;
  callProfile?: CallProfileSkill[];
  inhibitProgressTone?: boolean;
  anonymous?: boolean;
  /** connection's device -> what the monitored device is shown of it (null: restricted) */
  presentation?: Record<string, string | null>;
}

/** CSTACommonArguments' privateData [1] IMPLICIT SEQUENCE OF CSTAPrivateData */
const PRIVATE_DATA = ctxC(1);
/** Told apart from other private data (the CCD's, say) by this key. */
const KEY = "oxeCall";

export function writeCallOptions(w: BerWriter, o: OxeCallOptions): void {
  w.begin(Tags.commonArguments).begin(PRIVATE_DATA);
  w.octets(Buffer.from(JSON.stringify({ [KEY]: o }), "utf8"));
  w.end().end();
}

/** CSTACommonArguments, positioned on it: the call options it carries, if any (checked). */
export function readCallOptions(r: BerReader): OxeCallOptions | undefined {
  r.enter(Tags.commonArguments);
  let out: OxeCallOptions | undefined;
  while (!r.atEnd()) {
    if (!r.isNext(PRIVATE_DATA)) {
      r.skip();
      continue;
    }
    r.enter(PRIVATE_DATA);
    while (!r.atEnd()) {
      if (!r.isNext(U.OCTET_STRING)) {
        r.skip();
        continue;
      }
      out ??= parse(Buffer.from(r.octets()).toString("utf8"));
    }
    r.leave();
  }
  r.leave();
  return out;
}

const NUMBER = /^[0-9+*#]{1,32}$/;

function parse(text: string): OxeCallOptions | undefined {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined;
  }
  const src = (o as Record<string, unknown> | null)?.[KEY];
  if (typeof src !== "object" || src === null) return undefined;
  const s = src as Record<string, unknown>;
  const out: OxeCallOptions = {};
  if (typeof s.callingNumber === "string" && NUMBER.test(s.callingNumber))
    out.callingNumber = s.callingNumber;
  if (s.inhibitProgressTone === true) out.inhibitProgressTone = true;
  if (s.anonymous === true) out.anonymous = true;
  const profile = callProfile(s.callProfile);
  if (profile) out.callProfile = profile;
  if (typeof s.presentation === "object" && s.presentation !== null) {
    const p: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(s.presentation as Record<string, unknown>))
      if (NUMBER.test(k) && (v === null || (typeof v === "string" && NUMBER.test(v)))) p[k] = v;
    out.presentation = p;
  }
  return out;
}

/** At most 16 skills, each a number, a level 1..4 and a mandatory flag; anything else: none. */
function callProfile(v: unknown): CallProfileSkill[] | undefined {
  if (!Array.isArray(v) || v.length === 0 || v.length > 16) return undefined;
  const out: CallProfileSkill[] = [];
  for (const x of v as unknown[]) {
    const s = x as Record<string, unknown> | null;
    if (
      !s ||
      !Number.isInteger(s.skill) ||
      (s.skill as number) < 1 ||
      (s.skill as number) > 65_535 ||
      !Number.isInteger(s.level) ||
      (s.level as number) < 1 ||
      (s.level as number) > 4 ||
      typeof s.mandatory !== "boolean"
    )
      return undefined;
    out.push({ skill: s.skill as number, level: s.level as number, mandatory: s.mandatory });
  }
  return out;
}
