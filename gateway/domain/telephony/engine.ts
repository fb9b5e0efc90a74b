/**
 * Folds each node's CSTA events into O2G's per-user call model and publishes the differences as
 * OnCallCreated / OnCallModified / OnCallRemoved (plus user state changes). The model is
 * state-based: after every event the user's view of each call involved is recomputed from the
 * node's connection states and compared with what the user was last told, so the events a user
 * receives always add up to the state GET /calls returns.
 */
import type { CstaEvent, LocalConnectionState, SnapshotCallResult } from "../../../protocols/csta/index.js";
import type { EventPublisher } from "../../events/types.js";
import type { GwUser, UserDirectory } from "../directory.js";
import { type Applied, NodeCallTable } from "./call-table.js";
import { callCause } from "./causes.js";
import type {
  Call,
  CallCause,
  DeviceCapabilities,
  MediaState,
  TelephonicState,
  TelephonyEvent,
  UserState,
} from "./o2g-types.js";
import { diff, sameJson } from "./view-diff.js";
import { deviceCapabilities, userView } from "./views.js";

export class TelephonyEngine {
  private readonly tables = new Map<number, NodeCallTable>();
  /** what each user was last told, by login then callRef */
  private readonly views = new Map<string, Map<string, Call>>();
  /** calls a user was told are over though the node still holds them (the lone survivor) */
  private readonly folded = new Map<string, Set<string>>();
  private readonly userStates = new Map<string, UserState>();

  constructor(
    private readonly directory: UserDirectory,
    private readonly events: EventPublisher,
  ) {}

  table(nodeId: number): NodeCallTable {
    let t = this.tables.get(nodeId);
    if (!t) {
      t = new NodeCallTable((device) => this.directory.devices.get(device)?.owner?.nodeId === nodeId);
      this.tables.set(nodeId, t);
    }
    return t;
  }

  /** A CSTA event reported on the monitor of `device`, of node `nodeId`. */
  onCstaEvent(nodeId: number, device: string, ev: CstaEvent): void {
    const table = this.table(nodeId);
    const applied = table.apply(ev);
    const user = this.directory.devices.get(device)?.owner;
    if (user && user.nodeId === nodeId) this.refresh(user, table, applied, ev);
  }

  /** The calls `device` is in, as a (re)snapshot found them. */
  onSnapshot(
    nodeId: number,
    device: string,
    entries: { callId: string; state: LocalConnectionState }[],
    details: ReadonlyMap<string, SnapshotCallResult>,
  ): void {
    // An idle device while no call, view or busy user is known anywhere (a startup snapshot,
    // but for a handful of users): what follows would change nothing, after a lookup in four
    // maps of up to 100,000 entries, a cache miss each.
    if (
      entries.length === 0 &&
      this.views.size === 0 &&
      this.userStates.size === 0 &&
      (this.tables.get(nodeId)?.calls.size ?? 0) === 0
    )
      return;
    const table = this.table(nodeId);
    const calls = table.reconcile(device, entries, details);
    const user = this.directory.devices.get(device)?.owner;
    if (!user) return;
    // Calls the user was told about that the node no longer has for them ended unseen.
    const view = this.views.get(user.loginName);
    if (view) for (const ref of view.keys()) if (!calls.includes(ref)) calls.push(ref);
    // The startup snapshot finds nearly every device idle: no view to recompute, only the
    // user's state to note (at 100,000 users the full pass was a tenth of the gateway's share).
    if (calls.length === 0) {
      this.noteUserState(user);
      return;
    }
    this.refresh(
      user,
      table,
      { calls, replaced: new Map(), cause: "normal", subject: null, newDestination: null },
      null,
    );
  }

  calls(user: GwUser): Call[] {
    return [...(this.views.get(user.loginName)?.values() ?? [])];
  }

  call(user: GwUser, callRef: string): Call | undefined {
    return this.views.get(user.loginName)?.get(callRef);
  }

