/**
 * The notifications a node sends in M-EVENT-REPORTs when its configuration changes, with the
 * X.721 (Definition of Management Information) meanings: object creation, object deletion,
 * attribute value change. The eventType travels in its local form; the eventInfo is the list of
 * the object's attributes (creation: all readable ones; change: those that changed; deletion:
 * none), as `[[attributeId, value], ...]`, so a manager learns what changed without asking.
 */
import type { Attribute, CmipValue } from "./pdus.js";

export const CmipEventType = {
  objectCreation: 1,
  objectDeletion: 2,
  attributeValueChange: 3,
} as const;
export type CmipEventName = keyof typeof CmipEventType;

const EVENT_NAMES = Object.fromEntries(Object.entries(CmipEventType).map(([k, v]) => [v, k])) as Record<
  number,
  CmipEventName
>;

export function eventName(eventType: number): CmipEventName | undefined {
  return EVENT_NAMES[eventType];
}

export function encodeEventAttributes(attributes: readonly Attribute[]): CmipValue {
  return attributes.map((a) => [a.id, a.value]);
}

/** The attributes an eventInfo carries; entries of another shape are skipped, not fatal. */
export function decodeEventAttributes(info: CmipValue | undefined): Attribute[] {
  if (!Array.isArray(info)) return [];
  const out: Attribute[] = [];
  for (const e of info) {
    if (Array.isArray(e) && typeof e[0] === "number" && e.length === 2) out.push({ id: e[0], value: e[1]! });
  }
  return out;
}
