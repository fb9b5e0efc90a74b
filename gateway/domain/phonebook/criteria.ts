/**
 * Directory search criteria as the SDK sends them: a leaf `{ field, operation, operand }`
 * (field lastName, firstName, id.phoneNumber, id.loginName; operation EQUAL_IGNORE_CASE,
 * BEGIN_WITH, CONTAIN, END_WITH) or a combination `{ operation: AND | OR, operand: [...] }`.
 * Parsed once, with a message that says where a malformed one went wrong.
 */
export type Field = "lastName" | "firstName" | "id.phoneNumber" | "id.loginName";
export type Operation = "EQUAL_IGNORE_CASE" | "BEGIN_WITH" | "CONTAIN" | "END_WITH";

export type Criterion =
  | { kind: "leaf"; field: Field; operation: Operation; value: string }
  | { kind: "and" | "or"; children: Criterion[] };

const FIELDS: ReadonlySet<string> = new Set(["lastName", "firstName", "id.phoneNumber", "id.loginName"]);
const OPERATIONS: ReadonlySet<string> = new Set(["EQUAL_IGNORE_CASE", "BEGIN_WITH", "CONTAIN", "END_WITH"]);
export const MAX_DEPTH = 8;
export const MAX_NODES = 64;

export class CriteriaError extends Error {}

export function parseCriteria(json: unknown): Criterion {
  let nodes = 0;
  const walk = (x: unknown, path: string, depth: number): Criterion => {
    if (++nodes > MAX_NODES) throw new CriteriaError(`the filter has more than ${MAX_NODES} criteria`);
    if (depth > MAX_DEPTH) throw new CriteriaError(`the filter nests deeper than ${MAX_DEPTH} levels`);
    if (typeof x !== "object" || x === null || Array.isArray(x))
      throw new CriteriaError(`${path} must be a criterion object`);
    const c = x as Record<string, unknown>;
    const op = c.operation;
    if (op === "AND" || op === "OR") {
      if (!Array.isArray(c.operand) || c.operand.length === 0)
        throw new CriteriaError(`${path}.operand must list the criteria to ${op}`);
      return {
        kind: op === "AND" ? "and" : "or",
        children: c.operand.map((o, i) => walk(o, `${path}.operand[${i}]`, depth + 1)),
      };
    }
    if (typeof op !== "string" || !OPERATIONS.has(op))
      throw new CriteriaError(
        `${path}.operation "${String(op)}" is not one of AND, OR, ${[...OPERATIONS].join(", ")}`,
      );
    if (typeof c.field !== "string" || !FIELDS.has(c.field))
      throw new CriteriaError(`${path}.field "${String(c.field)}" is not one of ${[...FIELDS].join(", ")}`);
    if (typeof c.operand !== "string" || c.operand.trim() === "")
      throw new CriteriaError(`${path}.operand must be a non-empty string`);
    if (c.operand.length > 64) throw new CriteriaError(`${path}.operand is longer than 64 characters`);
    return {
      kind: "leaf",
      field: c.field as Field,
      operation: op as Operation,
      value: c.operand.trim().toLowerCase(),
    };
  };
  return walk(json, "filter", 0);
}
