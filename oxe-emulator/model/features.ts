/**
 * OXE features beyond basic call handling, on the call model's primitives (Network.kernel):
 * pick-up of a call ringing another set, intrusion into a busy set's call, a caller sending the
 * call still ringing the callee to the callee's voice mail, and data attached to a call.
 *
 * Pick-up is ECMA-269's Directed Pickup Call (the call leaves the ringing set, Diverted with
 * cause callPickup, and is at once Established at the requesting set, keeping its call id).
 * Intrusion is Intrude Call: the caller who found the callee busy joins the callee's call as a
 * third party (Conferenced, cause activeParticipation), within the OXE's three-party limit.
 * Overflow to voice mail has no ECMA-269 service: the caller asks it through the escape service
 * (protocols/csta/feature-services.ts); the call is redirected as a forward would send it, so
 * the voice mail files the message in the callee's mailbox.
 */
import { ModelError } from "./errors.js";
import type { Network } from "./network.js";
import type { Call, Connection, Device } from "./types.js";

/**
 * `picker` takes the call ringing on `ringing`: connected at once, or, with `ring`, rung on its
 * own set to be answered there (forwards and do-not-disturb of the picker do not apply: it asked).
 */
export function pickUp(net: Network, picker: Device, call: Call, ringing: Device, ring = false): Connection {
  const k = net.kernel;
  const c = net.connection(ringing, call);
  if (c.state !== "alerting")
    throw new ModelError("invalidConnectionState", `call ${call.seq} is not ringing on ${ringing.number}`);
  if (picker === ringing || call.connections.some((x) => x.device === picker))
    throw new ModelError("notDifferentDevices", `${picker.number} is already in call ${call.seq}`);
  if (picker.service) throw new ModelError("invalidDevice", `${picker.number} cannot pick up calls`);
  if (picker.outOfService)
    throw new ModelError("deviceOutOfService", `device ${picker.number} is out of service`);
  if (k.isBusy(picker)) throw new ModelError("invalidDeviceState", `device ${picker.number} is in a call`);
  clearTimeout(call.ringTimer);
  const observers = k.observers(call);
  k.leave(c);
  call.lastRedirectionDevice = ringing.number;
  call.lastRedirectionCause = "callPickup";
  k.emit({
    kind: "diverted",
    call,
    device: ringing,
    newDestination: picker.number,
    calling: call.callingDevice,
    called: call.calledDevice,
    lastRedirection: ringing.number,
    cause: "callPickup",
    observers,
  });
  if (ring) {
    const r = k.join(call, picker, "alerting");
    k.emit({
      kind: "delivered",
      call,
      device: picker,
      calling: call.callingDevice,
      called: call.calledDevice,
      lastRedirection: ringing.number,
      cause: "callPickup",
      observers: k.observers(call),
    });
    k.armRingTimer(r);
    return r;
  }
  const p = k.join(call, picker, "connected");
  call.answeredAt ??= Date.now();
  call.answeredBy = picker.number;
  k.emit({
    kind: "established",
    call,
    device: picker,
    calling: call.callingDevice,
    called: call.calledDevice,
    lastRedirection: ringing.number,
    cause: "callPickup",
    observers: k.observers(call),
  });
  return p;
}

/**
 * `intruder`, whose `call` found its callee busy, joins the call the callee is talking in. The
 * call to the busy set ends; the callee's call keeps its id and gains the intruder.
 */
export function intrude(net: Network, intruder: Device, call: Call): Connection {
  const k = net.kernel;
  const c = net.connection(intruder, call);
  if (call.answeredAt !== undefined || call.connections.length !== 1 || c.state !== "connected")
    throw new ModelError("invalidConnectionState", `call ${call.seq} is not a call to a busy set`);
  const target = call.calledDevice ? net.devices.get(call.calledDevice) : undefined;
  const active = target?.service
    ? undefined
    : target?.connections.find((x) => x.state === "connected" && x.call.connections.length > 1);
  if (!target || !active)
    throw new ModelError("invalidDeviceState", `${call.calledDevice ?? "the callee"} is not in a call`);
  const into = active.call;
  if (into.connections.length + 1 > net.options.maxConferenceParties)
    throw new ModelError(
      "conferenceMemberLimitExceeded",
      `a call holds at most ${net.options.maxConferenceParties} parties`,
    );
  clearTimeout(call.failTimer);
  const observers = k.observers(into, call);
  k.leave(c);
  const joined = k.join(into, intruder, "connected");
  k.emit({
    kind: "conferenced",
    primary: into,
    secondary: call,
    result: into,
    device: intruder,
    added: intruder.number,
    moved: [{ device: intruder, from: call }],
    cause: "activeParticipation",
    observers,
  });
  k.endIfDone(call);
  return joined;
}

/** The caller sends its call, still ringing the callee, to the callee's voice mail. */
export function overflowToVoiceMail(net: Network, caller: Device, call: Call): void {
  const c = net.connection(caller, call);
  const ringing = call.connections.filter((x) => x !== c && x.state === "alerting");
  if (c.state !== "connected" || ringing.length !== 1 || call.connections.length !== 2)
    throw new ModelError("invalidConnectionState", `call ${call.seq} is not ringing its callee`);
  const callee = ringing[0]!;
  const vm = net.voiceMailOf(callee.device.nodeId);
  if (!vm || vm === callee.device)
    throw new ModelError("invalidCalledDevice", `${callee.device.number} has no voice mail`);
  clearTimeout(call.ringTimer);
  net.kernel.redirectAlerting(callee, vm.number, "redirected");
}
