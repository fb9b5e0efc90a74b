/**
 * The stand-in's calls: a small switch of two-party calls between its users, and each user's
 * O2G view of them (their devices as legs, everybody else as participants), told as the
 * gateway's telephony engine tells it (gateway/domain/telephony/engine.ts): after every change
 * each view is recomputed and compared with what the user was last told, and the difference goes
 * out as OnCallCreated / OnCallModified / OnCallRemoved and OnUserStateModified.
 *
 * Simplified on purpose: no conference, no external numbers, a call placed to a user who has
 * DND set ends at once (DO_NOT_DISTURB), an immediate forward to another user rings that user.
 */

import type {
  Call,
  CallCause,
  DeviceCapabilities,
  Leg,
  MediaState,
  Participant,
  TelephonicState,
  UserState,
} from "../domain/telephony/schema.js";
import { diff, NO_CALL_CAPS } from "../domain/telephony/view-diff.js";
import type { O2gEvent } from "../events/types.js";
import { MockError } from "./errors.js";
import { type MockUser, partyInfo } from "./users.js";

type Conn = "connected" | "alerting" | "held";

interface CallRecord {
  ref: string;
  /** device (= the user's number) → its connection */
  conns: Map<string, Conn>;
  called: string;
  /** the number first called, when a forward took the call elsewhere */
  redirectedFrom?: string;
}

export type TelephonyErrorType =
  | "CALL_REFERENCE_NOT_FOUND"
  | "LEG_NOT_FOUND"
  | "BAD_PARAMETER_VALUE"
  | "INCOMPATIBLE_WITH_STATE"
  | "UNAUTHORIZED";

export function telephonyError(
  status: number,
  errorType: TelephonyErrorType,
  errorCause:
    | "UNKNOWN"
    | "INVALID_DESTINATION"
    | "INVALID_CALL_ID"
    | "INVALID_DEVICE"
    | "INVALID_DEVICE_STATE",
  message: string,
): MockError {
  return new MockError(status, message, { type: errorType, telephony: { errorType, errorCause, message } });
}

const callNotFound = (ref: string) =>
  telephonyError(404, "CALL_REFERENCE_NOT_FOUND", "INVALID_CALL_ID", `no call ${ref}`);
const incompatible = (message: string) =>
  telephonyError(409, "INCOMPATIBLE_WITH_STATE", "INVALID_DEVICE_STATE", message);

function mediaState(c: Conn, othersRinging: boolean, alone: boolean): MediaState {
  if (c === "alerting") return "RINGING_INCOMING";
  if (c === "held") return "HELD";
  if (alone) return "DIALING";
  return othersRinging ? "RINGING_OUTGOING" : "ACTIVE";
}

/** What a change means for the calls it touched. */
interface Change {
  refs: string[];
  /** the cause of every event it makes; UNKNOWN: each user's own (cleared, abandoned...) */
  cause: CallCause;
  /** the user who made the change */
  actor?: string;
  /** a call that became another (transfer): from → to */
  replaced?: [string, string];
}

export interface RoutingOfUser {
  dnd: boolean;
  /** the number calls go to at once, if any */
  immediateForward: string | undefined;
}

export class MockTelephony {
  private readonly calls = new Map<string, CallRecord>();
  private readonly views = new Map<string, Map<string, Call>>();
  private readonly userStates = new Map<string, UserState>();
  private nextRef = 1001;

  constructor(
    private readonly byNumber: ReadonlyMap<string, MockUser>,
    private readonly publish: (login: string, event: O2gEvent) => void,
    private readonly routingOf: (user: MockUser) => RoutingOfUser,
  ) {}

  // ---- reading -----------------------------------------------------------------------------

  callsOf(u: MockUser): Call[] {
    return [...(this.views.get(u.loginName)?.values() ?? [])];
  }

  callOf(u: MockUser, ref: string): Call {
    const c = this.views.get(u.loginName)?.get(ref);
    if (!c) throw callNotFound(ref);
    return c;
  }

  userState(u: MockUser): UserState {
    return this.views.get(u.loginName)?.size ? "BUSY" : "FREE";
  }

