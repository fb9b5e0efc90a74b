/**
 * Each user's routing as their node holds it, and the changes to it. Forwards and DND live in
 * the switch and travel over CSTA (Set/GetForwarding, Set/GetDoNotDisturb; the Forwarding and
 * DoNotDisturb events say when a set changed, from the gateway or from the phone); the overflow
 * to voice mail and the remote extension are subscriber configuration, over CMIP.
 *
 * The state is read from the switch the first time someone asks, kept up to date by the
 * events, and dropped when the CSTA link drops (what changed meanwhile is unknown). Several
 * switch changes for one request (a forward on busy or no answer is two settings) reach the
 * user's subscribers as one OnRoutingStateChanged.
 */
import type { EventPublisher } from "../../events/types.js";
import type { GwUser, UserDirectory } from "../directory.js";
import {
  type DeviceRouting,
  emptyRouting,
  type ForwardCondition,
  forwardOf,
  type OverflowCondition,
  type RoutingStateJson,
  routingStateJson,
  SWITCH_FORWARD_TYPES,
  type SwitchForwardType,
  switchTypesOf,
} from "./routes.js";
import type { RoutingCapabilitiesJson } from "./schema.js";

/** What the manager needs of a node: its links, its voice mail. */
export interface RoutingNode {
  readonly cstaUp: boolean;
  /** the node's voice mail pilot number, when it has one */
  readonly voiceMailNumber: string | undefined;
  /** the switch's forwards of a device (CSTA GetForwarding) */
  getForwarding(device: string): Promise<readonly SwitchForward[]>;
  /** activate (to `destination`) or cancel (null) one of the switch's forwards */
  setForwarding(device: string, type: SwitchForwardType, destination: string | null): Promise<void>;
  getDoNotDisturb(device: string): Promise<boolean>;
  setDoNotDisturb(device: string, on: boolean): Promise<void>;
  /** the subscriber's routing configuration, undefined where the node's model has none */
  readConfig(directoryNumber: string): Promise<Partial<SubscriberRouting>>;
  writeConfig(directoryNumber: string, values: Partial<SubscriberRouting>): Promise<void>;
  /** which of the routing configuration the node's model supports */
  readonly configSupport: { overflow: boolean; remoteExtension: boolean };
}

/** A Forwarding or DoNotDisturb event of the switch, as the node link hands it over. */
export type SwitchFeatureEvent =
  | { type: "doNotDisturb"; doNotDisturbOn: boolean }
  | { type: "forwarding"; forwardingType?: string; forwardStatus: boolean; forwardTo?: string };

/** One forward as the switch reports it (the forwarding types it knows may be more than ours). */
export interface SwitchForward {
  forwardingType: string;
  forwardStatus: boolean;
  forwardDN?: string;
}

export interface SubscriberRouting {
  overflow: OverflowCondition | null;
  remoteExtension: boolean;
  /** a remote extension is configured */
  hasRemoteExtension: boolean;
}

/** A request the state of the user forbids (no voice mail, no remote extension...). */
export class RoutingRefused extends Error {
  constructor(
    readonly reason: "NO_VOICEMAIL" | "NO_REMOTE_EXTENSION" | "NOT_SUPPORTED",
    message: string,
  ) {
    super(message);
  }
}

interface Entry {
  routing: DeviceRouting;
  hasRemoteExtension: boolean;
}

export interface RoutingManagerOptions {
  directory: UserDirectory;
  events: EventPublisher;
  node: (nodeId: number) => RoutingNode | undefined;
  /** delay to gather the switch's events for one change into one OnRoutingStateChanged */
  coalesceMs?: number;
}

export class RoutingManager {
  private readonly cache = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** Users whose routing the gateway itself is changing, with how many such changes run. */
  private readonly changing = new Map<string, number>();
  private stopped = false;
  private readonly coalesceMs: number;

  constructor(private readonly o: RoutingManagerOptions) {
    this.coalesceMs = o.coalesceMs ?? 20;
  }

  private node(user: GwUser): RoutingNode {
    const n = this.o.node(user.nodeId);
    if (!n) throw new Error(`no node ${user.nodeId}`);
    return n;
  }

  private device(user: GwUser): string {
    return user.companyPhone;
  }

  voiceMailOf(user: GwUser): string | undefined {
    return this.o.node(user.nodeId)?.voiceMailNumber;
  }

  capabilities(user: GwUser): Promise<RoutingCapabilitiesJson> {
    return this.entry(user).then((e) => {
      const n = this.node(user);
      return {
        presentationRoute: n.configSupport.remoteExtension && e.hasRemoteExtension,
        forwardRoute: true,
        overflowRoute: n.configSupport.overflow && n.voiceMailNumber !== undefined,
        dnd: true,
      };
    });
  }

