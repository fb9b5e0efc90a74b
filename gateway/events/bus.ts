/**
 * The one event bus: services publish, subscriptions receive. Subscriptions are indexed by
 * package and login, so publishing an event costs the number of subscribers that want it, not
 * the number of subscriptions; the event is serialized once, whoever receives it.
 */
import type { Subscription } from "./subscriptions.js";
import type { EventPackage, EventPublisher, O2gEvent } from "./types.js";

interface PackageIndex {
  all: Set<Subscription>;
  byLogin: Map<string, Set<Subscription>>;
}

export class EventBus implements EventPublisher {
  readonly subscriptions = new Map<string, Subscription>();
  private readonly index = new Map<EventPackage, PackageIndex>();
  private readonly taps = new Set<(pkg: EventPackage, login: string | null, event: O2gEvent) => void>();
  private readonly membership = new Set<(sub: Subscription, added: boolean) => void>();
  published = 0;

  /** Told of every subscription added (true) or removed (false): who watches what, for services that keep state open for watchers. */
  onMembership(listener: (sub: Subscription, added: boolean) => void): () => void {
    this.membership.add(listener);
    return () => this.membership.delete(listener);
  }

  add(sub: Subscription): void {
    this.subscriptions.set(sub.id, sub);
    for (const l of this.membership) l(sub, true);
    for (const [pkg, who] of sub.filter) {
      let idx = this.index.get(pkg);
      if (!idx) {
        idx = { all: new Set(), byLogin: new Map() };
        this.index.set(pkg, idx);
      }
      if (who === "all") idx.all.add(sub);
      else {
        for (const login of who) {
          let set = idx.byLogin.get(login);
          if (!set) {
            set = new Set();
            idx.byLogin.set(login, set);
          }
          set.add(sub);
        }
      }
    }
  }

  remove(sub: Subscription): void {
    if (!this.subscriptions.delete(sub.id)) return;
    for (const l of this.membership) l(sub, false);
    for (const [pkg, who] of sub.filter) {
      const idx = this.index.get(pkg);
      if (!idx) continue;
      if (who === "all") idx.all.delete(sub);
      else {
        for (const login of who) {
          const set = idx.byLogin.get(login);
          set?.delete(sub);
          if (set?.size === 0) idx.byLogin.delete(login);
        }
      }
    }
    sub.close();
  }

  /** Observe every event (in-process consumers: the communication log, tests). */
  tap(listener: (pkg: EventPackage, login: string | null, event: O2gEvent) => void): () => void {
    this.taps.add(listener);
    return () => this.taps.delete(listener);
  }

  /** Whether any subscription would receive an event of `pkg` for `loginName` (work for nobody can be skipped). */
  wants(pkg: EventPackage, loginName: string): boolean {
    const idx = this.index.get(pkg);
    return idx !== undefined && (idx.all.size > 0 || idx.byLogin.has(loginName));
  }

  publish(pkg: EventPackage, loginName: string | null, event: O2gEvent): void {
    this.published++;
    for (const t of this.taps) t(pkg, loginName, event);
    const idx = this.index.get(pkg);
    if (!idx) return;
    const targets = loginName === null ? idx.all : union(idx.all, idx.byLogin.get(loginName));
    if (targets.size === 0) return;
    const line = JSON.stringify(event);
    for (const sub of targets) sub.deliver(line);
  }
}

function union(a: Set<Subscription>, b: Set<Subscription> | undefined): Set<Subscription> {
  if (!b || b.size === 0) return a;
  if (a.size === 0) return b;
  return new Set([...a, ...b]);
}