  telephonicState(u: MockUser): TelephonicState {
    return {
      calls: this.callsOf(u),
      deviceCapabilities: this.deviceCaps(u),
      userState: this.userState(u),
      deviceStates: { deviceStates: [{ deviceId: u.number, state: "IN_SERVICE" }] },
    };
  }

  /** POST state/snapshot: the whole state as one event. */
  publishSnapshot(u: MockUser): void {
    this.publish(u.loginName, {
      eventName: "OnTelephonyState",
      loginName: u.loginName,
      state: this.telephonicState(u),
    });
  }

  // ---- acting ------------------------------------------------------------------------------

  /** Place a call; with a call already active, that one is held first (a consultation call). */
  makeCall(u: MockUser, callee: string): string {
    const target = this.byNumber.get(callee);
    if (!target || target === u)
      throw telephonyError(
        400,
        "BAD_PARAMETER_VALUE",
        "INVALID_DESTINATION",
        target ? "a set cannot call itself" : `nobody has the number ${callee} in the mock`,
      );
    this.holdActive(u);
    const ref = String(this.nextRef++);
    const routing = this.routingOf(target);
    if (routing.dnd) {
      // The switch refuses it: the caller sees the call start and end.
      this.calls.set(ref, { ref, conns: new Map([[u.number, "connected"]]), called: callee });
      this.apply({ refs: [ref], cause: "UNKNOWN", actor: u.loginName });
      this.calls.delete(ref);
      this.apply({ refs: [ref], cause: "DO_NOT_DISTURB", actor: u.loginName });
      return ref;
    }
    const forwarded = routing.immediateForward ? this.byNumber.get(routing.immediateForward) : undefined;
    const ringing = forwarded && forwarded !== u ? forwarded : target;
    const rec: CallRecord = {
      ref,
      conns: new Map<string, Conn>([
        [u.number, "connected"],
        [ringing.number, "alerting"],
      ]),
      called: callee,
    };
    if (ringing !== target) rec.redirectedFrom = callee;
    this.calls.set(ref, rec);
    this.apply({ refs: [ref], cause: "UNKNOWN", actor: u.loginName });
    return ref;
  }

  /** Answer the call ringing on the user's set (`ref` when given). */
  answer(u: MockUser, ref?: string): void {
    const rec = ref
      ? this.mine(u, ref)
      : [...this.calls.values()].find((c) => c.conns.get(u.number) === "alerting");
    if (rec?.conns.get(u.number) !== "alerting")
      throw incompatible(ref ? `call ${ref} is not ringing on ${u.number}` : `nothing rings on ${u.number}`);
    this.holdActive(u);
    rec.conns.set(u.number, "connected");
    this.apply({ refs: [rec.ref], cause: "UNKNOWN", actor: u.loginName });
  }

  hold(u: MockUser, ref: string): void {
    const rec = this.mine(u, ref);
    if (rec.conns.get(u.number) !== "connected" || [...rec.conns.values()].includes("alerting"))
      throw incompatible(`call ${ref} is not active on ${u.number}`);
    rec.conns.set(u.number, "held");
    this.apply({ refs: [ref], cause: "UNKNOWN", actor: u.loginName });
  }

  retrieve(u: MockUser, ref: string): void {
    const rec = this.mine(u, ref);
    if (rec.conns.get(u.number) !== "held") throw incompatible(`call ${ref} is not held on ${u.number}`);
    this.holdActive(u);
    rec.conns.set(u.number, "connected");
    this.apply({ refs: [ref], cause: "UNKNOWN", actor: u.loginName });
  }

  /** Leave the call; a call with one party left is over for everybody. */
  release(u: MockUser, ref: string): void {
    const rec = this.mine(u, ref);
    rec.conns.delete(u.number);
    if (rec.conns.size < 2) this.calls.delete(ref);
    this.apply({ refs: [ref], cause: "UNKNOWN", actor: u.loginName });
  }

  /** The user's first call that is not held (basicCall/dropme). */
  activeCallRef(u: MockUser): string {
    const c = this.callsOf(u).find((x) => x.legs.some((l) => l.state !== "HELD"));
    if (!c) throw incompatible(`${u.loginName} has no active call`);
    return c.callRef;
  }

