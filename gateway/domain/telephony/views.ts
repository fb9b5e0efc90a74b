/**
 * One user's view of a call, in O2G's model: the user's own devices in the call are its legs,
 * everybody else a participant. States, capabilities and party identities are derived here
 * from the CSTA connection states the node reported.
 */
import type { LocalConnectionState } from "../../../protocols/csta/index.js";
import type { GwDevice, GwUser, UserDirectory } from "../directory.js";
import type { CallRecord } from "./call-table.js";
import type {
  Call,
  CallCapabilities,
  CallData,
  DeviceCapabilities,
  Leg,
  LegCapabilities,
  MediaState,
  Participant,
  PartyInfo,
} from "./o2g-types.js";
import { NO_CALL_CAPS } from "./view-diff.js";

function mediaState(
  state: LocalConnectionState,
  othersRinging: boolean,
  alone: boolean,
  parked = false,
): MediaState {
  // A call parked on a set waits there like a held call, until the set unparks it.
  if (parked) return "HELD";
  switch (state) {
    case "initiated":
      return "DIALING";
    case "alerting":
      return "RINGING_INCOMING";
    case "connected":
      // Connected with nobody else in the call yet: the number is dialled and being routed.
      if (alone) return "DIALING";
      return othersRinging ? "RINGING_OUTGOING" : "ACTIVE";
    case "hold":
      return "HELD";
    case "queued":
      return "RINGING_OUTGOING";
    case "fail":
      return "RELEASING";
    case "null":
      return "IDLE";
  }
}

/**
 * A user's identity, built once per number and shared by every view and event that names it
 * (frozen: a consumer that changed one would change them all). A rename (subscriber-sync edits
 * the names in place) or a new set under the number (it replaces the device) builds it again.
 */
interface KnownParty {
  readonly number: string;
  /** the device of that number: a new set (another station type) replaces the device object */
  readonly device: GwDevice | undefined;
  readonly firstName: string;
  readonly lastName: string;
  readonly info: PartyInfo;
}
const knownParties = new WeakMap<GwUser, KnownParty>();

export function partyInfo(number: string | null, directory: UserDirectory): PartyInfo {
  if (!number) return { id: {}, type: { main: "UNKNOWN" } };
  const user = directory.byPhone(number);
  if (!user) return { id: { phoneNumber: number }, displayName: number, type: { main: "EXTERNAL" } };
  const device = user.devices.find((d) => d.id === number);
  const known = knownParties.get(user);
  if (
    known &&
    known.number === number &&
    known.device === device &&
    known.firstName === user.firstName &&
    known.lastName === user.lastName
  )
    return known.info;
  const info: PartyInfo = Object.freeze({
    id: Object.freeze({ loginName: user.loginName, phoneNumber: number }),
    firstName: user.firstName,
    lastName: user.lastName,
    displayName: `${user.firstName} ${user.lastName}`.trim(),
    type: Object.freeze({ main: "USER", subType: device?.subType ?? "" }),
  });
  knownParties.set(user, { number, device, firstName: user.firstName, lastName: user.lastName, info });
  return info;
}

/** Whether `device` is one of the user's (a user has one device, or a few). */
function owns(user: GwUser, device: string): boolean {
  for (const d of user.devices) if (d.id === device) return true;
  return false;
}

/**
 * The user's view of `r`; `otherCalls` are the user's other calls (their leg states decide
 * transfer and merge, which need one active and one held call).
 */
