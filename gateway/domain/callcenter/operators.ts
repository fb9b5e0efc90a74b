/**
 * Which users are CCD operators (agents or supervisors): the node's CCD_Operator objects, read
 * over CMIP with its users, mark their users `acdOperator`, which the Users service's
 * `logins?onlyACD=true` lists. A node without a CCD (no CCD_Operator class) has none.
 */
import type { CmipClient } from "../../links/cmip-client.js";
import type { UserDirectory } from "../directory.js";
import { objectIdOf } from "../pbx/model.js";

/** Mark the node's users that are CCD operators (and unmark the others); how many are. */
export async function markAcdOperators(
  cmip: Pick<CmipClient, "schema" | "scopedGet">,
  directory: UserDirectory,
  nodeId: number,
): Promise<number> {
  return markAcdOperatorNumbers(await readAcdOperatorNumbers(cmip), directory, nodeId);
}

/** The numbers of the node's CCD operators (none without a CCD). */
export async function readAcdOperatorNumbers(
  cmip: Pick<CmipClient, "schema" | "scopedGet">,
): Promise<ReadonlySet<string>> {
  const numbers = new Set<string>();
  if (cmip.schema.has("CCD_Operator"))
    await cmip.scopedGet("CCD_Operator", ["Operator_Number"], (instance, a) => {
      numbers.add(String(a.Operator_Number ?? objectIdOf(instance)));
    });
  return numbers;
}

/**
 * markAcdOperators with the numbers read already: the startup read asks for them with the users,
 * in the same burst of requests.
 */
export function markAcdOperatorNumbers(
  numbers: ReadonlySet<string>,
  directory: UserDirectory,
  nodeId: number,
): number {
  let count = 0;
  for (const u of directory.usersOfNode(nodeId)) {
    const operator =
      numbers.size > 0 && (numbers.has(u.companyPhone) || u.devices.some((d) => numbers.has(d.id)));
    // Written only when it says something: a property added to each of a node's 20,000 users
    // (made without it) gave each a property store of its own, on the startup path.
    if (operator || u.acdOperator !== undefined) u.acdOperator = operator;
    if (operator) count++;
  }
  return count;
}