  async state(user: GwUser): Promise<RoutingStateJson> {
    const e = await this.entry(user);
    return this.json(user, e);
  }

  async routing(user: GwUser): Promise<DeviceRouting> {
    return (await this.entry(user)).routing;
  }

  private json(user: GwUser, e: Entry): RoutingStateJson {
    return routingStateJson(e.routing, {
      deviceId: this.device(user),
      voiceMail: this.voiceMailOf(user),
      hasRemoteExtension: e.hasRemoteExtension && this.node(user).configSupport.remoteExtension,
    });
  }

  /** The user's entry, read from the node if not known (one read at a time per user). */
  private entry(user: GwUser): Promise<Entry> {
    const key = user.loginName;
    const known = this.cache.get(key);
    if (known) return Promise.resolve(known);
    let p = this.loading.get(key);
    if (!p) {
      p = this.read(user).finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    return p;
  }

  private async read(user: GwUser): Promise<Entry> {
    const n = this.node(user);
    const device = this.device(user);
    const [fw, dnd, config] = await Promise.all([
      n.getForwarding(device),
      n.getDoNotDisturb(device),
      n.readConfig(device),
    ]);
    const routing = emptyRouting();
    for (const f of fw) {
      if (f.forwardStatus && f.forwardDN && isSwitchType(f.forwardingType))
        routing.forwards.set(f.forwardingType, f.forwardDN);
    }
    routing.dnd = dnd;
    routing.overflow = config.overflow ?? null;
    routing.remoteExtension = config.remoteExtension ?? false;
    const e: Entry = { routing, hasRemoteExtension: config.hasRemoteExtension ?? false };
    // Events that arrived while reading updated nothing (nothing was cached): the read is newer.
    if (this.o.directory.users.get(user.loginName) === user) this.cache.set(user.loginName, e);
    return e;
  }

  // ---- changes -----------------------------------------------------------------------------

  /** Replace the user's forward: O2G has one forward at a time. */
  async setForward(
    user: GwUser,
    condition: ForwardCondition,
    destination: "VOICEMAIL" | string,
  ): Promise<void> {
    const n = this.node(user);
    let number = destination;
    if (destination === "VOICEMAIL") {
      if (!n.voiceMailNumber)
        throw new RoutingRefused("NO_VOICEMAIL", `node ${user.nodeId} has no voice mail`);
      number = n.voiceMailNumber;
    }
    await this.change(user, async () => {
      const e = await this.entry(user);
      const device = this.device(user);
      const wanted = new Set(switchTypesOf(condition));
      // Cancel first: a set cannot hold an immediate forward and another at the same time in O2G's eyes.
      for (const t of SWITCH_FORWARD_TYPES) {
        if (!wanted.has(t) && e.routing.forwards.has(t)) {
          await n.setForwarding(device, t, null);
          e.routing.forwards.delete(t);
        }
      }
      for (const t of wanted) {
        await n.setForwarding(device, t, number);
        e.routing.forwards.set(t, number);
      }
    });
  }

  async cancelForward(user: GwUser): Promise<void> {
    const n = this.node(user);
    await this.change(user, async () => {
      const e = await this.entry(user);
      const device = this.device(user);
      for (const t of SWITCH_FORWARD_TYPES) {
        if (!e.routing.forwards.has(t)) continue;
        await n.setForwarding(device, t, null);
        e.routing.forwards.delete(t);
      }
    });
  }

  async setDnd(user: GwUser, on: boolean): Promise<void> {
    const n = this.node(user);
    await this.change(user, async () => {
      const e = await this.entry(user);
      await n.setDoNotDisturb(this.device(user), on);
      e.routing.dnd = on;
    });
  }

  async setOverflow(user: GwUser, condition: OverflowCondition | null): Promise<void> {
    const n = this.node(user);
    if (!n.configSupport.overflow)
      throw new RoutingRefused("NOT_SUPPORTED", `node ${user.nodeId} does not offer overflow`);
    if (condition && !n.voiceMailNumber)
      throw new RoutingRefused("NO_VOICEMAIL", `node ${user.nodeId} has no voice mail`);
    await this.change(user, async () => {
      const e = await this.entry(user);
      await n.writeConfig(this.device(user), { overflow: condition });
      e.routing.overflow = condition;
    });
  }

  async setRemoteExtension(user: GwUser, active: boolean): Promise<void> {
    const n = this.node(user);
    const e = await this.entry(user);
    if (!n.configSupport.remoteExtension || !e.hasRemoteExtension)
      throw new RoutingRefused("NO_REMOTE_EXTENSION", `${user.loginName} has no remote extension`);
    await this.change(user, async () => {
      await n.writeConfig(this.device(user), { remoteExtension: active });
      e.routing.remoteExtension = active;
    });
  }

  /** Announce the user's current state (state/snapshot): read again from the node. */
  async snapshot(user: GwUser): Promise<void> {
    this.cache.delete(user.loginName);
    const e = await this.entry(user);
    this.publish(user, e);
  }

  // ---- what the node says ------------------------------------------------------------------

  /** A Forwarding or DoNotDisturb event for a monitored device. */
  onSwitchFeature(device: string, ev: SwitchFeatureEvent): void {
    const user = this.o.directory.byPhone(device);
    if (!user || user.companyPhone !== device) return;
    const e = this.cache.get(user.loginName);
    // What we knew already (the echo of our own change, reported after its answer) is no change.
    if (e && !applySwitchFeature(e.routing, ev)) return;
    this.changed(user);
  }

  /** A subscriber's routing configuration changed on the node (CMIP event). */
  onConfigChanged(directoryNumber: string, values: Partial<SubscriberRouting>): void {
    const user = this.o.directory.byPhone(directoryNumber);
    if (!user) return;
    const e = this.cache.get(user.loginName);
    if (e) {
      if (values.overflow !== undefined) e.routing.overflow = values.overflow;
      if (values.remoteExtension !== undefined) e.routing.remoteExtension = values.remoteExtension;
      if (values.hasRemoteExtension !== undefined) e.hasRemoteExtension = values.hasRemoteExtension;
    }
    this.changed(user);
  }

  /** The node's CSTA link dropped: what we knew of its sets may be stale by the time it is back. */
  forgetNode(nodeId: number): void {
    for (const u of this.o.directory.usersOfNode(nodeId)) this.cache.delete(u.loginName);
  }

  forgetUser(loginName: string): void {
    this.cache.delete(loginName);
  }

  /**
   * One of our own changes: one OnRoutingStateChanged at its end, whatever the node reports
   * meanwhile. A forward on busy and no answer is two settings on the set, each with its event;
   * gathering them by time alone (coalesceMs) announced the first one alone when the second's
   * round trip took longer, as it does on a loaded machine or a distant node.
   */
  private async change(user: GwUser, work: () => Promise<void>): Promise<void> {
    const key = user.loginName;
    this.changing.set(key, (this.changing.get(key) ?? 0) + 1);
    try {
      await work();
    } finally {
      const left = (this.changing.get(key) ?? 1) - 1;
      if (left > 0) this.changing.set(key, left);
      else this.changing.delete(key);
      this.changed(user);
    }
  }

  private changed(user: GwUser): void {
    if (this.stopped || this.pending.has(user.loginName) || this.changing.has(user.loginName)) return;
    const t = setTimeout(() => {
      this.pending.delete(user.loginName);
      // A change of ours began meanwhile: its end announces the state.
      if (this.changing.has(user.loginName)) return;
      this.entry(user).then(
        (e) => this.publish(user, e),
        () => {}, // the node is unreachable: the next read will tell
      );
    }, this.coalesceMs);
    t.unref();
    this.pending.set(user.loginName, t);
  }

  private publish(user: GwUser, e: Entry): void {
    this.o.events.publish("routingManagement", user.loginName, {
      eventName: "OnRoutingStateChanged",
      loginName: user.loginName,
      routingState: this.json(user, e),
    });
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }

  /** For the maintenance view and tests. */
  get cachedUsers(): number {
    return this.cache.size;
  }

  /** The forward that takes a user's calls now (tests, comlog reasons). */
  async forward(user: GwUser) {
    return forwardOf((await this.entry(user)).routing);
  }
}

function isSwitchType(t: string | undefined): t is SwitchForwardType {
  return t === "forwardImmediate" || t === "forwardBusy" || t === "forwardNoAns";
}

/** A Forwarding or DoNotDisturb event applied to what we know of the set; false if it changes nothing. */
function applySwitchFeature(r: DeviceRouting, ev: SwitchFeatureEvent): boolean {
  if (ev.type === "doNotDisturb") {
    if (r.dnd === ev.doNotDisturbOn) return false;
    r.dnd = ev.doNotDisturbOn;
    return true;
  }
  if (ev.forwardingType === undefined) {
    // No type: every forward of the set changed (OXE's "cancel all forwards").
    if (ev.forwardStatus || r.forwards.size === 0) return false;
    r.forwards.clear();
    return true;
  }
  if (!isSwitchType(ev.forwardingType)) return false;
  if (ev.forwardStatus && ev.forwardTo) {
    if (r.forwards.get(ev.forwardingType) === ev.forwardTo) return false;
    r.forwards.set(ev.forwardingType, ev.forwardTo);
    return true;
  }
  return r.forwards.delete(ev.forwardingType);
}
