/**
 * Attribute values as the schema allows them (the check is the schema's own, shared with the
 * gateway, which words a node's invalidAttributeValue with it), and as a change compares them.
 */
import type { CmipValue } from "../../protocols/cmip/index.js";

export { valueProblem } from "../../protocols/cmip/index.js";

/** Whether a change left a value as it was (lists compare by content). */
export function sameValue(a: CmipValue | undefined, b: CmipValue | undefined): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}
