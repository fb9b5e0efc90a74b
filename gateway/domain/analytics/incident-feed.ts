/**
 * A node's incidents, held by the gateway: `incvisu -F` runs on the SSH link for as long as the
 * link is up; it lists the node's incidents, says `#END`, then writes each new incident the
 * moment the node raises it. Every incident is therefore parsed once, and a request for
 * incidents is answered from memory, current to the last one raised.
 *
 * When the link drops the list is no longer known to be complete: requests wait (a little) for
 * the follower to come back and list everything again, incidents raised meanwhile included.
 *
 * A node that refuses `-F` (an exit status before its list ended) is not followed: `unsupported`
 * tells the caller to list incidents per request instead.
 */
import type { SshLink, SshLog } from "../../links/ssh/index.js";
import { classify, INCIDENT_FIELDS, type NodeIncident, parseIncident, RecordLayout } from "./formats.js";

export interface IncidentFeedOptions {
  /** incidents kept; the oldest go first */
  maxIncidents: number;
  /** wait before following again when the follower ended while the link stayed up */
  restartMs: number;
  log: SshLog;
}

export class IncidentFeedUnavailable extends Error {}

export class IncidentFeed {
  private list: NodeIncident[] = [];
  private synced = false;
  /** the node does not follow (`incvisu -F` refused): read incidents per request */
  unsupported = false;
  private generation = 0;
  private stopped = true;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly waiters = new Set<() => void>();
  private readonly onUp = () => this.follow();
  private readonly onDown = () => this.unsync();

  constructor(
    private readonly link: SshLink,
    private readonly options: IncidentFeedOptions,
  ) {}

  /** The list is complete and being followed. */
  get isSynced(): boolean {
    return this.synced;
  }

  get size(): number {
    return this.list.length;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.link.on("up", this.onUp);
    this.link.on("down", this.onDown);
    if (this.link.isUp) this.follow();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    clearTimeout(this.restartTimer);
    this.link.off("up", this.onUp);
    this.link.off("down", this.onDown);
    this.unsync();
  }

  /** The last `last` incidents (all of them when absent), oldest first. */
  async incidents(last: number | undefined, waitMs: number): Promise<NodeIncident[]> {
    if (!this.synced) await this.waitSynced(waitMs);
    if (this.unsupported) throw new IncidentFeedUnavailable("the node does not follow incidents");
    return last === undefined ? this.list.slice() : last <= 0 ? [] : this.list.slice(-last);
  }

  private waitSynced(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.link.isUp && ms <= 0) {
        reject(new IncidentFeedUnavailable(`${this.link.name} is down`));
        return;
      }
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        reject(
          new IncidentFeedUnavailable(
            this.link.isUp
              ? `the incident list of ${this.link.name} is not read yet`
              : `${this.link.name} is down`,
          ),
        );
      }, ms);
      timer.unref();
      this.waiters.add(done);
    });
  }

  private unsync(): void {
    this.synced = false;
  }

  private follow(): void {
    if (this.stopped || !this.link.isUp || this.unsupported) return;
    clearTimeout(this.restartTimer);
    const gen = ++this.generation;
    this.synced = false;
    let layout: RecordLayout | undefined;
    const first: NodeIncident[] = [];
    this.link
      .exec(
        "incvisu -F",
        (line) => {
          if (gen !== this.generation) return;
          const l = classify(line);
          if (l.kind === "header") layout = new RecordLayout(l.line, INCIDENT_FIELDS);
          else if (l.kind === "record") {
            if (!layout) throw new Error("an incident before the header line");
            const incident = parseIncident(layout, l.line);
            if (this.synced) this.add(incident);
            else first.push(incident);
          } else if (l.kind === "end") {
            this.list = first.slice(-this.options.maxIncidents);
            first.length = 0;
            this.synced = true;
            for (const w of [...this.waiters]) w();
          }
        },
        { unlimited: true },
      )
      .then(
        (r) => {
          if (gen === this.generation && !this.synced && r.code !== 0) {
            this.unsupported = true;
            this.options.log(
              "warn",
              `${this.link.name}: the node does not follow incidents (incvisu -F: status ${r.code}${r.stderr ? `, ${r.stderr}` : ""}); reading them per request`,
            );
            for (const w of [...this.waiters]) w();
            return;
          }
          this.ended(gen, "the follower ended");
        },
        (err: Error) => this.ended(gen, err.message),
      );
  }

  private ended(gen: number, why: string): void {
    if (gen !== this.generation || this.stopped) return;
    this.synced = false;
    // The link's own down/up restarts the follower; only a follower that ended on a link still
    // up is restarted here.
    if (!this.link.isUp) return;
    this.options.log("warn", `${this.link.name}: incident follower stopped (${why}), following again`);
    this.restartTimer = setTimeout(() => this.follow(), this.options.restartMs);
    this.restartTimer.unref();
  }

  private add(incident: NodeIncident): void {
    this.list.push(incident);
    // Trim in batches: shifting one element off a big array per incident would be quadratic.
    if (this.list.length > this.options.maxIncidents * 1.25 + 16) {
      this.list = this.list.slice(-this.options.maxIncidents);
    }
  }
}
