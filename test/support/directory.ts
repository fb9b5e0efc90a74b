/**
 * A gateway user directory for unit tests of what reads it (the telephony engine, its views):
 * users named after their number (login `oxe<number>`, names `F<number>` `L<number>`, an 8068
 * set), node by node.
 */
import { type GwUser, UserDirectory } from "../../gateway/domain/directory.js";

export function testDirectory(nodes: Record<number, readonly string[]>): {
  directory: UserDirectory;
  /** the user of that number */
  user: (number: string) => GwUser;
} {
  const directory = new UserDirectory();
  for (const [nodeId, numbers] of Object.entries(nodes))
    directory.replaceNode(
      Number(nodeId),
      numbers.map((n) => ({
        directoryNumber: n,
        lastName: `L${n}`,
        firstName: `F${n}`,
        stationType: "8068",
        loginName: `oxe${n}`,
      })),
    );
  const user = (n: string) => {
    const u = directory.users.get(`oxe${n}`);
    if (!u) throw new Error(`no user oxe${n} in the test directory`);
    return u;
  };
  return { directory, user };
}
