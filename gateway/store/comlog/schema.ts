/**
 * The communication log's wire shapes (the SDK's ComHistoryRecordJson, ComRecordParticipantJson,
 * ComHistoryRecordsJson, PartyInfoJson) as schemas: the record types follow from them (types.ts),
 * and the comlog and directory services answer with them.
 */
import { Type } from "typebox";

export const RoleSchema = Type.Union([
  Type.Literal("CALLER"),
  Type.Literal("CALLEE"),
  Type.Literal("UNKNOWN"),
]);

/** Why a participant's communication was established, rerouted or released. */
export const ReasonSchema = Type.Union([
  Type.Literal("ALL_TRUNK_BUSY"),
  Type.Literal("INVALID_NUMBER"),
  Type.Literal("ABANDONED"),
  Type.Literal("BUSY"),
  Type.Literal("CONFERENCED"),
  Type.Literal("PICKUP"),
  Type.Literal("FORWARDED"),
  Type.Literal("REDIRECTED"),
  Type.Literal("RELEASED_ON_REDIRECT"),
  Type.Literal("TRANSFERRED"),
  Type.Literal("RELEASED_ON_TRANSFER"),
  Type.Literal("VOICEMAIL"),
  Type.Literal("NORMAL"),
  Type.Literal("UNKNOWN"),
]);

export const PartyTypeSchema = Type.Union([
  Type.Literal("USER"),
  Type.Literal("DEVICE"),
  Type.Literal("SERVICE"),
  Type.Literal("EXTERNAL"),
  Type.Literal("UNKNOWN"),
]);

export const IdentifierSchema = Type.Object({
  loginName: Type.Optional(Type.String()),
  phoneNumber: Type.Optional(Type.String()),
  multiLine: Type.Optional(Type.Boolean()),
});

export const PartyInfoSchema = Type.Object(
  {
    id: IdentifierSchema,
    firstName: Type.Optional(Type.String()),
    lastName: Type.Optional(Type.String()),
    displayName: Type.Optional(Type.String({ description: "absent when first and last names are given" })),
    type: Type.Optional(Type.Object({ main: PartyTypeSchema, subType: Type.Optional(Type.String()) })),
  },
  { title: "PartyInfo" },
);

export const ComRecordParticipantSchema = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    answered: Type.Optional(Type.Boolean()),
    identity: PartyInfoSchema,
    anonymous: Type.Optional(Type.Boolean()),
    /** the number first dialled when this participant entered the call */
    initialCalled: Type.Optional(PartyInfoSchema),
    reason: Type.Optional(ReasonSchema),
    leg: Type.Optional(
      Type.String({ description: "the device leg in the call when it is not the user's main device" }),
    ),
  },
  { title: "ComRecordParticipant" },
);

/** One call in one user's log. Dates are ISO 8601 in UTC with milliseconds. */
export const ComRecordSchema = Type.Object(
  {
    recordId: Type.Integer({ minimum: 0 }),
    comRef: Type.String(),
    acknowledged: Type.Boolean(),
    participants: Type.Array(ComRecordParticipantSchema),
    beginDate: Type.String({ description: "ISO 8601, UTC" }),
    endDate: Type.Optional(Type.String()),
    convDate: Type.Optional(Type.String()),
    holdDuration: Type.Optional(Type.Number({ minimum: 0 })),
    transferredBy: Type.Optional(Type.String()),
    associatedData: Type.Optional(Type.String()),
  },
  { title: "ComRecord" },
);

/** The answer to a query, as the wire's ComHistoryRecordsJson. */
export const ComRecordPageSchema = Type.Object(
  {
    offset: Type.Integer({ minimum: 0 }),
    limit: Type.Integer({ minimum: 1 }),
    totalCount: Type.Integer({ minimum: 0, description: "records matching the filter, all pages together" }),
    comHistoryRecords: Type.Array(ComRecordSchema),
  },
  { title: "ComRecordPage" },
);
