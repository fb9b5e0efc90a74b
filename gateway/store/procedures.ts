/**
 * The procedures the pg-mem thread runs by name (sql.ts, Procedure): the thread cannot be handed
 * a function, so it imports every one a repository may call.
 */
import { COMLOG_PROCEDURES } from "./comlog/batch.js";
import type { Procedure } from "./sql.js";

// `never`: the table holds procedures of every argument type; the caller named the right one.
export const PROCEDURES: ReadonlyMap<string, Procedure<never, unknown>> = new Map(
  [...COMLOG_PROCEDURES].map((p) => [p.name, p as Procedure<never, unknown>]),
);
