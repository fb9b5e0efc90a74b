/**
 * From the model's events to the CSTA events one node reports to the monitor of one device:
 * call ids are the node's own, and localConnectionInfo is that device's state in the call.
 */
import type {
  ConnectionId,
  ConnectionListEntry,
  CstaEvent,
  LocalConnectionState,
} from "../../../protocols/csta/index.js";
import type { Call, Device, ModelEvent, Network } from "../../model/index.js";
import { presentationFor, presented } from "./call-variants.js";

export function translateEvent(net: Network, nodeId: number, ev: ModelEvent, observer: Device): CstaEvent {
  const conn = (call: Call, device: string): ConnectionId => ({
    callId: net.callId(call, nodeId),
    deviceId: device,
  });
  const lci = (call: Call): LocalConnectionState => {
    const c = observer.connections.find((x) => x.call === call);
    return c ? c.state : "null";
  };
  switch (ev.kind) {
    case "serviceInitiated":
      return {
        type: "serviceInitiated",
        initiatedConnection: conn(ev.call, ev.device.number),
        initiatingDevice: ev.device.number,
        localConnectionInfo: lci(ev.call),
        cause: ev.cause,
      };
    case "originated":
      return {
        type: "originated",
        originatedConnection: conn(ev.call, ev.device.number),
        callingDevice: ev.device.number,
        calledDevice: ev.called,
        localConnectionInfo: lci(ev.call),
        cause: ev.cause,
      };
    case "delivered": {
      const shown = presentationFor(ev.call, observer);
      const d: CstaEvent = {
        type: "delivered",
        connection: conn(ev.call, ev.device.number),
        alertingDevice: ev.device.number,
        callingDevice: presented(ev.calling, shown),
        calledDevice: ev.called,
        lastRedirectionDevice: presented(ev.lastRedirection, shown),
        localConnectionInfo: lci(ev.call),
        cause: ev.cause,
      };
      if (ev.call.correlatorData) d.correlatorData = ev.call.correlatorData;
      if (shown) d.callOptions = { presentation: shown };
      return d;
    }
    case "established": {
      const shown = presentationFor(ev.call, observer);
      return {
        type: "established",
        establishedConnection: conn(ev.call, ev.device.number),
        answeringDevice: ev.device.number,
        callingDevice: presented(ev.calling, shown),
        calledDevice: ev.called,
        lastRedirectionDevice: presented(ev.lastRedirection, shown),
        localConnectionInfo: lci(ev.call),
        cause: ev.cause,
        ...(shown ? { callOptions: { presentation: shown } } : {}),
      };
    }
    case "held":
      return {
        type: "held",
        heldConnection: conn(ev.call, ev.device.number),
        holdingDevice: ev.device.number,
        localConnectionInfo: lci(ev.call),
        cause: ev.cause,
      };
    case "queued":
      return {
        type: "queued",
        queuedConnection: conn(ev.call, ev.device.number),
        queue: ev.device.number,
        callingDevice: ev.calling,
        calledDevice: ev.called,
        lastRedirectionDevice: ev.lastRedirection,
        ...(ev.numberQueued !== undefined ? { numberQueued: ev.numberQueued } : {}),
        localConnectionInfo: lci(ev.call),
        cause: ev.cause,
      };
    case "retrieved":
      return {
        type: "retrieved",
        retrievedConnection: conn(ev.call, ev.device.number),
        retrievingDevice: ev.device.number,
        localConnectionInfo: lci(ev.call),
        cause: ev.cause,
      };
    case "diverted":
      return {
        type: "diverted",
        connection: conn(ev.call, ev.device.number),
        divertingDevice: ev.device.number,
        newDestination: ev.newDestination,
        callingDevice: ev.calling,
        calledDevice: ev.called,
        lastRedirectionDevice: ev.lastRedirection,
        localConnectionInfo: lci(ev.call),
        cause: ev.cause,
      };
    case "transferred":
    case "conferenced": {
      const list: ConnectionListEntry[] = [];
      for (const c of ev.result.connections) {
        const mover = ev.moved.find((m) => m.device === c.device);
        list.push({
          newConnection: conn(ev.result, c.device.number),
          oldConnection: conn(
            mover ? mover.from : ev.kind === "transferred" ? ev.secondary : ev.primary,
            c.device.number,
          ),
          endpoint: c.device.number,
        });
      }
      const primaryOldCall = conn(ev.primary, ev.device.number);
      const secondaryOldCall = ev.secondary === ev.primary ? undefined : conn(ev.secondary, ev.device.number);
      if (ev.kind === "transferred") {
        const t: CstaEvent = {
          type: "transferred",
          primaryOldCall,
          transferringDevice: ev.device.number,
          transferredToDevice: ev.transferredTo,
          transferredConnections: list,
          localConnectionInfo: lci(ev.result),
          cause: ev.cause,
        };
        if (secondaryOldCall) t.secondaryOldCall = secondaryOldCall;
        return t;
      }
      const c: CstaEvent = {
        type: "conferenced",
        primaryOldCall,
        conferencingDevice: ev.device.number,
        addedParty: ev.added,
        conferenceConnections: list,
        localConnectionInfo: lci(ev.result),
        cause: ev.cause,
      };
      if (secondaryOldCall) c.secondaryOldCall = secondaryOldCall;
      return c;
    }
    case "callInformation": {
      const i: CstaEvent = {
        type: "callInformation",
        connection: conn(ev.call, ev.device.number),
        device: ev.device.number,
        callingDevice: ev.call.callingDevice,
      };
      if (ev.correlatorData) i.correlatorData = ev.correlatorData;
      if (ev.accountInfo) i.accountInfo = ev.accountInfo;
      return i;
    }
    case "connectionCleared":
      return {
        type: "connectionCleared",
        droppedConnection: conn(ev.call, ev.device.number),
        releasingDevice: ev.device.number,
        localConnectionInfo: lci(ev.call),
        cause: ev.cause,
      };
    case "failed":
      return {
        type: "failed",
        failedConnection: conn(ev.call, ev.device),
        failingDevice: ev.device,
        callingDevice: ev.calling,
        calledDevice: ev.called,
        lastRedirectionDevice: ev.lastRedirection,
        localConnectionInfo: lci(ev.call),
        cause: ev.cause,
      };
    case "doNotDisturb":
      return { type: "doNotDisturb", device: ev.device.number, doNotDisturbOn: ev.on };
    case "messageWaiting":
      return { type: "messageWaiting", targetDevice: ev.device.number, messageWaitingOn: ev.on };
    case "callBack":
      return {
        type: "callBack",
        originatingDevice: ev.originator.number,
        targetDevice: ev.target.number,
        callBackSetCanceled: ev.canceled,
      };
    case "forwarding": {
      const f: CstaEvent = {
        type: "forwarding",
        device: ev.device.number,
        forwardingType: FORWARD_TYPES[ev.forward.type],
        forwardStatus: ev.on,
      };
      if (ev.on) f.forwardTo = ev.forward.destination;
      return f;
    }
  }
}

export const FORWARD_TYPES = {
  immediate: "forwardImmediate",
  busy: "forwardBusy",
  noAnswer: "forwardNoAns",
} as const;
