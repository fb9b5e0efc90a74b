/**
 * The calls of one node as its CSTA events describe them: per call, the connections (device and
 * local state) and the parties it was placed between. Events arrive once per monitored device
 * involved, so applying an event is idempotent: the second copy finds the work done.
 */
import type {
  Cause,
  ConnectionId,
  CstaEvent,
  LocalConnectionState,
  SnapshotCallResult,
} from "../../../protocols/csta/index.js";

export interface ConnRecord {
  readonly device: string;
  state: LocalConnectionState;
  /** queued because the call is parked on this device (ParkCall), not waiting in a queue */
  parked?: boolean;
}

export interface CallRecord {
  readonly callId: string;
  readonly conns: Map<string, ConnRecord>;
  calling: string | null;
  called: string | null;
  lastRedirection: string | null;
  correlator: Uint8Array | undefined;
  /** the parking set has left (ParkCall) and the set the call will wait on is not told yet */
  parking?: boolean;
  /**
   * How the node presents parties to the others when not by their own number (makeCallEx's
   * callingNumber, anonymous redirect or transfer): device -> presented number, null: restricted.
   */
  presentation?: Record<string, string | null>;
}

/** What one event did, for the views to follow. */
export interface Applied {
  /** calls whose content changed */
  readonly calls: string[];
  /** a call absorbed into another by a transfer or conference: old id -> resulting id */
  readonly replaced: Map<string, string>;
  readonly cause: Cause;
  /** the device a connectionCleared or diverted event is about */
  readonly subject: string | null;
  /** where a diverted call went */
  readonly newDestination: string | null;
}

export class NodeCallTable {
  readonly calls = new Map<string, CallRecord>();

  /**
   * @param watched whether the gateway monitors this device on this node. A call left with no
   * watched party is over as far as this node's reports go: the node says nothing more of the far
   * parties of a call across nodes, so their records would stay for ever.
   */
  constructor(private readonly watched?: (device: string) => boolean) {}

  /** Nobody this node reports on is left in the call (always false without `watched`). */
  private unwatched(r: CallRecord): boolean {
    if (!this.watched) return false;
    for (const c of r.conns.values()) if (c.state !== "fail" && this.watched(c.device)) return false;
    return true;
  }

  get(callId: string): CallRecord | undefined {
    return this.calls.get(callId);
  }

  private call(c: ConnectionId): CallRecord | undefined {
    if (c.callId === undefined) return undefined;
    let r = this.calls.get(c.callId);
    if (!r) {
      r = {
        callId: c.callId,
        conns: new Map(),
        calling: null,
        called: null,
        lastRedirection: null,
        correlator: undefined,
      };
      this.calls.set(c.callId, r);
    }
    return r;
  }

  private set(r: CallRecord, device: string | null | undefined, state: LocalConnectionState): void {
    if (!device) return;
    const c = r.conns.get(device);
    if (c) {
      c.state = state;
      if (state !== "queued") delete c.parked;
    } else r.conns.set(device, { device, state });
  }

  /** Make sure a party named by an event is present, without overriding a state already known. */
  private ensure(r: CallRecord, device: string | null | undefined, state: LocalConnectionState): void {
    if (device && !r.conns.has(device)) r.conns.set(device, { device, state });
  }

  private drop(r: CallRecord, device: string | null | undefined): void {
    if (device) r.conns.delete(device);
    // A call with nobody left but failed destinations is over.
    for (const c of r.conns.values()) if (c.state !== "fail") return;
    this.calls.delete(r.callId);
  }

