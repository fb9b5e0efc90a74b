/** Attribute ids by name, for the code that reads a class's attributes by their schema names. */
import { PROG_KEY_CLASS, SOFT_KEY_CLASS, SUBSCRIBER_CLASS } from "./schema.js";

export const SUBSCRIBER_ATTRIBUTES = Object.fromEntries(
  SUBSCRIBER_CLASS.attributes.map((x) => [x.name, x.id]),
) as Record<string, number>;
export const PROG_KEY_ATTRIBUTES = Object.fromEntries(
  PROG_KEY_CLASS.attributes.map((x) => [x.name, x.id]),
) as Record<string, number>;
export const SOFT_KEY_ATTRIBUTES = Object.fromEntries(
  SOFT_KEY_CLASS.attributes.map((x) => [x.name, x.id]),
) as Record<string, number>;
