/**
 * O2G's telephony model on the wire (the JSON the official SDKs read; field names are theirs,
 * including the odd ones such as `removedLeg`). This is not CSTA's model: a call seen by one user
 * has that user's devices as legs and everybody else as participants.
 */
export type MediaState =
  | "UNKNOWN"
  | "OFF_HOOK"
  | "IDLE"
  | "RELEASING"
  | "DIALING"
  | "HELD"
  | "RINGING_INCOMING"
  | "RINGING_OUTGOING"
  | "ACTIVE";

export type CallCause =
  | "ABANDONED"
  | "ALL_TRUNK_BUSY"
  | "BUSY"
  | "CLEARED"
  | "PARTICIPANT_LEFT"
  | "CONFERENCED"
  | "INVALID_NUMBER"
  | "DESTINATION_NOT_OBTAINABLE"
  | "DO_NOT_DISTURB"
  | "FORWARDED"
  | "NOT_ANSWERED"
  | "PICKED_UP"
  | "PARKED"
  | "REDIRECTED"
  | "OVERFLOWN"
  | "TRANSFERRED"
  | "CAMP_ON"
  | "UNKNOWN"
  | "PICKED_UP_TANDEM"
  | "CALL_BACK"
  | "RECALL"
  | "DISTRIBUTED"
  | "ACD_ENTER_DISTRIBUTION"
  | "RESOURCES_NOT_AVAILABLE"
  | "SUPERVISOR_LISTENING"
  | "SUPERVISOR_INTRUSION"
  | "SUPERVISOR_RESTRICT_INTRUSION"
  | "NO_AVAILABLE_AGENT"
  | "LOCKOUT";

export interface Identifier {
  loginName?: string;
  phoneNumber?: string;
}

export interface PartyInfo {
  id: Identifier;
  firstName?: string;
  lastName?: string;
  displayName?: string;
  type?: { main: "USER" | "DEVICE" | "SERVICE" | "EXTERNAL" | "UNKNOWN"; subType?: string };
}

export interface LegCapabilities {
  answer: boolean;
  drop: boolean;
  hold: boolean;
  retrieve: boolean;
  reconnect: boolean;
  mute: boolean;
  unMute: boolean;
  sendDtmf: boolean;
  switchDevice: boolean;
}

export interface CallCapabilities {
  addDevice: boolean;
  addParticipant: boolean;
  intruded: boolean;
  intrusion: boolean;
  transfer: boolean;
  blindTransfer: boolean;
  merge: boolean;
  redirect: boolean;
  pickedUp: boolean;
  redirectToVoiceMail: boolean;
  overflowToVoiceMail: boolean;
  dropMe: boolean;
  terminate: boolean;
  reject: boolean;
  callBack: boolean;
  park: boolean;
  startRecord: boolean;
  stopRecord: boolean;
  pauseRecord: boolean;
  resumeRecord: boolean;
  dropParticipant: boolean;
  muteParticipant: boolean;
  holdParticipant: boolean;
}

export interface Leg {
  deviceId: string;
  state: MediaState;
  ringingRemote: boolean;
  capabilities: LegCapabilities;
}

export interface Participant {
  participantId: string;
  identity: PartyInfo;
  anonymous: boolean;
  undroppable: boolean;
  state: MediaState;
}

export interface CallData {
  initialCalled?: PartyInfo;
  lastRedirecting?: PartyInfo;
  deviceCall: boolean;
  anonymous: boolean;
  state: MediaState;
  capabilities: CallCapabilities;
  associatedData?: string;
  hexaBinaryAssociatedData?: string;
}

export interface Call {
  callRef: string;
  callData: CallData;
  legs: Leg[];
  participants: Participant[];
}

export interface DeviceCapabilities {
  deviceId: string;
  makeCall: boolean;
  makeBusinessCall: boolean;
  makePrivateCall: boolean;
  unParkCall: boolean;
}

export type UserState = "FREE" | "BUSY" | "UNKNOWN";

export interface DeviceState {
  deviceId: string;
  state: "IN_SERVICE" | "OUT_OF_SERVICE" | "UNKNOWN";
}

export interface TelephonicState {
  calls: Call[];
  deviceCapabilities: DeviceCapabilities[];
  userState: UserState;
  deviceStates: { deviceStates: DeviceState[] };
}

export type TelephonyEvent =
  | {
      eventName: "OnCallCreated";
      loginName: string;
      callRef: string;
      cause: CallCause;
      callData: CallData;
      legs: Leg[];
      participants: Participant[];
      deviceCapabilities: DeviceCapabilities[];
    }
  | {
      eventName: "OnCallModified";
      loginName: string;
      callRef: string;
      cause: CallCause;
      previousCallRef?: string;
      replacedByCallRef?: string;
      callData: CallData;
      modifiedLegs: Leg[];
      addedLegs: Leg[];
      removedLeg: Leg[];
      modifiedParticipants: Participant[];
      addedParticipants: Participant[];
      removedParticipants: string[];
      deviceCapabilities: DeviceCapabilities[];
    }
  | {
      eventName: "OnCallRemoved";
      loginName: string;
      callRef: string;
      cause: CallCause;
      newDestination?: string;
      deviceCapabilities: DeviceCapabilities[];
    }
  | { eventName: "OnUserStateModified"; loginName: string; state: UserState }
  | { eventName: "OnDeviceStateModified"; loginName: string; deviceStates: DeviceState[] }
  | { eventName: "OnTelephonyState"; loginName: string; state: TelephonicState };
