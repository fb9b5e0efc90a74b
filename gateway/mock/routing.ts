/**
 * The stand-in's routing: each user's forward, overflow and DND as a switch would hold them,
 * answered with the gateway's own folding into O2G's routing state (domain/routing/routes.ts),
 * and every change told as OnRoutingStateChanged. The voice mail is the node's 4645 pilot.
 */

import {
  type DeviceRouting,
  emptyRouting,
  type ForwardCondition,
  forwardOf,
  type OverflowCondition,
  type RoutingStateJson,
  routingStateJson,
  switchTypesOf,
} from "../domain/routing/routes.js";
import type { RoutingCapabilitiesJson } from "../domain/routing/schema.js";
import type { O2gEvent } from "../events/types.js";
import { MockError } from "./errors.js";
import type { RoutingOfUser } from "./telephony.js";
import type { MockUser } from "./users.js";

export const VOICE_MAIL = "4645";

export function routingError(
  status: number,
  errorType: string,
  errorCause: string,
  message: string,
): MockError {
  return new MockError(status, message, { type: errorType, routing: { errorType, errorCause, message } });
}

export class MockRouting {
  private readonly state = new Map<string, DeviceRouting>();

  constructor(private readonly publish: (login: string, event: O2gEvent) => void) {}

  private of(u: MockUser): DeviceRouting {
    let r = this.state.get(u.loginName);
    if (!r) {
      r = emptyRouting();
      this.state.set(u.loginName, r);
    }
    return r;
  }

  capabilities(): RoutingCapabilitiesJson {
    return { presentationRoute: false, forwardRoute: true, overflowRoute: true, dnd: true };
  }

  json(u: MockUser): RoutingStateJson {
    return routingStateJson(this.of(u), {
      deviceId: u.number,
      voiceMail: VOICE_MAIL,
      hasRemoteExtension: false,
    });
  }

  /** What the calls of the mock honour. */
  forCalls(u: MockUser): RoutingOfUser {
    const r = this.of(u);
    const f = forwardOf(r);
    return {
      dnd: r.dnd,
      immediateForward:
        f?.condition === "IMMEDIATE" && f.destination !== VOICE_MAIL ? f.destination : undefined,
    };
  }

  setForward(u: MockUser, condition: ForwardCondition, destination: string): void {
    if (destination === u.number)
      throw routingError(
        400,
        "BAD_PARAMETER_VALUE",
        "INVALID_FORWARD_ROUTE",
        "a set cannot be forwarded to itself",
      );
    const r = this.of(u);
    r.forwards.clear();
    for (const t of switchTypesOf(condition)) r.forwards.set(t, destination);
    this.changed(u);
  }

  cancelForward(u: MockUser): void {
    this.of(u).forwards.clear();
    this.changed(u);
  }

  setOverflow(u: MockUser, condition: OverflowCondition | null): void {
    this.of(u).overflow = condition;
    this.changed(u);
  }

  setDnd(u: MockUser, on: boolean): void {
    this.of(u).dnd = on;
    this.changed(u);
  }

  /** POST state/snapshot: the state as one event, changed or not. */
  changed(u: MockUser): void {
    this.publish(u.loginName, {
      eventName: "OnRoutingStateChanged",
      loginName: u.loginName,
      routingState: this.json(u),
    });
  }
}