  /**
   * A call the node holds in which none of the user's devices takes part: someone else's. An
   * action on it is refused here, by the gateway, and never reaches the node on the user's behalf
   * (where it would be refused too, but only because the switch happens to check).
   *
   * Only a party this node reports to us (a device of one of its users) vouches for the record:
   * one left holding only remote or unmonitored parties is stale (their clearing is reported on
   * another link, or nowhere), and a switch reuses call ids, so the id may now be the user's own
   * new call whose events are still on their way. Such a request goes to the switch, which knows.
   */
  isOthersCall(user: GwUser, callRef: string): boolean {
    const record = this.tables.get(user.nodeId)?.get(callRef);
    if (!record || record.conns.size === 0) return false;
    if (user.devices.some((d) => record.conns.has(d.id))) return false;
    for (const id of record.conns.keys()) {
      if (this.directory.devices.get(id)?.owner.nodeId === user.nodeId) return true;
    }
    return false;
  }

  userState(user: GwUser): UserState {
    return this.views.get(user.loginName)?.size ? "BUSY" : "FREE";
  }

  telephonicState(user: GwUser): TelephonicState {
    return {
      calls: this.calls(user),
      deviceCapabilities: deviceCapabilities(user, this.busyDevices(user)),
      userState: this.userState(user),
      deviceStates: { deviceStates: user.devices.map((d) => ({ deviceId: d.id, state: "IN_SERVICE" })) },
    };
  }

  /** Publish the user's whole state (POST state/snapshot). */
  publishSnapshot(user: GwUser): void {
    this.emit({
      eventName: "OnTelephonyState",
      loginName: user.loginName,
      state: this.telephonicState(user),
    });
  }

  private busyDevices(user: GwUser): Set<string> {
    const busy = new Set<string>();
    const views = this.views.get(user.loginName);
    if (views)
      for (const c of views.values()) for (const l of c.legs) if (l.state !== "HELD") busy.add(l.deviceId);
    return busy;
  }

  private emit(ev: TelephonyEvent): void {
    this.events.publish("telephony", ev.loginName, ev);
  }

  private refresh(user: GwUser, table: NodeCallTable, applied: Applied, ev: CstaEvent | null): void {
    const login = user.loginName;
    let views = this.views.get(login);
    if (!views) {
      views = new Map();
      this.views.set(login, views);
    }
    let folded = this.folded.get(login);
    // (a user has one device or a few: a scan, not a set built on every event)
    const mine = (device: string) => {
      for (const d of user.devices) if (d.id === device) return true;
      return false;
    };
    let candidates: Iterable<string> = applied.calls;
    if (applied.replaced.size > 0) {
      const all = new Set(applied.calls);
      for (const [from, to] of applied.replaced) {
        all.add(from);
        all.add(to);
      }
      candidates = all;
    }
    // Recompute every candidate view first: capabilities depend on the user's other calls.
    const next = new Map<string, Call | null>();
    const otherStates = (ref: string) => {
      const out: MediaState[] = [];
      for (const [r, v] of views) if (r !== ref && !next.has(r)) out.push(v.callData.state);
      for (const [r, v] of next) if (r !== ref && v) out.push(v.callData.state);
      return out;
    };
    for (const ref of candidates) {
      if (next.has(ref)) continue;
      const rec = table.get(ref);
      next.set(ref, rec && !folded?.has(ref) ? userView(rec, user, this.directory, []) : null);
      if (!rec) folded?.delete(ref);
    }
    for (const [ref, v] of next) {
      const rec = table.get(ref);
      if (!v || !rec) continue;
      // With no other call the first pass's view is already the one (the usual case).
      const others = otherStates(ref);
      if (others.length > 0) next.set(ref, userView(rec, user, this.directory, others));
    }

    const baseCause = callCause(applied.cause);
    // A set that parks the call leaves it without ending it: the call waits for its park-to set.
    const remoteLeft =
      ev?.type === "connectionCleared" &&
      applied.cause !== "park" &&
      applied.subject !== null &&
      !mine(applied.subject);
    const replacedBy = applied.replaced;
    const caps = () => deviceCapabilities(user, this.busyDevices(user));

    // The lone survivor: when the last other party leaves, the OXE releases the one left, and
    // for the user the call is over at that moment.
    const settled = (ref: string) => {
      const rec = table.get(ref);
      if (!rec) return false;
      for (const c of rec.conns.values()) if (mine(c.device) && c.state === "initiated") return false;
      return true;
    };
    for (const [ref, v] of next) {
      const old = views.get(ref);
      if (
        remoteLeft &&
        v &&
        old &&
        old.participants.length > 0 &&
        v.participants.length === 0 &&
        settled(ref)
      ) {
        next.set(ref, null);
        if (!folded) {
          folded = new Set();
          this.folded.set(login, folded);
        }
        folded.add(ref);
      }
    }

    for (const [ref, v] of next) {
      const old = views.get(ref);
      if (!v && old) {
        // Replaced by a call the user is now in: told as a modification of that call instead.
        const successor = replacedBy.get(ref);
        if (successor && next.get(successor) && !views.has(successor)) continue;
        views.delete(ref);
        const removed: TelephonyEvent = {
          eventName: "OnCallRemoved",
          loginName: login,
          callRef: ref,
          cause: this.removalCause(ev, applied, mine, old),
          deviceCapabilities: caps(),
        };
        if (applied.newDestination && ev?.type === "diverted" && applied.subject && mine(applied.subject)) {
          removed.newDestination = applied.newDestination;
        }
        this.emit(removed);
      } else if (v && !old) {
        let previous: string | undefined;
        for (const [from, to] of replacedBy) {
          if (to === ref && views.has(from) && !next.get(from)) {
            previous = from;
            break;
          }
        }
        views.set(ref, v);
        if (previous) {
          const was = views.get(previous)!;
          views.delete(previous);
          this.emit(this.modified(login, v, was, baseCause, caps(), previous));
        } else {
          this.emit({
            eventName: "OnCallCreated",
            loginName: login,
            callRef: ref,
            cause: baseCause,
            callData: v.callData,
            legs: v.legs,
            participants: v.participants,
            deviceCapabilities: caps(),
          });
        }
      } else if (v && old) {
        views.set(ref, v);
        if (!sameJson(v, old)) {
          const cause = remoteLeft ? "PARTICIPANT_LEFT" : baseCause;
          this.emit(this.modified(login, v, old, cause, caps()));
        }
      }
    }
    if (views.size === 0) this.views.delete(login);
    this.noteUserState(user);
  }

