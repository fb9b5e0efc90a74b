/**
 * Missed calls per user, counted once in the database and then kept up to date in memory: a new
 * missed call adds one, anything else that touches the log (acknowledging, deleting, the oldest
 * records dropped) makes the next reader count again. Counting on every missed call would scan
 * the log each time, which is what an embedded database does worst.
 */
export class MissedCallCounter {
  private readonly counts = new Map<string, number>();
  /** bumped by every change, so a count read while a change happened is not kept */
  private readonly generations = new Map<string, number>();

  constructor(private readonly count: (loginName: string) => Promise<number>) {}

  async get(loginName: string): Promise<number> {
    const known = this.counts.get(loginName);
    if (known !== undefined) return known;
    const gen = this.generations.get(loginName) ?? 0;
    const n = await this.count(loginName);
    if ((this.generations.get(loginName) ?? 0) === gen) this.counts.set(loginName, n);
    return n;
  }

  /** A missed call was written to the user's log. */
  added(loginName: string): void {
    this.bump(loginName);
    const known = this.counts.get(loginName);
    if (known !== undefined) this.counts.set(loginName, known + 1);
  }

  /** The user's log changed otherwise: count again when next asked. */
  invalidate(loginName: string): void {
    this.bump(loginName);
    this.counts.delete(loginName);
  }

  private bump(loginName: string): void {
    this.generations.set(loginName, (this.generations.get(loginName) ?? 0) + 1);
  }
}