  /**
   * The parties a delivered or established event names. A copy reported to a device the node
   * presents parties to otherwise (call-options.ts) names them as presented: the record keeps the
   * real parties (other copies name them) and the presentation, which the views apply.
   */
  private parties(
    r: CallRecord,
    ev: {
      callingDevice: string | null;
      calledDevice: string | null;
      lastRedirectionDevice: string | null;
      callOptions?: { presentation?: Record<string, string | null> };
    },
  ): void {
    const shown = ev.callOptions?.presentation;
    if (shown && Object.keys(shown).length > 0) {
      r.presentation = { ...r.presentation, ...shown };
      r.called = ev.calledDevice ?? r.called;
      // The presentation names the real party behind a presented number (a restricted one is
      // ambiguous: the other copies of the event, or its other events, name that party).
      for (const [real, as] of Object.entries(shown)) {
        if (as === null) continue;
        if (as === ev.callingDevice) {
          this.ensure(r, real, "connected");
          r.calling = real;
        }
        if (as === ev.lastRedirectionDevice) r.lastRedirection = real;
      }
      return;
    }
    this.ensure(r, ev.callingDevice, "connected");
    r.calling = ev.callingDevice ?? r.calling;
    r.called = ev.calledDevice ?? r.called;
    r.lastRedirection = ev.lastRedirectionDevice ?? r.lastRedirection;
  }

  apply(ev: CstaEvent): Applied {
    const calls: string[] = [];
    const replaced = new Map<string, string>();
    let subject: string | null = null;
    let newDestination: string | null = null;
    const touch = (r: CallRecord | undefined) => {
      if (r && !calls.includes(r.callId)) calls.push(r.callId);
      return r;
    };
    switch (ev.type) {
      case "serviceInitiated": {
        const r = touch(this.call(ev.initiatedConnection));
        if (r) this.set(r, ev.initiatedConnection.deviceId ?? ev.initiatingDevice, "initiated");
        break;
      }
      case "originated": {
        const r = touch(this.call(ev.originatedConnection));
        if (r) {
          this.set(r, ev.originatedConnection.deviceId ?? ev.callingDevice, "connected");
          r.calling = ev.callingDevice;
          r.called = ev.calledDevice;
        }
        break;
      }
      case "delivered": {
        const r = touch(this.call(ev.connection));
        if (r) {
          this.set(r, ev.connection.deviceId ?? ev.alertingDevice, "alerting");
          this.parties(r, ev);
          if (ev.correlatorData) r.correlator = ev.correlatorData;
        }
        break;
      }
      case "established": {
        const r = touch(this.call(ev.establishedConnection));
        if (r) {
          this.set(r, ev.establishedConnection.deviceId ?? ev.answeringDevice, "connected");
          this.parties(r, ev);
        }
        break;
      }
      case "held": {
        const r = touch(this.call(ev.heldConnection));
        if (r) this.set(r, ev.heldConnection.deviceId ?? ev.holdingDevice, "hold");
        break;
      }
      case "retrieved": {
        const r = touch(this.call(ev.retrievedConnection));
        if (r) this.set(r, ev.retrievedConnection.deviceId ?? ev.retrievingDevice, "connected");
        break;
      }
      case "queued": {
        const r = touch(this.call(ev.queuedConnection));
        if (r) {
          const device = ev.queuedConnection.deviceId ?? ev.queue;
          this.set(r, device, "queued");
          const c = device ? r.conns.get(device) : undefined;
          if (c && ev.cause === "park") {
            c.parked = true;
            delete r.parking;
          }
          this.ensure(r, ev.callingDevice, "connected");
        }
        break;
      }
      case "diverted": {
        const r = touch(this.call(ev.connection));
        subject = ev.connection.deviceId ?? ev.divertingDevice;
        newDestination = ev.newDestination;
        if (r) {
          r.lastRedirection = ev.divertingDevice ?? r.lastRedirection;
          this.drop(r, subject);
          // Gone to a party this node does not report on, with none of ours left in it.
          const away = !newDestination || !this.watched?.(newDestination);
          if (away && this.unwatched(r)) this.calls.delete(r.callId);
        }
        break;
      }
      case "failed": {
        const r = touch(this.call(ev.failedConnection));
        if (r) {
          this.set(r, ev.failedConnection.deviceId ?? ev.failingDevice, "fail");
          this.ensure(r, ev.callingDevice, "connected");
        }
        break;
      }
      case "callInformation": {
        // associateData: the call's correlator data changed, for every party to see
        const r = touch(this.call(ev.connection));
        if (r && ev.correlatorData) r.correlator = ev.correlatorData;
        break;
      }
      case "connectionCleared": {
        const r = touch(this.call(ev.droppedConnection));
        subject = ev.droppedConnection.deviceId ?? ev.releasingDevice;
        if (r) {
          this.drop(r, subject);
          if (ev.cause === "park") r.parking = true;
          // Parked, the call comes back on the set it waits on; otherwise nothing more will.
          else if (this.unwatched(r)) this.calls.delete(r.callId);
        }
        break;
      }
      case "callCleared": {
        const r = touch(this.call(ev.clearedCall));
        if (r) this.calls.delete(r.callId);
        break;
      }
      case "transferred":
      case "conferenced": {
        const mover = ev.type === "transferred" ? ev.transferringDevice : ev.conferencingDevice;
        const list = ev.type === "transferred" ? ev.transferredConnections : ev.conferenceConnections;
        const primary = this.call(ev.primaryOldCall);
        const secondary = ev.secondaryOldCall ? this.call(ev.secondaryOldCall) : undefined;
        let result: CallRecord | undefined;
        for (const e of list) {
          const to = e.newConnection ? this.call(e.newConnection) : undefined;
          if (!to) continue;
          result = to;
          const device = e.newConnection?.deviceId ?? e.endpoint ?? null;
          if (!device) continue;
          const from =
            e.oldConnection?.callId !== undefined ? this.calls.get(e.oldConnection.callId) : undefined;
          const old = from?.conns.get(device);
          const state: LocalConnectionState = old && old.state !== "hold" ? old.state : "connected";
          if (from && from !== to) from.conns.delete(device);
          this.ensure(to, device, state);
          if (from && from !== to) replaced.set(from.callId, to.callId);
        }
        if (ev.type === "conferenced" && result && mover) this.set(result, mover, "connected");
        for (const r of [primary, secondary]) {
          if (!r) continue;
          touch(r);
          if (r !== result) {
            if (result) replaced.set(r.callId, result.callId);
            if (mover) r.conns.delete(mover);
            if (r.conns.size === 0 || [...r.conns.values()].every((c) => c.state === "fail"))
              this.calls.delete(r.callId);
          } else if (ev.type === "transferred" && mover) {
            r.conns.delete(mover);
          }
        }
        touch(result);
        if (ev.type === "transferred" && result && (result.conns.size === 0 || this.unwatched(result)))
          this.calls.delete(result.callId);
        subject = mover;
        break;
      }
      case "doNotDisturb":
      case "forwarding":
        break;
    }
    return { calls, replaced, cause: "cause" in ev ? ev.cause : "normal", subject, newDestination };
  }

