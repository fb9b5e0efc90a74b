/**
 * The gateway's licenses: what the license file grants (or, without a good one, O2G's quotas
 * for no license file), and who holds the per-user ones.
 *
 * A per-user license is taken (checked in) at a login's first request that needs it, for the
 * user the request acts for: a user takes one for itself, an administrator acting for 1,000
 * users takes 1,000. More sessions of the same login take no more. The login holding them gives
 * them back (check-out) when its last session ends, by logout or timeout; a license two logins
 * hold (a user and an administrator acting for it) goes back when both are gone.
 *
 * The Management license is sized on the nodes' users instead (./management.ts); High
 * Availability and Cloud Connectivity are server licenses: `allows()` says whether the gateway
 * has them.
 */
import { readFileSync } from "node:fs";
import { forbidden } from "../errors.js";
import {
  LICENSE_NAMES,
  type LicenseCounts,
  LicenseFileError,
  type LicenseName,
  type TrustedKey,
  type VerifiedLicense,
  verifyLicense,
  zeroCounts,
} from "./license-file.js";

/** O2G without a license file: 5 users of basic telephony, 1 of advanced telephony, 1 of XML PRS. */
export const NO_FILE_QUOTAS: Readonly<LicenseCounts> = {
  ...zeroCounts(),
  foundation: 5,
  advancedTelephony: 1,
  xmlIpTouch: 1,
};

/** The licenses taken per user; the others are sized on the nodes or are the server's. */
export const PER_USER_LICENSES: ReadonlySet<LicenseName> = new Set([
  "foundation",
  "advancedTelephony",
  "contactCenterAgent",
  "xmlIpTouch",
  "analytics",
]);

/** The names the Maintenance service lists them by. */
export const LICENSE_WIRE_NAMES: Readonly<Record<LicenseName, string>> = {
  foundation: "FOUNDATION",
  advancedTelephony: "ADVANCED_TELEPHONY",
  contactCenterAgent: "CONTACT_CENTER_AGENT",
  xmlIpTouch: "XML_IP_TOUCH",
  management: "MANAGEMENT",
  highAvailability: "HIGH_AVAILABILITY",
  analytics: "ANALYTICS",
  cloudConnectivity: "CLOUD_CONNECTIVITY",
};

const LABELS: Readonly<Record<LicenseName, string>> = {
  foundation: "Foundation",
  advancedTelephony: "Advanced Telephony",
  contactCenterAgent: "Contact Center Agent",
  xmlIpTouch: "XML IP Touch",
  management: "Management",
  highAvailability: "High Availability",
  analytics: "Analytics",
  cloudConnectivity: "Cloud Connectivity",
};

/**
 * The license file as loaded: none configured, good, expired, or not honoured (unreadable,
 * malformed, forged or signed by a key this gateway does not trust).
 */
export type LicenseFileState = "NONE" | "VALID" | "EXPIRED" | "INVALID";

export interface LicenseSource {
  /** NONE, VALID or INVALID as loaded; a VALID one turns EXPIRED with time */
  state: Exclude<LicenseFileState, "EXPIRED">;
  /** why a file is not honoured, or what it is */
  message: string;
  verified: VerifiedLicense | null;
}

/** Read and verify the configured file; never throws: a bad file is reported, not fatal. */
export function loadLicenseFile(
  file: string | null,
  keys: readonly TrustedKey[],
  read: (file: string) => string = (f) => readFileSync(f, "utf8"),
): LicenseSource {
  if (!file)
    return { state: "NONE", message: "no license file: the quotas of O2G without one", verified: null };
  let text: string;
  try {
    text = read(file);
  } catch (err) {
    return {
      state: "INVALID",
      message: `${file}: cannot be read (${(err as Error).message})`,
      verified: null,
    };
  }
  try {
    const verified = verifyLicense(text, keys);
    return { state: "VALID", message: `${file}: licensed to ${verified.body.licensee}`, verified };
  } catch (err) {
    if (!(err instanceof LicenseFileError)) throw err;
    return { state: "INVALID", message: `${file}: not honoured, ${err.message}`, verified: null };
  }
}

export interface LicenseInfo {
  name: string;
  total: number;
  currentUsed: number;
  /** dd-mmm-yyyy, as the SDK parses it */
  expiration?: string;
}

export interface LicenseStatusView {
  status: LicenseFileState;
  statusMessage: string;
  lics: LicenseInfo[];
}

export interface ExpiryNotice {
  message: string;
  /** > 0: days left; < 0: days since it expired (the SDK's OnLicenseExpiration) */
  nbDays: number;
}

export interface LicensesOptions {
  source: LicenseSource;
  /** the Management count configured over the file's (tests and labs), null: the file's */
  managementOverride?: number | null;
  /** OnLicenseExpiration from this many days before the end */
  warningDays?: number;
  now?: () => number;
}

const DAY_MS = 86_400_000;
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** 2026-12-31 as the SDK reads an expiration: 31-dec-2026. */
export function sdkDay(isoDay: string): string {
  const [y, m, d] = isoDay.split("-");
  return `${d}-${MONTHS[Number(m) - 1]}-${y}`;
}

export class Licenses {
  /** per license, per user it is taken for, the logins holding it */
  private readonly claims = new Map<LicenseName, Map<string, Set<string>>>();
  /** per holding login, what it holds: for the check-out at its last session's end */
  private readonly held = new Map<string, Map<LicenseName, Set<string>>>();
  private readonly now: () => number;
  readonly warningDays: number;