  /** Records the user's state; told when it changed (a first FREE is not news). */
  private noteUserState(user: GwUser): void {
    const login = user.loginName;
    const state = this.userState(user);
    const was = this.userStates.get(login);
    // A user never seen busy is FREE without an entry: the startup snapshot finds nearly all
    // 100,000 users idle, and noting each in this map was a good part of the engine's share.
    if (was === state || (was === undefined && state === "FREE")) return;
    this.userStates.set(login, state);
    if (was !== undefined || state !== "FREE")
      this.emit({ eventName: "OnUserStateModified", loginName: login, state });
  }

  private removalCause(
    ev: CstaEvent | null,
    applied: Applied,
    mine: (device: string) => boolean,
    old: Call,
  ): CallCause {
    if (!ev) return "UNKNOWN";
    const cause = callCause(applied.cause);
    if (ev.type === "transferred" || ev.type === "conferenced") return cause;
    if (ev.type === "diverted") return cause === "UNKNOWN" ? "REDIRECTED" : cause;
    if (cause !== "UNKNOWN") return cause;
    const own = applied.subject !== null && mine(applied.subject);
    if (own) return "CLEARED";
    return old.legs.some((l) => l.state === "RINGING_INCOMING") ? "ABANDONED" : "PARTICIPANT_LEFT";
  }

  private modified(
    login: string,
    v: Call,
    old: Call,
    cause: CallCause,
    deviceCaps: DeviceCapabilities[],
    previousCallRef?: string,
  ): TelephonyEvent {
    const diffLegs = diff(old.legs, v.legs, (l) => l.deviceId);
    const diffParts = diff(old.participants, v.participants, (p) => p.participantId);
    const ev: TelephonyEvent = {
      eventName: "OnCallModified",
      loginName: login,
      callRef: v.callRef,
      cause,
      callData: v.callData,
      modifiedLegs: diffLegs.modified,
      addedLegs: diffLegs.added,
      removedLeg: diffLegs.removed,
      modifiedParticipants: diffParts.modified,
      addedParticipants: diffParts.added,
      removedParticipants: diffParts.removed.map((p) => p.participantId),
      deviceCapabilities: deviceCaps,
    };
    if (previousCallRef) ev.previousCallRef = previousCallRef;
    return ev;
  }
}
