/**
 * What a failover may lose of the communication log: the records the old active member
 * announced (OnComRecordCreated) that the new active member cannot list.
 */

export interface AnnouncedRecord {
  loginName: string;
  recordId: number;
}

/**
 * Records announced but not in `listed` (login name -> record ids the new active member
 * answers). A login never listed counts all its records as lost.
 */
export function lostRecords(
  announced: readonly AnnouncedRecord[],
  listed: ReadonlyMap<string, ReadonlySet<number>>,
): AnnouncedRecord[] {
  return announced.filter((r) => !listed.get(r.loginName)?.has(r.recordId));
}

/**
 * The line after a word (`READY {json}` -> the JSON), or null when the line starts otherwise.
 * The workers print one such line per state they reach.
 */
export function payloadAfter<T>(line: string, word: string): T | null {
  if (!line.startsWith(`${word} `)) return null;
  return JSON.parse(line.slice(word.length + 1)) as T;
}
