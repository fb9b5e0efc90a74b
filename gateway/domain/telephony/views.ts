/**
 * One user's view of a call, in O2G's model: the user's own devices in the call are its legs,
 * everybody else a participant. States, capabilities and party identities are derived here
 * from the CSTA connection states the node reported.
 */
import type { LocalConnectionState } from "../../../protocols/csta/index.js";
import type { GwUser, UserDirectory } from "../directory.js";
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

export function partyInfo(number: string | null, directory: UserDirectory): PartyInfo {
  if (!number) return { id: {}, type: { main: "UNKNOWN" } };
  const user = directory.byPhone(number);
  if (!user) return { id: { phoneNumber: number }, displayName: number, type: { main: "EXTERNAL" } };
  return {
    id: { loginName: user.loginName, phoneNumber: number },
    firstName: user.firstName,
    lastName: user.lastName,
    displayName: `${user.firstName} ${user.lastName}`.trim(),
    type: { main: "USER", subType: user.devices.find((d) => d.id === number)?.subType ?? "" },
  };
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
  const mine = new Set(user.devices.map((d) => d.id));
  const conns = [...r.conns.values()];
  const anyRinging = (except: string) => conns.some((c) => c.device !== except && c.state === "alerting");
  const legs: Leg[] = [];
  const participants: Participant[] = [];
  for (const c of conns) {
    // Alone in a call being parked is not dialling: the parked party waits for the park-to set.
    const alone = conns.length === 1 && !r.parking;
    const state = mediaState(c.state, anyRinging(c.device), alone, c.parked === true);
    if (mine.has(c.device)) {
      const capabilities = legCaps(state, otherCallStates);
      // A parked call is taken back with unpark (CSTA AnswerCall), not RetrieveCall.
      if (c.parked) Object.assign(capabilities, { retrieve: false, reconnect: false });
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
    const as = mine.has(n) ? undefined : r.presentation?.[n];
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

function legCaps(state: MediaState, others: readonly MediaState[]): LegCapabilities {
  return {
    answer: state === "RINGING_INCOMING",
    drop: state !== "IDLE",
    hold: state === "ACTIVE",
    retrieve: state === "HELD",
    reconnect: state === "HELD" && others.some((s) => s === "ACTIVE" || s === "RINGING_OUTGOING"),
    mute: false,
    unMute: false,
    sendDtmf: state === "ACTIVE",
    switchDevice: false,
  };
}

function callCaps(state: MediaState, participants: number, others: readonly MediaState[]): CallCapabilities {
  const active = state === "ACTIVE" || state === "RINGING_OUTGOING";
  const pairs =
    (active && others.includes("HELD")) ||
    (state === "HELD" && others.some((s) => s === "ACTIVE" || s === "RINGING_OUTGOING"));
  return {
    ...NO_CALL_CAPS,
    transfer: pairs,
    merge: pairs && state !== "RINGING_OUTGOING",
    blindTransfer: state === "ACTIVE" && participants === 1,
    redirect: state === "RINGING_INCOMING",
    dropMe: state !== "IDLE",
    terminate: state !== "IDLE",
    dropParticipant: state === "ACTIVE" && participants > 1,
  };
}

export function deviceCapabilities(user: GwUser, busy: ReadonlySet<string>): DeviceCapabilities[] {
  return user.devices.map((d) => ({
    deviceId: d.id,
    makeCall: !busy.has(d.id),
    makeBusinessCall: false,
    makePrivateCall: false,
    unParkCall: false,
  }));
}
