/**
 * O2G's routing vocabulary (forward and overflow routes, DND) against what a switch holds per
 * device (CSTA forwarding types, a DND flag, an overflow to voice mail). O2G offers one forward
 * at a time with a condition; the switch keeps one destination per forwarding type. The two are
 * folded here, both ways, so the service and the manager speak in one of them only.
 */

import type {
  DestinationJson,
  ForwardCondition,
  ForwardRouteJson,
  OverflowCondition,
  OverflowRouteJson,
  RoutingStateJson,
} from "./schema.js";

// The wire shapes are schemas (schema.ts); these names stay importable from here.
export type {
  DestinationJson,
  ForwardCondition,
  ForwardRouteJson,
  OverflowCondition,
  OverflowRouteJson,
  PresentationRouteJson,
  RoutingStateJson,
} from "./schema.js";

/** The CSTA forwarding types a set keeps (ECMA-285 ForwardingType), the ones O2G uses. */
export type SwitchForwardType = "forwardImmediate" | "forwardBusy" | "forwardNoAns";

export const SWITCH_FORWARD_TYPES: readonly SwitchForwardType[] = [
  "forwardImmediate",
  "forwardBusy",
  "forwardNoAns",
];

/** What one device's switch holds. */
export interface DeviceRouting {
  forwards: Map<SwitchForwardType, string>;
  dnd: boolean;
  overflow: OverflowCondition | null;
  /** the calls ring the user's remote extension (mobile) as well */
  remoteExtension: boolean;
}

export function emptyRouting(): DeviceRouting {
  return { forwards: new Map(), dnd: false, overflow: null, remoteExtension: false };
}

/** The switch settings a forward condition takes. */
export function switchTypesOf(condition: ForwardCondition): SwitchForwardType[] {
  switch (condition) {
    case "IMMEDIATE":
      return ["forwardImmediate"];
    case "BUSY":
      return ["forwardBusy"];
    case "NO_ANSWER":
      return ["forwardNoAns"];
    case "BUSY_NO_ANSWER":
      return ["forwardBusy", "forwardNoAns"];
  }
}

/**
 * The one forward O2G reports for what a set holds. A set can hold combinations O2G cannot
 * express (a forward on busy and another on no answer to different numbers, programmed from
 * the phone): the one that takes the calls first wins, as the switch would route them.
 */
export function forwardOf(r: DeviceRouting): { condition: ForwardCondition; destination: string } | null {
  const imm = r.forwards.get("forwardImmediate");
  if (imm) return { condition: "IMMEDIATE", destination: imm };
  const busy = r.forwards.get("forwardBusy");
  const noAns = r.forwards.get("forwardNoAns");
  if (busy && noAns && busy === noAns) return { condition: "BUSY_NO_ANSWER", destination: busy };
  if (busy) return { condition: "BUSY", destination: busy };
  if (noAns) return { condition: "NO_ANSWER", destination: noAns };
  return null;
}

function destination(number: string, voiceMail: string | undefined): DestinationJson {
  return number === voiceMail ? { type: "VOICEMAIL" } : { type: "NUMBER", number };
}

export function forwardRouteJson(r: DeviceRouting, voiceMail: string | undefined): ForwardRouteJson | null {
  const f = forwardOf(r);
  if (!f) return null;
  const route: ForwardRouteJson = { destinations: [destination(f.destination, voiceMail)] };
  if (f.condition !== "IMMEDIATE") route.forwardType = f.condition;
  return route;
}

export function overflowRouteJson(r: DeviceRouting): OverflowRouteJson | null {
  if (!r.overflow) return null;
  return { overflowType: r.overflow, destinations: [{ type: "VOICEMAIL", selected: true }] };
}

export interface UserRoutingContext {
  deviceId: string;
  voiceMail: string | undefined;
  /** the user has a remote extension to present calls to */
  hasRemoteExtension: boolean;
}

export function routingStateJson(r: DeviceRouting, ctx: UserRoutingContext): RoutingStateJson {
  const forward = forwardRouteJson(r, ctx.voiceMail);
  const overflow = overflowRouteJson(r);
  const presentation: DestinationJson[] = [{ type: "DEVICE", deviceId: ctx.deviceId, selected: true }];
  if (ctx.hasRemoteExtension) presentation.push({ type: "MOBILE", selected: r.remoteExtension });
  return {
    presentationRoutes: [{ destinations: presentation }],
    forwardRoutes: forward ? [forward] : [],
    overflowRoutes: overflow ? [overflow] : [],
    dndState: { activate: r.dnd },
  };
}
