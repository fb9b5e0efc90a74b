/**
 * Requesters, their contexts and the contexts' scheduled reports, in the gateway's store
 * (migration 2: cc_stats_requester, cc_stats_context, cc_stats_schedule). JSON-shaped parts
 * (agents, filter, a schedule's definition) are kept as text: nothing queries inside them.
 */
import { randomUUID } from "node:crypto";
import type { Queryable } from "../../../store/index.js";
import type { ContextRecord, RequesterRecord } from "./report.js";
import type { FrequencyJson, ObsPeriodJson, StatsFilterJson } from "./schema.js";

export interface ScheduleDefinition {
  readonly description: string | undefined;
  readonly obsPeriod: ObsPeriodJson;
  readonly frequency: FrequencyJson;
  readonly recipients: readonly string[];
  readonly fileType: "csv" | "xls";
}

export type ScheduleState =
  | "Not_executed"
  | "Executed"
  | "Failed_On_Get_Data"
  | "Failed_On_Send_Mail"
  | "In_progress"
  | "Expired";

export interface ScheduleRecord extends ScheduleDefinition {
  readonly contextId: string;
  readonly requesterId: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly state: ScheduleState;
  readonly lastExec: number | undefined;
}

type Row = Record<string, unknown>;

const requesterOf = (r: Row): RequesterRecord => ({
  id: String(r.requester_id),
  language: r.language as RequesterRecord["language"],
  timezone: String(r.timezone),
  agents: JSON.parse(String(r.agents)) as string[],
});

const contextOf = (r: Row): ContextRecord => ({
  id: String(r.context_id),
  requesterId: String(r.requester_id),
  label: r.label === null || r.label === undefined ? undefined : String(r.label),
  description: r.description === null || r.description === undefined ? undefined : String(r.description),
  filter: JSON.parse(String(r.filter)) as StatsFilterJson,
});

const scheduleOf = (r: Row): ScheduleRecord => ({
  ...(JSON.parse(String(r.body)) as ScheduleDefinition),
  contextId: String(r.context_id),
  requesterId: String(r.requester_id),
  name: String(r.name),
  enabled: Boolean(r.enabled),
  state: r.state as ScheduleState,
  lastExec:
    r.last_exec === null || r.last_exec === undefined ? undefined : new Date(r.last_exec as string).getTime(),
});

export class StatsRepository {
  private seq = 0;

  constructor(private readonly db: Queryable) {}

  async createRequester(r: RequesterRecord): Promise<boolean> {
    const exists = await this.db.query("SELECT 1 FROM cc_stats_requester WHERE requester_id = $1", [r.id]);
    if (exists.rows.length) return false;
    await this.db.query(
      "INSERT INTO cc_stats_requester (requester_id, language, timezone, agents) VALUES ($1, $2, $3, $4)",
      [r.id, r.language, r.timezone, JSON.stringify(r.agents)],
    );
    return true;
  }

  async requester(id: string): Promise<RequesterRecord | undefined> {
    const res = await this.db.query("SELECT * FROM cc_stats_requester WHERE requester_id = $1", [id]);
    return res.rows[0] ? requesterOf(res.rows[0]) : undefined;
  }

  /** Deletes the requester, its contexts and their schedules; false if there was none. */
  async deleteRequester(id: string): Promise<boolean> {
    await this.deleteContexts(id);
    const res = await this.db.query("DELETE FROM cc_stats_requester WHERE requester_id = $1", [id]);
    return (res.rowCount ?? 0) > 0;
  }

  async createContext(c: Omit<ContextRecord, "id">): Promise<ContextRecord> {
    const id = randomUUID();
    if (this.seq === 0) {
      const max = await this.db.query<{ m: number | null }>(
        "SELECT max(created_seq) AS m FROM cc_stats_context",
      );
      this.seq = Number(max.rows[0]?.m ?? 0);
    }
    await this.db.query(
      "INSERT INTO cc_stats_context (context_id, requester_id, label, description, filter, created_seq) VALUES ($1, $2, $3, $4, $5, $6)",
      [id, c.requesterId, c.label ?? null, c.description ?? null, JSON.stringify(c.filter), ++this.seq],
    );
    return { ...c, id };
  }

  async updateContext(c: ContextRecord): Promise<void> {
    await this.db.query(
      "UPDATE cc_stats_context SET label = $2, description = $3, filter = $4 WHERE context_id = $1",
      [c.id, c.label ?? null, c.description ?? null, JSON.stringify(c.filter)],
    );
  }

