/**
 * O2G's telephony model on the wire, as schemas: the JSON the official SDKs read (their
 * `src/internal/types/telephony/telephony-types.ts`; field names are theirs, including the odd
 * ones such as `removedLeg`). The domain's types are derived from these, so the engine, the
 * routes' response schemas and the event documentation share one definition. This is not CSTA's
 * model: a call seen by one user has that user's devices as legs and everybody else as participants.
 *
 * Required fields are those this gateway always sends; the SDKs tolerate more being absent.
 */
import { type Static, type TSchema, Type } from "typebox";

const text = (description?: string) => Type.String(description ? { description } : {});

export const MediaStateSchema = Type.Enum([
  "UNKNOWN",
  "OFF_HOOK",
  "IDLE",
  "RELEASING",
  "DIALING",
  "HELD",
  "RINGING_INCOMING",
  "RINGING_OUTGOING",
  "ACTIVE",
]);
export type MediaState = Static<typeof MediaStateSchema>;

export const CallCauseSchema = Type.Enum([
  "ABANDONED",
  "ALL_TRUNK_BUSY",
  "BUSY",
  "CLEARED",
  "PARTICIPANT_LEFT",
  "CONFERENCED",
  "INVALID_NUMBER",
  "DESTINATION_NOT_OBTAINABLE",
  "DO_NOT_DISTURB",
  "FORWARDED",
  "NOT_ANSWERED",
  "PICKED_UP",
  "PARKED",
  "REDIRECTED",
  "OVERFLOWN",
  "TRANSFERRED",
  "CAMP_ON",
  "UNKNOWN",
  "PICKED_UP_TANDEM",
  "CALL_BACK",
  "RECALL",
  "DISTRIBUTED",
  "ACD_ENTER_DISTRIBUTION",
  "RESOURCES_NOT_AVAILABLE",
  "SUPERVISOR_LISTENING",
  "SUPERVISOR_INTRUSION",
  "SUPERVISOR_RESTRICT_INTRUSION",
  "NO_AVAILABLE_AGENT",
  "LOCKOUT",
]);
export type CallCause = Static<typeof CallCauseSchema>;

export const IdentifierSchema = Type.Object({
  loginName: Type.Optional(text("absent for a party that is no O2G user")),
  phoneNumber: Type.Optional(text()),
});
export type Identifier = Static<typeof IdentifierSchema>;

export const PartyInfoSchema = Type.Object(
  {
    id: IdentifierSchema,
    firstName: Type.Optional(text()),
    lastName: Type.Optional(text()),
    displayName: Type.Optional(text()),
    type: Type.Optional(
      Type.Object({
        main: Type.Enum(["USER", "DEVICE", "SERVICE", "EXTERNAL", "UNKNOWN"]),
        subType: Type.Optional(text("the set's model, for a user's device")),
      }),
    ),
  },
  { title: "PartyInfo" },
);
export type PartyInfo = Static<typeof PartyInfoSchema>;

const flags = <K extends string>(names: readonly K[]) =>
  Object.fromEntries(names.map((n) => [n, Type.Boolean()])) as { [P in K]: ReturnType<typeof Type.Boolean> };

export const LegCapabilitiesSchema = Type.Object(
  flags([
    "answer",
    "drop",
    "hold",
    "retrieve",
    "reconnect",
    "mute",
    "unMute",
    "sendDtmf",
    "switchDevice",
  ] as const),
  { title: "LegCapabilities" },
);
export type LegCapabilities = Static<typeof LegCapabilitiesSchema>;

export const CallCapabilitiesSchema = Type.Object(
  flags([
    "addDevice",
    "addParticipant",
    "intruded",
    "intrusion",
    "transfer",
    "blindTransfer",
    "merge",
    "redirect",
    "pickedUp",
    "redirectToVoiceMail",
    "overflowToVoiceMail",
    "dropMe",
    "terminate",
    "reject",
    "callBack",
    "park",
    "startRecord",
    "stopRecord",
    "pauseRecord",
    "resumeRecord",
    "dropParticipant",
    "muteParticipant",
    "holdParticipant",
  ] as const),
  { title: "CallCapabilities" },
);
export type CallCapabilities = Static<typeof CallCapabilitiesSchema>;

export const LegSchema = Type.Object(
  {
    deviceId: text("the user's device in the call"),
    state: MediaStateSchema,
    ringingRemote: Type.Boolean(),
    capabilities: LegCapabilitiesSchema,
  },
  { title: "Leg" },
);
export type Leg = Static<typeof LegSchema>;

export const ParticipantSchema = Type.Object(
  {
    participantId: text(),
    identity: PartyInfoSchema,
    anonymous: Type.Boolean(),
    undroppable: Type.Boolean(),
    state: MediaStateSchema,
  },
  { title: "Participant" },
);
export type Participant = Static<typeof ParticipantSchema>;

