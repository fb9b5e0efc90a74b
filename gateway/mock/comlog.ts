/**
 * The stand-in's communication log: the gateway's own ComlogBuilder (one record per user per
 * call, from the telephony events that user was told, followed across transfers) writing into
 * an in-memory list instead of the database, queried with the catalogue's filters and paging.
 */
import { ComlogBuilder } from "../domain/comlog/builder.js";
import type { O2gEvent } from "../events/types.js";
import { derive, newToRecord, optimizeParticipants } from "../store/comlog/records.js";
import type {
  ComlogFilter,
  ComlogPaging,
  ComRecord,
  ComRecordPage,
  NewComRecord,
  Role,
} from "../store/comlog/types.js";
import { VOICE_MAIL } from "./routing.js";
import { type MockUser, partyInfo } from "./users.js";

/** As the gateway keeps them: 100 records per user, the oldest dropped first. */
const MAX_PER_USER = 100;

interface Stored {
  record: ComRecord;
  role: Role;
  answered: boolean;
  remoteIds: string[];
}

export class MockComlog {
  private readonly records = new Map<string, Stored[]>();
  private nextId = 1;
  readonly builder: ComlogBuilder;

  constructor(
    byLogin: ReadonlyMap<string, MockUser>,
    byNumber: ReadonlyMap<string, MockUser>,
    publish: (login: string, event: O2gEvent) => void,
  ) {
    this.builder = new ComlogBuilder({
      repository: { add: async (rec) => this.add(rec) },
      events: { publish: (_pkg, login, event) => login && publish(login, event) },
      isVoiceMail: (n) => n === VOICE_MAIL,
      identity: (login) => {
        const u = byLogin.get(login);
        return u ? partyInfo(u.number, byNumber) : undefined;
      },
      log: () => {},
    });
  }

  private add(rec: NewComRecord): ComRecord {
    const record = newToRecord(this.nextId++, rec);
    const list = this.records.get(rec.loginName) ?? [];
    list.push({ record, ...derive(rec) });
    if (list.length > MAX_PER_USER) list.shift();
    this.records.set(rec.loginName, list);
    return record;
  }

  private matching(login: string, f: ComlogFilter): Stored[] {
    return (this.records.get(login) ?? []).filter(
      (s) =>
        (!f.afterDate || new Date(s.record.beginDate) > f.afterDate) &&
        (!f.beforeDate || new Date(s.record.beginDate) < f.beforeDate) &&
        (f.comRef === undefined || s.record.comRef === f.comRef) &&
        (f.remotePartyId === undefined || s.remoteIds.includes(f.remotePartyId)) &&
        (!f.role || s.role === f.role) &&
        (!f.unacknowledged || !s.record.acknowledged) &&
        (!f.unanswered || !s.answered),
    );
  }

  /** Newest first, as the repository answers. */
  query(login: string, filter: ComlogFilter, paging: ComlogPaging, optimized: boolean): ComRecordPage {
    const all = this.matching(login, filter)
      .map((s) => s.record)
      .reverse();
    const offset = paging.offset ?? 0;
    const limit = paging.limit ?? MAX_PER_USER;
    const page = all.slice(offset, offset + limit);
    return {
      offset,
      limit,
      totalCount: all.length,
      comHistoryRecords: optimized ? optimizeParticipants(page) : page,
    };
  }

  get(login: string, id: number): ComRecord | undefined {
    return this.records.get(login)?.find((s) => s.record.recordId === id)?.record;
  }

  /** The ids whose flag changed. */
  setAcknowledged(login: string, ids: readonly number[], ack: boolean): number[] {
    const changed: number[] = [];
    for (const s of this.records.get(login) ?? []) {
      if (ids.includes(s.record.recordId) && s.record.acknowledged !== ack) {
        s.record.acknowledged = ack;
        changed.push(s.record.recordId);
      }
    }
    return changed.sort((a, b) => a - b);
  }

  /** The ids deleted. */
  deleteWhere(login: string, keep: (s: Stored) => boolean): number[] {
    const list = this.records.get(login) ?? [];
    const deleted = list.filter((s) => !keep(s)).map((s) => s.record.recordId);
    this.records.set(
      login,
      list.filter((s) => keep(s)),
    );
    return deleted.sort((a, b) => a - b);
  }

  deleteByIds(login: string, ids: readonly number[]): number[] {
    return this.deleteWhere(login, (s) => !ids.includes(s.record.recordId));
  }

  deleteByFilter(login: string, filter: ComlogFilter): number[] {
    const doomed = new Set(this.matching(login, filter));
    return this.deleteWhere(login, (s) => !doomed.has(s));
  }
}
