/**
 * CCD pilot monitoring (O2G's CallCenterPilot): a CSTA device monitor on the pilot number, whose
 * events become the `pilot` package's OnPilotCallCreated (a call reaches the pilot),
 * OnPilotCallQueued (it waits in a queue: the OXE's Queued event, its numberQueued) and
 * OnPilotCallRemoved (it leaves: distributed, overflowed, abandoned). On the emulated OXE a call
 * joins its pilot queued at once: the first Queued of a call is also its arrival.
 *
 * A monitored pilot stays monitored across a CSTA link loss (a switchover, say): its monitor
 * is gone with the link, and started again once the link is back and the users are monitored
 * (the node's OnCtiLinkUp), as the users' own monitors are. The events are published under the
 * pilot's number, so a subscription gets those of the pilots its selector names (all pilots
 * with no ids, or "*": events/types.ts OBJECT_ID_PACKAGES).
 */
import {
  type CstaEvent,
  type EventReport,
  monitorStart,
  monitorStop,
} from "../../../protocols/csta/index.js";
import type { EventPublisher } from "../../events/index.js";
import type { CstaClient } from "../../links/index.js";
import { callCause } from "../telephony/index.js";

interface Monitored {
  nodeId: number;
  pilot: string;
  /** undefined while the CSTA link is down: the monitor is to be started again */
  crossRefId: string | undefined;
  /** calls seen arriving, by call id */
  calls: Set<string>;
}

export class PilotMonitors {
  private readonly byRef = new Map<string, Monitored>();
  private readonly byPilot = new Map<string, Monitored>();

  constructor(private readonly events: EventPublisher) {}

  isMonitored(nodeId: number, pilot: string): boolean {
    return this.byPilot.has(`${nodeId}/${pilot}`);
  }

  /** Monitor `pilot` on the node's CSTA link (again: nothing new, or its monitor started again). */
  async start(nodeId: number, csta: CstaClient, pilot: string): Promise<void> {
    const key = `${nodeId}/${pilot}`;
    const known = this.byPilot.get(key);
    if (known?.crossRefId !== undefined) return;
    const { crossRefId } = await csta.rose.invoke(monitorStart, { device: pilot });
    const m: Monitored = known ?? { nodeId, pilot, crossRefId, calls: new Set() };
    m.crossRefId = crossRefId;
    this.byRef.set(`${nodeId}/${crossRefId}`, m);
    this.byPilot.set(key, m);
  }

  /** Stop monitoring `pilot`; false when it was not monitored. */
  async stop(nodeId: number, csta: CstaClient, pilot: string): Promise<boolean> {
    const m = this.byPilot.get(`${nodeId}/${pilot}`);
    if (!m) return false;
    this.byPilot.delete(`${nodeId}/${pilot}`);
    if (m.crossRefId === undefined) return true;
    this.byRef.delete(`${nodeId}/${m.crossRefId}`);
    await csta.rose.invoke(monitorStop, { crossRefId: m.crossRefId }).catch(() => {});
    return true;
  }

  /** The node's CSTA link went down: its monitors are gone with it, to be started again. */
  forgetNode(nodeId: number): void {
    for (const m of this.byPilot.values())
      if (m.nodeId === nodeId && m.crossRefId !== undefined) {
        this.byRef.delete(`${nodeId}/${m.crossRefId}`);
        m.crossRefId = undefined;
        m.calls.clear();
      }
  }

  /**
   * The node's CSTA link is back: each of its pilots monitored before is monitored again. A
   * pilot the node refuses now (gone from its CCD) stays wanted, tried again on the next return;
   * the count of monitors started is answered.
   */
  async restore(nodeId: number, csta: CstaClient, log?: (line: string) => void): Promise<number> {
    let started = 0;
    for (const m of [...this.byPilot.values()]) {
      if (m.nodeId !== nodeId || m.crossRefId !== undefined) continue;
      try {
        const { crossRefId } = await csta.rose.invoke(monitorStart, { device: m.pilot });
        // stopped meanwhile, or restored by an overlapping call
        if (this.byPilot.get(`${nodeId}/${m.pilot}`) !== m || m.crossRefId !== undefined) {
          await csta.rose.invoke(monitorStop, { crossRefId }).catch(() => {});
          continue;
        }
        m.crossRefId = crossRefId;
        this.byRef.set(`${nodeId}/${crossRefId}`, m);
        started++;
      } catch (err) {
        log?.(`node ${nodeId}: pilot ${m.pilot} not monitored again: ${(err as Error).message}`);
      }
    }
    return started;
  }

  /** An event on a monitor the user pass did not start. */
  onReport(nodeId: number, report: EventReport): void {
    const m = this.byRef.get(`${nodeId}/${report.crossRefId}`);
    if (m) this.onPilotEvent(m, report.event);
  }

  private onPilotEvent(m: Monitored, ev: CstaEvent): void {
    const publish = (event: Record<string, unknown> & { eventName: string }) =>
      this.events.publish("pilot", m.pilot, { pilot: m.pilot, ...event });
    switch (ev.type) {
      case "queued": {
        const callRef = ev.queuedConnection.callId ?? "";
        const caller = ev.callingDevice ?? "";
        if (!m.calls.has(callRef)) {
          m.calls.add(callRef);
          publish({
            eventName: "OnPilotCallCreated",
            caller,
            callRef,
            cause: callCause(ev.cause),
            callData: { initialCalled: ev.calledDevice ?? m.pilot, anonymous: ev.callingDevice === null },
          });
        }
        publish({
          eventName: "OnPilotCallQueued",
          caller,
          queue: ev.queue ?? m.pilot,
          callRef,
          cause: callCause(ev.cause),
          numberOfQueued: ev.numberQueued ?? 1,
        });
        return;
      }
      case "diverted": {
        const callRef = ev.connection.callId ?? "";
        if (!m.calls.delete(callRef)) return;
        publish({
          eventName: "OnPilotCallRemoved",
          releasingDevice: ev.divertingDevice ?? m.pilot,
          newDestination: ev.newDestination ?? "",
          callRef,
          cause: callCause(ev.cause),
        });
        return;
      }
      case "connectionCleared": {
        const callRef = ev.droppedConnection.callId ?? "";
        // The caller hung up while the call waited at the pilot.
        if (ev.droppedConnection.deviceId !== m.pilot || !m.calls.delete(callRef)) return;
        publish({
          eventName: "OnPilotCallRemoved",
          releasingDevice: ev.releasingDevice ?? m.pilot,
          newDestination: "",
          callRef,
          cause: "ABANDONED",
        });
        return;
      }
    }
  }
}