  /**
   * Join the parties of the user's held call and active call, and leave both: the held call's
   * party joins `activeRef` (which the SDKs then follow through previousCallRef).
   */
  transfer(u: MockUser, activeRef: string, heldRef: string): void {
    if (activeRef === heldRef)
      throw telephonyError(400, "BAD_PARAMETER_VALUE", "UNKNOWN", "the active and held calls must differ");
    const active = this.mine(u, activeRef);
    const held = this.mine(u, heldRef);
    if (active.conns.get(u.number) !== "connected") throw incompatible(`call ${activeRef} is not active`);
    if (held.conns.get(u.number) !== "held") throw incompatible(`call ${heldRef} is not held`);
    active.conns.delete(u.number);
    held.conns.delete(u.number);
    for (const [device, c] of held.conns) active.conns.set(device, c === "held" ? "connected" : c);
    this.calls.delete(heldRef);
    this.apply({
      refs: [heldRef, activeRef],
      cause: "TRANSFERRED",
      actor: u.loginName,
      replaced: [heldRef, activeRef],
    });
  }

  // ---- the views ---------------------------------------------------------------------------

  private mine(u: MockUser, ref: string): CallRecord {
    const rec = this.calls.get(ref);
    if (!rec?.conns.has(u.number)) throw callNotFound(ref);
    return rec;
  }

  private holdActive(u: MockUser): void {
    for (const rec of this.calls.values()) {
      const others = [...rec.conns].filter(([d]) => d !== u.number);
      if (rec.conns.get(u.number) === "connected" && others.every(([, c]) => c === "connected")) {
        rec.conns.set(u.number, "held");
        this.apply({ refs: [rec.ref], cause: "UNKNOWN", actor: u.loginName });
      }
    }
  }

  private view(rec: CallRecord, u: MockUser, otherStates: readonly MediaState[]): Call | null {
    const conns = [...rec.conns];
    const legs: Leg[] = [];
    const participants: Participant[] = [];
    for (const [device, c] of conns) {
      const othersRinging = conns.some(([d, x]) => d !== device && x === "alerting");
      const state = mediaState(c, othersRinging, conns.length === 1);
      if (device === u.number) {
        legs.push({
          deviceId: device,
          state,
          ringingRemote: state === "RINGING_OUTGOING",
          capabilities: {
            answer: state === "RINGING_INCOMING",
            drop: true,
            hold: state === "ACTIVE",
            retrieve: state === "HELD",
            reconnect:
              state === "HELD" && otherStates.some((s) => s === "ACTIVE" || s === "RINGING_OUTGOING"),
            mute: false,
            unMute: false,
            sendDtmf: state === "ACTIVE",
            switchDevice: false,
          },
        });
      } else {
        participants.push({
          participantId: device,
          identity: partyInfo(device, this.byNumber),
          anonymous: false,
          undroppable: false,
          state,
        });
      }
    }
    const main = legs[0]?.state;
    if (!main) return null;
    const active = main === "ACTIVE" || main === "RINGING_OUTGOING";
    const pairs =
      (active && otherStates.includes("HELD")) ||
      (main === "HELD" && otherStates.some((s) => s === "ACTIVE" || s === "RINGING_OUTGOING"));
    const call: Call = {
      callRef: rec.ref,
      callData: {
        deviceCall: false,
        anonymous: false,
        state: main,
        capabilities: {
          ...NO_CALL_CAPS,
          transfer: pairs,
          merge: pairs && main !== "RINGING_OUTGOING",
          blindTransfer: main === "ACTIVE" && participants.length === 1,
          redirect: main === "RINGING_INCOMING",
          dropMe: true,
          terminate: true,
        },
        initialCalled: partyInfo(rec.called, this.byNumber),
      },
      legs,
      participants,
    };
    if (rec.redirectedFrom) call.callData.lastRedirecting = partyInfo(rec.redirectedFrom, this.byNumber);
    return call;
  }

  private deviceCaps(u: MockUser): DeviceCapabilities[] {
    const busy = this.callsOf(u).some((c) => c.legs.some((l) => l.state !== "HELD"));
    return [
      {
        deviceId: u.number,
        makeCall: !busy,
        makeBusinessCall: false,
        makePrivateCall: false,
        unParkCall: false,
      },
    ];
  }

