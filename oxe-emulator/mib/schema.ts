/**
 * The managed-object schema an emulated node serves over CMIP: object classes, their attributes
 * with types, sizes, ranges, enumerations, defaults, mandatory / read-only / write-only flags,
 * what each class allows (create, delete, set) and its actions. The gateway reads it from the
 * node (class ObjectModel) and resolves names to the local ids used on the wire, so nothing in
 * the gateway hard-codes these numbers.
 *
 * Names follow the OXE management conventions (Subscriber, Directory_Number, Annu_Name, the
 * Pin_* names the O2G PIN resource carries ...); ids and the exact attribute set are ours, the
 * OXE's own MIB not being public.
 */
import type { SchemaAttribute, SchemaAttributeType, SchemaClass } from "../../protocols/cmip/index.js";
import { OBJECT_MODEL_CLASS_ID, OBJECT_MODEL_CLASSES_ATTRIBUTE } from "../../protocols/cmip/index.js";
import { STATION_TYPES } from "../directory/index.js";
import { HUNT_MODES } from "../model/hunting-groups.js";
import { CCD_CLASSES } from "./ccd-objects.js";
import { CCD_RTI_CLASSES } from "./ccd-rti-objects.js";
import { RSI_POINT_CLASS } from "./rsi-objects.js";

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
  create: false,
  delete: false,
  set: false,
  hidden: true,
};

export const NODE_CLASS: SchemaClass = {
  id: 1,
  name: "Node",
  parent: null,
  namingAttribute: "Node_Number",
  attributes: [
    a(1, "Node_Number", "integer", { readOnly: true, mandatory: true, min: 1, max: 255 }),
    a(2, "Node_Name", "string", { min: 1, max: 32 }),
    a(3, "Version", "string", { readOnly: true }),
    a(4, "Subscriber_Count", "integer", { readOnly: true }),
    a(5, "First_Number", "string", { readOnly: true }),
    a(6, "Last_Number", "string", { readOnly: true }),
    // The node's 4645 voice mail pilot, when it has one (calls forwarded to voice mail go there).
    a(7, "Voice_Mail_Number", "string", { readOnly: true }),
  ],
  actions: [],
  create: false,
  delete: false,
};

export const PIN_CONTROLS = [
  "PIN_Category",
  "PIN_Restricted_To_Owner_Set",
  "PIN_Universal_Access",
  "PIN_By_Group",
] as const;

export const OVERFLOW_VALUES = ["None", "Busy", "No_Answer", "Busy_No_Answer"] as const;

/** The languages a set can speak (ISO 639-1, as O2G's preferences name them). */
export const SET_LANGUAGES = ["en", "fr", "de", "es", "it", "nl", "pt"] as const;

