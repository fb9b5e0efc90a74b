/**
 * Request shapes of the Telephony service, as the SDKs send them (their telephony-rest.ts). The
 * handlers' types come from these; fastify validates them (a wrong type is a 400 naming the field).
 * Phone numbers and DTMF digits are checked by the handlers instead, so that a bad one gets O2G's
 * telephony error (BAD_PARAMETER_VALUE with its cause), which the SDKs read.
 */
import { type Static, Type } from "typebox";
import {
  CallSchema,
  DeviceStateSchema,
  LegSchema,
  ParticipantSchema,
} from "../../domain/telephony/schema.js";

const short = (description: string) => Type.String({ maxLength: 64, description });

export const DeviceId = Type.String({
  minLength: 1,
  maxLength: 64,
  description: "one of the user's devices",
});
export const CallRef = Type.String({ minLength: 1, maxLength: 64, description: "a call reference" });

export const CallRefParams = Type.Object({ callRef: CallRef });
export const LegParams = Type.Object({ callRef: CallRef, legId: DeviceId });
export const ParticipantParams = Type.Object({
  callRef: CallRef,
  participantId: Type.String({ minLength: 1, maxLength: 64 }),
});
export const DeviceParams = Type.Object({ deviceId: DeviceId });

/** The skills a call to a pilot asks for (the SDK's CallSkills). */
export const Skills = Type.Object({
  skills: Type.Array(
    Type.Object({
      skillNumber: Type.Optional(Type.Integer()),
      acrStatus: Type.Optional(Type.Boolean()),
      expertEvalLevel: Type.Optional(Type.Integer()),
    }),
    { maxItems: 64 },
  ),
});

/** The `acdCall` block of makeSupervisorCall and the pilot/RSI make-calls. */
const AcdCall = Type.Object({
  callToSupervisor: Type.Optional(Type.Boolean()),
  supervisedTransfer: Type.Optional(Type.Boolean()),
  skills: Type.Optional(Skills),
});

/**
 * `POST calls` (and `basicCall`): every make-call variant of the SDKs posts here, told apart by
 * the fields present: makeCallEx, makePrivateCall (pin, secretCode), makeBusinessCall
 * (businessCode), makeSupervisorCall (acdCall, no callee) and the pilot/RSI calls (acdCall).
 */
export const MakeCallBody = Type.Object({
  deviceId: Type.Optional(Type.String({ maxLength: 64, description: "the user's first device if absent" })),
  callee: Type.Optional(short("the number to call; absent only for a call to the supervisor")),
  autoAnswer: Type.Optional(
    Type.Boolean({ description: "the calling set goes off-hook by itself (default)" }),
  ),
  inhibitProgressTone: Type.Optional(Type.Boolean()),
  hexaBinaryAssociatedData: Type.Optional(
    Type.String({ maxLength: 64, description: "correlator data, 1 to 32 bytes in hexadecimal" }),
  ),
  callingNumber: Type.Optional(short("the number to present to the callee")),
  businessCode: Type.Optional(short("makeBusinessCall: the account code to charge")),
  pin: Type.Optional(short("makePrivateCall: the user's PIN")),
  secretCode: Type.Optional(short("makePrivateCall: the secret code")),
  acdCall: Type.Optional(AcdCall),
});
export type MakeCallBody = Static<typeof MakeCallBody>;

export const MadeCall = Type.Object({ callRef: Type.String({ description: "the new call" }) });

export const DeviceBody = Type.Object({ deviceId: DeviceId });

/** hold and retrieve: the SDKs name the device; other clients may post nothing (the user's leg). */
export const OptionalDeviceBody = Type.Union([
  Type.Object({ deviceId: Type.Optional(DeviceId) }),
  Type.Null(),
]);

export const HeldCallBody = Type.Object({ heldCallRef: CallRef });

export const ReconnectBody = Type.Object({ deviceId: Type.Optional(DeviceId), enquiryCallRef: CallRef });

export const RedirectBody = Type.Object({
  redirectTo: short('a number, or "VOICEMAIL"'),
  anonymous: Type.Optional(Type.Boolean()),
});

export const BlindTransferBody = Type.Object({
  transferTo: short("a number"),
  anonymous: Type.Optional(Type.Boolean()),
});

export const DtmfBody = Type.Object({
  deviceId: Type.Optional(DeviceId),
  number: short("the DTMF digits: 0-9, *, #, A-D"),
});

// ---- answers -----------------------------------------------------------------------------

/** `POST calls/{callRef}/park`: the SDK always names the set (parkTo), a number checked by the handler. */
export const ParkBody = Type.Object({
  parkTo: Type.String({ minLength: 1, maxLength: 64, description: "the device to park the call on" }),
});

/** `POST devices/{deviceId}/unpark`: the call parked on the device. */
export const UnparkBody = Type.Object({ heldCallRef: CallRef });

export const CallList = Type.Object({ calls: Type.Array(CallSchema) });
export const LegList = Type.Object({ legs: Type.Array(LegSchema) });
export const ParticipantList = Type.Object({ participants: Type.Array(ParticipantSchema) });
export const DeviceStateList = Type.Object({ deviceStates: Type.Array(DeviceStateSchema) });