  constructor(private readonly opts: LicensesOptions) {
    this.now = opts.now ?? Date.now;
    this.warningDays = opts.warningDays ?? 30;
  }

  get source(): LicenseSource {
    return this.opts.source;
  }

  /** The file's state now: a good file turns EXPIRED once its last day is over. */
  state(): LicenseFileState {
    const v = this.opts.source.verified;
    if (this.opts.source.state === "VALID" && v && this.now() >= v.expiresAt.getTime()) return "EXPIRED";
    return this.opts.source.state;
  }

  /** What is granted now: the file's counts while it is good, else the quotas of no file. */
  counts(): Readonly<LicenseCounts> {
    const v = this.opts.source.verified;
    return this.state() === "VALID" && v ? v.counts : NO_FILE_QUOTAS;
  }

  total(name: LicenseName): number {
    if (name === "management") {
      const over = this.opts.managementOverride;
      if (over !== null && over !== undefined) return over;
    }
    return this.counts()[name];
  }

  /** Whether the gateway has this license at all (High Availability: may the pair form?). */
  allows(name: LicenseName): boolean {
    return this.total(name) > 0;
  }

  /** Users holding a per-user license now. */
  used(name: LicenseName): number {
    return this.claims.get(name)?.size ?? 0;
  }

  /** Whether `subject` holds `name` now. */
  holds(name: LicenseName, subject: string): boolean {
    return this.claims.get(name)?.has(subject) ?? false;
  }

  /**
   * Take `name` for `subject` on behalf of the login `holder`, unless it holds it already.
   * Throws a forbidden DomainError when none is left (or the gateway has none).
   */
  checkIn(name: LicenseName, subject: string, holder: string): void {
    if (!PER_USER_LICENSES.has(name)) throw new Error(`${name} is not a per-user license`);
    let bySubject = this.claims.get(name);
    const holders = bySubject?.get(subject);
    if (!holders) {
      const total = this.total(name);
      if (total === 0)
        throw forbidden(
          `this service needs a ${LABELS[name]} license, and this gateway has none`,
          "NO_LICENSE",
        );
      if (this.used(name) >= total)
        throw forbidden(
          `no ${LABELS[name]} license left for ${subject}: all ${total} are taken`,
          "LICENSE_EXHAUSTED",
        );
    }
    if (holders?.has(holder)) return;
    if (!bySubject) {
      bySubject = new Map();
      this.claims.set(name, bySubject);
    }
    let set = holders;
    if (!set) {
      set = new Set();
      bySubject.set(subject, set);
    }
    set.add(holder);
    let mine = this.held.get(holder);
    if (!mine) {
      mine = new Map();
      this.held.set(holder, mine);
    }
    let subjects = mine.get(name);
    if (!subjects) {
      subjects = new Set();
      mine.set(name, subjects);
    }
    subjects.add(subject);
  }

  /** The login's last session ended: every license it took goes back, unless another login still holds it. */
  checkOut(holder: string): void {
    const mine = this.held.get(holder);
    if (!mine) return;
    this.held.delete(holder);
    for (const [name, subjects] of mine) {
      const bySubject = this.claims.get(name);
      if (!bySubject) continue;
      for (const subject of subjects) {
        const holders = bySubject.get(subject);
        holders?.delete(holder);
        if (holders?.size === 0) bySubject.delete(subject);
      }
    }
  }

  /** Every license as the Maintenance service lists it; Management's use is counted by the caller. */
  status(managementUsed: number): LicenseStatusView {
    const state = this.state();
    const v = this.opts.source.verified;
    const expiration = state === "VALID" && v ? sdkDay(v.body.expires) : undefined;
    const lics = LICENSE_NAMES.map((name) => {
      const info: LicenseInfo = {
        name: LICENSE_WIRE_NAMES[name],
        total: this.total(name),
        currentUsed: name === "management" ? managementUsed : this.serverUse(name),
      };
      if (expiration) info.expiration = expiration;
      return info;
    });
    let statusMessage = this.opts.source.message;
    if (state === "EXPIRED" && v)
      statusMessage = `the license file expired on ${v.body.expires}: the quotas of O2G without one apply`;
    return { status: state, statusMessage, lics };
  }

  private serverUse(name: LicenseName): number {
    if (PER_USER_LICENSES.has(name)) return this.used(name);
    // A server license is in use as soon as the gateway has it.
    return this.total(name) > 0 ? 1 : 0;
  }

  /** What OnLicenseExpiration says now: within `warningDays` of the end, or since it expired; else null. */
  expiryNotice(): ExpiryNotice | null {
    const v = this.opts.source.verified;
    if (!v || this.opts.source.state !== "VALID") return null;
    const left = v.expiresAt.getTime() - this.now();
    if (left > 0) {
      const nbDays = Math.ceil(left / DAY_MS);
      if (nbDays > this.warningDays) return null;
      return { nbDays, message: `the license file expires in ${nbDays} day(s), after ${v.body.expires}` };
    }
    const nbDays = -Math.max(1, Math.ceil(-left / DAY_MS));
    return {
      nbDays,
      message: `the license file expired on ${v.body.expires}: the quotas of O2G without one apply`,
    };
  }
}