export const SUBSCRIBER_CLASS: SchemaClass = {
  id: 2,
  name: "Subscriber",
  parent: "Node",
  namingAttribute: "Directory_Number",
  attributes: [
    a(1, "Directory_Number", "string", {
      mandatory: true,
      min: 1,
      max: 8,
      pattern: "^[0-9]+$",
      note: "a number of the numbering plan (as many digits as the node's numbers) that no one in the network has",
    }),
    a(2, "Annu_Name", "string", { mandatory: true, min: 1, max: 40 }),
    a(3, "Annu_First_Name", "string", { max: 40, defaultValue: "" }),
    a(4, "Station_Type", "enum", { mandatory: true, values: STATION_TYPES.map((t) => t.name) }),
    a(5, "Class_Of_Service", "integer", { min: 0, max: 63, defaultValue: 0 }),
    a(6, "Cost_Center", "integer", {
      min: 0,
      max: 999,
      defaultValue: 0,
      note: "0 (no cost center) or the number of an existing Cost_Center of the node",
    }),
    a(7, "Entity_Number", "integer", {
      min: 1,
      max: 99,
      defaultValue: 1,
      note: "the number of an existing Entity of the node",
    }),
    a(8, "Login_Name", "string", { readOnly: true }),
    a(9, "Password", "string", { min: 4, max: 8, pattern: "^[0-9]+$", writeOnly: true }),
    a(10, "Pin_Number", "string", {
      max: 8,
      pattern: "^[0-9]*$",
      defaultValue: "",
      note: "empty (no PIN) or 4 to 8 digits",
    }),
    a(11, "With_Secret_Code", "boolean", { defaultValue: false }),
    a(12, "Pin_Type_Of_Control", "enum", {
      values: [...PIN_CONTROLS],
      defaultValue: "PIN_Restricted_To_Owner_Set",
    }),
    a(13, "Pin_Group", "integer", { min: 0, max: 255, defaultValue: 0 }),
    a(14, "Locked", "boolean", { defaultValue: false }),
    a(15, "Camp_On", "boolean", { defaultValue: false }),
    a(16, "Associated_Set", "string", {
      max: 20,
      pattern: "^[0-9]*$",
      defaultValue: "",
      note: "another number than the set's own: a set cannot be its own associated set",
    }),
    a(17, "Remote_Extension_Active", "boolean", { defaultValue: false }),
    a(18, "Prog_Key_Count", "integer", { readOnly: true }),
    a(19, "Soft_Key_Count", "integer", { readOnly: true }),
    // Where the set's unanswered or busy calls go when no forward takes them: the node's voice mail.
    a(20, "Overflow_To_Voice_Mail", "enum", { values: [...OVERFLOW_VALUES], defaultValue: "None" }),
    // What O2G's Users service shows besides the names: the user's e-mail, the login they have
    // in an external directory, and the language the set speaks (its preferences).
    a(21, "E_Mail_Address", "string", {
      max: 64,
      pattern: "^([^@\\s]+@[^@\\s]+)?$",
      defaultValue: "",
      note: "empty (none) or an e-mail address",
    }),
    a(22, "External_Login", "string", { max: 64, defaultValue: "" }),
    a(23, "Language", "enum", { values: [...SET_LANGUAGES], defaultValue: "en" }),
  ],
  actions: [{ id: 1, name: "Check_Password" }],
};

export const KEY_FUNCTIONS = ["Not_Assigned", "Speed_Dial", "Supervision"] as const;

/**
 * A programmable key of a set: every position of the set's key field exists (an unprogrammed
 * one is Not_Assigned), so keys are set, never created or deleted.
 */
export const PROG_KEY_CLASS: SchemaClass = {
  id: 3,
  name: "Prog_Key",
  parent: "Subscriber",
  namingAttribute: "Key_Position",
  attributes: [
    a(1, "Key_Position", "integer", { readOnly: true, min: 1, max: 40 }),
    a(2, "Key_Function", "enum", {
      values: [...KEY_FUNCTIONS],
      defaultValue: "Not_Assigned",
      note: "a Not_Assigned key has neither number nor mnemonic: give the key's function with them",
    }),
    a(3, "Key_Number", "string", {
      max: 32,
      pattern: "^[0-9*#+]*$",
      defaultValue: "",
      note: "every key but a Not_Assigned one needs a Key_Number; a Supervision key's is the number of a subscriber",
    }),
    a(4, "Key_Mnemonic", "string", { max: 16, defaultValue: "" }),
    // Locked by the administrator: the user cannot reprogram it.
    a(5, "Key_Locked", "boolean", { defaultValue: false }),
  ],
  actions: [],
  create: false,
  delete: false,
};

export const SOFT_KEY_CLASS: SchemaClass = {
  id: 4,
  name: "Soft_Key",
  parent: "Subscriber",
  namingAttribute: "Key_Position",
  attributes: [
    a(1, "Key_Position", "integer", { readOnly: true, min: 1, max: 8 }),
    a(2, "Key_Number", "string", { max: 32, pattern: "^[0-9*#+]*$", defaultValue: "" }),
    a(3, "Key_Mnemonic", "string", { max: 16, defaultValue: "" }),
  ],
  actions: [],
  create: false,
  delete: false,
};

export const ENTITY_CLASS: SchemaClass = {
  id: 5,
  name: "Entity",
  parent: "Node",
  namingAttribute: "Entity_Number",
  attributes: [
    a(1, "Entity_Number", "integer", { mandatory: true, min: 1, max: 99 }),
    a(2, "Entity_Name", "string", { mandatory: true, min: 1, max: 32 }),
  ],
  actions: [],
};

export const COST_CENTER_CLASS: SchemaClass = {
  id: 6,
  name: "Cost_Center",
  parent: "Node",
  namingAttribute: "Cost_Center_Number",
  attributes: [
    a(1, "Cost_Center_Number", "integer", { mandatory: true, min: 1, max: 999 }),
    a(2, "Cost_Center_Name", "string", { mandatory: true, min: 1, max: 32 }),
  ],
  actions: [],
};

