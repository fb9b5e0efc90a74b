/** Pure pieces of the communication log: rows to records and back, filters to SQL. */
import { type SqlValue, toDate } from "../sql.js";
import type {
  ComlogFilter,
  ComRecord,
  ComRecordParticipant,
  NewComRecord,
  PartyInfo,
  Role,
} from "./types.js";

export const RECORD_COLUMNS =
  "record_id, com_ref, acknowledged, participants, begin_date, end_date, conv_date, hold_duration, transferred_by, associated_data";

export interface RecordRow extends Record<string, unknown> {
  record_id: number | string;
  com_ref: string;
  acknowledged: boolean;
  participants: ComRecordParticipant[] | string;
  begin_date: Date | string;
  end_date: Date | string | null;
  conv_date: Date | string | null;
  hold_duration: number | null;
  transferred_by: string | null;
  associated_data: string | null;
}

export function rowToRecord(row: RecordRow): ComRecord {
  const participants =
    typeof row.participants === "string"
      ? (JSON.parse(row.participants) as ComRecordParticipant[])
      : row.participants;
  const rec: ComRecord = {
    recordId: Number(row.record_id),
    comRef: row.com_ref,
    acknowledged: row.acknowledged === true,
    participants,
    beginDate: toDate(row.begin_date)!.toISOString(),
  };
  const end = toDate(row.end_date);
  if (end) rec.endDate = end.toISOString();
  const conv = toDate(row.conv_date);
  if (conv) rec.convDate = conv.toISOString();
  if (row.hold_duration !== null && row.hold_duration !== undefined)
    rec.holdDuration = Number(row.hold_duration);
  if (row.transferred_by !== null && row.transferred_by !== undefined) rec.transferredBy = row.transferred_by;
  if (row.associated_data !== null && row.associated_data !== undefined)
    rec.associatedData = row.associated_data;
  return rec;
}

/** The columns derived from a new record, which the filters read. */
export interface Derived {
  role: Role;
  answered: boolean;
  /** login names and phone numbers of everybody but the owner */
  remoteIds: string[];
}

export function derive(rec: NewComRecord): Derived {
  const owner = rec.participants.find((p) => p.identity.id.loginName === rec.loginName);
  const remote = new Set<string>();
  for (const p of rec.participants) {
    if (p.identity.id.loginName === rec.loginName) continue;
    if (p.identity.id.loginName) remote.add(p.identity.id.loginName);
    if (p.identity.id.phoneNumber) remote.add(p.identity.id.phoneNumber);
  }
  return {
    role: rec.role ?? owner?.role ?? "UNKNOWN",
    answered:
      rec.answered ??
      (Boolean(rec.convDate) || rec.participants.some((p) => p.role === "CALLEE" && p.answered === true)),
    remoteIds: [...remote],
  };
}

/** The record as stored, before it has an id: what `add` resolves with once written. */
export function newToRecord(recordId: number, rec: NewComRecord): ComRecord {
  const out: ComRecord = {
    recordId,
    comRef: rec.comRef,
    acknowledged: rec.acknowledged ?? false,
    participants: rec.participants,
    beginDate: rec.beginDate.toISOString(),
  };
  if (rec.endDate) out.endDate = rec.endDate.toISOString();
  if (rec.convDate) out.convDate = rec.convDate.toISOString();
  if (rec.holdDuration !== null && rec.holdDuration !== undefined) out.holdDuration = rec.holdDuration;
  if (rec.transferredBy !== null && rec.transferredBy !== undefined) out.transferredBy = rec.transferredBy;
  if (rec.associatedData !== null && rec.associatedData !== undefined)
    out.associatedData = rec.associatedData;
  return out;
}

/** Why a new record cannot be stored, or null. */
export function recordProblem(rec: NewComRecord): string | null {
  if (!rec.loginName) return "loginName is empty";
  if (!rec.comRef) return "comRef is empty";
  if (!(rec.beginDate instanceof Date) || Number.isNaN(rec.beginDate.getTime()))
    return "beginDate is not a date";
  for (const d of [rec.endDate, rec.convDate]) {
    if (d && Number.isNaN(d.getTime())) return "endDate or convDate is not a date";
  }
  if (!Array.isArray(rec.participants)) return "participants is not an array";
  return null;
}

/** WHERE clause for one login's records, parameters numbered from $1 (the login name). */
export function whereClause(
  loginName: string,
  filter: ComlogFilter = {},
): { sql: string; params: SqlValue[] } {
  const params: SqlValue[] = [loginName];
  const parts = ["login_name = $1"];
  const add = (cond: (n: string) => string, v: SqlValue) => {
    params.push(v);
    parts.push(cond(`$${params.length}`));
  };
  if (filter.afterDate) add((n) => `begin_date > ${n}`, filter.afterDate);
  if (filter.beforeDate) add((n) => `begin_date < ${n}`, filter.beforeDate);
  if (filter.comRef !== undefined && filter.comRef !== "") add((n) => `com_ref = ${n}`, filter.comRef);
  if (filter.remotePartyId !== undefined && filter.remotePartyId !== "")
    add((n) => `remote_ids @> ${n}::jsonb`, JSON.stringify([filter.remotePartyId]));
  if (filter.role) add((n) => `role = ${n}`, filter.role);
  if (filter.unacknowledged) parts.push("acknowledged = false");
  if (filter.unanswered) parts.push("answered = false");
  return { sql: parts.join(" AND "), params };
}

/**
 * O2G's `optimized` answer: a party is described in full the first time it appears in the page,
 * by its phone number alone afterwards (its login name if it has no number), which keeps a page
 * of calls with the same few people small.
 */
export function optimizeParticipants(records: readonly ComRecord[]): ComRecord[] {
  const seen = new Set<string>();
  const key = (p: PartyInfo) => p.id.loginName ?? p.id.phoneNumber;
  return records.map((r) => ({
    ...r,
    participants: r.participants.map((p) => {
      const k = key(p.identity);
      if (k === undefined) return p;
      if (!seen.has(k)) {
        seen.add(k);
        return p;
      }
      const id = p.identity.id.phoneNumber
        ? { phoneNumber: p.identity.id.phoneNumber }
        : { loginName: p.identity.id.loginName! };
      return { ...p, identity: { id } };
    }),
  }));
}
