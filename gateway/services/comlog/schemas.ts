/** What the communication log service takes: its query strings, path and body as schemas. */
import { Type } from "typebox";
import { LoginName } from "../common/schemas.js";

/** The longest page: a client reads further pages with `offset`. */
export const MAX_LIMIT = 100;

const RecordIdText = Type.String({ pattern: "^[0-9]{1,15}$", description: "a record id" });

/** ISO 8601 only: Date would also parse "2024" or "March 7", which a client would not mean. */
const IsoDate = Type.String({
  maxLength: 40,
  pattern: "^\\d{4}-\\d{2}-\\d{2}(T[\\d:.]+(Z|[+-]\\d{2}:?\\d{2})?)?$",
  description: "an ISO 8601 date",
});

/** The catalogue's filters, on GET and DELETE. */
const FilterFields = {
  loginName: Type.Optional(LoginName),
  afterDate: Type.Optional(IsoDate),
  beforeDate: Type.Optional(IsoDate),
  comRef: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  remotePartyId: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: "a login name or phone number" }),
  ),
  role: Type.Optional(Type.Union([Type.Literal("CALLER"), Type.Literal("CALLEE")])),
  unacknowledged: Type.Optional(Type.Boolean()),
  unanswered: Type.Optional(Type.Boolean()),
};

export const QueryComlogQuery = Type.Object({
  ...FilterFields,
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 999_999_999 })),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 999_999_999, description: `at most ${MAX_LIMIT} are answered` }),
  ),
  optimized: Type.Optional(
    Type.Boolean({ description: "a party in full once per page, by its number afterwards" }),
  ),
});

export const DeleteComlogQuery = Type.Object({
  ...FilterFields,
  recordIdList: Type.Optional(
    Type.String({
      maxLength: 16_000,
      pattern: "^[0-9]{1,15}(,[0-9]{1,15})*,?$",
      description: "record ids joined with commas; the filters are ignored when given",
    }),
  ),
});

export const RecordParams = Type.Object({ recordId: RecordIdText });

export const AcknowledgeQuery = Type.Object({
  loginName: Type.Optional(LoginName),
  acknowledge: Type.Boolean({ description: "true: acknowledge, false: unacknowledge" }),
});

/** The SDK sends the ids as text; numbers are taken too. */
export const AcknowledgeBody = Type.Object({
  recordIds: Type.Array(
    Type.Union([Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), RecordIdText]),
    {
      minItems: 1,
      maxItems: 1000,
    },
  ),
});
