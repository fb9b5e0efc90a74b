/**
 * A node's RSI points (ccd/rsi.ts) as managed objects below Node: RSI_Point, read-only, so that
 * an application (O2G's getRsiPoints) lists them over CMIP with whether an application serves
 * each now.
 *
 * Ours (the OXE's MIB is not public): the class's name, id and attribute names. Hidden from the
 * PBX Management model, as the CCD's classes are.
 */
import type {
  CmipValue,
  SchemaAttribute,
  SchemaAttributeType,
  SchemaClass,
} from "../../protocols/cmip/index.js";
import type { RsiPointConfig, RsiPoints } from "../ccd/rsi.js";
import type { MibObject } from "./objects.js";
import { instanceError } from "./types.js";

const a = (id: number, name: string, type: SchemaAttributeType, max?: number): SchemaAttribute => ({
  id,
  name,
  type,
  mandatory: false,
  readOnly: true,
  writeOnly: false,
  ...(max !== undefined ? { max } : {}),
});

export const RSI_POINT_CLASS: SchemaClass = {
  id: 30,
  name: "RSI_Point",
  parent: "Node",
  namingAttribute: "RSI_Number",
  attributes: [
    a(1, "RSI_Number", "string", 8),
    a(2, "RSI_Name", "string", 32),
    a(3, "Registered", "boolean"),
  ],
  actions: [],
  create: false,
  delete: false,
  hidden: true,
};

class RsiPointObject implements MibObject {
  readonly cls = RSI_POINT_CLASS;
  readonly instance: string;
  constructor(
    root: string,
    private readonly rsi: RsiPoints,
    readonly point: RsiPointConfig,
  ) {
    this.instance = `${root}/RSI_Point=${point.number}`;
  }

  value(id: number): CmipValue | undefined {
    switch (id) {
      case 1:
        return this.point.number;
      case 2:
        return this.point.name;
      case 3:
        return this.rsi.isRegistered(this.point.number);
    }
    return undefined;
  }
}

export function rsiPointObject(rsi: RsiPoints, root: string, nodeId: number, id: string): MibObject {
  const p = rsi.points.get(id);
  if (!p || p.nodeId !== nodeId)
    throw instanceError(
      "noSuchObjectInstance",
      `${root}/RSI_Point=${id}`,
      `no RSI_Point ${id} on node ${nodeId}`,
    );
  return new RsiPointObject(root, rsi, p);
}

export function* rsiPointObjects(rsi: RsiPoints, root: string, nodeId: number): Iterable<MibObject> {
  for (const p of rsi.points.values()) if (p.nodeId === nodeId) yield new RsiPointObject(root, rsi, p);
}
