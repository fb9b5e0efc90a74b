/**
 * The routing bodies as the gateway validates them (the same compiler as the server), and the
 * routing cause each refusal gets: the cause O2G gives, which the SDK reads.
 */
import type { FastifySchemaValidationError } from "fastify";
import type { TSchema } from "typebox";
import { describe, expect, it } from "vitest";
import { validatorCompiler } from "../../http/contract/index.js";
import {
  routingCauseOf,
  routingValidationError,
  SetForwardBody,
  SetOverflowBody,
  SetRoutingStateBody,
} from "./schemas.js";

const compile = validatorCompiler();

/** The cause the routing service answers for `body`, or "accepted". */
function causeFor(schema: TSchema, body: unknown): string {
  const validate = compile({ schema, httpPart: "body", method: "POST", url: "/" }) as unknown as ((
    x: unknown,
  ) => boolean) & { errors?: FastifySchemaValidationError[] };
  if (validate(body)) return "accepted";
  return routingCauseOf(validate.errors![0]!);
}

const forward = (route: unknown) => ({ forwardRoute: route });
const to = (d: unknown) => forward({ destinations: [d] });

describe("the forward body", () => {
  it.each<[string, unknown, string]>([
    ["no body", undefined, "NULL_PARAMETER"],
    ["no forwardRoute", {}, "NULL_PARAMETER"],
    ["a forwardRoute that is no object", forward("x"), "NULL_PARAMETER"],
    ["no destinations", forward({}), "NULL_OR_EMPTY_PARAMETER"],
    ["empty destinations", forward({ destinations: [] }), "NULL_OR_EMPTY_PARAMETER"],
    ["destinations that are no list", forward({ destinations: "x" }), "NULL_OR_EMPTY_PARAMETER"],
    [
      "two destinations",
      forward({ destinations: [{ type: "VOICEMAIL" }, { type: "VOICEMAIL" }] }),
      "INVALID_FORWARD_ROUTE",
    ],
    ["a destination that is no object", to("x"), "NULL_PARAMETER"],
    ["letters in the number", to({ type: "NUMBER", number: "12ab" }), "BAD_PHONE_NUMBER_FORMAT"],
    ["a 33-digit number", to({ type: "NUMBER", number: "1".repeat(33) }), "BAD_PHONE_NUMBER_FORMAT"],
    ["an empty number", to({ type: "NUMBER", number: "" }), "NULL_OR_EMPTY_PARAMETER"],
    ["a number that is a number", to({ type: "NUMBER", number: 10023 }), "INVALID_FORWARD_ROUTE"],
    ["a FAX destination", to({ type: "FAX" }), "INVALID_FORWARD_ROUTE"],
    [
      "an unknown forwardType",
      forward({ forwardType: "SOMETIMES", destinations: [{ type: "VOICEMAIL" }] }),
      "INVALID_FORWARD_ROUTE",
    ],
    ["a forward to a number", to({ type: "NUMBER", number: "+33*10#" }), "accepted"],
    [
      "the SDK's forward to voice mail",
      forward({ forwardType: "BUSY", destinations: [{ type: "VOICEMAIL" }] }),
      "accepted",
    ],
  ])("%s: %s", (_what, body, cause) => {
    expect(causeFor(SetForwardBody, body)).toBe(cause);
  });
});

describe("the overflow body", () => {
  it.each<[string, unknown, string]>([
    ["no overflowRoutes", {}, "NULL_PARAMETER"],
    ["overflowRoutes that are no object", { overflowRoutes: "x" }, "NULL_PARAMETER"],
    ["an unknown overflowType", { overflowRoutes: { overflowType: "ALWAYS" } }, "INVALID_OVERFLOW_ROUTE"],
    [
      "an overflow to a number",
      { overflowRoutes: { overflowType: "BUSY", destinations: [{ type: "NUMBER", number: "1" }] } },
      "INVALID_OVERFLOW_ROUTE",
    ],
    [
      "the SDK's overflow",
      { overflowRoutes: { overflowType: "BUSY", destinations: [{ type: "VOICEMAIL", selected: true }] } },
      "accepted",
    ],
    ["a list of one", { overflowRoutes: [{ overflowType: "NO_ANSWER" }] }, "accepted"],
  ])("%s: %s", (_what, body, cause) => {
    expect(causeFor(SetOverflowBody, body)).toBe(cause);
  });
});

describe("the routing state body", () => {
  it.each<[string, unknown, string]>([
    [
      "a FAX presentation",
      { presentationRoutes: [{ destinations: [{ type: "FAX" }] }] },
      "INVALID_CURRENT_DEVICE",
    ],
    ["no presentation route", { presentationRoutes: [] }, "NULL_OR_EMPTY_PARAMETER"],
    ["presentation routes that are no list", { presentationRoutes: "x" }, "NULL_OR_EMPTY_PARAMETER"],
    [
      "a presentation with no destination",
      { presentationRoutes: [{ destinations: [] }] },
      "NULL_OR_EMPTY_PARAMETER",
    ],
    ["a DND that is not a boolean", { dndState: { activate: "yes" } }, "NULL_PARAMETER"],
    [
      "two forwards",
      { forwardRoutes: [{ destinations: [] }, { destinations: [] }] },
      "INVALID_FORWARD_ROUTE",
    ],
    ["forwards that are no list", { forwardRoutes: "x" }, "INVALID_FORWARD_ROUTE"],
    [
      "the SDK's remote extension",
      { presentationRoutes: [{ destinations: [{ type: "MOBILE", selected: true }] }] },
      "accepted",
    ],
    ["a cancel of forward and overflow", { forwardRoutes: [], overflowRoutes: [] }, "accepted"],
  ])("%s: %s", (_what, body, cause) => {
    expect(causeFor(SetRoutingStateBody, body)).toBe(cause);
  });
});

describe("the schema error formatter", () => {
  it("gives a refused body O2G's routing block and names the field; other parts a plain 400", () => {
    const e = {
      keyword: "pattern",
      instancePath: "/forwardRoute/destinations/0/number",
      schemaPath: "",
      params: {},
    };
    const body = routingValidationError([{ ...e, message: "must match pattern" }], "body").body();
    expect(body).toMatchObject({
      code: 400,
      routing: { errorType: "BAD_PARAMETER_VALUE", errorCause: "BAD_PHONE_NUMBER_FORMAT" },
    });
    expect(body.helpMessage).toMatch(/forwardRoute\/destinations\/0\/number/);
    const query = {
      keyword: "maxLength",
      instancePath: "/loginName",
      schemaPath: "",
      params: {},
      message: "too long",
    };
    const q = routingValidationError([query], "querystring").body();
    expect(q).toMatchObject({ code: 400, type: "BAD_REQUEST" });
    expect(q.routing).toBeUndefined();
    expect(q.helpMessage).toMatch(/loginName/);
  });
});
