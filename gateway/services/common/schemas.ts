/**
 * Pieces of route schemas every service uses. A route declares its params, querystring, body and
 * response with these and TypeBox; the handler's types follow from them (TypeBoxTypeProvider),
 * and the OpenAPI document, validation and serialization from the same objects.
 */
import { Type } from "typebox";

/** A login name as O2G takes it: the directory's, at most 64 characters. */
export const LoginName = Type.String({ minLength: 1, maxLength: 64, description: "an O2G login name" });

/** A phone number or directory number: digits and the dialling characters. */
export const PhoneNumber = Type.String({ pattern: "^[0-9+*#]{1,32}$", description: "a phone number" });

/**
 * `?loginName=`: a user session may omit it or name itself (naming another is refused); an
 * administrator session must name the user, or acts for the account it supervises.
 */
export const LoginNameQuery = Type.Object({ loginName: Type.Optional(LoginName) });

/** `?flag=true|false` as the SDKs send it. */
export const BooleanText = Type.Boolean({ description: "true or false" });

/** An answer with no body (200 or 204). */
export const NoContent = Type.Null({ description: "no body" });

/**
 * A flag of the query string: `?all=true|false`, or bare (`?onlyACD`, as the SDKs send some of
 * them, and curl users often): the empty text means set. `isSet` reads it.
 */
export const QueryFlag = Type.Union([Type.Boolean(), Type.Literal("")], {
  description: "true, false, or present without a value (true)",
});
export const isSet = (flag: boolean | "" | undefined): boolean => flag === true || flag === "";

/**
 * NoContent for a handler that ends with `reply.code(200).send()`: fastify serializes nothing
 * when there is no payload, so the answer has no body at all (not `null`), as O2G's.
 */
export const NoBody = Type.Unsafe<undefined>(NoContent);

/** Schema keys of ours, copied into the OpenAPI operation (http/contract/openapi.ts). */
export interface ContractSchemaExtras {
  /** a call of the O2G catalogue this gateway does not do yet: it answers 501 */
  "x-o2g-not-built"?: boolean;
  /** who may call it, when narrower than any logged-in user */
  "x-o2g-access"?: "administrator" | "user" | "anyone";
}
