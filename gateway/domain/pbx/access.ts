/**
 * Where the management services (PBX management, phone set programming, users management) find
 * the node a request is for: a node number from the path, and the node reachable over its
 * configuration link with its object model read (503 otherwise). Who may call them is checked
 * at the HTTP edge (http/management-guard.ts).
 */
import type { CmipClient } from "../../links/index.js";
import { invalid, notFound } from "../errors.js";
import { fromCmip, nodeUnreachable } from "./errors.js";

/** What these functions need of a node: its number and its configuration link. */
export interface ConfigurationNode {
  readonly nodeId: number;
  readonly cmip: CmipClient;
}

/** The nodes a request may name (the gateway core is one). */
export interface NodeLookup<N extends ConfigurationNode = ConfigurationNode> {
  node(nodeId: number): N | undefined;
}

const NODE_ID = /^[1-9][0-9]{0,4}$/;

export function parseNodeId(raw: string): number {
  if (!NODE_ID.test(raw)) throw invalid(`"${raw}" is not a node number`);
  return Number(raw);
}

/** The link to node `nodeId`, ready for configuration requests. */
export function configurationLink<N extends ConfigurationNode>(core: NodeLookup<N>, nodeId: number): N {
  const node = core.node(nodeId);
  if (!node) throw notFound(`no OXE node ${nodeId} is connected to this gateway`);
  if (!node.cmip.isUp || node.cmip.schema.size === 0) throw nodeUnreachable(nodeId);
  return node;
}

/**
 * Run a CMIP request on `node`, answering its failure as O2G does (`className`: the class whose
 * attribute a refusal names).
 */
export function onNode<T>(
  node: ConfigurationNode,
  request: () => Promise<T>,
  className?: string,
): Promise<T> {
  // Not a named closure made here: every management request comes through, and under tsx each
  // named closure also costs a call to name it.
  try {
    return request().catch((err: unknown) => failOn(node, err, className));
  } catch (err) {
    return failOn(node, err, className);
  }
}

function failOn(node: ConfigurationNode, err: unknown, className: string | undefined): never {
  throw fromCmip(err, node.nodeId, className ? node.cmip.schema.get(className) : undefined);
}