  /** Tell every user concerned what the change did to their calls. */
  private apply(change: Change): void {
    const logins = new Set<string>();
    for (const u of this.byNumber.values()) {
      const views = this.views.get(u.loginName);
      const concerned = change.refs.some(
        (ref) => views?.has(ref) || this.calls.get(ref)?.conns.has(u.number),
      );
      if (concerned) logins.add(u.loginName);
    }
    for (const u of this.byNumber.values()) if (logins.has(u.loginName)) this.refresh(u, change);
  }

  private refresh(u: MockUser, change: Change): void {
    const login = u.loginName;
    let views = this.views.get(login);
    if (!views) {
      views = new Map();
      this.views.set(login, views);
    }
    const next = new Map<string, Call | null>();
    for (const ref of change.refs) {
      const rec = this.calls.get(ref);
      next.set(ref, rec ? this.view(rec, u, []) : null);
    }
    // Capabilities depend on the user's other calls: a second pass with their states.
    const otherStates = (ref: string) => {
      const out: MediaState[] = [];
      for (const [r, v] of views) if (r !== ref && !next.has(r)) out.push(v.callData.state);
      for (const [r, v] of next) if (r !== ref && v) out.push(v.callData.state);
      return out;
    };
    for (const [ref, v] of next) {
      const rec = this.calls.get(ref);
      if (v && rec) next.set(ref, this.view(rec, u, otherStates(ref)));
    }
    const [replacedFrom, replacedTo] = change.replaced ?? [];

    for (const [ref, v] of next) {
      const old = views.get(ref);
      if (!v && old) {
        // Became the call that replaces it: told as a modification of that one instead.
        if (ref === replacedFrom && next.get(replacedTo!) && !views.has(replacedTo!)) continue;
        views.delete(ref);
        this.publish(login, {
          eventName: "OnCallRemoved",
          loginName: login,
          callRef: ref,
          cause: this.removalCause(change, login, old),
          deviceCapabilities: this.deviceCaps(u),
        });
      } else if (v && !old) {
        views.set(ref, v);
        const was = ref === replacedTo && replacedFrom ? views.get(replacedFrom) : undefined;
        if (was && replacedFrom) {
          views.delete(replacedFrom);
          this.publish(login, this.modified(u, v, was, change.cause, replacedFrom));
        } else {
          this.publish(login, {
            eventName: "OnCallCreated",
            loginName: login,
            callRef: ref,
            cause: change.cause,
            callData: v.callData,
            legs: v.legs,
            participants: v.participants,
            deviceCapabilities: this.deviceCaps(u),
          });
        }
      } else if (v && old) {
        views.set(ref, v);
        if (JSON.stringify(v) !== JSON.stringify(old))
          this.publish(login, this.modified(u, v, old, change.cause));
      }
    }
    if (views.size === 0) this.views.delete(login);

    const state = this.userState(u);
    if (this.userStates.get(login) !== state) {
      const had = this.userStates.has(login);
      this.userStates.set(login, state);
      if (had || state !== "FREE")
        this.publish(login, { eventName: "OnUserStateModified", loginName: login, state });
    }
  }

  private removalCause(change: Change, login: string, old: Call): CallCause {
    if (change.cause !== "UNKNOWN") return change.cause;
    if (change.actor === login) return "CLEARED";
    return old.legs.some((l) => l.state === "RINGING_INCOMING") ? "ABANDONED" : "PARTICIPANT_LEFT";
  }

  private modified(u: MockUser, v: Call, old: Call, cause: CallCause, previousCallRef?: string): O2gEvent {
    const legs = diff(old.legs, v.legs, (l) => l.deviceId);
    const parts = diff(old.participants, v.participants, (p) => p.participantId);
    return {
      eventName: "OnCallModified",
      loginName: u.loginName,
      callRef: v.callRef,
      cause,
      ...(previousCallRef ? { previousCallRef } : {}),
      callData: v.callData,
      modifiedLegs: legs.modified,
      addedLegs: legs.added,
      removedLeg: legs.removed,
      modifiedParticipants: parts.modified,
      addedParticipants: parts.added,
      removedParticipants: parts.removed.map((p) => p.participantId),
      deviceCapabilities: this.deviceCaps(u),
    };
  }
}
