/**
 * Charging files already read from a node, parsed, by file name. A file is written an hour long
 * and then closed for good, so once read it never needs reading again; the open file of the
 * current hour only grows. An entry is therefore valid as long as the node still lists the file
 * with the ticket count it had when read: a count that changed (the open file grew, or the node
 * rewrote a file) sends us back to the node.
 *
 * Bounded by tickets, least recently used first out: a query over a long range must not keep a
 * month of tickets in memory after it is answered.
 */
import type { NodeTicket } from "./formats.js";

interface Entry {
  readonly tickets: readonly NodeTicket[];
}

export interface ChargingCacheStats {
  files: number;
  tickets: number;
  hits: number;
  misses: number;
}

export class ChargingCache {
  private readonly entries = new Map<string, Entry>();
  private held = 0;
  private hits = 0;
  private misses = 0;

  constructor(private readonly maxTickets: number) {}

  /** The tickets of `name` if they were read while the file held `count` tickets. */
  get(name: string, count: number): readonly NodeTicket[] | undefined {
    const e = this.entries.get(name);
    if (!e || e.tickets.length !== count) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(name);
    this.entries.set(name, e);
    return e.tickets;
  }

  put(name: string, tickets: readonly NodeTicket[]): void {
    const old = this.entries.get(name);
    if (old) {
      this.held -= old.tickets.length;
      this.entries.delete(name);
    }
    // A file larger than the whole budget is still handed out by the read that made it, just
    // not kept.
    if (tickets.length > this.maxTickets) return;
    this.entries.set(name, { tickets });
    this.held += tickets.length;
    for (const [k, e] of this.entries) {
      if (this.held <= this.maxTickets) break;
      this.entries.delete(k);
      this.held -= e.tickets.length;
    }
  }

  clear(): void {
    this.entries.clear();
    this.held = 0;
  }

  stats(): ChargingCacheStats {
    return { files: this.entries.size, tickets: this.held, hits: this.hits, misses: this.misses };
  }
}