  async contexts(requesterId: string): Promise<ContextRecord[]> {
    const res = await this.db.query(
      "SELECT * FROM cc_stats_context WHERE requester_id = $1 ORDER BY created_seq",
      [requesterId],
    );
    return res.rows.map(contextOf);
  }

  async context(requesterId: string, id: string): Promise<ContextRecord | undefined> {
    const res = await this.db.query("SELECT * FROM cc_stats_context WHERE context_id = $1", [id]);
    const c = res.rows[0] ? contextOf(res.rows[0]) : undefined;
    return c?.requesterId === requesterId ? c : undefined;
  }

  async deleteContext(id: string): Promise<boolean> {
    await this.db.query("DELETE FROM cc_stats_schedule WHERE context_id = $1", [id]);
    const res = await this.db.query("DELETE FROM cc_stats_context WHERE context_id = $1", [id]);
    return (res.rowCount ?? 0) > 0;
  }

  async deleteContexts(requesterId: string): Promise<number> {
    await this.db.query("DELETE FROM cc_stats_schedule WHERE requester_id = $1", [requesterId]);
    const res = await this.db.query("DELETE FROM cc_stats_context WHERE requester_id = $1", [requesterId]);
    return res.rowCount ?? 0;
  }

  async scheduledContexts(requesterId: string): Promise<Set<string>> {
    const res = await this.db.query("SELECT context_id FROM cc_stats_schedule WHERE requester_id = $1", [
      requesterId,
    ]);
    return new Set(res.rows.map((r) => String(r.context_id)));
  }

  /** false when the context already has a schedule of that name */
  async createSchedule(s: Omit<ScheduleRecord, "state" | "lastExec" | "enabled">): Promise<boolean> {
    if (await this.schedule(s.contextId, s.name)) return false;
    const { contextId, requesterId, name, ...def } = s;
    await this.db.query(
      "INSERT INTO cc_stats_schedule (context_id, name, requester_id, body, enabled, state, last_exec) VALUES ($1, $2, $3, $4, true, 'Not_executed', NULL)",
      [contextId, name, requesterId, JSON.stringify(def)],
    );
    return true;
  }

  async updateSchedule(contextId: string, name: string, def: ScheduleDefinition): Promise<void> {
    // A changed definition runs anew: its state starts again.
    await this.db.query(
      "UPDATE cc_stats_schedule SET body = $3, state = 'Not_executed', last_exec = NULL WHERE context_id = $1 AND name = $2",
      [contextId, name, JSON.stringify(def)],
    );
  }

  async setEnabled(contextId: string, name: string, enabled: boolean): Promise<void> {
    await this.db.query("UPDATE cc_stats_schedule SET enabled = $3 WHERE context_id = $1 AND name = $2", [
      contextId,
      name,
      enabled,
    ]);
  }

  async setState(contextId: string, name: string, state: ScheduleState, lastExec?: number): Promise<void> {
    if (lastExec === undefined) {
      await this.db.query("UPDATE cc_stats_schedule SET state = $3 WHERE context_id = $1 AND name = $2", [
        contextId,
        name,
        state,
      ]);
    } else {
      await this.db.query(
        "UPDATE cc_stats_schedule SET state = $3, last_exec = $4 WHERE context_id = $1 AND name = $2",
        [contextId, name, state, new Date(lastExec).toISOString()],
      );
    }
  }

  async schedule(contextId: string, name: string): Promise<ScheduleRecord | undefined> {
    const res = await this.db.query("SELECT * FROM cc_stats_schedule WHERE context_id = $1 AND name = $2", [
      contextId,
      name,
    ]);
    return res.rows[0] ? scheduleOf(res.rows[0]) : undefined;
  }

  async schedules(contextId: string): Promise<ScheduleRecord[]> {
    const res = await this.db.query("SELECT * FROM cc_stats_schedule WHERE context_id = $1 ORDER BY name", [
      contextId,
    ]);
    return res.rows.map(scheduleOf);
  }

  async enabledSchedules(): Promise<ScheduleRecord[]> {
    const res = await this.db.query("SELECT * FROM cc_stats_schedule WHERE enabled = true");
    return res.rows.map(scheduleOf);
  }

  async deleteSchedule(contextId: string, name: string): Promise<boolean> {
    const res = await this.db.query("DELETE FROM cc_stats_schedule WHERE context_id = $1 AND name = $2", [
      contextId,
      name,
    ]);
    return (res.rowCount ?? 0) > 0;
  }
}