export const CallDataSchema = Type.Object(
  {
    initialCalled: Type.Optional(PartyInfoSchema),
    lastRedirecting: Type.Optional(PartyInfoSchema),
    deviceCall: Type.Boolean(),
    anonymous: Type.Boolean(),
    state: MediaStateSchema,
    capabilities: CallCapabilitiesSchema,
    associatedData: Type.Optional(text("the correlator data, when it is printable text")),
    hexaBinaryAssociatedData: Type.Optional(text("the correlator data in hexadecimal")),
  },
  { title: "CallData" },
);
export type CallData = Static<typeof CallDataSchema>;

export const CallSchema = Type.Object(
  {
    callRef: text(),
    callData: CallDataSchema,
    legs: Type.Array(LegSchema),
    participants: Type.Array(ParticipantSchema),
  },
  { title: "Call" },
);
export type Call = Static<typeof CallSchema>;

export const DeviceCapabilitiesSchema = Type.Object(
  {
    deviceId: text(),
    makeCall: Type.Boolean(),
    makeBusinessCall: Type.Boolean(),
    makePrivateCall: Type.Boolean(),
    unParkCall: Type.Boolean(),
  },
  { title: "DeviceCapabilities" },
);
export type DeviceCapabilities = Static<typeof DeviceCapabilitiesSchema>;

export const UserStateSchema = Type.Enum(["FREE", "BUSY", "UNKNOWN"]);
export type UserState = Static<typeof UserStateSchema>;

export const DeviceStateSchema = Type.Object(
  { deviceId: text(), state: Type.Enum(["IN_SERVICE", "OUT_OF_SERVICE", "UNKNOWN"]) },
  { title: "DeviceState" },
);
export type DeviceState = Static<typeof DeviceStateSchema>;

export const TelephonicStateSchema = Type.Object(
  {
    calls: Type.Array(CallSchema),
    deviceCapabilities: Type.Array(DeviceCapabilitiesSchema),
    userState: UserStateSchema,
    deviceStates: Type.Object({ deviceStates: Type.Array(DeviceStateSchema) }),
  },
  { title: "TelephonicState" },
);
export type TelephonicState = Static<typeof TelephonicStateSchema>;

// ---- events ---------------------------------------------------------------------------------

const login = { loginName: text("the user the event is for") };

const event = <N extends string, F extends Record<string, TSchema>>(name: N, fields: F) =>
  Type.Object({ eventName: Type.Literal(name), ...login, ...fields });

export const OnCallCreatedSchema = event("OnCallCreated", {
  callRef: text(),
  cause: CallCauseSchema,
  callData: CallDataSchema,
  legs: Type.Array(LegSchema),
  participants: Type.Array(ParticipantSchema),
  deviceCapabilities: Type.Array(DeviceCapabilitiesSchema),
});

export const OnCallModifiedSchema = event("OnCallModified", {
  callRef: text(),
  cause: CallCauseSchema,
  previousCallRef: Type.Optional(text("the call this one replaces (no OnCallRemoved for it)")),
  replacedByCallRef: Type.Optional(text()),
  callData: CallDataSchema,
  modifiedLegs: Type.Array(LegSchema),
  addedLegs: Type.Array(LegSchema),
  removedLeg: Type.Array(LegSchema),
  modifiedParticipants: Type.Array(ParticipantSchema),
  addedParticipants: Type.Array(ParticipantSchema),
  removedParticipants: Type.Array(text(), { description: "participant ids" }),
  deviceCapabilities: Type.Array(DeviceCapabilitiesSchema),
});

export const OnCallRemovedSchema = event("OnCallRemoved", {
  callRef: text(),
  cause: CallCauseSchema,
  newDestination: Type.Optional(text("where a forwarded or redirected call went")),
  deviceCapabilities: Type.Array(DeviceCapabilitiesSchema),
});

export const OnUserStateModifiedSchema = event("OnUserStateModified", { state: UserStateSchema });

export const OnDeviceStateModifiedSchema = event("OnDeviceStateModified", {
  deviceStates: Type.Array(DeviceStateSchema),
});

export const OnTelephonyStateSchema = event("OnTelephonyState", { state: TelephonicStateSchema });

/** The events the telephony engine sends, by name (the event package "telephony"). */
export const TELEPHONY_EVENT_SCHEMAS = {
  OnCallCreated: OnCallCreatedSchema,
  OnCallModified: OnCallModifiedSchema,
  OnCallRemoved: OnCallRemovedSchema,
  OnUserStateModified: OnUserStateModifiedSchema,
  OnDeviceStateModified: OnDeviceStateModifiedSchema,
  OnTelephonyState: OnTelephonyStateSchema,
} as const;

export type TelephonyEvent =
  | Static<typeof OnCallCreatedSchema>
  | Static<typeof OnCallModifiedSchema>
  | Static<typeof OnCallRemovedSchema>
  | Static<typeof OnUserStateModifiedSchema>
  | Static<typeof OnDeviceStateModifiedSchema>
  | Static<typeof OnTelephonyStateSchema>;
