/**
 * The set's microphone / interphony key (O2G's ithmicro, the SDK's toggleInterphony), a
 * flip-flop as pressing the key is: during an outgoing or established call it mutes or unmutes
 * the microphone; on an idle set it turns interphony on or off (a call reaching the set is then
 * answered by itself, hands-free, as an intercom); on a set ringing with an incoming call it
 * does nothing. Nothing is reported (the OXE does it in blind mode), and the microphone comes
 * back on when the set returns to idle after a call.
 *
 * ECMA-269 has no such key service for a set's CTI user: the press travels as an OXE private
 * request in the escape service (protocols/csta/feature-services.ts).
 */
import { ModelError } from "./errors.js";
import type { Network } from "./network.js";
import type { Device } from "./types.js";

/** a call reaching a set with interphony on is answered this long after it starts ringing */
export const INTERPHONY_ANSWER_MS = 50;

export type KeyEffect = "microphoneMuted" | "microphoneActive" | "interphonyOn" | "interphonyOff" | "none";

export class IthMicro {
  private readonly muted = new Set<Device>();
  private readonly interphony = new Set<Device>();

  constructor(net: Network) {
    net.on((ev) => {
      if (ev.kind === "connectionCleared" && ev.device.connections.length === 0) this.muted.delete(ev.device);
      if (ev.kind === "delivered" && this.interphony.has(ev.device)) {
        const c = ev.device.connections.find((x) => x.call === ev.call && x.state === "alerting");
        if (!c) return;
        const t = setTimeout(() => {
          if (c.state !== "alerting" || !c.device.connections.includes(c)) return;
          net.deferEvents(() => net.answer(c.device, c.call));
        }, INTERPHONY_ANSWER_MS);
        t.unref();
      }
    });
  }

  /** The key is pressed on `device`: what it did. */
  press(device: Device): KeyEffect {
    if (device.service) throw new ModelError("invalidDevice", `${device.number} has no such key`);
    if (device.outOfService)
      throw new ModelError("deviceOutOfService", `device ${device.number} is out of service`);
    const states = device.connections.map((c) => c.state);
    if (states.includes("connected") || states.includes("initiated")) {
      if (this.muted.delete(device)) return "microphoneActive";
      this.muted.add(device);
      return "microphoneMuted";
    }
    if (states.includes("alerting")) return "none";
    if (states.length > 0) return "none"; // only held or parked calls: the key has no call to act on
    if (this.interphony.delete(device)) return "interphonyOff";
    this.interphony.add(device);
    return "interphonyOn";
  }

  isMuted(device: Device): boolean {
    return this.muted.has(device);
  }

  hasInterphony(device: Device): boolean {
    return this.interphony.has(device);
  }
}

const KEYS = new WeakMap<Network, IthMicro>();

/** The network's microphone / interphony keys, made the first time they are asked for. */
export function ithMicroOf(net: Network): IthMicro {
  let k = KEYS.get(net);
  if (!k) {
    k = new IthMicro(net);
    KEYS.set(net, k);
  }
  return k;
}
