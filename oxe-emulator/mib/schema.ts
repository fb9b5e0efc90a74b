/**
 * The managed-object schema an emulated node serves over CMIP: object classes, their attributes
 * with types, sizes, ranges, enumerations, mandatory / read-only / write-only flags, and actions.
 * The gateway reads it from the node (class ObjectModel) and resolves names to the local ids
 * used on the wire, so nothing in the gateway hard-codes these numbers.
 *
 * Names follow the OXE management conventions (Subscriber, Directory_Number, Annu_Name ...);
 * ids and the exact attribute set are ours, the OXE's own MIB not being public.
 */
import type { SchemaAttribute, SchemaAttributeType, SchemaClass } from "../../protocols/cmip/index.js";
import { OBJECT_MODEL_CLASS_ID, OBJECT_MODEL_CLASSES_ATTRIBUTE } from "../../protocols/cmip/index.js";
import { STATION_TYPES } from "../directory/index.js";

const a = (
  id: number,
  name: string,
  type: SchemaAttributeType,
  more: Partial<Omit<SchemaAttribute, "id" | "name" | "type">> = {},
): SchemaAttribute => ({ id, name, type, mandatory: false, readOnly: false, writeOnly: false, ...more });

export const OBJECT_MODEL_CLASS: SchemaClass = {
  id: OBJECT_MODEL_CLASS_ID,
  name: "ObjectModel",
  parent: "Node",
  namingAttribute: "Model_Name",
  attributes: [
    a(1, "Model_Name", "string", { readOnly: true }),
    a(OBJECT_MODEL_CLASSES_ATTRIBUTE, "Classes", "string", { readOnly: true }),
  ],
  actions: [],
};

export const NODE_CLASS: SchemaClass = {
  id: 1,
  name: "Node",
  parent: null,
  namingAttribute: "Node_Number",
  attributes: [
    a(1, "Node_Number", "integer", { readOnly: true, mandatory: true, min: 1, max: 255 }),
    a(2, "Node_Name", "string", { max: 32 }),
    a(3, "Version", "string", { readOnly: true }),
    a(4, "Subscriber_Count", "integer", { readOnly: true }),
    a(5, "First_Number", "string", { readOnly: true }),
    a(6, "Last_Number", "string", { readOnly: true }),
  ],
  actions: [],
};

export const SUBSCRIBER_CLASS: SchemaClass = {
  id: 2,
  name: "Subscriber",
  parent: "Node",
  namingAttribute: "Directory_Number",
  attributes: [
    a(1, "Directory_Number", "string", { mandatory: true, min: 1, max: 8, pattern: "^[0-9]+$" }),
    a(2, "Annu_Name", "string", { mandatory: true, min: 1, max: 40 }),
    a(3, "Annu_First_Name", "string", { max: 40 }),
    a(4, "Station_Type", "enum", { mandatory: true, values: STATION_TYPES.map((t) => t.name) }),
    a(5, "Class_Of_Service", "integer", { min: 0, max: 63 }),
    a(6, "Cost_Center", "integer", { min: 0, max: 999 }),
    a(7, "Entity_Number", "integer", { min: 1, max: 99 }),
    a(8, "Login_Name", "string", { readOnly: true }),
    a(9, "Password", "string", { min: 4, max: 8, pattern: "^[0-9]+$", writeOnly: true }),
  ],
  actions: [{ id: 1, name: "Check_Password" }],
};

export const CLASSES: readonly SchemaClass[] = [OBJECT_MODEL_CLASS, NODE_CLASS, SUBSCRIBER_CLASS];

export function classById(id: number): SchemaClass | undefined {
  return CLASSES.find((c) => c.id === id);
}

export function attr(cls: SchemaClass, name: string): SchemaAttribute {
  const x = cls.attributes.find((y) => y.name === name);
  if (!x) throw new Error(`${cls.name} has no attribute ${name}`);
  return x;
}