  /**
   * What a snapshot says of one device: the calls it is in now. Calls the table holds for the
   * device and the snapshot no longer lists ended while nobody watched: the device leaves them.
   */
  reconcile(
    device: string,
    entries: { callId: string; state: LocalConnectionState }[],
    details: ReadonlyMap<string, SnapshotCallResult>,
  ): string[] {
    const touched: string[] = [];
    // An idle device lists nothing (the startup snapshot's common case): no set to build. `drop`
    // deletes only the record at hand, which a Map's iteration allows, so no copy of the table.
    const listed = entries.length > 0 ? new Set(entries.map((e) => e.callId)) : undefined;
    // (an empty table, as at startup: not even an iterator per device)
    if (this.calls.size > 0)
      for (const r of this.calls.values()) {
        if (r.conns.has(device) && !listed?.has(r.callId)) {
          this.drop(r, device);
          touched.push(r.callId);
        }
      }
    for (const e of entries) {
      let r = this.calls.get(e.callId);
      if (!r) {
        r = {
          callId: e.callId,
          conns: new Map(),
          calling: null,
          called: null,
          lastRedirection: null,
          correlator: undefined,
        };
        this.calls.set(e.callId, r);
      }
      const d = details.get(e.callId);
      if (d) {
        const present = new Set<string>();
        for (const p of d.parties) {
          const id = p.device ?? p.connection?.deviceId;
          if (!id || !p.state) continue;
          present.add(id);
          this.set(r, id, p.state);
        }
        for (const id of [...r.conns.keys()]) if (!present.has(id)) r.conns.delete(id);
        r.calling = d.callingDevice ?? r.calling;
        r.called = d.calledDevice ?? r.called;
      }
      this.set(r, device, e.state);
      touched.push(e.callId);
    }
    return touched;
  }
}
