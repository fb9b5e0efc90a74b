/**
 * What the directory service takes: a search's criteria and limit. The criteria nest (AND / OR
 * of criteria); the schema unrolls them to the depth the phone book takes, so that a filter
 * nested deeper is refused before anything walks it. What a schema cannot say (a leaf names
 * its field, AND / OR combine a list, at most MAX_NODES criteria in all) parseCriteria checks.
 */
import { type TSchema, Type } from "typebox";
import { MAX_DEPTH, MAX_NODES } from "../../domain/phonebook/index.js";

export const MAX_SEARCH_LIMIT = 1000;

const Field = Type.Union([
  Type.Literal("lastName"),
  Type.Literal("firstName"),
  Type.Literal("id.phoneNumber"),
  Type.Literal("id.loginName"),
]);

const Operation = Type.Union([
  Type.Literal("AND"),
  Type.Literal("OR"),
  Type.Literal("EQUAL_IGNORE_CASE"),
  Type.Literal("BEGIN_WITH"),
  Type.Literal("CONTAIN"),
  Type.Literal("END_WITH"),
]);

const Text = Type.String({ minLength: 1, maxLength: 64, description: "with a field: the text to look for" });

/** A criterion whose operand may hold criteria `levels` deep below it. */
function criterion(levels: number): TSchema {
  const operand =
    levels === 0
      ? Text
      : Type.Union([
          Text,
          Type.Array(criterion(levels - 1), {
            minItems: 1,
            maxItems: MAX_NODES,
            description: "with AND / OR: the criteria to combine",
          }),
        ]);
  return Type.Object({ field: Type.Optional(Field), operation: Operation, operand });
}

export const SearchBody = Type.Object({
  filter: criterion(MAX_DEPTH),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SEARCH_LIMIT, description: "absent: 100" })),
});
