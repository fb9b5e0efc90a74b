/**
 * The communication log as O2G's clients read it. Field names and enum values are the wire's
 * (the SDK's ComHistoryRecordJson, ComRecordParticipantJson, PartyInfoJson): the service can send
 * these objects as they are.
 */

export type Role = "CALLER" | "CALLEE" | "UNKNOWN";

/** Why a participant's communication was established, rerouted or released. */
export type Reason =
  | "ALL_TRUNK_BUSY"
  | "INVALID_NUMBER"
  | "ABANDONED"
  | "BUSY"
  | "CONFERENCED"
  | "PICKUP"
  | "FORWARDED"
  | "REDIRECTED"
  | "RELEASED_ON_REDIRECT"
  | "TRANSFERRED"
  | "RELEASED_ON_TRANSFER"
  | "VOICEMAIL"
  | "NORMAL"
  | "UNKNOWN";

export type PartyType = "USER" | "DEVICE" | "SERVICE" | "EXTERNAL" | "UNKNOWN";

export interface Identifier {
  loginName?: string;
  phoneNumber?: string;
  multiLine?: boolean;
}

export interface PartyInfo {
  id: Identifier;
  firstName?: string;
  lastName?: string;
  /** absent when first and last names are given */
  displayName?: string;
  type?: { main: PartyType; subType?: string };
}

export interface ComRecordParticipant {
  role?: Role;
  answered?: boolean;
  identity: PartyInfo;
  anonymous?: boolean;
  /** the number first dialled when this participant entered the call */
  initialCalled?: PartyInfo;
  reason?: Reason;
  /** the device leg in the call when it is not the user's main device */
  leg?: string;
}

/** One call in one user's log. Dates are ISO 8601 in UTC with milliseconds. */
export interface ComRecord {
  recordId: number;
  comRef: string;
  acknowledged: boolean;
  participants: ComRecordParticipant[];
  beginDate: string;
  endDate?: string;
  convDate?: string;
  holdDuration?: number;
  transferredBy?: string;
  associatedData?: string;
}

/** The answer to a query, as the wire's ComHistoryRecordsJson. */
export interface ComRecordPage {
  offset: number;
  limit: number;
  /** records matching the filter, all pages together */
  totalCount: number;
  comHistoryRecords: ComRecord[];
}

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