export function userView(
  r: CallRecord,
  user: GwUser,
  directory: UserDirectory,
  otherCallStates: readonly MediaState[],
): Call | null {
  const conns = [...r.conns.values()];
  const anyRinging = (except: string) => conns.some((c) => c.device !== except && c.state === "alerting");
  const legs: Leg[] = [];
  const participants: Participant[] = [];
  for (const c of conns) {
    // Alone in a call being parked is not dialling: the parked party waits for the park-to set.
    const alone = conns.length === 1 && !r.parking;
    const state = mediaState(c.state, anyRinging(c.device), alone, c.parked === true);
    if (owns(user, c.device)) {
      // A parked call is taken back with unpark (CSTA AnswerCall), not RetrieveCall.
      const capabilities = legCaps(state, otherCallStates, c.parked === true);
      legs.push({
        deviceId: c.device,
        state,
        ringingRemote: state === "RINGING_OUTGOING",
        capabilities,
      });
    } else {
      const shown = r.presentation?.[c.device];
      participants.push({
        participantId: c.device,
        identity: shown === undefined ? partyInfo(c.device, directory) : partyInfo(shown, directory),
        anonymous: shown === null,
        undroppable: false,
        state,
      });
    }
  }
  if (legs.length === 0) return null;
  const main = legs[0]!.state;
  const callData: CallData = {
    deviceCall: false,
    anonymous: participants.some((p) => p.anonymous),
    state: main,
    capabilities: callCaps(main, participants.length, otherCallStates),
  };
  // Parties the node presents otherwise (presentation) are shown so to everybody but themselves.
  const shown = (n: string) => {
    const as = owns(user, n) ? undefined : r.presentation?.[n];
    return partyInfo(as === undefined ? n : as, directory);
  };
  if (r.called) callData.initialCalled = shown(r.called);
  if (r.lastRedirection) callData.lastRedirecting = shown(r.lastRedirection);
  if (r.correlator) {
    callData.hexaBinaryAssociatedData = Buffer.from(r.correlator).toString("hex");
    const text = Buffer.from(r.correlator).toString("utf8");
    if (/^[\x20-\x7e]*$/.test(text)) callData.associatedData = text;
  }
  return { callRef: r.callId, callData, legs, participants };
}

/*
 * Capabilities take a few values only, each shared (frozen) by every view that has it: a view is
 * recomputed on every CSTA event, and a fresh object of 23 flags each time was a good part of
 * what the engine allocated per call. Views that share one also compare equal at once (sameJson).
 */
const legCapsCache = new Map<MediaState, LegCapabilities[]>();

function legCaps(state: MediaState, others: readonly MediaState[], parked: boolean): LegCapabilities {
  const reconnect = state === "HELD" && others.some((s) => s === "ACTIVE" || s === "RINGING_OUTGOING");
  let byState = legCapsCache.get(state);
  if (!byState) {
    byState = [];
    legCapsCache.set(state, byState);
  }
  const slot = (reconnect ? 2 : 0) + (parked ? 1 : 0);
  let caps = byState[slot];
  if (!caps) {
    caps = Object.freeze({
      answer: state === "RINGING_INCOMING",
      drop: state !== "IDLE",
      hold: state === "ACTIVE",
      retrieve: state === "HELD" && !parked,
      reconnect: reconnect && !parked,
      mute: false,
      unMute: false,
      sendDtmf: state === "ACTIVE",
      switchDevice: false,
    });
    byState[slot] = caps;
  }
  return caps;
}

const callCapsCache = new Map<MediaState, CallCapabilities[]>();

function callCaps(state: MediaState, participants: number, others: readonly MediaState[]): CallCapabilities {
  const active = state === "ACTIVE" || state === "RINGING_OUTGOING";
  const pairs =
    (active && others.includes("HELD")) ||
    (state === "HELD" && others.some((s) => s === "ACTIVE" || s === "RINGING_OUTGOING"));
  let byState = callCapsCache.get(state);
  if (!byState) {
    byState = [];
    callCapsCache.set(state, byState);
  }
  // what the participants' count decides: none, one (blind transfer), several (drop one)
  const slot = (pairs ? 3 : 0) + Math.min(participants, 2);
  let caps = byState[slot];
  if (!caps) {
    caps = Object.freeze({
      ...NO_CALL_CAPS,
      transfer: pairs,
      merge: pairs && state !== "RINGING_OUTGOING",
      blindTransfer: state === "ACTIVE" && participants === 1,
      redirect: state === "RINGING_INCOMING",
      dropMe: state !== "IDLE",
      terminate: state !== "IDLE",
      dropParticipant: state === "ACTIVE" && participants > 1,
    });
    byState[slot] = caps;
  }
  return caps;
}

/** per device, its capabilities when free and when busy, shared like the call's */
const deviceCapsCache = new WeakMap<GwDevice, readonly [DeviceCapabilities, DeviceCapabilities]>();

export function deviceCapabilities(user: GwUser, busy: ReadonlySet<string>): DeviceCapabilities[] {
  return user.devices.map((d) => {
    let both = deviceCapsCache.get(d);
    if (!both) {
      const caps = (makeCall: boolean): DeviceCapabilities =>
        Object.freeze({
          deviceId: d.id,
          makeCall,
          makeBusinessCall: false,
          makePrivateCall: false,
          unParkCall: false,
        });
      both = [caps(true), caps(false)];
      deviceCapsCache.set(d, both);
    }
    return busy.has(d.id) ? both[1] : both[0];
  });
}
