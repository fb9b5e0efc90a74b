/**
 * The SDK's rule for the missed-call counter (EventSummaryCounters.missedCallsCount): it counts
 * the unanswered, unacknowledged incoming calls of the log, and only an acknowledgment through
 * the communication log or "a new answered call" lowers it. The call answered from a caller who
 * had been missed settles those missed calls: they are acknowledged in the log (so the log's
 * unacknowledged filter and the counter keep saying the same thing), and the log's clients are
 * told with OnComRecordsAck as if the user had acknowledged them.
 */
import type { EventPublisher } from "../../events/types.js";
import type { ComlogRepository, ComRecord } from "../../store/index.js";

/** the most missed calls from one caller settled by one answered call */
const MAX_SETTLED = 500;

/** Who called, when `record` is an incoming call the user (`loginName`) answered. */
export function answeredCaller(loginName: string, record: ComRecord): string[] {
  const self =
    record.participants.find((p) => p.identity.id.loginName === loginName) ?? record.participants[0];
  if (self?.role !== "CALLEE" || !self.answered) return [];
  const ids: string[] = [];
  for (const p of record.participants) {
    if (p === self || p.role !== "CALLER") continue;
    const id = p.identity.id.loginName ?? p.identity.id.phoneNumber;
    if (id) ids.push(id);
  }
  return ids;
}

/**
 * Acknowledge the user's earlier missed calls from the caller of `record` when it is an answered
 * incoming call; the ids of the records acknowledged (none: nothing changed).
 */
export async function settleMissedFromCaller(
  repo: Pick<ComlogRepository, "query" | "setAcknowledged">,
  events: EventPublisher,
  loginName: string,
  record: ComRecord,
): Promise<number[]> {
  const callers = answeredCaller(loginName, record);
  if (callers.length === 0) return [];
  const ids = new Set<number>();
  for (const caller of callers) {
    const page = await repo.query(
      loginName,
      {
        unacknowledged: true,
        unanswered: true,
        role: "CALLEE",
        remotePartyId: caller,
        beforeDate: new Date(record.beginDate),
      },
      { limit: MAX_SETTLED },
    );
    for (const r of page.comHistoryRecords) ids.add(r.recordId);
  }
  if (ids.size === 0) return [];
  const changed = await repo.setAcknowledged(loginName, [...ids], true);
  if (changed.length > 0)
    events.publish("unifiedComLog", loginName, {
      eventName: "OnComRecordsAck",
      loginName,
      recordIds: changed,
    });
  return changed;
}