/**
 * The node's phone book of external numbers (suppliers, clients): what a directory search finds
 * besides the users. Maintained by the PBX administrator on the OXE itself; read-only here.
 */
export const PHONE_BOOK_ENTRY_CLASS: SchemaClass = {
  id: 7,
  name: "Phone_Book_Entry",
  parent: "Node",
  namingAttribute: "Entry_Id",
  attributes: [
    a(1, "Entry_Id", "integer", { readOnly: true, min: 1 }),
    a(2, "Entry_Name", "string", { readOnly: true, max: 40 }),
    a(3, "Entry_First_Name", "string", { readOnly: true, max: 40 }),
    a(4, "Entry_Number", "string", { readOnly: true, max: 32 }),
  ],
  actions: [],
  create: false,
  delete: false,
  set: false,
};

/**
 * A hunting group of the node: its number rings its members as its search mode says (see
 * model/hunting-groups.ts). Configured with the node (the seed makes them); its name and mode
 * can change, its members come and go as Hunt_Group_Member objects below it.
 */
export const HUNT_GROUP_CLASS: SchemaClass = {
  id: 8,
  name: "Hunt_Group",
  parent: "Node",
  namingAttribute: "Hunt_Group_Number",
  attributes: [
    a(1, "Hunt_Group_Number", "string", { readOnly: true, max: 8 }),
    a(2, "Hunt_Group_Name", "string", { min: 1, max: 32 }),
    a(3, "Hunt_Group_Type", "enum", { values: [...HUNT_MODES] }),
    a(4, "Member_Count", "integer", { readOnly: true }),
  ],
  actions: [],
  create: false,
  delete: false,
};

/**
 * A set in a hunting group, in search order (Member_Position). Logged_On is the member's own
 * log on / log off of the group (the set's prefix on an OXE): a logged-off member is skipped.
 */
export const HUNT_GROUP_MEMBER_CLASS: SchemaClass = {
  id: 9,
  name: "Hunt_Group_Member",
  parent: "Hunt_Group",
  namingAttribute: "Member_Number",
  attributes: [
    a(1, "Member_Number", "string", {
      mandatory: true,
      min: 1,
      max: 8,
      pattern: "^[0-9]+$",
      note: "a set of the group's node that is in no hunting group yet",
    }),
    a(2, "Member_Position", "integer", { readOnly: true }),
    a(3, "Logged_On", "boolean", { defaultValue: true }),
  ],
  actions: [],
};

export const CLASSES: readonly SchemaClass[] = [
  OBJECT_MODEL_CLASS,
  NODE_CLASS,
  SUBSCRIBER_CLASS,
  PROG_KEY_CLASS,
  SOFT_KEY_CLASS,
  ENTITY_CLASS,
  COST_CENTER_CLASS,
  PHONE_BOOK_ENTRY_CLASS,
  HUNT_GROUP_CLASS,
  HUNT_GROUP_MEMBER_CLASS,
  ...CCD_CLASSES,
  ...CCD_RTI_CLASSES,
  RSI_POINT_CLASS,
];

const BY_ID = new Map(CLASSES.map((c) => [c.id, c]));
const BY_NAME = new Map(CLASSES.map((c) => [c.name, c]));

export function classById(id: number): SchemaClass | undefined {
  return BY_ID.get(id);
}

export function classByName(name: string): SchemaClass | undefined {
  return BY_NAME.get(name);
}

export function attr(cls: SchemaClass, name: string): SchemaAttribute {
  const x = cls.attributes.find((y) => y.name === name);
  if (!x) throw new Error(`${cls.name} has no attribute ${name}`);
  return x;
}

/**
 * Soft keys (the display's context keys a user may program) per station type. The OXE's figures
 * per set are not published; these follow the size of each set's display.
 */
const SOFT_KEYS: Readonly<Record<string, number>> = {
  "ALE-500": 8,
  "ALE-400": 6,
  "ALE-300": 4,
  IPTouch8068: 8,
  IPTouch8038: 6,
  IP_Desktop_Softphone: 8,
};

export function softKeyCount(stationType: string): number {
  return SOFT_KEYS[stationType] ?? 0;
}
