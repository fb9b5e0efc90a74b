/**
 * The communication log as O2G's clients read it. Field names and enum values are the wire's
 * (the SDK's ComHistoryRecordJson, ComRecordParticipantJson, PartyInfoJson): the service can send
 * these objects as they are. The wire shapes are schemas (schema.ts); the types follow from them.
 */
import type { Static } from "typebox";
import type {
  ComRecordPageSchema,
  ComRecordParticipantSchema,
  ComRecordSchema,
  IdentifierSchema,
  PartyInfoSchema,
  PartyTypeSchema,
  ReasonSchema,
  RoleSchema,
} from "./schema.js";

export type Role = Static<typeof RoleSchema>;
/** Why a participant's communication was established, rerouted or released. */
export type Reason = Static<typeof ReasonSchema>;
export type PartyType = Static<typeof PartyTypeSchema>;
export type Identifier = Static<typeof IdentifierSchema>;
export type PartyInfo = Static<typeof PartyInfoSchema>;
export type ComRecordParticipant = Static<typeof ComRecordParticipantSchema>;
/** One call in one user's log. Dates are ISO 8601 in UTC with milliseconds. */
export type ComRecord = Static<typeof ComRecordSchema>;
/** The answer to a query, as the wire's ComHistoryRecordsJson. */
export type ComRecordPage = Static<typeof ComRecordPageSchema>;

/** What the gateway hands the log when a call ends for a user. */
export interface NewComRecord {
  /** the user whose log this is */
  loginName: string;
  comRef: string;
  participants: ComRecordParticipant[];
  beginDate: Date;
  endDate?: Date | null;
  convDate?: Date | null;
  holdDuration?: number | null;
  transferredBy?: string | null;
  associatedData?: string | null;
  acknowledged?: boolean;
  /** this user's role in the call; default: the role of the participant with this login name */
  role?: Role;
  /** whether the call was answered; default: it has a conversation date or an answering callee */
  answered?: boolean;
}

/**
 * The catalogue's filters (query parameters of GET and DELETE on the comlog service). Every
 * given criterion must hold. Dates compare with the record's beginDate, both bounds excluded.
 */
export interface ComlogFilter {
  afterDate?: Date;
  beforeDate?: Date;
  comRef?: string;
  /** a login name or phone number of another participant */
  remotePartyId?: string;
  /** this user's role in the call */
  role?: "CALLER" | "CALLEE";
  unacknowledged?: boolean;
  unanswered?: boolean;
}

export interface ComlogPaging {
  offset?: number;
  limit?: number;
}
